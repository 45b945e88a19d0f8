//! Case files: the format model, its loader, variables and matchers.

pub use error::{did_you_mean, LoadError, LoadErrorKind};
pub use model::*;

pub mod error;
pub mod matchers;
pub mod model;
pub mod vars;
mod yaml;
