//! Results as data: the report model that `run` fills in and every view
//! reads (console findings, JUnit, JSON, Markdown, HTML), the normalisation
//! that gives one behaviour one signature, and the grouping into findings.

pub use findings::{group, summarise};
pub use model::*;
pub use normalise::Normaliser;

pub mod findings;
pub mod model;
pub mod normalise;
