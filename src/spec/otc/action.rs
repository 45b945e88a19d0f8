//! The OTC actions the suite speaks of, each a `POST /v1.0/{project_id}/kms/<action>`.

/// The API version segment of every path.
pub const API_VERSION: &str = "v1.0";

macro_rules! actions {
    ($($variant:ident = $path:literal),* $(,)?) => {
        /// An OTC KMS action, named by the last segment of its path.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action { $(#[doc = $path] $variant),* }

        impl Action {
            /// Every action, in declaration order.
            pub const ALL: &'static [Action] = &[$(Action::$variant),*];

            /// The path segment, e.g. `update-key-alias`.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $path),* }
            }
        }
    };
}

actions!(
    CreateKey = "create-key",
    UpdateKeyAlias = "update-key-alias",
    DescribeKey = "describe-key",
    ListKeys = "list-keys",
    EnableKey = "enable-key",
    DisableKey = "disable-key",
    ScheduleKeyDeletion = "schedule-key-deletion",
    CancelKeyDeletion = "cancel-key-deletion",
);

impl Action {
    /// Looks an action up by its path segment (case-sensitive).
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// The request path for a project.
    pub fn path(self, project_id: &str) -> String {
        format!("/{API_VERSION}/{project_id}/kms/{}", self.name())
    }

    /// Whether the action only reads state (the only kind `eventually` may retry).
    pub fn is_read(self) -> bool {
        matches!(self, Action::DescribeKey | Action::ListKeys)
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a request path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route<'a> {
    /// A known action of a project.
    Action {
        /// The `{project_id}` segment.
        project_id: &'a str,
        /// The action.
        action: Action,
    },
    /// Under `/v1.0/{project_id}/kms/`, but no action the dialect has.
    UnknownAction,
    /// Not an OTC KMS path at all.
    Elsewhere,
}

impl Route<'_> {
    /// Parses a path (a query, which no action uses, is ignored).
    pub fn parse(path: &str) -> Route<'_> {
        let path = path.split_once('?').map_or(path, |(p, _)| p);
        let Some(rest) = path.strip_prefix('/') else {
            return Route::Elsewhere;
        };
        let mut parts = rest.split('/');
        let (Some(version), Some(project_id), Some(kms)) =
            (parts.next(), parts.next(), parts.next())
        else {
            return Route::Elsewhere;
        };
        if version != API_VERSION || kms != "kms" {
            return Route::Elsewhere;
        }
        let action = parts.next();
        if project_id.is_empty() || parts.next().is_some() {
            return Route::UnknownAction;
        }
        match action.and_then(Action::from_name) {
            Some(action) => Route::Action { project_id, action },
            None => Route::UnknownAction,
        }
    }

    /// Whether the path is the OTC dialect's at all (so the AWS dialect
    /// leaves it alone).
    pub fn is_otc(path: &str) -> bool {
        !matches!(Route::parse(path), Route::Elsewhere)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        for a in Action::ALL {
            let p = a.path("p1");
            assert_eq!(
                Route::parse(&p),
                Route::Action {
                    project_id: "p1",
                    action: *a
                }
            );
        }
    }

    #[test]
    fn other_paths() {
        assert_eq!(Route::parse("/"), Route::Elsewhere);
        assert_eq!(Route::parse("/v2/p/kms/create-key"), Route::Elsewhere);
        assert_eq!(
            Route::parse("/v1.0/p/kms/create-alias"),
            Route::UnknownAction
        );
        assert_eq!(
            Route::parse("/v1.0/p/kms/create-key/x"),
            Route::UnknownAction
        );
        assert_eq!(Route::parse("/v1.0//kms/create-key"), Route::UnknownAction);
        assert_eq!(Route::parse("/v1.0/p/kms"), Route::UnknownAction);
        assert!(Route::is_otc("/v1.0/p/kms/Create-Key"));
    }
}
