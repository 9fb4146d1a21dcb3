//! What a part of the report contributes: its tables, chart jobs, takeaways and sections
//! (each part returns one [`Parts`]; the builder joins them).

use super::{Section, Table, Takeaway};
use crate::chart::{Chart, ChartError};

/// A chart to render (rendered in parallel by the builder).
pub type ChartJob = Box<dyn FnOnce() -> Result<Chart, ChartError> + Send + Sync>;

/// Everything this part adds to the report.
#[derive(Default)]
pub struct Parts {
    /// Tables.
    pub tables: Vec<Table>,
    /// Tables written as runs.
    pub run_tables: Vec<super::RunTable>,
    /// Tables written from weekly counts.
    pub week_tables: Vec<super::WeekTable>,
    /// Charts to render.
    pub charts: Vec<ChartJob>,
    /// Takeaways.
    pub takeaways: Vec<Takeaway>,
    /// Sections, in order.
    pub sections: Vec<Section>,
    /// (team, item, age − p85) of the at-risk items, for the aging blocker.
    pub aging_over: Vec<(String, String, f64)>,
}

impl Parts {
    /// A part of one section, with its table and chart if any.
    pub fn one(section: Section, table: Option<Table>, chart: Option<ChartJob>) -> Parts {
        Parts {
            tables: table.into_iter().collect(),
            charts: chart.into_iter().collect(),
            sections: vec![section],
            ..Parts::default()
        }
    }

    /// The parts of a declared list joined: tables, charts, takeaways and sections in list
    /// order (the report orders sections by its `SECTION_ORDER`).
    pub fn join(parts: impl IntoIterator<Item = Parts>) -> Parts {
        let mut all = Parts::default();
        for p in parts {
            all.tables.extend(p.tables);
            all.run_tables.extend(p.run_tables);
            all.week_tables.extend(p.week_tables);
            all.charts.extend(p.charts);
            all.takeaways.extend(p.takeaways);
            all.sections.extend(p.sections);
            all.aging_over.extend(p.aging_over);
        }
        all
    }
}
