//! `eventually`: the retry policy of a step, and durations.

use std::time::Duration;

use super::super::model::Eventually;
use super::super::yaml::{Kind, Node};
use super::cx::{Cx, R};

/// Keys of `eventually`.
pub(crate) const EVENTUALLY_KEYS: &[&str] = &["timeout", "interval"];

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);

impl Cx<'_> {
    /// An `eventually` mapping.
    pub(super) fn eventually(&self, node: &Node, path: &str) -> R<Eventually> {
        let f = self.fields(node, path, EVENTUALLY_KEYS)?;
        let timeout = match f.get("timeout") {
            Some(n) => self.duration(n, &f.path("timeout"))?,
            None => DEFAULT_TIMEOUT,
        };
        let interval = match f.get("interval") {
            Some(n) => self.duration(n, &f.path("interval"))?,
            None => DEFAULT_INTERVAL,
        };
        if interval.is_zero() {
            let n = f.get("interval").unwrap_or(node);
            return Err(self.invalid(n, &f.path("interval"), "the interval must be above zero"));
        }
        Ok(Eventually { timeout, interval })
    }

    fn duration(&self, node: &Node, field: &str) -> R<Duration> {
        let expected = "a duration such as `500ms`, `2s`, `1m`, or a number of seconds";
        let secs = match &node.kind {
            Kind::Number(n) => n.as_f64(),
            Kind::Str(s) => parse_duration(s),
            _ => return Err(self.wrong_type(node, field, expected)),
        };
        match secs {
            Some(s) if (0.0..1e9).contains(&s) => Ok(Duration::from_secs_f64(s)),
            _ => Err(self.invalid(node, field, format!("expected {expected}"))),
        }
    }
}

/// `500ms`, `2s`, `1.5m`, `1h` or a bare number of seconds.
fn parse_duration(s: &str) -> Option<f64> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = s.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (s, 1.0)
    };
    num.trim().parse::<f64>().ok().map(|n| n * scale)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{fixme, load};
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms"), Some(0.5));
        assert_eq!(parse_duration("2s"), Some(2.0));
        assert_eq!(parse_duration("1m"), Some(60.0));
        assert_eq!(parse_duration("3"), Some(3.0));
        assert_eq!(parse_duration("soon"), None);
        let steps = "{op: ListAliases, eventually: {timeout: 1.5}}, {expect: {}}";
        let f = load(&format!("cases: [{{name: a, steps: [{steps}]}}]")).unwrap();
        let ev = f.cases[0].steps[0].eventually.unwrap();
        assert_eq!(ev.timeout, Duration::from_millis(1500));
        assert_eq!(ev.interval, DEFAULT_INTERVAL);
        assert!(
            fixme("cases: [{name: a, steps: [{op: ListKeys, eventually: {interval: 0}}]}]")
                .contains("above zero")
        );
    }
}
