//! One sequence run on both sides: each request rendered for the target and
//! for a fresh in-process reference, sent to both, and the answers compared
//! until the first divergence. What the sequence asked the target to
//! create is cleaned up afterwards, whatever the target answered.

use bytes::Bytes;
use serde_json::Value;

use super::action::{Action, Auth};
use super::compare::{compare, Divergence, Seen, Sides};
use crate::case::vars::{VarContext, Vars};
use crate::client::{WireRequest, WireResponse};
use crate::reference::{Config, Credentials, RawRequest, Service};
use crate::runner::execute::{cleanup, Created};
use crate::runner::Target;
use crate::spec::identifier::partition;
use crate::spec::{Fault, Operation};

/// What the target is, as a sequence needs it.
#[derive(Debug, Clone)]
pub struct Where {
    /// The run prefix in every name.
    pub prefix: String,
    /// The target's account (the reference acts in the same one).
    pub account: String,
    /// The Region.
    pub region: String,
}

/// One request as both sides got it.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The index of its action in the sequence.
    pub action: usize,
    /// The request the reference got.
    pub request: WireRequest,
    /// The reference's answer.
    pub reference: WireResponse,
    /// The fault the reference answered with.
    pub fault: Option<Fault>,
    /// The target's answer.
    pub target: Seen,
}

/// A sequence's run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Every request sent, in order, the last the divergent one if any.
    pub exchanges: Vec<Exchange>,
    /// The first divergence, at the last exchange.
    pub divergence: Option<Divergence>,
    /// The reference's key ids and names, for the case writer.
    pub reference_keys: Vec<(String, String)>,
    /// Cleanup that failed, one line each.
    pub cleanup_errors: Vec<String>,
    /// Requests sent to the target, cleanup included.
    pub target_requests: usize,
    /// The case token its names were made with.
    pub token: String,
    /// Divergences the run stepped over (known ones that left both sides'
    /// state alike), by signature, in order.
    pub stepped_over: Vec<String>,
}

/// Which divergences a run steps over instead of stopping: a signature
/// already known, where the two sides still agree on what changed (both
/// succeeded, or both refused), so that the sequence goes on to find what
/// lies behind it.
pub trait StepOver: Sync {
    /// The signature of `d` when it is to be stepped over.
    fn step_over(&self, d: &Divergence) -> Option<String>;
}

/// Stop at every divergence.
pub struct StopAtEach;

impl StepOver for StopAtEach {
    fn step_over(&self, _: &Divergence) -> Option<String> {
        None
    }
}

/// A side's running values: its variables, its keys by name, and what it
/// was asked to create.
struct SideState {
    vars: Vars,
    keys: Vec<(String, String)>,
}

impl SideState {
    fn new(at: &Where, token: &str) -> SideState {
        SideState {
            vars: Vars::new(VarContext {
                prefix: at.prefix.clone(),
                case_token: token.to_owned(),
                region: at.region.clone(),
                account: Some(at.account.clone()),
                partition: partition(&at.region).to_owned(),
            }),
            keys: Vec::new(),
        }
    }

    /// Gives a key the sequence names but never made (its CreateKey was
    /// shrunk away) an id no key has, the same on both sides.
    fn define_missing(&mut self, name: &str, at: &Where) {
        if self.vars.get(name).is_some() {
            return;
        }
        let n: u64 = name[1..].parse().unwrap_or_default();
        let id = missing_id(n);
        let arn = format!(
            "arn:{}:kms:{}:{}:key/{id}",
            partition(&at.region),
            at.region,
            at.account
        );
        self.vars.set(name, id.into());
        self.vars.set(&format!("{name}_arn"), arn.into());
    }

    /// Learns what an answer defines: a key, or the next page's marker.
    fn learn(&mut self, action: &Action, resp: &WireResponse) {
        if resp.status != 200 {
            return;
        }
        let body: Option<Value> = serde_json::from_slice(&resp.body).ok();
        if let (Some(name), Some(b)) = (&action.defines_key, &body) {
            let id = b.pointer("/KeyMetadata/KeyId").and_then(Value::as_str);
            let arn = b.pointer("/KeyMetadata/Arn").and_then(Value::as_str);
            if let (Some(id), Some(arn)) = (id, arn) {
                self.vars.set(name, id.into());
                self.vars.set(&format!("{name}_arn"), arn.into());
                self.keys.push((id.to_owned(), name.clone()));
            }
        }
        if action.op == Operation::ListAliases {
            // A page of the whole account holds other runs' aliases on a
            // shared target: its marker resumes somewhere else on each side.
            let next = body
                .as_ref()
                .and_then(|b| b.get("NextMarker"))
                .filter(|_| action.lists_one_key())
                .cloned()
                .unwrap_or(Value::Null);
            self.vars.set("marker", next);
        }
    }
}

/// The id of a key the sequence names but never made.
pub fn missing_id(n: u64) -> String {
    format!("0000aaaa-0000-4000-8000-{:012x}", n % 0x1_0000_0000_0000)
}

/// The reference's answer as the client would have read it (header names
/// lowercase).
pub(crate) fn wire(raw: &crate::reference::RawResponse) -> WireResponse {
    WireResponse {
        status: raw.status,
        headers: raw
            .headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
            .collect(),
        body: raw.body.to_vec(),
    }
}

/// The case token of attempt `n` of sequence `index`: unique names per
/// attempt, so that attempts never see each other's aliases.
pub fn token(index: u64, attempt: u32) -> String {
    format!("{:06x}{attempt:02x}", index & 0xff_ffff)
}

/// Runs `actions` against `target` and a fresh reference acting in the same
/// account and Region, stopping at the first divergence; then cleans up.
pub async fn run(
    target: &Target,
    at: &Where,
    actions: &[Action],
    token: &str,
    over: &dyn StepOver,
) -> Outcome {
    let reference = Service::new(Config {
        account: at.account.clone(),
        default_region: at.region.clone(),
        ..Config::default()
    });
    // Requests without a valid signature go to a reference that checks
    // signatures; their answer does not depend on state.
    let checking = Service::new(Config {
        account: at.account.clone(),
        default_region: at.region.clone(),
        verify: Some(Credentials {
            access_key_id: "AKIAKACREFERENCE0000".into(),
            secret_access_key: "reference".into(),
        }),
        ..Config::default()
    });
    let mut ours = SideState::new(at, token);
    let mut theirs = SideState::new(at, token);
    let mut created = Created::default();
    let mut out = Outcome {
        exchanges: Vec::new(),
        divergence: None,
        reference_keys: Vec::new(),
        cleanup_errors: Vec::new(),
        target_requests: 0,
        token: token.to_owned(),
        stepped_over: Vec::new(),
    };
    for (i, action) in actions.iter().enumerate() {
        for name in action.keys_used() {
            ours.define_missing(&name, at);
            theirs.define_missing(&name, at);
        }
        let (Ok(req_ref), Ok(req_tgt)) = (action.request(&ours.vars), action.request(&theirs.vars))
        else {
            continue;
        };
        let service = if action.auth == Auth::Signed {
            &reference
        } else {
            &checking
        };
        let (raw, fault) = service.answer(&RawRequest {
            method: req_ref.method.clone(),
            path: req_ref.path.clone(),
            headers: req_ref.headers.clone(),
            body: Bytes::from(req_ref.body.clone()),
        });
        let answer = wire(&raw);
        // What the reference does not provide (custom key stores) it cannot
        // judge: the sequence ends there, unsent.
        if matches!(fault, Some(Fault::Unsupported(_))) {
            break;
        }
        created.note(Some(action.op), &req_tgt, None);
        out.target_requests += 1;
        let seen = match target.client.send(&req_tgt).await {
            Ok(r) => {
                created.note(Some(action.op), &req_tgt, Some(&r));
                Seen::Response(r)
            }
            Err(e) => Seen::Failed(e.to_string()),
        };
        let body: Value = serde_json::from_slice(&req_ref.body).unwrap_or(Value::Null);
        let divergence = compare(
            action.op,
            &body,
            &answer,
            fault.as_ref(),
            &seen,
            &Sides {
                reference_keys: &ours.keys,
                target_keys: &theirs.keys,
                token,
                account: &at.account,
            },
        );
        ours.learn(action, &answer);
        if let Seen::Response(r) = &seen {
            theirs.learn(action, r);
        }
        out.exchanges.push(Exchange {
            action: i,
            request: req_ref,
            reference: answer,
            fault,
            target: seen,
        });
        if let Some(d) = divergence {
            let alike = match &out.exchanges.last().map(|e| &e.target) {
                Some(Seen::Response(r)) => {
                    (r.status == 200)
                        == (out.exchanges.last().map(|e| e.reference.status) == Some(200))
                }
                _ => false,
            };
            match over.step_over(&d).filter(|_| alike) {
                Some(signature) => out.stepped_over.push(signature),
                None => {
                    out.divergence = Some(d);
                    break;
                }
            }
        }
    }
    out.reference_keys = ours.keys;
    out.target_requests += created.aliases.len() + created.keys.len();
    out.cleanup_errors = cleanup(target, &created).await;
    out
}
