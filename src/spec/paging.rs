//! Page sizes and the wire form of list responses (section E, J Q5).

use super::operation::Operation;

/// ListAliases' default page size (BC doc; recorded in J Q5: truncated pages had 50).
pub const LIST_ALIASES_DEFAULT: usize = 50;
/// ListAliases' largest page (BC doc "between 1 and 100"; the model allows a
/// Limit up to 1000, which AWS accepts (J Q5), so larger limits are capped).
pub const LIST_ALIASES_MAX: usize = 100;
/// ListKeys' default page size (BC ListKeys doc: default 100, range 1..1000).
pub const LIST_KEYS_DEFAULT: usize = 100;

/// How many entries a page holds for `op` given the request's `Limit`
/// (already checked against the model range by `check_input`).
pub fn page_size(op: Operation, limit: Option<i64>) -> usize {
    let limit = limit
        .and_then(|l| usize::try_from(l).ok())
        .filter(|l| *l >= 1);
    match op {
        Operation::ListAliases => limit.unwrap_or(LIST_ALIASES_DEFAULT).min(LIST_ALIASES_MAX),
        _ => limit.unwrap_or(LIST_KEYS_DEFAULT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_caps() {
        assert_eq!(page_size(Operation::ListAliases, None), 50);
        assert_eq!(page_size(Operation::ListAliases, Some(7)), 7);
        assert_eq!(page_size(Operation::ListAliases, Some(1000)), 100);
        assert_eq!(page_size(Operation::ListKeys, None), 100);
        assert_eq!(page_size(Operation::ListKeys, Some(1000)), 1000);
    }
}
