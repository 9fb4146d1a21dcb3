//! What a part of the report contributes: its tables, chart jobs, takeaways and sections
//! (each part returns one [`Parts`]; the builder joins them).

use super::{Section, Table, Takeaway};
use crate::chart::{Chart, ChartError};

/// A chart to render (rendered in parallel by the builder).
pub type ChartJob = Box<dyn FnOnce() -> Result<Chart, ChartError> + Send>;

/// Everything this part adds to the report.
#[derive(Default)]
pub struct Parts {
    /// Tables.
    pub tables: Vec<Table>,
    /// Charts to render.
    pub charts: Vec<ChartJob>,
    /// Takeaways.
    pub takeaways: Vec<Takeaway>,
    /// Sections, in order.
    pub sections: Vec<Section>,
    /// (team, item, age − p85) of the at-risk items, for the aging blocker.
    pub aging_over: Vec<(String, String, f64)>,
}
