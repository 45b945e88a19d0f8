//! Results as data: the report model that `run` fills in and every view
//! reads (console findings, JUnit, JSON, Markdown, HTML).

pub use model::*;

pub mod model;
