//! Case files: the format model, its loader, variables and matchers.

pub use model::*;

pub mod model;
