//! Who may read and write reports.

use crate::domain::{Role, Viewer};
use crate::error::AppError;
use entity::{ReportStatus, department, report};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};

/// Roles that may write report content.
const WRITERS: [Role; 3] = [Role::Preparer, Role::SyncClient, Role::Admin];

/// Whether the viewer holds a role that writes report content (in some department).
pub fn may_write_reports(viewer: &Viewer) -> bool {
    WRITERS.iter().any(|role| viewer.has_role(*role))
}

/// Reports the viewer may read, as a SQL condition: never deleted ones; published ones for
/// everybody; every state for the departments in the viewer's scope.
pub fn readable(viewer: &Viewer) -> Condition {
    let live = Condition::all().add(report::Column::DeletedAt.is_null());
    if viewer.is_anonymous() {
        return live.add(report::Column::Status.eq(ReportStatus::Published));
    }
    if viewer.all_departments() {
        return live;
    }
    let in_scope = report::Column::DepartmentId.in_subquery(
        Query::select()
            .column(department::Column::Id)
            .from(department::Entity)
            .and_where(department::Column::Code.is_in(viewer.departments.clone()))
            .to_owned(),
    );
    live.add(
        Condition::any()
            .add(report::Column::Status.eq(ReportStatus::Published))
            .add(in_scope),
    )
}

/// Whether the viewer sees personal contact details (phone numbers).
pub fn sees_contact_details(viewer: &Viewer) -> bool {
    !viewer.is_anonymous()
}

/// Refuses unless the viewer may write reports of the department `code`.
pub fn ensure_writer(viewer: &Viewer, code: &str) -> Result<(), AppError> {
    if viewer.is_anonymous() {
        return Err(AppError::Unauthenticated(
            "写入报告需要登录（Authorization: Bearer 令牌）".into(),
        ));
    }
    if !WRITERS.iter().any(|r| viewer.has_role(*r)) {
        return Err(AppError::Forbidden(
            "需要 PREPARER、SYNC_CLIENT 或 ADMIN 角色才能编辑报告".into(),
        ));
    }
    if !viewer.covers(code) {
        return Err(AppError::Forbidden(format!(
            "您的令牌不包含部门 {code} 的权限"
        )));
    }
    Ok(())
}

/// Refuses unless the viewer acts in one of `roles` for the department `code` (ADMIN covering
/// it included, as `Viewer::acts_as_any` says); `what` names the action in the message. The one
/// rule behind workflow steps and the finance re-check.
pub fn ensure_role_in(
    viewer: &Viewer,
    roles: &[crate::domain::Role],
    code: &str,
    what: &str,
) -> Result<(), AppError> {
    if viewer.is_anonymous() {
        return Err(AppError::Unauthenticated("需要登录".into()));
    }
    if !viewer.acts_as_any(roles, code) {
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        return Err(AppError::Forbidden(format!(
            "“{what}”需要部门 {code} 的 {} 角色",
            names.join(" 或 ")
        )));
    }
    Ok(())
}

/// Whether a report in `status` may have its content changed.
pub fn content_editable(status: ReportStatus) -> bool {
    matches!(status, ReportStatus::Draft | ReportStatus::Returned)
}
