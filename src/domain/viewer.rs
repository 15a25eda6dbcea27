//! Who is asking: the subject, roles and departments taken from a verified token.

use serde::{Deserialize, Serialize};

/// A role a token can grant (see the roles table in the API contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// 填报人: creates and edits reports of its departments.
    Preparer,
    /// 评价组成员/组长: signs.
    Evaluator,
    /// 部门负责人: opinion, approval.
    DepartmentHead,
    /// 财政部门归口业务股室: review, return, publish.
    FinanceReviewer,
    /// Reads everything in scope.
    Auditor,
    /// Machine client: reads in scope, upserts and imports.
    SyncClient,
    /// Everything.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 7] = [
        Role::Preparer,
        Role::Evaluator,
        Role::DepartmentHead,
        Role::FinanceReviewer,
        Role::Auditor,
        Role::SyncClient,
        Role::Admin,
    ];

    /// Parses a role name as it appears in tokens.
    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// The role name as it appears in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Preparer => "PREPARER",
            Role::Evaluator => "EVALUATOR",
            Role::DepartmentHead => "DEPARTMENT_HEAD",
            Role::FinanceReviewer => "FINANCE_REVIEWER",
            Role::Auditor => "AUDITOR",
            Role::SyncClient => "SYNC_CLIENT",
            Role::Admin => "ADMIN",
        }
    }
}

/// The caller of a request. Anonymous callers have no subject and no roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Viewer {
    /// Token subject (`sub`).
    pub subject: Option<String>,
    /// Display name (`name`).
    pub name: Option<String>,
    /// Roles granted.
    pub roles: Vec<Role>,
    /// Department codes in scope; `*` means all.
    pub departments: Vec<String>,
}

impl Viewer {
    /// The anonymous viewer.
    pub fn anonymous() -> Self {
        Self::default()
    }

    /// Whether no token was given.
    pub fn is_anonymous(&self) -> bool {
        self.subject.is_none()
    }

    /// Whether the viewer holds `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether every department is in scope.
    pub fn all_departments(&self) -> bool {
        self.has_role(Role::Admin) || self.departments.iter().any(|d| d == "*")
    }

    /// Whether the department with `code` is in scope.
    pub fn covers(&self, code: &str) -> bool {
        !self.is_anonymous()
            && (self.all_departments() || self.departments.iter().any(|d| d == code))
    }

    /// Whether the viewer acts in `role` for the department `code` (ADMIN acts in every role).
    pub fn acts_as(&self, role: Role, code: &str) -> bool {
        (self.has_role(role) || self.has_role(Role::Admin)) && self.covers(code)
    }

    /// Whether the viewer acts in any of `roles` for the department `code`.
    pub fn acts_as_any(&self, roles: &[Role], code: &str) -> bool {
        roles.iter().any(|r| self.acts_as(*r, code))
    }

    /// The subject, or `anonymous`, for audit fields.
    pub fn actor(&self) -> Option<String> {
        self.subject.clone()
    }
}
