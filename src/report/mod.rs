//! Results as data: the report model that `run` fills in and every view
//! reads (console findings, JUnit, JSON, Markdown, HTML).
//!
//! `model` is the format; `read` loads and checks report files; `matrix`
//! merges several reports into what the views share (unique column labels,
//! the clause × target matrix of worst verdicts); `html` and `markdown` lay
//! that out; `sample` makes reports for tests and the docs screenshot.

pub use model::*;

pub mod html;
pub mod markdown;
pub mod matrix;
pub mod model;
pub mod read;
pub mod sample;
