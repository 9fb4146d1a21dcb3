//! The business case (METRICS.md §13) end to end on the seeded organisation with planted
//! tool sprawl: the licence components equal sums computed here independently from the
//! inventory, to the cent; halving or doubling an assumption moves only its own component;
//! no money figure appears without its basis.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn run(org: &Path, config: &str, out: &Path) -> Value {
    let cfg = out.with_extension("toml");
    std::fs::write(&cfg, config).unwrap();
    let o = Command::cargo_bin("flowaudit")
        .unwrap()
        .arg("audit")
        .arg(org)
        .arg("--config")
        .arg(&cfg)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
}

/// (component, team) → (low, value, high, unit, basis) from tables/business_case.csv.
type Rows = BTreeMap<(String, String), Vec<(f64, f64, f64, String, String)>>;

fn rows(out: &Path) -> Rows {
    let mut r = csv::Reader::from_path(out.join("tables/business_case.csv")).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["component", "team", "basis", "low", "value", "high", "unit"]
    );
    let mut m: Rows = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        m.entry((rec[0].to_string(), rec[1].to_string()))
            .or_default()
            .push((
                rec[3].parse().unwrap(),
                rec[4].parse().unwrap(),
                rec[5].parse().unwrap(),
                rec[6].to_string(),
                rec[2].to_string(),
            ));
    }
    m
}

fn total(rows: &Rows, component: &str) -> f64 {
    rows.iter()
        .filter(|((c, t), _)| c == component && t != "*")
        .flat_map(|(_, v)| v.iter().map(|x| x.1))
        .sum()
}

#[test]
fn licence_savings_match_the_inventory_and_assumptions_move_only_their_component() {
    let dir = tempfile::tempdir().unwrap();
    let org = dir.path().join("org");
    let g = Command::cargo_bin("flowaudit")
        .unwrap()
        .args(["generate", "--scenario", "sprawl", "--out"])
        .arg(&org)
        .output()
        .unwrap();
    assert!(g.status.success());

    // Independently, from tools.csv: per team × tool sums; the main tool of a category with
    // ≥ 2 tools has the most seats (then active users, then name).
    let mut inv = csv::Reader::from_path(org.join("tools.csv")).unwrap();
    let mut tt: BTreeMap<(String, String), (String, f64, f64, f64)> = BTreeMap::new();
    for rec in inv.records() {
        let rec = rec.unwrap();
        let e = tt
            .entry((rec[0].to_string(), rec[1].to_string()))
            .or_insert((rec[2].to_string(), 0.0, 0.0, 0.0));
        e.1 += rec[3].parse::<f64>().unwrap();
        e.2 += rec[4].parse::<f64>().unwrap();
        e.3 += rec[5].parse::<f64>().unwrap();
    }
    let mut per_tool: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
    for ((_, tool), (cat, seats, active, _)) in &tt {
        let e = per_tool.entry((cat.clone(), tool.clone())).or_default();
        e.0 += seats;
        e.1 += active;
    }
    let mut main: BTreeMap<String, (String, f64, f64)> = BTreeMap::new();
    let mut tools_in: BTreeMap<String, usize> = BTreeMap::new();
    for ((cat, tool), (s, a)) in &per_tool {
        *tools_in.entry(cat.clone()).or_default() += 1;
        let better = match main.get(cat) {
            None => true,
            Some((t, bs, ba)) => (s, a) > (bs, ba) || ((s, a) == (bs, ba) && tool < t),
        };
        if better {
            main.insert(cat.clone(), (tool.clone(), *s, *a));
        }
    }
    let (mut unused, mut consolidation) = (0.0, 0.0);
    for ((_, tool), (cat, seats, active, cost)) in &tt {
        if tools_in[cat] >= 2 && main[cat].0 != *tool {
            consolidation += cost;
        } else if *seats > 0.0 {
            unused += (seats - active).max(0.0) * cost / seats;
        }
    }
    assert!(
        consolidation > 0.0,
        "the sprawl scenario plants fragmented categories"
    );

    let base = "[business_case]\nrole_annual_cost = 90000\nhourly_cost = 75\ncurrency = \"EUR\"\n";
    let a = dir.path().join("a");
    let s = run(&org, base, &a);
    let r = rows(&a);
    let cent = |x: f64, y: f64| (x - y).abs() < 0.005;
    assert!(
        cent(total(&r, "unused_seats"), unused),
        "{} vs {unused}",
        total(&r, "unused_seats")
    );
    assert!(cent(total(&r, "consolidation"), consolidation));
    let licence = s["business_case"]["licence_savings"].as_f64().unwrap();
    assert!(cent(licence, unused + consolidation), "{licence}");
    assert_eq!(s["business_case"]["currency"], "EUR");
    let cov = s["business_case"]["coverage"].as_array().unwrap();
    // Coverage is a share, written with 6 decimals.
    assert!((cov[0].as_f64().unwrap() - licence / 90_000.0).abs() < 1e-6);
    // Every money figure has its basis.
    for ((c, t), v) in &r {
        for (_, _, _, unit, basis) in v {
            assert!(!basis.is_empty(), "{c} {t} {unit}");
        }
    }
    let md = std::fs::read_to_string(a.join("report.md")).unwrap();
    let at = md
        .find("## Business case")
        .expect("a Business case section");
    assert!(at > md.find("## The product-operations verdict").unwrap());
    assert!(
        md[at..].contains("The measured licence savings alone cover"),
        "{}",
        &md[at..]
    );
    assert!(a.join("charts/business_case.svg").exists());

    // Doubling hours_per_handoff doubles handoff_time and handoff_cost, nothing else.
    let b = dir.path().join("b");
    run(&org, &format!("{base}hours_per_handoff = 1.0\n"), &b);
    let r2 = rows(&b);
    for (k, v) in &r {
        let w = &r2[k];
        for (x, y) in v.iter().zip(w) {
            if k.0 == "handoff_time" || k.0 == "handoff_cost" {
                assert!(cent(y.1, 2.0 * x.1), "{k:?}: {} → {}", x.1, y.1);
            } else {
                assert_eq!((x.0, x.1, x.2), (y.0, y.1, y.2), "{k:?} moved");
            }
        }
    }
}
