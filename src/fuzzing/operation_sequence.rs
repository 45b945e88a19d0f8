//! `operation_sequence`: a sequence of up to [`MAX_STEPS`] operations, read
//! from the input, run against a fresh in-process reference service and the
//! pure [`model`](super::model) side by side. Property: after every step the
//! reference's status, error code and whole body equal the model's (the
//! same check as the proptest state machine of
//! `tests/prop_reference_model.rs`).
//!
//! The input is read as a stream of choices, one byte each, weighted like
//! the proptest strategies: CreateKey with every key spec, usage and origin
//! (mostly a usage the spec allows), enabling, disabling, scheduling and
//! cancelling deletion, key states forced through the control endpoint,
//! CreateAlias (also up to 51 at once, past the quota), UpdateAlias,
//! DeleteAlias, ListAliases with KeyId, Limit and Marker (also the latest
//! `NextMarker`), and DescribeKey through aliases. Key numbers are drawn
//! from the keys the model has at that point (mostly the latest), plus one
//! that does not exist; every argument has its invalid forms.

use std::collections::BTreeMap;
use std::fmt;

use arbitrary::Unstructured;

use crate::spec::{KeySpec, KeyState, KeyUsage, Origin};

use super::model::{
    allowed_usages, outcome, Disagreement, Form, KeyArg, MarkerArg, Model, Replay, SpecArg, Step,
    BAD_LIMITS, BAD_WINDOWS, FILL_COUNTS, GARBAGE_MARKERS, LIMITS, NAMES, VALID_NAMES, WINDOWS,
};

/// Inputs longer than this are cut.
pub const MAX_INPUT: usize = 4096;
/// Steps past this are not read.
pub const MAX_STEPS: usize = 64;

/// The property: see the module doc.
pub fn operation_sequence(data: &[u8]) {
    if let Err(failure) = run(super::capped(data, MAX_INPUT)) {
        panic!("{failure}");
    }
}

/// Reads steps from `data` one after another, until the input or
/// [`MAX_STEPS`] runs out, and checks each against a fresh reference and a
/// fresh model as it is read (so a step's key numbers are drawn from the
/// keys that exist by then). Stops at the first answer that disagrees.
pub fn run(data: &[u8]) -> Result<Run, Failure> {
    let mut u = Unstructured::new(data);
    let mut model = Model::new();
    let mut replay = Replay::new();
    let mut done = Run::default();
    while done.steps.len() < MAX_STEPS && !u.is_empty() {
        let Ok(step) = step(&mut u, model.key_count()) else {
            break;
        };
        model.step(&step);
        done.steps.push(step);
        if let Err(disagreement) = replay.check(&model) {
            return Err(Failure {
                steps: done.steps,
                disagreement,
            });
        }
        for (call, expect) in model.calls() {
            *done.outcomes.entry(outcome(call, expect)).or_insert(0) += 1;
        }
    }
    Ok(done)
}

/// What an input ran, all of it agreeing with the model.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// The steps read.
    pub steps: Vec<Step>,
    /// The answers checked, by [`outcome`], with their counts: what the
    /// input reached.
    pub outcomes: BTreeMap<String, usize>,
}

/// The first step whose answer disagrees with the model's, and the steps up
/// to it.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The steps read, the last the one that fails.
    pub steps: Vec<Step>,
    /// The request and the two answers.
    pub disagreement: Box<Disagreement>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let last = self.steps.len() - 1;
        writeln!(
            f,
            "operation_sequence: the reference disagrees with the model at step {last}"
        )?;
        writeln!(f, "step {last}: {:?}", self.steps[last])?;
        writeln!(f, "{}", self.disagreement)?;
        write!(f, "steps up to it:")?;
        for (i, s) in self.steps.iter().enumerate() {
            write!(f, "\n  {i:2}: {s:?}")?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- choices
// Each choice reads one byte (none when there is only one way to choose),
// taken modulo the number of ways, so a seed can be written by hand: the
// byte is the choice's index, or for `weighted`, the sum of the weights
// before it. A step takes at most 10 bytes, so 64 steps fit in 640.

/// An index into `weights`, each chosen in proportion to its weight.
fn weighted(u: &mut Unstructured, weights: &[u32]) -> arbitrary::Result<usize> {
    let total: u32 = weights.iter().sum();
    let mut r = u.int_in_range(0..=total - 1)?;
    for (i, w) in weights.iter().enumerate() {
        if r < *w {
            return Ok(i);
        }
        r -= w;
    }
    unreachable!("r < total")
}

fn pick<T: Copy>(u: &mut Unstructured, items: &[T]) -> arbitrary::Result<T> {
    u.choose(items).copied()
}

/// One step, given how many keys exist: the generator this target, the
/// differential fuzzer (`crate::diff`) and their seeds share.
pub fn step(u: &mut Unstructured, keys: usize) -> arbitrary::Result<Step> {
    let k = keys;
    Ok(match weighted(u, &[6, 2, 2, 2, 2, 2, 8, 1, 6, 3, 5, 4])? {
        0 => create_key(u)?,
        1 => Step::EnableKey(key_arg(u, k)?),
        2 => Step::DisableKey(key_arg(u, k)?),
        3 => Step::ScheduleKeyDeletion(key_arg(u, k)?, window(u)?),
        4 => Step::CancelKeyDeletion(key_arg(u, k)?),
        5 => Step::SetKeyState(key_index(u, k)?, pick(u, KeyState::ALL)?),
        6 => Step::CreateAlias(name_index(u)?, key_arg(u, k)?),
        7 => Step::CreateAliases(key_index(u, k)?, pick(u, FILL_COUNTS)?),
        8 => Step::UpdateAlias(name_index(u)?, key_arg(u, k)?),
        9 => Step::DeleteAlias(name_index(u)?),
        10 => list_aliases(u, k)?,
        _ => Step::DescribeKey(key_arg(u, k)?),
    })
}

/// Mostly an existing key, the latest ones most; `keys` itself is one that
/// does not exist.
fn key_index(u: &mut Unstructured, keys: usize) -> arbitrary::Result<usize> {
    if keys == 0 {
        return Ok(0);
    }
    let recent = keys.saturating_sub(3);
    Ok(match weighted(u, &[3, 3, 1])? {
        0 => u.int_in_range(0..=keys - 1)?,
        1 => u.int_in_range(recent..=keys - 1)?,
        _ => keys,
    })
}

fn key_arg(u: &mut Unstructured, keys: usize) -> arbitrary::Result<KeyArg> {
    let key = key_index(u, keys)?;
    let form = match weighted(u, &[8, 4, 1, 1, 1, 1, 1, 2, 1])? {
        0 => Form::Id,
        1 => Form::Arn,
        2 => Form::OtherRegionArn,
        3 => Form::OtherAccountArn,
        4 => Form::Empty,
        5 => Form::Malformed,
        6 => Form::ArnBadId,
        7 => Form::AliasName(u.choose_index(NAMES.len())?),
        _ => Form::AliasArn(u.choose_index(NAMES.len())?),
    };
    Ok(KeyArg { key, form })
}

/// Alias names, mostly the valid colliding ones.
fn name_index(u: &mut Unstructured) -> arbitrary::Result<usize> {
    Ok(match weighted(u, &[4, 1])? {
        0 => u.choose_index(VALID_NAMES)?,
        _ => u.choose_index(NAMES.len())?,
    })
}

/// Usages: usually one the spec allows, sometimes any, sometimes none.
fn create_key(u: &mut Unstructured) -> arbitrary::Result<Step> {
    let spec = match weighted(u, &[5, 8, 1])? {
        0 => None,
        1 => Some(SpecArg::Known(pick(u, KeySpec::ALL)?)),
        _ => Some(SpecArg::Unknown),
    };
    let fits = match &spec {
        Some(SpecArg::Known(s)) if u.arbitrary::<bool>()? => Some(*s),
        _ => None,
    };
    let usage = match fits {
        Some(s) => Some(pick(u, allowed_usages(s))?),
        None => match weighted(u, &[1, 4])? {
            0 => None,
            _ => Some(pick(u, KeyUsage::ALL)?),
        },
    };
    let origin = match weighted(u, &[6, 1, 2, 1])? {
        0 => None,
        1 => Some(Origin::AwsKms),
        2 => Some(Origin::External),
        _ => Some(Origin::AwsCloudhsm),
    };
    let multi_region = weighted(u, &[4, 1])? == 1;
    Ok(Step::CreateKey {
        spec,
        usage,
        origin,
        multi_region,
    })
}

fn window(u: &mut Unstructured) -> arbitrary::Result<Option<i64>> {
    Ok(match weighted(u, &[3, 3, 1])? {
        0 => None,
        1 => Some(pick(u, WINDOWS)?),
        _ => Some(pick(u, BAD_WINDOWS)?),
    })
}

fn list_aliases(u: &mut Unstructured, keys: usize) -> arbitrary::Result<Step> {
    let key = match weighted(u, &[3, 2])? {
        0 => None,
        _ => Some(key_arg(u, keys)?),
    };
    let limit = match weighted(u, &[3, 4, 1])? {
        0 => None,
        1 => Some(pick(u, LIMITS)?),
        _ => Some(pick(u, BAD_LIMITS)?),
    };
    let marker = match weighted(u, &[4, 4, 2, 1, 1, 1])? {
        0 => None,
        1 => Some(MarkerArg::Last),
        2 => Some(MarkerArg::After(u.choose_index(NAMES.len())?)),
        3 => Some(MarkerArg::Garbage(pick(u, GARBAGE_MARKERS)?)),
        4 => Some(MarkerArg::Empty),
        _ => Some(MarkerArg::Wide),
    };
    Ok(Step::ListAliases(key, limit, marker))
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Instant;

    use super::*;
    use crate::fuzzing::model::Expect;

    fn seed(name: &str) -> Vec<u8> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/corpus/operation_sequence")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn the_seeds_reach_what_their_names_say() {
        let table: &[(&str, &[&str])] = &[
            (
                "update-within-a-family",
                &["CreateAlias ok", "UpdateAlias ok", "DescribeKey ok"],
            ),
            (
                "update-across-families",
                &[
                    "UpdateAlias ValidationException",
                    "UpdateAlias ok",
                    "ListAliases ok",
                ],
            ),
            (
                "list-with-markers",
                &[
                    "ListAliases ok",
                    "ListAliases InvalidMarkerException",
                    "ListAliases ValidationException",
                ],
            ),
            (
                "deletion-pending-key",
                &[
                    "ScheduleKeyDeletion ok",
                    "CreateAlias KMSInvalidStateException",
                    "UpdateAlias KMSInvalidStateException",
                    "UpdateAlias ok",
                    "CancelKeyDeletion ok",
                    "CancelKeyDeletion KMSInvalidStateException",
                    "DeleteAlias ok",
                    "DeleteAlias NotFoundException",
                ],
            ),
            (
                "alias-quota",
                &[
                    "CreateAlias LimitExceededException",
                    "UpdateAlias LimitExceededException",
                ],
            ),
            (
                "predefined-aliases",
                &[
                    "DescribeKey ok",
                    "CreateAlias NotAuthorizedException",
                    "DeleteAlias NotAuthorizedException",
                    "DescribeKey NotFoundException",
                ],
            ),
            (
                "invalid-arguments",
                &[
                    "CreateKey ValidationException",
                    "CreateKey UnsupportedOperationException",
                    "CreateKey ok",
                    "EnableKey KMSInvalidStateException",
                    "CreateAlias ValidationException",
                    "CreateAlias NotFoundException",
                    "CreateAlias ok",
                    "ScheduleKeyDeletion ValidationException",
                    "ListAliases ValidationException",
                    "DescribeKey ValidationException",
                ],
            ),
            (
                "control-states",
                &[
                    "control ok",
                    "control NotFoundException",
                    "EnableKey KMSInvalidStateException",
                    "EnableKey ok",
                    "DisableKey ok",
                    "CancelKeyDeletion ok",
                ],
            ),
        ];
        let mut names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
        let mut files: Vec<String> = std::fs::read_dir(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/operation_sequence"),
        )
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
        names.sort_unstable();
        files.sort_unstable();
        assert_eq!(files, names, "every seed is described here");
        for (name, wanted) in table {
            let data = seed(name);
            assert!(data.len() <= 512, "{name}: a seed of {} bytes", data.len());
            let done = run(&data).unwrap_or_else(|f| panic!("{name}: {f}"));
            for w in *wanted {
                assert!(
                    done.outcomes.contains_key(*w),
                    "{name} does not reach `{w}`; it reaches {:?}\nsteps: {:#?}",
                    done.outcomes,
                    done.steps
                );
            }
        }
    }

    /// A tiny xorshift64, so the buffers are the same on every run.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }
    }

    /// Buffers per run of the test below.
    const BUFFERS: usize = 2000;

    #[test]
    fn random_inputs_agree_with_the_model() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let started = Instant::now();
        let (mut steps_run, mut requests) = (0, 0);
        let mut seen = BTreeMap::new();
        for n in 0..BUFFERS {
            let len = (rng.next() % 200) as usize;
            let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let done =
                run(&data).unwrap_or_else(|f| panic!("buffer {n} ({len} bytes, {data:?}):\n{f}"));
            steps_run += done.steps.len();
            for (what, count) in done.outcomes {
                requests += count;
                *seen.entry(what).or_insert(0) += count;
            }
        }
        eprintln!(
            "operation_sequence: {BUFFERS} random inputs, {steps_run} steps, {requests} requests \
             checked in {:.2?}",
            started.elapsed()
        );
        // The weights reach every operation's success and its main refusals.
        for w in [
            "CreateKey ok",
            "CreateKey ValidationException",
            "EnableKey ok",
            "DisableKey ok",
            "ScheduleKeyDeletion ok",
            "CancelKeyDeletion ok",
            "control ok",
            "CreateAlias ok",
            "CreateAlias AlreadyExistsException",
            "CreateAlias KMSInvalidStateException",
            "CreateAlias LimitExceededException",
            "UpdateAlias ok",
            "UpdateAlias ValidationException",
            "DeleteAlias ok",
            "ListAliases ok",
            "ListAliases InvalidMarkerException",
            "DescribeKey ok",
        ] {
            assert!(
                seen.contains_key(w),
                "random inputs never reach `{w}`: {seen:#?}"
            );
        }
    }

    /// Every request of a seed, sent with its expected status or body
    /// changed, after the steps before it went right: the replay refuses it.
    #[test]
    fn a_wrong_expectation_is_caught() {
        let steps = run(&seed("update-within-a-family")).unwrap().steps;
        let wrongs: [fn(&mut Expect); 2] = [
            |e| e.status = if e.status == 200 { 400 } else { 200 },
            |e| match &mut e.body {
                Some(serde_json::Value::Object(body)) => {
                    body.insert("Extra".into(), true.into());
                }
                body => *body = Some(serde_json::json!({})),
            },
        ];
        for i in 0..steps.len() {
            for wrong in wrongs {
                let mut model = Model::new();
                let mut replay = Replay::new();
                for step in &steps[..i] {
                    model.step(step);
                    replay.check(&model).expect("the right answers agree");
                }
                model.step(&steps[i]);
                let (call, expect) = &model.calls()[0];
                let mut expect = expect.clone();
                wrong(&mut expect);
                let d = replay.send(call, &expect).expect_err("a wrong answer");
                assert!(d.to_string().contains("expected: "), "{d}");
            }
        }
    }

    #[test]
    fn a_failure_names_the_step_and_the_steps_before() {
        let steps = run(&seed("update-within-a-family")).unwrap().steps;
        let mut model = Model::new();
        model.step(&steps[0]);
        let (call, expect) = model.calls()[0].clone();
        let f = Failure {
            steps: steps[..1].to_vec(),
            disagreement: Box::new(Disagreement {
                call,
                expected: crate::fuzzing::model::Answer {
                    status: expect.status,
                    body: expect.body.clone(),
                },
                actual: crate::fuzzing::model::Answer {
                    status: 500,
                    body: None,
                },
                reason: crate::fuzzing::model::Reason::Differs,
            }),
        };
        let text = f.to_string();
        assert!(
            text.starts_with(
                "operation_sequence: the reference disagrees with the model at step 0\n\
                 step 0: CreateKey"
            ),
            "{text}"
        );
        assert!(
            text.contains("actual:   500\n          (empty body)"),
            "{text}"
        );
        assert!(text.contains("steps up to it:\n   0: CreateKey"), "{text}");
    }
}
