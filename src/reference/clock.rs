//! Timestamps: epoch milliseconds, sent as epoch seconds with a fraction
//! (`1593622000.191`, the JSON protocol's timestamp form, section E).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A point in time, in milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp(pub u64);

impl Stamp {
    /// The JSON number AWS sends: seconds with millisecond precision.
    pub fn json(self) -> serde_json::Value {
        serde_json::Number::from_f64(self.0 as f64 / 1000.0)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }

    /// This stamp plus whole days.
    pub fn plus_days(self, days: i64) -> Stamp {
        let ms = u64::try_from(days).unwrap_or(0) * 86_400_000;
        Stamp(self.0.saturating_add(ms))
    }
}

/// A clock whose stamps strictly increase, so that an UpdateAlias right
/// after a CreateAlias still moves LastUpdatedDate forward.
#[derive(Debug, Default)]
pub struct Clock {
    last: AtomicU64,
}

impl Clock {
    /// The next stamp: `max(now, last + 1 ms)`.
    pub fn stamp(&self) -> Stamp {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let next = now.max(last + 1);
            match self
                .last
                .compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return Stamp(next),
                Err(seen) => last = seen,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_strictly_increase() {
        let c = Clock::default();
        let mut prev = c.stamp();
        for _ in 0..10_000 {
            let s = c.stamp();
            assert!(s > prev);
            prev = s;
        }
    }

    #[test]
    fn json_has_millisecond_precision() {
        assert_eq!(
            Stamp(1_593_622_000_191).json().to_string(),
            "1593622000.191"
        );
        assert_eq!(Stamp(1_593_622_000_000).json().to_string(), "1593622000.0");
    }
}
