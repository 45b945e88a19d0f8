//! Requests and responses as bytes, independent of any HTTP library.

use bytes::Bytes;

/// An HTTP request as the service sees it.
#[derive(Debug, Clone, Default)]
pub struct RawRequest {
    /// The method, e.g. `POST`.
    pub method: String,
    /// The request target (path and query), e.g. `/`.
    pub path: String,
    /// Header names and values, in arrival order; names compare case-insensitively.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl RawRequest {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path without its query string.
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or("")
    }
}

/// An HTTP response as the service produces it.
#[derive(Debug, Clone, Default)]
pub struct RawResponse {
    /// The status code.
    pub status: u16,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Bytes,
}

impl RawResponse {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}
