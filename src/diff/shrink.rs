//! Shrinking a divergent sequence: fewest steps, then fewest members, then
//! shortest strings, keeping the divergence (the same signature). Every
//! attempt is a fresh run on both sides with names of its own, cleaned up
//! like any other.

use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::Value;

use super::action::{Action, Payload};
use super::trial::{self, Outcome, StepOver, Where};
use crate::report::Normaliser;
use crate::runner::Target;

/// A shrunk sequence and the run that shows its divergence.
pub struct Shrunk {
    /// The actions, the last the divergent one.
    pub actions: Vec<Action>,
    /// Its latest run.
    pub outcome: Outcome,
    /// Runs spent shrinking.
    pub attempts: u32,
}

/// What a shrinking run needs.
pub struct Shrinker<'a> {
    /// The target.
    pub target: &'a Target,
    /// Where it is.
    pub at: &'a Where,
    /// Signatures are made with it.
    pub norm: &'a Normaliser,
    /// The sequence's number (names attempts).
    pub index: u64,
    /// Most runs to spend.
    pub budget: u32,
    /// Other divergences to step over, as the campaign does.
    pub over: &'a dyn StepOver,
    /// Set on Ctrl-C: shrinking stops with what it has.
    pub stop: &'a AtomicBool,
}

impl Shrinker<'_> {
    /// `actions` (which diverge with `signature` at their last action, as
    /// `outcome` shows) made as small as the budget allows.
    pub async fn shrink(&self, actions: Vec<Action>, outcome: Outcome, signature: &str) -> Shrunk {
        let mut best = Shrunk {
            actions,
            outcome,
            attempts: 0,
        };
        // Steps: halves, quarters, ... single steps, never the last.
        let mut size = best.actions.len() / 2;
        while size >= 1 && self.more(&best) {
            let mut start = 0;
            while start + 1 < best.actions.len() && self.more(&best) {
                let end = (start + size).min(best.actions.len() - 1);
                let mut candidate = best.actions.clone();
                candidate.drain(start..end);
                if !self.keep(&mut best, candidate, signature).await {
                    start = end;
                }
            }
            size /= 2;
        }
        // Members, one at a time.
        let mut i = 0;
        while i < best.actions.len() && self.more(&best) {
            let members: Vec<String> = match &best.actions[i].payload {
                Payload::Json(Value::Object(m)) => m.keys().cloned().collect(),
                _ => Vec::new(),
            };
            for member in members {
                if !self.more(&best) {
                    break;
                }
                let mut candidate = best.actions.clone();
                if let Payload::Json(Value::Object(m)) = &mut candidate[i].payload {
                    m.remove(&member);
                }
                self.keep(&mut best, candidate, signature).await;
            }
            i += 1;
        }
        // Strings that are not templates: halve them while it still diverges.
        let mut i = 0;
        while i < best.actions.len() && self.more(&best) {
            let members: Vec<String> = match &best.actions[i].payload {
                Payload::Json(Value::Object(m)) => m
                    .iter()
                    .filter(|(_, v)| v.as_str().is_some_and(|s| s.len() > 1 && !s.contains("${")))
                    .map(|(k, _)| k.clone())
                    .collect(),
                _ => Vec::new(),
            };
            for member in members {
                loop {
                    if !self.more(&best) {
                        break;
                    }
                    let mut candidate = best.actions.clone();
                    let Payload::Json(Value::Object(m)) = &mut candidate[i].payload else {
                        break;
                    };
                    let Some(s) = m.get(&member).and_then(Value::as_str) else {
                        break;
                    };
                    if s.chars().count() <= 1 {
                        break;
                    }
                    let half: String = s.chars().take(s.chars().count() / 2).collect();
                    m.insert(member.clone(), half.into());
                    if !self.keep(&mut best, candidate, signature).await {
                        break;
                    }
                }
            }
            i += 1;
        }
        best
    }

    /// Whether budget is left and no Ctrl-C came.
    fn more(&self, best: &Shrunk) -> bool {
        best.attempts < self.budget && !self.stop.load(Ordering::Relaxed)
    }

    /// Runs `candidate`; when it diverges with `signature`, it becomes the
    /// best (cut after its divergent action) and `true` is returned.
    async fn keep(&self, best: &mut Shrunk, candidate: Vec<Action>, signature: &str) -> bool {
        best.attempts += 1;
        let token = trial::token(self.index, best.attempts.min(255));
        let outcome = trial::run(self.target, self.at, &candidate, &token, self.over).await;
        let same = outcome
            .divergence
            .as_ref()
            .is_some_and(|d| d.signature(self.norm) == signature);
        if !same {
            return false;
        }
        let last = outcome.exchanges.last().map_or(0, |e| e.action);
        let mut candidate = candidate;
        candidate.truncate(last + 1);
        best.actions = candidate;
        best.outcome = outcome;
        true
    }
}
