//! Departments (部门（单位）): look-ups, listing, and the ADMIN's upsert.

use crate::domain::pagination::{self, KeyValue, Page, PageRequest, SortKey};
use crate::domain::{Db, FieldError, Outcome, Role, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::Utc;
use entity::department;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// A department by code.
pub async fn by_code(db: &Db, code: &str) -> Result<Option<department::Model>, AppError> {
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(&db.conn)
        .await?)
}

/// A department by id.
pub async fn by_id(db: &Db, id: Uuid) -> Result<Option<department::Model>, AppError> {
    Ok(department::Entity::find_by_id(id).one(&db.conn).await?)
}

/// Every department as the data that recreates it, each after its parent (then in code
/// order), so that upserting them in this order into an empty database rebuilds the tree.
pub async fn all_parents_first(db: &Db) -> Result<Vec<DepartmentData>, AppError> {
    use sea_orm::QueryOrder;
    let rows = department::Entity::find()
        .order_by_asc(department::Column::Code)
        .all(&db.conn)
        .await?;
    let code_of: std::collections::HashMap<Uuid, &str> =
        rows.iter().map(|d| (d.id, d.code.as_str())).collect();
    let mut placed: std::collections::HashSet<Uuid> = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(rows.len());
    // Each pass places the departments whose parent is placed; a parent cycle (which upsert
    // refuses) or a dangling parent would stop the passes, so what is left goes last.
    while out.len() < rows.len() {
        let before = out.len();
        for d in &rows {
            let ready = d
                .parent_id
                .is_none_or(|p| placed.contains(&p) || !code_of.contains_key(&p));
            if !placed.contains(&d.id) && ready {
                placed.insert(d.id);
                out.push(d);
            }
        }
        if out.len() == before {
            out.extend(rows.iter().filter(|d| !placed.contains(&d.id)));
            break;
        }
    }
    Ok(out
        .into_iter()
        .map(|d| DepartmentData {
            code: d.code.clone(),
            name: d.name.clone(),
            parent_code: d
                .parent_id
                .and_then(|p| code_of.get(&p).map(|c| (*c).to_owned())),
            region: d.region.clone(),
        })
        .collect())
}

/// Departments filter.
#[derive(Debug, Clone, Default)]
pub struct DepartmentFilter {
    /// Parent department.
    pub parent_id: Option<Uuid>,
    /// Text in code or name.
    pub search: Option<String>,
}

/// A page of departments in code order. Departments are public reference data.
pub async fn page(
    db: &Db,
    filter: &DepartmentFilter,
    request: &PageRequest,
) -> Result<Page<department::Model>, AppError> {
    let keys = [SortKey::<department::Model> {
        expr: Expr::col(department::Column::Code),
        kind: pagination::KeyKind::Text,
        descending: false,
        value: |m| KeyValue::S(m.code.clone()),
    }];
    pagination::fetch(
        &db.conn,
        select(filter),
        &keys,
        Expr::col((department::Entity, department::Column::Id)),
        |m| m.id,
        request,
    )
    .await
}

/// Departments matching the filter (for pages and their counts).
pub fn select(filter: &DepartmentFilter) -> sea_orm::Select<department::Entity> {
    let mut select = department::Entity::find();
    if let Some(parent) = filter.parent_id {
        select = select.filter(department::Column::ParentId.eq(parent));
    }
    if let Some(text) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        select = select.filter(
            sea_orm::Condition::any()
                .add(department::Column::Code.contains(text))
                .add(department::Column::Name.contains(text)),
        );
    }
    select
}

/// Data of a department to create or change.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DepartmentData {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Parent's code.
    pub parent_code: Option<String>,
    /// Region.
    pub region: Option<String>,
}

/// The most departments one `upsert_many` call takes.
pub const MAX_BATCH: usize = 500;

/// Creates or changes departments by code, in order, each on its own (ADMIN only): a department
/// may name as parent one created earlier in the same list, and one refused item does not stop
/// the others. Refused whole (nothing written) for a caller who is not ADMIN or for more than
/// [`MAX_BATCH`] items.
pub async fn upsert_many(
    db: &Db,
    viewer: &Viewer,
    items: Vec<DepartmentData>,
) -> Result<Vec<Outcome<department::Model>>, AppError> {
    if viewer.is_anonymous() {
        return Err(AppError::Unauthenticated("需要登录".into()));
    }
    if !viewer.has_role(Role::Admin) {
        return Err(AppError::Forbidden("只有 ADMIN 可以维护部门".into()));
    }
    if items.len() > MAX_BATCH {
        return Err(AppError::BadUserInput(format!(
            "一次最多维护 {MAX_BATCH} 个部门（本次 {} 个），请分批提交",
            items.len()
        )));
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(upsert(db, viewer, item).await?);
    }
    Ok(out)
}

/// Creates or changes a department by code (ADMIN only).
pub async fn upsert(
    db: &Db,
    viewer: &Viewer,
    data: DepartmentData,
) -> Result<Outcome<department::Model>, AppError> {
    if viewer.is_anonymous() {
        return Err(AppError::Unauthenticated("需要登录".into()));
    }
    if !viewer.has_role(Role::Admin) {
        return Err(AppError::Forbidden("只有 ADMIN 可以维护部门".into()));
    }
    let mut errors = Vec::new();
    for (field, label, value, max) in [
        ("code", "部门编码", &data.code, 64),
        ("name", "部门名称", &data.name, 200),
    ] {
        if value.trim().is_empty() {
            errors.push(FieldError::new(
                field,
                UserErrorCode::Required,
                format!("{label}不能为空"),
            ));
        } else if value.chars().count() > max {
            errors.push(FieldError::new(
                field,
                UserErrorCode::TooLong,
                format!("{label}最多 {max} 个字符"),
            ));
        }
    }
    if data
        .region
        .as_ref()
        .is_some_and(|r| r.chars().count() > 200)
    {
        errors.push(FieldError::new(
            "region",
            UserErrorCode::TooLong,
            "地区最多 200 个字符",
        ));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let txn = db.begin_write().await?;
    let parent_id = match &data.parent_code {
        None => None,
        Some(code) if code == &data.code => {
            return Ok(Err(vec![FieldError::new(
                "parentCode",
                UserErrorCode::Invalid,
                "部门不能以自己为上级",
            )]));
        }
        Some(code) => match department::Entity::find()
            .filter(department::Column::Code.eq(code.as_str()))
            .one(&txn.txn)
            .await?
        {
            Some(p) => Some(p.id),
            None => {
                return Ok(Err(vec![FieldError::new(
                    "parentCode",
                    UserErrorCode::NotFound,
                    format!("上级部门 {code} 不存在"),
                )]));
            }
        },
    };
    let now = Utc::now();
    let existing = department::Entity::find()
        .filter(department::Column::Code.eq(data.code.as_str()))
        .one(&txn.txn)
        .await?;
    let id = match existing {
        Some(d) => {
            let mut am: department::ActiveModel = d.clone().into();
            am.name = Set(data.name);
            am.parent_id = Set(parent_id);
            am.region = Set(data.region);
            am.updated_at = Set(now);
            department::Entity::update(am).exec(&txn.txn).await?;
            d.id
        }
        None => {
            let id = Uuid::now_v7();
            department::Entity::insert(department::ActiveModel {
                id: Set(id),
                code: Set(data.code),
                name: Set(data.name),
                parent_id: Set(parent_id),
                region: Set(data.region),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_without_returning(&txn.txn)
            .await?;
            id
        }
    };
    txn.commit().await?;
    by_id(db, id)
        .await?
        .map(Ok)
        .ok_or_else(|| AppError::internal("department vanished"))
}
