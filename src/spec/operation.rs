//! The operations of the KMS JSON 1.1 service that the suite speaks of.

/// The `X-Amz-Target` prefix of every KMS operation (BC metadata `targetPrefix`).
pub const TARGET_PREFIX: &str = "TrentService";
/// The content type of AWS JSON 1.1 requests and responses (BC metadata `jsonVersion`).
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// The SigV4 signing name of KMS (BC metadata `endpointPrefix`).
pub const SIGNING_NAME: &str = "kms";

macro_rules! operations {
    ($($name:ident),* $(,)?) => {
        /// A KMS operation, named as in `X-Amz-Target: TrentService.<Operation>`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Operation { $(#[allow(missing_docs)] $name),* }

        impl Operation {
            /// Every operation, in declaration order.
            pub const ALL: &'static [Operation] = &[$(Operation::$name),*];

            /// The operation's wire name, e.g. `CreateAlias`.
            pub fn name(self) -> &'static str {
                match self { $(Operation::$name => stringify!($name)),* }
            }
        }
    };
}

operations!(
    CreateKey,
    DescribeKey,
    ListKeys,
    EnableKey,
    DisableKey,
    ScheduleKeyDeletion,
    CancelKeyDeletion,
    CreateAlias,
    UpdateAlias,
    DeleteAlias,
    ListAliases,
);

impl Operation {
    /// Looks an operation up by its wire name (case-sensitive, as AWS is).
    pub fn from_name(name: &str) -> Option<Operation> {
        Operation::ALL.iter().copied().find(|op| op.name() == name)
    }

    /// Parses an `X-Amz-Target` header value such as `TrentService.CreateAlias`.
    pub fn from_target(target: &str) -> Option<Operation> {
        let (prefix, name) = target.split_once('.')?;
        if prefix != TARGET_PREFIX {
            return None;
        }
        Operation::from_name(name)
    }

    /// The `X-Amz-Target` header value for this operation.
    pub fn target(self) -> String {
        format!("{TARGET_PREFIX}.{}", self.name())
    }

    /// Whether the operation only reads state, so sending it again is
    /// harmless (the only steps `eventually` may retry).
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Operation::DescribeKey | Operation::ListKeys | Operation::ListAliases
        )
    }

    /// Whether a successful response has an empty body (BC: no output shape).
    pub fn has_empty_output(self) -> bool {
        super::shape::output_members(self).is_none()
    }
}

impl std::fmt::Display for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_round_trip() {
        for op in Operation::ALL {
            assert_eq!(Operation::from_target(&op.target()), Some(*op));
        }
        assert_eq!(Operation::from_target("TrentService.createAlias"), None);
        assert_eq!(Operation::from_target("Other.CreateAlias"), None);
        assert_eq!(Operation::from_target("CreateAlias"), None);
    }

    #[test]
    fn empty_outputs_match_the_model() {
        assert!(Operation::CreateAlias.has_empty_output());
        assert!(!Operation::ListAliases.has_empty_output());
    }
}
