//! A state-machine test of the reference service against the pure model of
//! `kms_alias_conformance::fuzzing::model` (the one the `operation_sequence`
//! fuzz target checks against too).
//!
//! Random sequences of CreateKey (every spec and usage, valid and invalid
//! pairs), EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion, the
//! reference's key-state control endpoint (for states the API cannot reach),
//! CreateAlias (also 1..51 at once, to reach the quota), UpdateAlias,
//! DeleteAlias, ListAliases (KeyId, Limit, Marker) and DescribeKey through
//! aliases, with valid and invalid arguments, run in process through
//! `Service::handle`. After every request the status, the `__type` and the
//! whole body must equal the model's, once generated key ids are mapped to
//! the model's names (`<k3>`) and dates are checked for order. This file
//! holds only the proptest strategies and the state-machine glue; what each
//! step must answer is the model's (see its module doc). Shrunk failures are
//! kept in `tests/prop_reference_model.proptest-regressions`.

mod gen;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest_state_machine::{prop_state_machine, ReferenceStateMachine, StateMachineTest};

use kms_alias_conformance::fuzzing::model::{
    allowed_usages, outcome, Form, KeyArg, MarkerArg, Model, Replay, SpecArg, Step, BAD_LIMITS,
    BAD_WINDOWS, FILL_COUNTS, GARBAGE_MARKERS, LIMITS, NAMES, VALID_NAMES, WINDOWS,
};
use kms_alias_conformance::spec::{KeySpec, KeyState, KeyUsage, Origin};

/// Sequences per `cargo test` run (PROPTEST_CASES overrides).
const SEQUENCES: u32 = 256;
/// Steps per sequence.
const STEPS: std::ops::Range<usize> = 1..64;

// ---------------------------------------------------------------- generation

fn key_arg(keys: usize) -> BoxedStrategy<KeyArg> {
    let n = NAMES.len();
    let form = prop_oneof![
        8 => Just(Form::Id),
        4 => Just(Form::Arn),
        1 => Just(Form::OtherRegionArn),
        1 => Just(Form::OtherAccountArn),
        1 => Just(Form::Empty),
        1 => Just(Form::Malformed),
        1 => Just(Form::ArnBadId),
        2 => (0..n).prop_map(Form::AliasName),
        1 => (0..n).prop_map(Form::AliasArn),
    ];
    (key_index(keys), form)
        .prop_map(|(key, form)| KeyArg { key, form })
        .boxed()
}

/// Mostly an existing key, the latest ones most; `keys` itself is one that
/// does not exist.
fn key_index(keys: usize) -> BoxedStrategy<usize> {
    if keys == 0 {
        return Just(0).boxed();
    }
    let recent = keys.saturating_sub(3);
    prop_oneof![3 => 0..keys, 3 => recent..keys, 1 => Just(keys)].boxed()
}

/// Alias names, mostly the valid colliding ones.
fn name_index() -> BoxedStrategy<usize> {
    let n = NAMES.len();
    prop_oneof![4 => 0..VALID_NAMES, 1 => 0..n].boxed()
}

fn spec_arg() -> BoxedStrategy<Option<SpecArg>> {
    prop_oneof![
        5 => Just(None),
        8 => prop::sample::select(KeySpec::ALL.to_vec()).prop_map(|s| Some(SpecArg::Known(s))),
        1 => Just(Some(SpecArg::Unknown)),
    ]
    .boxed()
}

/// Usages: usually one the spec allows, sometimes any, sometimes none.
fn create_key() -> BoxedStrategy<Step> {
    (
        spec_arg(),
        prop::option::weighted(0.8, prop::sample::select(KeyUsage::ALL.to_vec())),
        any::<prop::sample::Index>(),
        any::<bool>(),
        prop_oneof![
            6 => Just(None),
            1 => Just(Some(Origin::AwsKms)),
            2 => Just(Some(Origin::External)),
            1 => Just(Some(Origin::AwsCloudhsm)),
        ],
        prop::bool::weighted(0.2),
    )
        .prop_map(|(spec, usage, pick, fit, origin, multi_region)| {
            let usage = match (&spec, fit) {
                (Some(SpecArg::Known(s)), true) => {
                    let a = allowed_usages(*s);
                    Some(a[pick.index(a.len())])
                }
                _ => usage,
            };
            Step::CreateKey {
                spec,
                usage,
                origin,
                multi_region,
            }
        })
        .boxed()
}

fn list_aliases(keys: usize) -> BoxedStrategy<Step> {
    let n = NAMES.len();
    (
        prop::option::weighted(0.4, key_arg(keys)),
        prop_oneof![
            3 => Just(None),
            4 => prop::sample::select(LIMITS).prop_map(Some),
            1 => prop::sample::select(BAD_LIMITS).prop_map(Some),
        ],
        prop_oneof![
            4 => Just(None),
            4 => Just(Some(MarkerArg::Last)),
            2 => (0..n).prop_map(|i| Some(MarkerArg::After(i))),
            1 => prop::sample::select(GARBAGE_MARKERS)
                .prop_map(|g| Some(MarkerArg::Garbage(g))),
            1 => Just(Some(MarkerArg::Empty)),
            1 => Just(Some(MarkerArg::Wide)),
        ],
    )
        .prop_map(|(k, l, m)| Step::ListAliases(k, l, m))
        .boxed()
}

struct ModelMachine;

impl ReferenceStateMachine for ModelMachine {
    type State = Model;
    type Transition = Step;

    fn init_state() -> BoxedStrategy<Model> {
        Just(Model::default()).boxed()
    }

    fn transitions(state: &Model) -> BoxedStrategy<Step> {
        let k = state.key_count();
        let days = prop_oneof![
            3 => Just(None),
            3 => prop::sample::select(WINDOWS).prop_map(Some),
            1 => prop::sample::select(BAD_WINDOWS).prop_map(Some),
        ];
        prop_oneof![
            6 => create_key(),
            2 => key_arg(k).prop_map(Step::EnableKey),
            2 => key_arg(k).prop_map(Step::DisableKey),
            2 => (key_arg(k), days).prop_map(|(a, d)| Step::ScheduleKeyDeletion(a, d)),
            2 => key_arg(k).prop_map(Step::CancelKeyDeletion),
            2 => (key_index(k), prop::sample::select(KeyState::ALL.to_vec()))
                .prop_map(|(i, s)| Step::SetKeyState(i, s)),
            8 => (name_index(), key_arg(k)).prop_map(|(n, a)| Step::CreateAlias(n, a)),
            1 => (key_index(k), prop::sample::select(FILL_COUNTS))
                .prop_map(|(i, c)| Step::CreateAliases(i, c)),
            6 => (name_index(), key_arg(k)).prop_map(|(n, a)| Step::UpdateAlias(n, a)),
            3 => name_index().prop_map(Step::DeleteAlias),
            5 => list_aliases(k),
            4 => key_arg(k).prop_map(Step::DescribeKey),
        ]
        .boxed()
    }

    fn apply(mut state: Model, step: &Step) -> Model {
        state.step(step);
        state
    }
}

// ---------------------------------------------------------------- the reference

static SEQUENCES_RUN: AtomicUsize = AtomicUsize::new(0);
static STEPS_RUN: AtomicUsize = AtomicUsize::new(0);
static REQUESTS_RUN: AtomicUsize = AtomicUsize::new(0);
/// Outcomes seen, `Operation code` -> count, printed with the totals.
static OUTCOMES: std::sync::Mutex<BTreeMap<String, usize>> = std::sync::Mutex::new(BTreeMap::new());

struct ReferenceTest;

impl StateMachineTest for ReferenceTest {
    type SystemUnderTest = Replay;
    type Reference = ModelMachine;

    fn init_test(_: &Model) -> Replay {
        Replay::new()
    }

    fn apply(mut sut: Replay, model: &Model, step: Step) -> Replay {
        STEPS_RUN.fetch_add(1, Ordering::Relaxed);
        for (call, expect) in model.calls() {
            REQUESTS_RUN.fetch_add(1, Ordering::Relaxed);
            *OUTCOMES
                .lock()
                .unwrap()
                .entry(outcome(call, expect))
                .or_default() += 1;
        }
        if let Err(d) = sut.check(model) {
            panic!("the reference disagrees with the model\nstep: {step:?}\n{d}");
        }
        sut
    }

    fn teardown(_: Replay, _: Model) {
        let n = SEQUENCES_RUN.fetch_add(1, Ordering::Relaxed) + 1;
        if n == gen::config(SEQUENCES).cases as usize {
            eprintln!(
                "reference model: {n} sequences, {} steps, {} requests checked",
                STEPS_RUN.load(Ordering::Relaxed),
                REQUESTS_RUN.load(Ordering::Relaxed)
            );
            if std::env::var_os("MODEL_OUTCOMES").is_some() {
                for (what, count) in OUTCOMES.lock().unwrap().iter() {
                    eprintln!("  {count:6} {what}");
                }
            }
        }
    }
}

prop_state_machine! {
    #![proptest_config(gen::config(SEQUENCES))]

    #[test]
    fn the_reference_agrees_with_the_model(sequential STEPS => ReferenceTest);
}
