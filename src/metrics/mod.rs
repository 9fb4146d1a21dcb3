//! Metrics (METRICS.md §3–§6): one metric per file, each a pure function with its exact
//! definition in the file's doc comment and its tests beside it.
//!
//! [`items::compute`] runs the per-item metrics over the sorted event frame and returns
//! one [`items::ItemRecord`] per item; the aggregate metrics (percentiles, throughput, flow
//! efficiency, rates) work on those records.

pub mod aging;
pub mod backward_moves;
pub mod blockers;
pub mod business_case;
pub mod case_duration;
pub mod consistency;
pub mod cumulative_flow;
pub mod cycle_time;
pub mod end_activities;
pub mod evidence;
pub mod finish_window;
pub mod flow_efficiency;
pub mod forecast;
pub mod handoff_cost;
pub mod handoffs;
pub mod items;
pub mod lead_time;
pub mod lifecycle;
pub mod percentiles;
pub mod ping_pong;
pub mod reopens;
pub mod signals;
pub mod status_trace;
pub mod throughput;
pub mod time_in_status;
pub mod tool_sprawl;
pub mod trend;
