//! An OTC fuzzing campaign: sequences from a seed, one after another
//! (against a real cloud, one at a time is the polite rate); each new
//! divergence shrunk by dropping steps, confirmed by two more runs,
//! written out as a case, and that case run against both sides the way
//! `run` would.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use super::generate::{self, Step};
use super::trial::{self, Divergence, Outcome, Where};
use super::write::{self, Found};
use crate::diff::campaign::{keep, Campaign, Checkers, Divergent, Progress, Settings};
use crate::diff::trial::token;
use crate::report::Normaliser;
use crate::runner::Target;

/// Runs a campaign against `target`; `stop` ends it early.
pub async fn run(
    checkers: &Checkers<'_>,
    target: &Target,
    at: &Where,
    settings: &Settings,
    progress: &dyn Progress,
    stop: &AtomicBool,
) -> Campaign {
    let started = Instant::now();
    let norm = Normaliser {
        prefix: at.prefix.clone(),
        account: None,
        region: String::new(),
    };
    let limit = match (settings.sequences, settings.duration) {
        (Some(n), _) => n,
        (None, Some(_)) => u64::MAX,
        (None, None) => 100,
    };
    let deadline = settings.duration.map(|d| started + d);
    let mut out = Campaign::default();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut requests = 0u64;
    let mut index = 0u64;
    while index < limit
        && !stop.load(Ordering::Relaxed)
        && deadline.is_none_or(|d| Instant::now() < d)
    {
        let mut steps = generate::sequence(settings.seed, index, settings.max_steps);
        if settings.skip_auth {
            steps.retain(|s| !s.no_token);
        }
        let outcome = trial::run(target, at, &steps, &token(index, 0)).await;
        requests += outcome.target_requests as u64;
        out.sequences += 1;
        for e in &outcome.cleanup_errors {
            progress.note(&format!("warning: cleanup after sequence {index}: {e}"));
        }
        if let Some(d) = outcome.divergence.clone() {
            let signature = d.signature(&norm);
            match seen.get(&signature) {
                Some(&i) => out.divergent[i].hits += 1,
                None => {
                    progress.note(&format!(
                        "divergence in sequence {index}: {} {}: expected {}, got {}",
                        d.action, d.part, d.expected, d.actual
                    ));
                    let found = settle(
                        checkers,
                        target,
                        at,
                        settings,
                        &norm,
                        index,
                        steps,
                        outcome,
                        d,
                        &signature,
                        &mut requests,
                    )
                    .await;
                    seen.insert(signature, out.divergent.len());
                    out.divergent.push(found);
                }
            }
        }
        index += 1;
        progress.tick(out.sequences, requests, out.divergent.len());
    }
    out.interrupted = stop.load(Ordering::Relaxed);
    out.requests = requests;
    out.elapsed = started.elapsed();
    out
}

/// Shrinks, confirms, writes and checks one new divergence.
#[allow(clippy::too_many_arguments)]
async fn settle(
    checkers: &Checkers<'_>,
    target: &Target,
    at: &Where,
    settings: &Settings,
    norm: &Normaliser,
    index: u64,
    steps: Vec<Step>,
    outcome: Outcome,
    d: Divergence,
    signature: &str,
    requests: &mut u64,
) -> Divergent {
    let steps_found = outcome.exchanges.len();
    let mut found = Divergent {
        signature: signature.to_owned(),
        divergence: d.summary(),
        first: index,
        hits: 1,
        steps_found,
        steps_shrunk: steps_found,
        shrink_runs: 0,
        deterministic: false,
        file: None,
        note: None,
        record: None,
    };
    if d.part == "transport" {
        found.note = Some("the target did not answer; not shrunk".into());
        return found;
    }
    // The steps up to the divergent one; then drop one step at a time
    // (never the last) while the same divergence stays.
    let mut steps = steps;
    steps.truncate(outcome.exchanges.last().map_or(0, |e| e.step) + 1);
    let mut best = outcome;
    let mut attempt = 1u32;
    let mut i = 0;
    while i + 1 < steps.len() && found.shrink_runs < settings.shrink_budget {
        let mut fewer = steps.clone();
        fewer.remove(i);
        found.shrink_runs += 1;
        attempt = attempt.wrapping_add(1).min(250);
        let again = trial::run(target, at, &fewer, &token(index, attempt)).await;
        *requests += again.target_requests as u64;
        if again
            .divergence
            .as_ref()
            .is_some_and(|x| x.signature(norm) == signature)
        {
            steps = fewer;
            best = again;
        } else {
            i += 1;
        }
    }
    found.steps_shrunk = best.exchanges.len();
    let mut deterministic = true;
    for attempt in [254u32, 255] {
        let again = trial::run(target, at, &steps, &token(index, attempt)).await;
        *requests += again.target_requests as u64;
        deterministic &= again
            .divergence
            .as_ref()
            .is_some_and(|x| x.signature(norm) == signature);
    }
    found.deterministic = deterministic;
    let Some(divergence) = best.divergence.clone() else {
        found.note = Some("the shrunk sequence no longer diverges".into());
        return found;
    };
    found.divergence = divergence.summary();
    if !deterministic {
        found.note = Some("not deterministic: two more runs of the shrunk sequence did not both diverge alike; no case written".into());
        return found;
    }
    let (path, text) = write::case_file(
        &steps,
        &best,
        &divergence,
        signature,
        &at.prefix,
        &Found {
            endpoint: &settings.endpoint,
            seed: settings.seed,
            index,
        },
    );
    keep(checkers, settings, path, &text, &mut found).await;
    found
}
