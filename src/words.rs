//! Numbers written for people (the report's prose), shared by the metrics that word their
//! evidence and by the renderers.

/// `n` and the noun that agrees with it: `count(1, "item", "items")` is "1 item",
/// `count(2, "item", "items")` "2 items".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Format a float for people: two decimals at most (one above 10, none above 1000),
/// trailing zeros dropped. Used by the Markdown and HTML renderers; CSV and JSON keep 6.
pub fn human(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let d = if x.abs() >= 1000.0 {
        0
    } else if x.abs() >= 10.0 {
        1
    } else if x.abs() >= 0.005 || x == 0.0 {
        2
    } else {
        // A small figure that two decimals would print as 0 (a p85 cycle time of 16 seconds
        // read "within 0 days"): one significant digit, so it never reads as none.
        (-x.abs().log10()).ceil().clamp(2.0, 12.0) as usize
    };
    let s = format!("{x:.d$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}
