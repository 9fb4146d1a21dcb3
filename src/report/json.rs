//! `summary.json`: the headline figures of INTERFACE.md, pretty-printed, keys in schema order.

use super::{Renderer, Report};

/// Renders `summary.json`.
pub struct Json;

impl Renderer for Json {
    fn render(&self, report: &Report) -> anyhow::Result<Vec<u8>> {
        let mut v = serde_json::to_vec_pretty(&report.summary)?;
        v.push(b'\n');
        Ok(v)
    }
}
