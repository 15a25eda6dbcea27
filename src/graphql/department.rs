//! Departments: the `Department` type, look-ups and the ADMIN's `upsertDepartment`.

use super::ids::{self, Kind};
use super::payload::{UserError, user_errors};
use super::report::{Report, ReportConnection};
use super::{db, load, viewer};
use crate::domain::Outcome;
use crate::domain::department::{self as service, DepartmentData, DepartmentFilter as Filter};
use crate::domain::pagination::PageRequest;
use crate::domain::report::query::{self, ReportFilter};
use crate::error::AppError;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::department;

/// A budget unit (部门（单位）) that files reports.
#[derive(Clone)]
pub struct Department(pub department::Model);

/// A budget unit (部门（单位）) that files reports.
#[Object]
impl Department {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Department, self.0.id)
    }

    /// Unique code, e.g. YX-KGJ.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Full name, e.g. 岳阳市云溪区科技和工业信息化局.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Administrative region, e.g. 湖南省岳阳市云溪区.
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }

    /// The parent department, if any.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Department>> {
        match self.0.parent_id {
            None => Ok(None),
            Some(id) => Ok(
                load::<super::loaders::ByIdLoader<department::Entity>>(ctx, id)
                    .await?
                    .map(Department),
            ),
        }
    }

    /// Departments directly under this one.
    #[graphql(complexity = "super::limits::cost(first, None, child_complexity)")]
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
    ) -> Result<DepartmentConnection> {
        let filter = Filter {
            parent_id: Some(self.0.id),
            search: None,
        };
        let request = PageRequest {
            first,
            after,
            ..Default::default()
        };
        let page = super::boxed(service::page(db(ctx), &filter, &request)).await?;
        Ok(DepartmentConnection::new(
            page,
            move || service::select(&filter),
            Department,
        ))
    }

    /// This department's reports visible to the caller, newest fiscal year first.
    #[graphql(complexity = "super::limits::cost(first, None, child_complexity)")]
    async fn reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Only this fiscal year.")] fiscal_year: Option<i32>,
    ) -> Result<ReportConnection> {
        let filter = ReportFilter {
            department_id: Some(self.0.id),
            fiscal_year,
            ..Default::default()
        };
        let (db, viewer) = (db(ctx), viewer(ctx));
        let request = PageRequest {
            first,
            after,
            ..Default::default()
        };
        let page = super::boxed(query::page(db, viewer, &filter, &[], &request)).await?;
        let rows: Vec<_> = page.items.iter().map(|(_, r)| r).collect();
        super::prefetch(ctx, &rows).await?;
        let viewer = viewer.clone();
        Ok(ReportConnection::new(
            page,
            move || query::visible(&viewer, &filter),
            Report::live,
        ))
    }
}

/// Which departments to list.
#[derive(InputObject, Default)]
pub struct DepartmentFilter {
    /// Parent department (global ID).
    pub parent_id: Option<ID>,
    /// Text contained in the code or name (at most 200 characters; longer: TOO_LONG).
    #[graphql(validator(custom = "super::input_guard::SearchTerm"))]
    pub search: Option<String>,
}

/// Department queries.
#[derive(Default)]
pub struct DepartmentQuery;

#[Object]
impl DepartmentQuery {
    /// A department by global ID or by code.
    async fn department(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID.")] id: Option<ID>,
        #[graphql(desc = "Code, e.g. YX-KGJ.")] code: Option<String>,
    ) -> Result<Option<Department>> {
        let db = db(ctx);
        let found = match (id, code) {
            (Some(id), None) => service::by_id(db, ids::decode(Kind::Department, &id)?).await?,
            (None, Some(code)) => service::by_code(db, &code).await?,
            _ => return Err(AppError::BadUserInput("请只提供 id 或 code 其中之一".into()).into()),
        };
        Ok(found.map(Department))
    }

    /// Departments in code order.
    #[graphql(complexity = "super::limits::cost(first, None, child_complexity)")]
    async fn departments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size (at most 100; default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Which departments.")] filter: Option<DepartmentFilter>,
    ) -> Result<DepartmentConnection> {
        let f = filter.unwrap_or_default();
        let filter = Filter {
            parent_id: f
                .parent_id
                .as_ref()
                .map(|id| ids::decode(Kind::Department, id))
                .transpose()?,
            search: f.search,
        };
        let page = service::page(
            db(ctx),
            &filter,
            &PageRequest {
                first,
                after,
                ..Default::default()
            },
        )
        .await?;
        Ok(DepartmentConnection::new(
            page,
            move || service::select(&filter),
            Department,
        ))
    }
}

/// Input of `upsertDepartment`.
#[derive(InputObject)]
pub struct UpsertDepartmentInput {
    /// Unique code; the department to create or change.
    pub code: String,
    /// Full name.
    pub name: String,
    /// Parent department's code.
    pub parent_code: Option<String>,
    /// Administrative region.
    pub region: Option<String>,
}

/// Result of `upsertDepartment`.
#[derive(SimpleObject)]
pub struct DepartmentPayload {
    /// The department after the write; null when refused.
    pub department: Option<Department>,
    /// Why the write was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Department mutations.
#[derive(Default)]
pub struct DepartmentMutation;

/// Input of `upsertDepartments`.
#[derive(InputObject)]
pub struct UpsertDepartmentsInput {
    /// The departments, in order (at most 500); a parent may be one created earlier in the list.
    pub departments: Vec<UpsertDepartmentInput>,
}

/// Result of `upsertDepartments`.
#[derive(SimpleObject)]
pub struct UpsertDepartmentsPayload {
    /// One result per department sent, in the same order.
    pub results: Vec<DepartmentPayload>,
}

impl From<UpsertDepartmentInput> for DepartmentData {
    fn from(input: UpsertDepartmentInput) -> Self {
        DepartmentData {
            code: input.code,
            name: input.name,
            parent_code: input.parent_code,
            region: input.region,
        }
    }
}

impl From<Outcome<department::Model>> for DepartmentPayload {
    fn from(outcome: Outcome<department::Model>) -> Self {
        match outcome {
            Ok(d) => DepartmentPayload {
                department: Some(Department(d)),
                user_errors: Vec::new(),
            },
            Err(e) => DepartmentPayload {
                department: None,
                user_errors: user_errors(e, &[]),
            },
        }
    }
}

#[Object]
impl DepartmentMutation {
    /// Creates or changes many departments by code in one call (ADMIN only; at most 500, else
    /// BAD_USER_INPUT), each on its own and in order: a department may name as parent one
    /// created earlier in the list, and a refused item (its userErrors in its result) does not
    /// stop the others. One call counts once against the rate limit.
    async fn upsert_departments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The departments.")] input: UpsertDepartmentsInput,
    ) -> Result<UpsertDepartmentsPayload> {
        let items = input.departments.into_iter().map(Into::into).collect();
        let outcomes = service::upsert_many(db(ctx), viewer(ctx), items).await?;
        Ok(UpsertDepartmentsPayload {
            results: outcomes.into_iter().map(Into::into).collect(),
        })
    }

    /// Creates or changes a department by code (ADMIN only).
    async fn upsert_department(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The department.")] input: UpsertDepartmentInput,
    ) -> Result<DepartmentPayload> {
        Ok(service::upsert(db(ctx), viewer(ctx), input.into())
            .await?
            .into())
    }
}

super::connection::connection!(
    DepartmentConnection,
    DepartmentEdge,
    Department,
    "departments"
);
