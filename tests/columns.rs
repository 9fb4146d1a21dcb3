//! Output column names are declared once (`TableId::columns`, beside the part that writes
//! each table; `report::csv::ITEM_COLUMNS`) and every CSV written carries exactly them: the
//! tests read columns through these names, never through a copy.

use assert_cmd::Command;
use flowaudit::report::csv::ITEM_COLUMNS;
use flowaudit::report::TableId;
use std::path::Path;

fn header(path: &Path) -> Vec<String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.headers().unwrap().iter().map(str::to_string).collect()
}

#[test]
fn every_table_written_has_its_declared_columns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    // Two quarters: the trend tables too, and the comparison with the previous period.
    let o = Command::cargo_bin("flowaudit")
        .unwrap()
        .arg("audit")
        .arg(&sample)
        .args(["--quarters", "2024Q1..2024Q2", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(header(&out.join("items.csv")), ITEM_COLUMNS);
    let mut seen = 0;
    for t in TableId::ALL {
        let path = out.join("tables").join(format!("{}.csv", t.name()));
        if !path.exists() {
            // Jira CSV's own time in status: only with a Jira CSV export.
            assert!(
                matches!(
                    t,
                    TableId::JiraTimeInStatus | TableId::JiraTimeInStatusTotals
                ),
                "{t:?}"
            );
            continue;
        }
        assert_eq!(header(&path), t.columns(), "{t:?}");
        seen += 1;
    }
    assert_eq!(seen, TableId::ALL.len() - 2);
    // Every file in tables/ is a declared table.
    for f in std::fs::read_dir(out.join("tables")).unwrap() {
        let name = f
            .unwrap()
            .file_name()
            .to_string_lossy()
            .trim_end_matches(".csv")
            .to_string();
        assert!(TableId::ALL.iter().any(|t| t.name() == name), "{name}");
    }
    // A column looked up by its declared name: the trend's verdicts.
    let changes = out.join("tables/trend_changes.csv");
    let cols = TableId::TrendChanges.columns();
    let verdict = cols.iter().position(|c| *c == "verdict").unwrap();
    let mut r = csv::Reader::from_path(&changes).unwrap();
    let verdicts: Vec<String> = r
        .records()
        .map(|x| x.unwrap()[verdict].to_string())
        .collect();
    assert!(verdicts.iter().all(|v| [
        "better",
        "worse",
        "no clear change",
        "too few items to tell"
    ]
    .contains(&v.as_str())));
}
