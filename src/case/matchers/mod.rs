//! Matchers: one file per matcher, dispatched from `check.rs`; captures read
//! values back out of responses.

pub use capture::{capture, parse_capture_path, CapturePath, PathStep};
pub use check::{check, check_header, describe, Mismatch};

mod absent;
mod any_of;
mod array;
mod capture;
mod check;
mod compare;
mod contains;
mod exact;
mod excludes;
mod len;
mod ne;
mod present;
mod regex;
mod subset;
mod type_of;
