//! A fuzzing campaign: sequences from a seed, run a few at a time against
//! the target and the reference; each new divergence shrunk, confirmed by
//! two more runs, written out as a case, and that case run against both
//! sides the way `run` would, so that what is reported is what `run`
//! reports: its verdict, kind, severity and signature.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

use super::action::{Action, Auth};
use super::compare::{Divergence, Part};
use super::generate;
use super::shrink::Shrinker;
use super::trial::{self, Outcome, StepOver, Where};
use super::write::{self, Found};
use crate::case::load_str;
use crate::report::{CaseRecord, Normaliser, Verdict};
use crate::runner::execute::{self, RunContext};

/// What a campaign runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The seed: the same seed gives the same sequences.
    pub seed: u64,
    /// Stop after this many sequences...
    pub sequences: Option<u64>,
    /// ... or after this long (whichever comes first; neither: 100 sequences).
    pub duration: Option<Duration>,
    /// Model steps per sequence at most.
    pub max_steps: usize,
    /// Sequences in flight at once.
    pub concurrency: usize,
    /// Runs to spend shrinking one divergence at most.
    pub shrink_budget: u32,
    /// Where to write the cases of divergences.
    pub out: Option<PathBuf>,
    /// Leave out requests without a valid signature (for emulators that do
    /// not check SigV4).
    pub skip_auth: bool,
    /// The endpoint as the user named it, for the cases' `source`.
    pub endpoint: String,
}

/// One distinct divergence (one signature) and what became of it.
#[derive(Debug, Clone)]
pub struct Divergent {
    /// Its signature.
    pub signature: String,
    /// The divergence of the shrunk sequence.
    pub divergence: Summary,
    /// The first sequence that showed it.
    pub first: u64,
    /// Sequences that showed it.
    pub hits: u64,
    /// Steps of the sequence that first showed it, up to the divergence.
    pub steps_found: usize,
    /// Steps after shrinking.
    pub steps_shrunk: usize,
    /// Runs spent shrinking.
    pub shrink_runs: u32,
    /// Whether two more runs of the shrunk sequence diverged alike.
    pub deterministic: bool,
    /// The case file, relative to the output directory, when written.
    pub file: Option<String>,
    /// Why no case was written, or the written case did not behave.
    pub note: Option<String>,
    /// The written case's run against the target, as `run` records it.
    pub record: Option<CaseRecord>,
}

/// A divergence in words, whichever dialect found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The operation or OTC action.
    pub operation: String,
    /// The part that differs, as `run` names its checks.
    pub part: String,
    /// The reference's, normalised.
    pub expected: String,
    /// The target's, normalised.
    pub actual: String,
    /// The clause whose rule gave the reference's answer.
    pub clause: &'static str,
}

impl From<&Divergence> for Summary {
    fn from(d: &Divergence) -> Summary {
        Summary {
            operation: d.op.name().to_owned(),
            part: d.part.name(),
            expected: d.expected.clone(),
            actual: d.actual.clone(),
            clause: d.clause,
        }
    }
}

/// What a campaign did.
#[derive(Debug, Clone, Default)]
pub struct Campaign {
    /// Sequences run to the end (or to a divergence).
    pub sequences: u64,
    /// Requests sent to the target (cleanup and shrinking included).
    pub requests: u64,
    /// Wall time.
    pub elapsed: Duration,
    /// Every distinct divergence, in order of discovery.
    pub divergent: Vec<Divergent>,
    /// Stopped by Ctrl-C.
    pub interrupted: bool,
}

/// Progress as the campaign goes, for a bar or a test.
pub trait Progress: Send + Sync {
    /// A sequence ended; totals so far.
    fn tick(&self, sequences: u64, requests: u64, divergences: usize);
    /// A line to show above the bar.
    fn note(&self, line: &str);
}

/// Progress nobody watches.
pub struct Silent;

impl Progress for Silent {
    fn tick(&self, _: u64, _: u64, _: usize) {}
    fn note(&self, _: &str) {}
}

/// The two sides a written case is checked against.
pub struct Checkers<'a> {
    /// The target, as `run` reaches it.
    pub target: &'a RunContext,
    /// The embedded reference, as `run` reaches it.
    pub reference: &'a RunContext,
}

/// Runs a campaign against `ctx.target`; `stop` ends it early (Ctrl-C):
/// no new sequence starts, those in flight finish and clean up.
pub async fn run(
    checkers: &Checkers<'_>,
    at: &Where,
    settings: &Settings,
    progress: &dyn Progress,
    stop: Arc<AtomicBool>,
) -> Campaign {
    let started = Instant::now();
    let norm = Normaliser {
        prefix: at.prefix.clone(),
        account: Some(at.account.clone()),
        region: at.region.clone(),
    };
    let limit = match (settings.sequences, settings.duration) {
        (Some(n), _) => n,
        (None, Some(_)) => u64::MAX,
        (None, None) => 100,
    };
    let deadline = settings.duration.map(|d| started + d);
    let target = Arc::new(crate::runner::Target::new(
        checkers.target.target.client.clone(),
        at.prefix.clone(),
        Some(at.account.clone()),
    ));
    let requests = Arc::new(AtomicU64::new(0));
    let mut out = Campaign::default();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let known = Arc::new(Known {
        norm: norm.clone(),
        signatures: RwLock::new(BTreeSet::new()),
    });
    let mut tasks: JoinSet<(u64, Vec<Action>, Outcome)> = JoinSet::new();
    let mut next = 0u64;
    loop {
        let out_of_time = deadline.is_some_and(|d| Instant::now() >= d);
        let stopping = stop.load(Ordering::Relaxed) || out_of_time;
        while !stopping && next < limit && tasks.len() < settings.concurrency.max(1) {
            let index = next;
            next += 1;
            let mut actions = generate::sequence(settings.seed, index, settings.max_steps);
            if settings.skip_auth {
                actions.retain(|a| a.auth == Auth::Signed);
            }
            let target = Arc::clone(&target);
            let at = at.clone();
            let requests = Arc::clone(&requests);
            let known = Arc::clone(&known);
            tasks.spawn(async move {
                let token = trial::token(index, 0);
                let outcome = trial::run(&target, &at, &actions, &token, &*known).await;
                requests.fetch_add(outcome.target_requests as u64, Ordering::Relaxed);
                (index, actions, outcome)
            });
        }
        let Some(joined) = tasks.join_next().await else {
            break;
        };
        let Ok((index, actions, outcome)) = joined else {
            continue;
        };
        out.sequences += 1;
        for e in &outcome.cleanup_errors {
            progress.note(&format!("warning: cleanup after sequence {index}: {e}"));
        }
        for signature in &outcome.stepped_over {
            if let Some(&i) = seen.get(signature) {
                out.divergent[i].hits += 1;
            }
        }
        if let Some(d) = outcome.divergence.clone() {
            let signature = d.signature(&norm);
            match seen.get(&signature) {
                Some(&i) => out.divergent[i].hits += 1,
                None => {
                    progress.note(&format!(
                        "divergence in sequence {index}: {} {}: expected {}, got {}",
                        d.op.name(),
                        d.part.name(),
                        d.expected,
                        d.actual
                    ));
                    let found = settle(
                        checkers, &target, at, settings, &norm, &*known, &stop, index, actions,
                        outcome, d, &signature, &requests,
                    )
                    .await;
                    known
                        .signatures
                        .write()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(signature.clone());
                    seen.insert(signature, out.divergent.len());
                    out.divergent.push(found);
                }
            }
        }
        progress.tick(
            out.sequences,
            requests.load(Ordering::Relaxed),
            out.divergent.len(),
        );
    }
    out.interrupted = stop.load(Ordering::Relaxed);
    out.requests = requests.load(Ordering::Relaxed);
    out.elapsed = started.elapsed();
    out
}

/// The signatures found so far: later sequences step over them where the
/// two sides' state still agrees.
struct Known {
    norm: Normaliser,
    signatures: RwLock<BTreeSet<String>>,
}

impl StepOver for Known {
    fn step_over(&self, d: &Divergence) -> Option<String> {
        let signature = d.signature(&self.norm);
        self.signatures
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&signature)
            .then_some(signature)
    }
}

/// Shrinks, confirms, writes and checks one new divergence.
#[allow(clippy::too_many_arguments)]
async fn settle(
    checkers: &Checkers<'_>,
    target: &crate::runner::Target,
    at: &Where,
    settings: &Settings,
    norm: &Normaliser,
    over: &dyn StepOver,
    stop: &AtomicBool,
    index: u64,
    actions: Vec<Action>,
    outcome: Outcome,
    d: Divergence,
    signature: &str,
    requests: &AtomicU64,
) -> Divergent {
    let steps_found = outcome.exchanges.len();
    let mut found = Divergent {
        signature: signature.to_owned(),
        divergence: Summary::from(&d),
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
    if d.part == Part::Transport {
        found.note = Some("the target did not answer; not shrunk".into());
        return found;
    }
    let mut actions = actions;
    actions.truncate(outcome.exchanges.last().map_or(0, |e| e.action) + 1);
    let shrinker = Shrinker {
        target,
        at,
        norm,
        index,
        budget: settings.shrink_budget,
        over,
        stop,
    };
    let shrunk = shrinker.shrink(actions, outcome, signature).await;
    found.shrink_runs = shrunk.attempts;
    found.steps_shrunk = shrunk.outcome.exchanges.len();
    let mut spent: u64 = 0;
    let mut deterministic = true;
    for attempt in [254u32, 255] {
        let again = trial::run(
            target,
            at,
            &shrunk.actions,
            &trial::token(index, attempt),
            over,
        )
        .await;
        spent += again.target_requests as u64;
        deterministic &= again
            .divergence
            .as_ref()
            .is_some_and(|x| x.signature(norm) == signature);
    }
    requests.fetch_add(spent, Ordering::Relaxed);
    found.deterministic = deterministic;
    let Some(divergence) = shrunk.outcome.divergence.clone() else {
        found.note = Some("the shrunk sequence no longer diverges".into());
        return found;
    };
    found.divergence = Summary::from(&divergence);
    if !deterministic {
        found.note = Some("not deterministic: two more runs of the shrunk sequence did not both diverge alike; no case written".into());
        return found;
    }
    let (path, text) = write::case_file(
        &shrunk.actions,
        &shrunk.outcome,
        &divergence,
        signature,
        at,
        &Found {
            endpoint: &settings.endpoint,
            seed: settings.seed,
            index,
        },
    );
    keep(checkers, settings, path, &text, &mut found).await;
    found
}

/// Checks a written case (see [`check_case`]) and keeps it: under the output
/// directory when it holds, under `unconfirmed/` (with the reason in the
/// note) when it does not.
pub(crate) async fn keep(
    checkers: &Checkers<'_>,
    settings: &Settings,
    path: String,
    text: &str,
    found: &mut Divergent,
) {
    match check_case(checkers, &path, text).await {
        Ok(record) => {
            found.record = Some(record);
            if let Some(dir) = &settings.out {
                let file = dir.join(&path);
                let written = file
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&file, text));
                match written {
                    Ok(()) => found.file = Some(path),
                    Err(e) => found.note = Some(format!("cannot write {}: {e}", file.display())),
                }
            }
        }
        Err(why) => {
            found.note = Some(why);
            if let Some(dir) = &settings.out {
                // Kept for a look, apart from the cases that hold.
                let file = dir.join("unconfirmed").join(&path);
                let _ = file.parent().map(std::fs::create_dir_all);
                let _ = std::fs::write(&file, text);
            }
        }
    }
}

/// Loads the written case and runs it as `run` would: it must pass against
/// the reference and fail against the target. Gives the target's record.
pub(crate) async fn check_case(
    checkers: &Checkers<'_>,
    path: &str,
    text: &str,
) -> Result<CaseRecord, String> {
    let file = load_str(path, text).map_err(|e| format!("the written case does not load: {e}"))?;
    let case = file
        .cases
        .first()
        .ok_or("the written case has no case")?
        .clone();
    let trial = format!("{}::{}", file.stem(), case.slug);
    let on_ref = execute::run_case(checkers.reference, &file, &case, &trial).await;
    if on_ref.verdict != Verdict::Pass && on_ref.verdict != Verdict::Drift {
        return Err(format!(
            "the written case does not pass against the reference: {}",
            on_ref.summary.unwrap_or_default()
        ));
    }
    let mut on_target = execute::run_case(checkers.target, &file, &case, &trial).await;
    if on_target.verdict.is_ok() {
        return Err(
            "the written case passes against the target: the divergence is not one a case can show"
                .into(),
        );
    }
    execute::add_reproduction(&mut on_target, &checkers.target.reproducer);
    Ok(on_target)
}
