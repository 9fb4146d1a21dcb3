//! # flowaudit
//!
//! Audits how product and engineering teams work, from the exports they already have:
//! cycle and lead times, flow efficiency, throughput, handoffs (with ping-pong), rework and
//! process consistency, per team. *Help people think less to think more.*
//!
//! Data flows one way (see `docs/ARCHITECTURE.md`):
//! [`ingest`] (files → canonical events, [`model`]) → [`timeline`] (per-item status,
//! assignee and team timelines) → [`metrics`] (one metric per file) → [`report`] (the model
//! and its pure renderers, [`chart`]) → [`app`] (the only place that writes files).
//!
//! ```
//! use flowaudit::status::pattern_category;
//! use flowaudit::model::Category;
//! assert_eq!(pattern_category("Ready for Review", false), Some(Category::Waiting));
//! ```
#![warn(missing_docs)]

pub mod app;
pub mod chart;
pub mod cli;
pub mod compare;
pub mod config;
pub mod error;
pub mod generate;
pub mod ingest;
pub mod init;
pub mod log_kind;
pub mod memory;
pub mod metrics;
pub mod model;
pub mod name;
pub mod report;
pub mod rng;
pub mod status;
pub mod time;
pub mod time_formats;
pub mod timeline;
pub mod warning;
pub mod words;
