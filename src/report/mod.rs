//! Results as data: the report model that `run` fills in and every view
//! reads (console findings, JUnit, JSON, Markdown, HTML).
//!
//! `model` is the format; `normalise` gives one behaviour one signature;
//! `findings` groups cases by signature; `read` loads and checks report
//! files; `matrix` merges several reports into what the views share (unique
//! column labels, the clause × target matrix of worst verdicts); `html` and
//! `markdown` lay that out; `sample` makes reports for tests and the docs
//! screenshot.

pub use findings::{group, summarise};
pub use model::*;
pub use normalise::Normaliser;

pub mod coverage;
pub mod findings;
pub mod html;
pub mod markdown;
pub mod matrix;
pub mod model;
pub mod normalise;
pub mod read;
pub mod sample;
