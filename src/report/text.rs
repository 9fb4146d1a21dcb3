//! Untrusted text stays text: escaping for HTML and Markdown, neutralising spreadsheet
//! formulas in CSV, and the one number format used by every renderer.

/// Escape text for HTML element content and attribute values.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape text for a Markdown table cell or paragraph: HTML-significant characters are
/// entity-escaped (GitHub renders inline HTML), Markdown punctuation is backslash-escaped,
/// and line breaks become spaces.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' | '*' | '_' | '`' | '[' | ']' | '\\' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Neutralise a text cell that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`,
/// tab or carriage return first) by prefixing a single quote.
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{s}")),
        _ => std::borrow::Cow::Borrowed(s),
    }
}

/// Format a float with at most 6 decimals, no trailing zeros, no `-0`.
pub fn num(x: f64) -> String {
    let mut s = String::new();
    num_into(&mut s, x);
    s
}

/// [`num`] appended to `out`. The value rounded to 6 decimals is an integer count of
/// millionths; below 10^15 millionths its decimal text is exact, so it is written from the
/// integer without float formatting (same text as `format!("{:.6}")`, trimmed).
pub fn num_into(out: &mut String, x: f64) {
    use std::fmt::Write;
    if !x.is_finite() {
        return;
    }
    let n = (x * 1e6).round();
    if n.abs() >= 1e15 {
        let s = format!("{:.6}", super::r6(x));
        let s = s.trim_end_matches('0').trim_end_matches('.');
        out.push_str(if s == "-0" { "0" } else { s });
        return;
    }
    let n = n as i64;
    if n < 0 {
        out.push('-');
    }
    let a = n.unsigned_abs();
    let _ = write!(out, "{}", a / 1_000_000);
    let mut frac = a % 1_000_000;
    if frac != 0 {
        let mut digits = 6;
        while frac % 10 == 0 {
            frac /= 10;
            digits -= 1;
        }
        let _ = write!(out, ".{frac:0digits$}");
    }
}

pub use crate::words::human;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_num_is_the_formatted_text() {
        let reference = |x: f64| -> String {
            if !x.is_finite() {
                return String::new();
            }
            let s = format!("{:.6}", crate::report::r6(x));
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" {
                "0".into()
            } else {
                s.to_string()
            }
        };
        let mut v: Vec<f64> = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.5,
            1e-7,
            -1e-7,
            4e-7,
            5e-7,
            0.1234565,
            2.675,
            1e9,
            1e15,
            -3.25e12,
            123456.000001,
            f64::NAN,
            f64::INFINITY,
            0.000001,
            10.0,
            100.5,
        ];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..300_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mantissa = (x >> 11) as f64 / (1u64 << 53) as f64;
            let scale = 10f64.powi((x % 13) as i32 - 3);
            let sign = if x & 1 == 0 { 1.0 } else { -1.0 };
            v.push(sign * mantissa * scale);
            v.push((sign * mantissa * scale * 1e6).round() / 1e6);
        }
        for x in v {
            assert_eq!(num(x), reference(x), "{x:e}");
        }
    }

    #[test]
    fn escapes_and_neutralises() {
        assert_eq!(
            html("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            html("</svg><img src=x onerror='a'>"),
            "&lt;/svg&gt;&lt;img src=x onerror=&#39;a&#39;&gt;"
        );
        assert_eq!(markdown("a|b <b>"), "a\\|b &lt;b&gt;");
        assert_eq!(csv_safe("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_safe("@x"), "'@x");
        assert_eq!(csv_safe("In Progress"), "In Progress");
        assert_eq!(num(1.5), "1.5");
        assert_eq!(num(2.0), "2");
        assert_eq!(num(0.1234567), "0.123457");
        assert_eq!(num(-0.0000001), "0");
        assert_eq!(human(15.014433), "15");
        assert_eq!(human(8.676435), "8.68");
        assert_eq!(human(0.787267), "0.79");
        assert_eq!(human(1234.56), "1235");
        // Small figures keep one significant digit instead of reading as 0.
        assert_eq!(human(0.000185), "0.0002");
        assert_eq!(human(0.0042), "0.004");
        assert_eq!(human(0.0049), "0.005");
        assert_eq!(human(0.005), "0.01");
        assert_eq!(human(-0.0003), "-0.0003");
        assert_eq!(human(0.0), "0");
        assert_eq!(human(-0.0), "0");
    }
}
