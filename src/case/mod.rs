//! Case files: the format model, its loader, variables and matchers.

pub use error::{did_you_mean, LoadError, LoadErrorKind};
pub use load::{load_dir, load_files, load_str};
pub use model::*;
pub use schema::json_schema;

pub mod error;
pub mod format;
pub mod load;
pub mod matchers;
pub mod model;
pub mod schema;
pub mod vars;
pub(crate) mod yaml;
