//! The clause catalogue: every rule of the spec (sections A to K of
//! `shared/spec/aws-kms-alias.md`) about an operation the reference serves,
//! with a stable id, the rule in one sentence, the operations it applies to,
//! its evidence and source, and the cells that cannot be checked with why.
//!
//! Case files name these ids in `clause:`; `kms-alias-conformance coverage`
//! counts, per clause × operation, the cases on each side (what must be
//! accepted, what must be rejected). An id names the rule, not the
//! operation: `alias-name.length` is one clause over CreateAlias,
//! UpdateAlias and DeleteAlias.

use super::fault::Evidence;
use super::operation::Operation;
use super::otc::Action;

/// A column of the matrix: the AWS operation or OTC action a check step
/// sends, or neither for a request whose `X-Amz-Target` names no operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// An AWS operation.
    Aws(Operation),
    /// An OTC action.
    Otc(Action),
    /// A request that names no operation.
    Unnamed,
}

impl Column {
    /// Every column, AWS operations first, in declaration order.
    pub fn all() -> impl Iterator<Item = Column> {
        Operation::ALL
            .iter()
            .map(|o| Column::Aws(*o))
            .chain(Action::ALL.iter().map(|a| Column::Otc(*a)))
            .chain(std::iter::once(Column::Unnamed))
    }

    /// The operation or action name, `None` for [`Column::Unnamed`].
    pub fn operation(self) -> Option<&'static str> {
        match self {
            Column::Aws(o) => Some(o.name()),
            Column::Otc(a) => Some(a.name()),
            Column::Unnamed => None,
        }
    }

    /// The column a name stands for (an AWS operation or an OTC action).
    pub fn from_operation(name: Option<&str>) -> Option<Column> {
        match name {
            None => Some(Column::Unnamed),
            Some(n) => Operation::from_name(n)
                .map(Column::Aws)
                .or_else(|| Action::from_name(n).map(Column::Otc)),
        }
    }
}

/// The name of a column.
pub fn column_name(column: Column) -> &'static str {
    column.operation().unwrap_or("(no operation)")
}

/// Which sides of a cell a corpus must check.
///
/// Most rules have two: inputs they must accept and inputs they must
/// reject. Some have one by nature (a response shape has nothing to reject;
/// a `NotFoundException` rule has nothing to accept), and the catalogue says
/// why, so that a missing side is a hole and not a matter of opinion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sides {
    /// Cases that must succeed and cases that must fail.
    Both,
    /// Only cases that must succeed, with why nothing is rejected.
    Accept(&'static str),
    /// Only cases that must fail, with why nothing is accepted.
    Reject(&'static str),
}

impl Sides {
    /// Whether a cell needs cases that succeed.
    pub fn accepts(self) -> bool {
        !matches!(self, Sides::Reject(_))
    }

    /// Whether a cell needs cases that fail.
    pub fn rejects(self) -> bool {
        !matches!(self, Sides::Accept(_))
    }

    /// Why the cell has one side only.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Sides::Both => None,
            Sides::Accept(r) | Sides::Reject(r) => Some(r),
        }
    }
}

/// One rule of the specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clause {
    /// The stable id case files name, `area.rule`.
    pub id: &'static str,
    /// The rule in one sentence.
    pub rule: &'static str,
    /// The operations it applies to (the columns of its cells).
    pub ops: &'static [Column],
    /// How sure the spec is of it.
    pub evidence: Evidence,
    /// Where it comes from (spec sections and their sources).
    pub source: &'static str,
    /// Cells that cannot be checked, with the reason.
    pub unknowable: &'static [(Column, &'static str)],
    /// The sides every cell must check.
    pub sides: Sides,
    /// Cells whose sides differ from `sides`.
    pub cell_sides: &'static [(Column, Sides)],
}

impl Clause {
    /// Why the cell of `column` cannot be checked, if the catalogue says so.
    pub fn unknowable_reason(&self, column: Column) -> Option<&'static str> {
        self.unknowable
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, r)| *r)
    }

    /// The sides the cell of `column` must check.
    pub fn sides_of(&self, column: Column) -> Sides {
        self.cell_sides
            .iter()
            .find(|(c, _)| *c == column)
            .map_or(self.sides, |(_, s)| *s)
    }
}

/// The clause with this id.
pub fn clause(id: &str) -> Option<&'static Clause> {
    CLAUSES.iter().find(|c| c.id == id)
}

const CK: Column = Column::Aws(Operation::CreateKey);
const DK: Column = Column::Aws(Operation::DescribeKey);
const LK: Column = Column::Aws(Operation::ListKeys);
const EN: Column = Column::Aws(Operation::EnableKey);
const DI: Column = Column::Aws(Operation::DisableKey);
const SD: Column = Column::Aws(Operation::ScheduleKeyDeletion);
const CD: Column = Column::Aws(Operation::CancelKeyDeletion);
const CA: Column = Column::Aws(Operation::CreateAlias);
const UA: Column = Column::Aws(Operation::UpdateAlias);
const DA: Column = Column::Aws(Operation::DeleteAlias);
const LA: Column = Column::Aws(Operation::ListAliases);
const NO: Column = Column::Unnamed;
const OCK: Column = Column::Otc(Action::CreateKey);
const OUA: Column = Column::Otc(Action::UpdateKeyAlias);
const ODK: Column = Column::Otc(Action::DescribeKey);
const OSD: Column = Column::Otc(Action::ScheduleKeyDeletion);
const OEN: Column = Column::Otc(Action::EnableKey);
const ODI: Column = Column::Otc(Action::DisableKey);
const OCD: Column = Column::Otc(Action::CancelKeyDeletion);

/// Every operation that takes a key identifier (CreateAlias and UpdateAlias
/// `TargetKeyId`, ListAliases `KeyId`, DescribeKey and the key operations).
const KEY_ID_OPS: &[Column] = &[CA, UA, LA, DK, DI, EN, SD, CD];
/// Every operation that takes an `AliasName`.
const ALIAS_NAME_OPS: &[Column] = &[CA, UA, DA];

/// Why a cell has only a reject side: the rule is an error answer.
const ERROR_ONLY: &str = "the rule is an error answer: there is no input for it to accept";
/// Why a cell has only an accept side: the rule is what a success carries.
const SHAPE: &str = "the rule is what a success carries: there is no input for it to reject";
/// ListAliases shows what another operation did; it refuses nothing of it.
const LISTING: &str = "ListAliases shows what the other operation did and refuses nothing of it";
const PENDING_ONLY: &str =
    "DisableKey and EnableKey come into this rule only as refusals of a key pending deletion; \
     their successes are `key-state.disable-enable`";
const AUTH: &str = "a rule about refusing a request; accepting a signed one is every other case";

const NOT_PRODUCIBLE: &str = "only multi-Region replicas and keys in custom key stores take the \
     Creating, Updating or Unavailable states (spec C); no served operation puts a key in them";

macro_rules! clauses {
    (@or $default:expr) => { $default };
    (@or $default:expr, $given:expr) => { $given };
    ($({$id:literal, $ev:ident, $ops:expr, $rule:literal, $source:literal
        $(, sides: $sides:expr)? $(, cells: $cells:expr)? $(, unknowable: $unk:expr)? $(,)?}),* $(,)?) => {
        /// The catalogue, grouped by area.
        pub static CLAUSES: &[Clause] = &[$(Clause {
            id: $id,
            rule: $rule,
            ops: $ops,
            evidence: Evidence::$ev,
            source: $source,
            unknowable: clauses!(@or &[] $(, $unk)?),
            sides: clauses!(@or Sides::Both $(, $sides)?),
            cell_sides: clauses!(@or &[] $(, $cells)?),
        }),*];
    };
}

clauses!(
    // Alias names (spec A, B#1-#8, H, J Q2-Q3).
    {"alias-name.length", Documented, ALIAS_NAME_OPS,
     "An AliasName is 1 to 256 characters; a longer or empty one is a ValidationException.",
     "BC AliasNameType min 1 max 256 (spec A); framework wording B#5, B#6"},
    {"alias-name.pattern", Documented, ALIAS_NAME_OPS,
     "An AliasName matches ^[a-zA-Z0-9:/_-]+$; any other character is a ValidationException naming the pattern.",
     "BC AliasNameType pattern (spec A); MOTO-2015 text (B#3, J Q3)"},
    {"alias-name.prefix", Recorded, ALIAS_NAME_OPS,
     "An AliasName begins with `alias/`; otherwise ValidationException `Alias must start with the prefix \"alias/\". ...`.",
     "LS-snap test_create_alias 2023, ACK #1878 (B#1); UpdateAlias/DeleteAlias presumably the same (B#2, K)"},
    {"alias-name.colon", Recorded, ALIAS_NAME_OPS,
     "A `:` in an AliasName (allowed by the model pattern) is a ValidationException `<name> contains invalid characters for an alias`.",
     "terraform-provider-aws #12891 (J Q3), MOTO-2015 (B#4)"},
    {"alias-name.reserved", Inferred, ALIAS_NAME_OPS,
     "Names beginning with `alias/aws/` are reserved for AWS: CreateAlias answers NotAuthorizedException; UpdateAlias and DeleteAlias refuse with a 400.",
     "MOTO-2015 and LKMS (B#8, B#22, B#23, J Q2)"},
    {"alias-name.case", Documented, ALIAS_NAME_OPS,
     "Alias names are case-sensitive: names differing only in letter case are different aliases.",
     "DG alias-manage.md (spec A, H)",
     cells: &[(CA, Sides::Accept("a second name differing in case is created; a refusal would break the rule, not check it"))]},
    // Aliases.
    {"alias.unique", Recorded, &[CA, LA],
     "CreateAlias of a name that exists is an AlreadyExistsException naming the alias ARN, and leaves the alias as it was.",
     "Terraform docs, terraform-provider-aws #35161 (B#9, J Q7)",
     cells: &[(LA, Sides::Accept(LISTING))]},
    {"alias.not-found", Recorded, &[UA, DA, DK, LA],
     "An alias that does not exist is a NotFoundException `Alias <alias ARN> is not found.`.",
     "sigstore/cosign #1474, CC-placebo DescribeKey (B#16, J Q7); DeleteAlias/UpdateAlias only from emulators (K)",
     cells: &[(LA, Sides::Accept(LISTING))]},
    {"alias.delete", Documented, &[DA, CA, LA],
     "DeleteAlias removes the alias and not its key; the name can then be created again.",
     "BC DeleteAlias doc, DG alias-manage.md",
     sides: Sides::Accept("what a DeleteAlias that succeeds leaves; deleting what is not there is `alias.not-found`")},
    {"alias.retarget", Documented, &[UA, LA],
     "UpdateAlias moves an alias to another key of the same family and usage, including the key it already targets.",
     "BC UpdateAlias doc, DG alias-manage.md (spec A, E); same target B#20",
     sides: Sides::Accept("the refusals of UpdateAlias are `alias.family`, `key-state.alias-target` and the key-id clauses")},
    {"alias.family", Recorded, &[UA],
     "UpdateAlias refuses a new key of another type (symmetric, asymmetric, HMAC) or key usage with a ValidationException; the usage text is recorded.",
     "BC UpdateAlias doc, DG (spec D); usage text LKMS-PM 2020 (J Q1)"},
    {"alias.dates", Documented, &[UA, LA],
     "After CreateAlias CreationDate equals LastUpdatedDate; UpdateAlias changes LastUpdatedDate and keeps CreationDate.",
     "DG alias-manage.md examples (spec E)",
     sides: Sides::Accept(SHAPE)},
    {"alias.quota", Documented, &[CA, UA, LA],
     "A key has at most 50 aliases; CreateAlias or UpdateAlias beyond that is a LimitExceededException.",
     "DG resource-limits.md (spec A, B#21, J Q8)",
     cells: &[(LA, Sides::Accept(LISTING))]},
    {"alias.predefined", Recorded, &[LA, DK],
     "Predefined AWS aliases are listed without a key (AliasName and AliasArn only) until used; DescribeKey of one creates the AWS managed key.",
     "CC-placebo ListAliases (J Q7), BC ListAliases and DescribeKey docs (spec A, E)",
     sides: Sides::Accept(SHAPE)},
    // Key identifiers (spec A, B#10-#13, J Q4).
    {"key-id.forms", Documented, KEY_ID_OPS,
     "A key id, a `mrk-` id or a key ARN of the account and Region identifies the key.",
     "BC KeyId docs (spec A), LS-snap (B#10)",
     sides: Sides::Accept("the forms that identify a key; the forms that do not are `key-id.alias`, `key-id.bad-arn` and `key-id.malformed`")},
    {"key-id.alias", Inferred, KEY_ID_OPS,
     "An alias name or alias ARN identifies its key for DescribeKey only; the other operations refuse it with a 400 (ValidationException or NotFoundException).",
     "BC DescribeKey doc (spec A); APIREF-old \"cannot be an alias\"; MOTO-2015 (B#13, J Q4)",
     sides: Sides::Reject(ERROR_ONLY), cells: &[(DK, Sides::Both)]},
    {"key-id.not-found", Recorded, KEY_ID_OPS,
     "A well-formed key id or key ARN of no key is a NotFoundException `Key '<key ARN>' does not exist`.",
     "LS-snap test_get_key_does_not_exist (B#10, B#24)",
     sides: Sides::Reject(ERROR_ONLY)},
    {"key-id.malformed", Recorded, KEY_ID_OPS,
     "A key id of the wrong shape is a NotFoundException `Invalid keyId '<id>'`.",
     "LS-snap test_get_key_invalid_uuid, CC-placebo (B#11, J Q4)",
     sides: Sides::Reject(ERROR_ONLY)},
    {"key-id.other-region", Recorded, KEY_ID_OPS,
     "A key ARN of another Region is a NotFoundException `Invalid arn <region>`.",
     "LS-snap test_get_key_in_different_region (B#12)",
     sides: Sides::Reject(ERROR_ONLY)},
    {"key-id.bad-arn", Inferred, KEY_ID_OPS,
     "A key ARN of another account or partition, or with a field missing or wrong, identifies no key: a 400 NotFoundException (or InvalidArnException).",
     "key-id rule of B#10-#12 and the modeled InvalidArnException (spec A); not recorded",
     sides: Sides::Reject(ERROR_ONLY)},
    {"key-id.length", Documented, KEY_ID_OPS,
     "A key identifier is 1 to 2048 characters; an empty or longer one is a ValidationException.",
     "BC KeyIdType min 1 max 2048 (spec A)",
     sides: Sides::Reject("an identifier within the length that names no key is still an error (`key-id.not-found`); the accepted side is `key-id.forms`")},
    // Key states (spec C).
    {"key-state.alias-target", Documented, &[CA, UA],
     "CreateAlias and UpdateAlias refuse a key pending deletion (KMSInvalidStateException `<key ARN> is pending deletion.`) and accept a key in any other state.",
     "DG key-state.md footnotes [3], [10] (B#14, B#15, B#17, B#18)"},
    {"key-state.any-state", Documented, &[DA, LA, DK],
     "DeleteAlias, ListAliases and DescribeKey work whatever the key's state.",
     "DG key-state.md table (spec C)",
     sides: Sides::Accept("the rule is that these operations refuse no state")},
    {"key-state.disable-enable", Recorded, &[DI, EN],
     "DisableKey makes a key Disabled and EnableKey Enabled; both refuse a key pending deletion with KMSInvalidStateException.",
     "LS test_disable_and_enable_key (aws.validated), DG footnote [3] (spec C, B#29)"},
    {"key-state.deletion", Recorded, &[SD, CD, DK, DI, EN],
     "ScheduleKeyDeletion makes a key PendingDeletion with a DeletionDate; CancelKeyDeletion makes it Disabled; either on the wrong state is a KMSInvalidStateException.",
     "LS test_schedule_and_cancel_key_deletion (aws.validated), DG footnotes [3], [4] (spec C, B#27, B#28)",
     cells: &[(DK, Sides::Accept(SHAPE)), (DI, Sides::Reject(PENDING_ONLY)), (EN, Sides::Reject(PENDING_ONLY))]},
    {"key-state.pending-import", Recorded, &[EN, DI, SD, CD],
     "An EXTERNAL key starts PendingImport: EnableKey, DisableKey and CancelKeyDeletion refuse it (`<key ARN> is pending import.`), ScheduleKeyDeletion accepts it.",
     "DG footnote [5], LS-snap pending-import text (B#29, spec C)",
     sides: Sides::Reject(ERROR_ONLY), cells: &[(SD, Sides::Accept("ScheduleKeyDeletion accepts a PendingImport key; that is the whole rule for it"))]},
    {"key-state.transient", Documented, &[DI, EN, SD, CD],
     "Keys Creating or Updating are refused by the key operations; Unavailable keys may be disabled, enabled and scheduled.",
     "DG key-state.md footnotes [12]-[15] (spec C)",
     unknowable: &[(DI, NOT_PRODUCIBLE), (EN, NOT_PRODUCIBLE), (SD, NOT_PRODUCIBLE), (CD, NOT_PRODUCIBLE)]},
    {"key-state.aliases-deleted", Documented, &[LA],
     "When a key is finally deleted, its aliases are deleted with it.",
     "DG alias-about.md (spec C)",
     unknowable: &[(LA, "a key is deleted 7 days after ScheduleKeyDeletion at the soonest; a run cannot wait for it")]},
    // ListAliases (spec E, J Q5).
    {"list-aliases.entry-shape", Recorded, &[LA],
     "An entry has AliasName, AliasArn (`arn:<partition>:kms:<region>:<account>:` + name), TargetKeyId (the bare key id, even when an ARN was sent) and the dates as epoch numbers.",
     "LS-snap test_update_kms_alias_change_target_key 2026 (spec E); localstack #8502",
     sides: Sides::Accept(SHAPE)},
    {"list-aliases.key-filter", Documented, &[LA],
     "With KeyId (key id or key ARN) only the aliases of that key are listed.",
     "BC ListAliases doc (spec A, E)",
     sides: Sides::Accept("a KeyId of no key is `key-id.not-found`; a malformed one `key-id.malformed`")},
    {"list-aliases.page-size", Recorded, &[LA],
     "Without Limit a page holds at most 50 entries.",
     "CC-placebo 2024-06, 2025-07 (J Q5)",
     sides: Sides::Accept(SHAPE)},
    {"list-aliases.limit", Documented, &[LA],
     "Limit is 1 to 1000; 0 or more than 1000 is a ValidationException.",
     "BC LimitType (spec A, K)"},
    {"list-aliases.marker", Documented, &[LA],
     "A Marker that no page gave is an InvalidMarkerException.",
     "BC ListAliases errors (B#25, J Q5)"},
    {"list-aliases.pagination", Recorded, &[LA],
     "A truncated page has Truncated true and a NextMarker that gives the next page; the last has Truncated false and no NextMarker; entries are in AliasName byte order.",
     "BC paginators-1.json (spec E), CC-placebo (J Q5)",
     sides: Sides::Accept(SHAPE)},
    // CreateKey and key metadata (spec A, D, K).
    {"create-key.enums", Recorded, &[CK],
     "KeySpec, KeyUsage and Origin outside their enums are a ValidationException naming the enum set.",
     "LS-snap test_hmac_create_key_invalid_operations (B#33); BC-1.44 enums (K)"},
    {"create-key.key-usage", Recorded, &[CK],
     "KeyUsage must be one the KeySpec allows, and is required for every spec but SYMMETRIC_DEFAULT.",
     "LS-snap (B#31, B#32), BC CreateKey KeyUsage doc (spec D)"},
    {"create-key.ml-kem", Documented, &[CK, DK],
     "ML_KEM_512/768/1024 keys are asymmetric with usage ENCAPSULATE_DECAPSULATE only.",
     "BC-1.44 Encapsulate KeyId doc (K)",
     cells: &[(DK, Sides::Accept(SHAPE))]},
    {"create-key.tags", Recorded, &[CK],
     "Tag keys beginning `aws:` (any case) or more than 50 tags are a TagException; a key over 128 or a value over 256 characters a ValidationException.",
     "LS-snap 2025-01 (K)"},
    {"key-metadata.shape", Recorded, &[CK, DK],
     "KeyMetadata carries every member AWS records for the key's spec, origin and state (CurrentKeyMaterialId, MultiRegionConfiguration, algorithm lists, deletion members).",
     "LS-snap (K), BC KeyMetadata shape",
     sides: Sides::Accept(SHAPE)},
    {"key-metadata.by-key-spec", Documented, &[DK],
     "KeyMetadata's KeyUsage, algorithm lists and CustomerMasterKeySpec follow the KeySpec.",
     "BC KeyMetadata doc, LS-snap (spec D, K)",
     sides: Sides::Accept(SHAPE)},
    {"key-metadata.id-shape", Recorded, &[CK, DK, LA, SD, CD, LK],
     "Every key id in a response is a lowercase UUID, or `mrk-` and 32 lowercase hex digits for a multi-Region key.",
     "LS-snap key ids and multi-Region ids (K, B#10)",
     sides: Sides::Accept(SHAPE)},
    {"schedule-key-deletion.window", Documented, &[SD],
     "PendingWindowInDays is 7 to 30 (default 30); outside it is a ValidationException.",
     "BC ScheduleKeyDeletion doc (spec A, H)"},
    // Requests and responses (spec A, F, J Q6, J Q7).
    {"members.required", Recorded, &[CA, UA, DA, DK],
     "A missing required member is a ValidationException `Value null at '<member>' failed to satisfy constraint: Member must not be null`.",
     "LKMS-PM, FLOCI-M (J Q6, B#7)"},
    {"members.types", Inferred, &[CA, UA, DA],
     "A member of the wrong JSON type is refused with a 400 (SerializationException or ValidationException).",
     "AWS JSON 1.1 framework (spec F common errors)",
     sides: Sides::Reject(ERROR_ONLY)},
    {"response.empty-body", Recorded, &[CA, UA, DA, DI, EN, LA],
     "CreateAlias, UpdateAlias, DeleteAlias, DisableKey and EnableKey answer 200 with a 0-byte body of type application/x-amz-json-1.1; the others a JSON body.",
     "CC-placebo test_kinesis_encrypt 2017 (J Q7), APIREF examples (spec F)"},
    {"protocol.target", Inferred, &[LA, NO],
     "The operation is `X-Amz-Target: TrentService.<Operation>`; any other target is an UnknownOperationException.",
     "BC metadata (spec A, F); framework code (spec F common errors)",
     cells: &[(NO, Sides::Reject("a request naming no operation can only be refused")),
             (LA, Sides::Accept("a target that names ListAliases is served; a wrong one names no operation (the `(no operation)` cell)"))]},
    {"protocol.error-body", Documented, &[DK, DA, CD, CA, LA],
     "An error is a JSON body with `__type` and `message` (no message where AWS sends none), status 400 for client errors.",
     "spec F, BC parsers.py, LS-snap",
     sides: Sides::Reject(ERROR_ONLY)},
    {"protocol.malformed-body", Inferred, &[LA, DA],
     "A body that is not a JSON object is a SerializationException.",
     "spec F common errors"},
    {"protocol.request-id", Documented, &[CA, LA, DA],
     "Every response, success or error, carries an x-amzn-RequestId header.",
     "spec F, BC parsers.py"},
    {"protocol.unknown-members", Inferred, &[CA, LA, DA],
     "Members the input shape does not have are ignored.",
     "AWS JSON 1.1 framework (spec F)",
     sides: Sides::Accept("the rule is that such members are ignored")},
    {"protocol.auth.missing-token", Inferred, &[LA, DA],
     "A request without an Authorization header is refused (MissingAuthenticationTokenException).",
     "spec F common errors"},
    {"protocol.auth.unknown-access-key", Inferred, &[LA, DA],
     "A signature with an unknown access key id is an UnrecognizedClientException.",
     "spec F common errors",
     sides: Sides::Reject(AUTH)},
    {"protocol.auth.incomplete-signature", Inferred, &[LA],
     "An Authorization header missing SigV4 fields is an IncompleteSignatureException.",
     "spec F common errors",
     sides: Sides::Reject(AUTH)},
    // The OTC / Huawei Cloud dialect (spec G): key_alias on create-key and
    // update-key-alias, the Default Master Keys, key states, the envelope.
    {"otc.key-alias.length", Documented, &[OCK, OUA],
     "A key_alias is 1 to 255 characters; an empty or longer one is 400 KMS.1101 Invalid key_alias., and update-key-alias then leaves the alias as it was.",
     "OTC creating_a_cmk.rst, changing_the_alias_of_a_cmk.rst: key_alias ^[a-zA-Z0-9:/_-]{1,255}$; error_code.rst KMS.1101 (spec G)"},
    {"otc.key-alias.pattern", Documented, &[OCK, OUA],
     "A key_alias uses the AWS alias characters (letters, digits, `:/_-`) and needs no `alias/` prefix; any other character is KMS.1101.",
     "OTC creating_a_cmk.rst, changing_the_alias_of_a_cmk.rst: key_alias pattern (spec G)"},
    {"otc.key-alias.default-suffix", Inferred, &[OCK, OUA],
     "A key_alias ending in `/default` is kept for the Default Master Keys services create, and is refused on a user's key; near misses (`/defaults`, `default`) are ordinary aliases.",
     "OTC creating_a_cmk.rst, changing_the_alias_of_a_cmk.rst (spec G); the code is not documented (KMS.1101 the natural candidate)"},
    {"otc.key-alias.duplicate", Documented, &[OCK, OUA],
     "A key_alias another key has is 400 KMS.1104 Duplicate key aliases.; update-key-alias to the key's own alias succeeds.",
     "OTC error_code.rst KMS.1104 (spec G); the same-alias answer is not documented",
     cells: &[(OCK, Sides::Reject("every other create-key case uses a fresh key_alias"))]},
    {"otc.required-members", Documented, &[OCK, OUA],
     "create-key without key_alias, and update-key-alias without key_id or key_alias, is 400 KMS.0204 Parameters missing in the request message.",
     "OTC creating_a_cmk.rst, changing_the_alias_of_a_cmk.rst (mandatory members); error_code.rst KMS.0204 (spec G)",
     sides: Sides::Reject("every other case sends the members")},
    {"otc.create-key.response", Documented, &[OCK],
     "create-key answers 200 {\"key_info\": {\"key_id\", \"domain_id\"}}, and describe-key then shows the key with its alias, enabled.",
     "OTC creating_a_cmk.rst response (spec G)",
     sides: Sides::Accept(SHAPE)},
    {"otc.keys.lifecycle", Documented, &[ODI, OEN, OCD],
     "disable-key needs an enabled key (else KMS.1301), enable-key a disabled one (else KMS.1201), cancel-key-deletion a key scheduled for deletion (else KMS.1501), which it leaves disabled; each answers the new key_state.",
     "OTC disabling_a_cmk.rst, enabling_a_cmk.rst, canceling_the_scheduled_deletion_of_a_cmk.rst; error_code.rst (spec G)"},
    {"otc.key-id.format", Documented, &[OUA],
     "A key_id matches ^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$; any other is 400 KMS.0205 Invalid key ID.",
     "OTC changing_the_alias_of_a_cmk.rst key_id pattern; error_code.rst KMS.0205 (spec G)",
     sides: Sides::Reject("every other update-key-alias case sends a well-formed key_id")},
    {"otc.key-id.not-found", Documented, &[OUA],
     "A well-formed key_id of no key is 404 KMS.0207 The key does not exist.",
     "OTC error_code.rst KMS.0207 (spec G)",
     sides: Sides::Reject(ERROR_ONLY)},
    {"otc.key-state.rename", Inferred, &[OUA],
     "A key scheduled for deletion cannot be re-aliased (400); a disabled key or one pending import can.",
     "OTC changing_the_alias_of_a_cmk.rst note (spec G); the code (KMS.0210 likely) and the other states are not documented"},
    {"otc.default-master-key", Documented, &[OUA],
     "A Default Master Key cannot be re-aliased: 400 KMS.0211 Cannot perform this operation on Default Master Keys.",
     "OTC changing_the_alias_of_a_cmk.rst note; error_code.rst KMS.0211 (spec G)",
     sides: Sides::Reject(ERROR_ONLY)},
    {"otc.sequence", Documented, &[OUA],
     "An optional sequence is a 36-byte serial number; another value is 400 KMS.0206 Invalid sequence number.",
     "OTC changing_the_alias_of_a_cmk.rst sequence; error_code.rst KMS.0206 (spec G)"},
    {"otc.update-key-alias.response", Documented, &[OUA],
     "A success answers 200 {\"key_info\": {\"key_id\", \"key_alias\"}} with the new alias.",
     "OTC changing_the_alias_of_a_cmk.rst response (spec G)",
     sides: Sides::Accept(SHAPE)},
    {"otc.describe-key.response", Documented, &[ODK],
     "describe-key answers key_info with every documented member, each a string.",
     "OTC querying_the_information_about_a_cmk.rst Table 5 (spec G)",
     sides: Sides::Accept(SHAPE)},
    {"otc.key-state.codes", Documented, &[ODK],
     "key_state is a string: \"2\" enabled, \"3\" disabled, \"4\" scheduled for deletion, \"5\" pending import.",
     "OTC querying_the_information_about_a_cmk.rst key_state (spec G)",
     sides: Sides::Accept(SHAPE)},
    {"otc.schedule-key-deletion.pending-days", Documented, &[OSD],
     "pending_days is a string of 7 to 1096 days; another is 400 KMS.1401.",
     "OTC scheduling_the_deletion_of_a_cmk.rst; error_code.rst KMS.1401 (spec G)"},
    {"otc.protocol.json", Documented, &[OUA, OCK],
     "A body that is not a JSON object is 400 KMS.0202 Invalid JSON format of the request message.",
     "OTC error_code.rst KMS.0202 (spec G)",
     sides: Sides::Reject("a well-formed body is every other case")},
    {"otc.protocol.body-size", Inferred, &[OUA, OCK],
     "A body over the service's limit is refused with 400 (KMS.0203 Request message too long.).",
     "OTC error_code.rst KMS.0203 (spec G); the limit is not documented (the reference takes 1 MiB)",
     sides: Sides::Reject("a body within the limit is every other case")},
    {"otc.protocol.auth", Documented, &[OUA],
     "A request without X-Auth-Token (or with an empty one) is 403 KMS.0301 Invalid or null X-Auth-Token.",
     "OTC error_code.rst KMS.0301 (spec G)",
     sides: Sides::Reject(AUTH)},
    {"otc.protocol.method", Documented, &[OUA],
     "An action is POST only; another method is 405 KMS.0215 Request method not supported.",
     "OTC error_code.rst KMS.0215, status_codes.rst 405 (spec G)",
     sides: Sides::Reject("POST is every other case")},
    {"otc.protocol.path", Inferred, &[NO],
     "A path under /v1.0/{project_id}/kms/ that names no action is 400 KMS.0201 Invalid request URL.",
     "OTC error_code.rst KMS.0201 (spec G); which code an unknown action gets is not documented",
     sides: Sides::Reject(ERROR_ONLY)},
    {"otc.protocol.member-type", Inferred, &[OUA, OCK],
     "A member of another JSON type than string is refused with 400.",
     "OTC API pages type every member String (spec G); the code (KMS.0214 or KMS.0308) is not documented",
     sides: Sides::Reject("members of the documented type are every other case")},
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CLAUSES {
            assert!(seen.insert(c.id), "`{}` is in the catalogue twice", c.id);
            let ok = c.id.contains('.')
                && c.id.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'
                });
            assert!(ok, "`{}` is not `area.rule` in lowercase", c.id);
            assert!(!c.ops.is_empty(), "`{}` applies to no operation", c.id);
            // OTC clauses must not name an OTC action either (AWS ids such
            // as `create-key.ml-kem` may use the words).
            let otc = c.id.starts_with("otc.");
            let names = Operation::ALL
                .iter()
                .map(|o| o.name())
                .chain(Action::ALL.iter().filter(|_| otc).map(|a| a.name()));
            for name in names {
                if c.ops.len() > 1 {
                    assert!(
                        !c.id.contains(name),
                        "`{}` applies to several operations and names one",
                        c.id
                    );
                }
            }
        }
    }

    #[test]
    fn unknowable_cells_are_cells_with_a_reason() {
        for c in CLAUSES {
            for (col, reason) in c.unknowable {
                assert!(
                    c.ops.contains(col),
                    "`{}`: {col:?} is not one of its cells",
                    c.id
                );
                assert!(
                    !reason.trim().is_empty(),
                    "`{}`: an unknowable cell needs a reason",
                    c.id
                );
            }
        }
        assert_eq!(clause("alias-name.length").map(|c| c.ops.len()), Some(3));
    }

    #[test]
    fn one_sided_cells_are_cells_with_a_reason() {
        for c in CLAUSES {
            let mut cells: Vec<(Option<Column>, Sides)> = vec![(None, c.sides)];
            cells.extend(c.cell_sides.iter().map(|(col, s)| (Some(*col), *s)));
            for (col, sides) in cells {
                if let Some(col) = col {
                    assert!(
                        c.ops.contains(&col),
                        "`{}`: {col:?} is not one of its cells",
                        c.id
                    );
                }
                assert!(
                    sides.reason().is_none_or(|r| !r.trim().is_empty()),
                    "`{}`: a one-sided cell needs a reason",
                    c.id
                );
            }
        }
        let not_found = clause("key-id.not-found").map(|c| c.sides_of(DK));
        assert!(not_found.is_some_and(|s| s.rejects() && !s.accepts()));
        let alias = clause("key-id.alias");
        assert_eq!(alias.map(|c| c.sides_of(DK)), Some(Sides::Both));
        assert!(alias.is_some_and(|c| !c.sides_of(CA).accepts()));
        assert!(clause("CreateAlias.AliasName.length").is_none());
    }
}
