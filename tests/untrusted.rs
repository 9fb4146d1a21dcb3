//! Untrusted text stays text: names from the data are escaped in report.html (charts
//! included) and report.md, and CSV cells that a spreadsheet would run as a formula are
//! neutralised with a leading `'`.

use assert_cmd::Command;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "</svg><img src=x onerror=alert(1)>";

#[test]
fn names_from_the_data_are_escaped_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("events.csv");
    let rows = [
        format!("A,2024-01-01T00:00:00Z,{SCRIPT},\"{IMG}\",\"=cmd|' /C calc'!A0\""),
        "A,2024-01-02T00:00:00Z,In Progress,Other,+bob".to_string(),
        format!("A,2024-01-03T00:00:00Z,Done,\"{IMG}\",@carol"),
        format!("B,2024-01-01T00:00:00Z,{SCRIPT},-team,bob"),
        "B,2024-01-02T00:00:00Z,In Progress,=HYPERLINK(1),bob".to_string(),
        "B,2024-01-05T00:00:00Z,Done,-team,bob".to_string(),
        "=1+1,2024-01-01T00:00:00Z,In Progress,-team,bob".to_string(),
    ];
    std::fs::write(
        &input,
        format!(
            "item_id,timestamp,status,team,assignee\n{}\n",
            rows.join("\n")
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("flowaudit")
        .unwrap()
        .arg("audit")
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    let mut checked = 0;
    for e in walk(&out) {
        let name = e.to_string_lossy().into_owned();
        let rendered = name.ends_with(".html") || name.ends_with(".md") || name.ends_with(".svg");
        if !rendered {
            continue;
        }
        let text = std::fs::read_to_string(&e).unwrap();
        assert!(!text.contains("<script"), "{name}: raw <script>");
        assert!(!text.contains("<img"), "{name}: raw <img");
        assert!(!text.contains("onerror=alert(1)>"), "{name}: raw attribute");
        checked += 1;
    }
    assert!(checked > 3);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the status is shown, escaped"
    );
    // CSV: a cell starting with = + - @ is prefixed with '.
    let items = std::fs::read_to_string(out.join("items.csv")).unwrap();
    assert!(items.contains("'=1+1,"), "{items}");
    assert!(!items.lines().any(|l| l.starts_with('=')), "{items}");
    let mut tables = 0;
    for e in walk(&out.join("tables")) {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(&e)
            .unwrap();
        for rec in r.records() {
            for cell in rec.unwrap().iter() {
                let bad = cell.starts_with(['=', '+', '@'])
                    || (cell.starts_with('-') && cell.parse::<f64>().is_err());
                assert!(!bad, "{}: unneutralised cell {cell:?}", e.display());
            }
        }
        tables += 1;
    }
    assert!(tables > 3);
    let teams = std::fs::read_to_string(out.join("tables/teams.csv")).unwrap();
    assert!(teams.contains("'-team"), "{teams}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path())
            } else {
                out.push(e.path())
            }
        }
    }
    out.sort();
    out
}
