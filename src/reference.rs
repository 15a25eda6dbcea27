//! The reference report (岳阳市云溪区科技和工业信息化局, FY2019), loaded into an empty database so
//! that a newcomer's first query has something real to show.

use crate::domain::department::{self, DepartmentData};
use crate::domain::report::snapshot::Keep;
use crate::domain::report::{ReportDocument, service};
use crate::domain::{Db, Role, Viewer};
use crate::error::AppError;
use entity::{ReportStatus, report};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde::Deserialize;

/// The fixture, in the `upsertReport` input shape.
pub const FIXTURE: &str = include_str!("../data/reference/yunxi-2019-report.json");

/// The fixture's top level.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fixture {
    /// External id.
    pub external_id: String,
    /// The report.
    pub document: ReportDocument,
}

/// The fixture parsed.
pub fn fixture() -> Result<Fixture, AppError> {
    serde_json::from_str(FIXTURE).map_err(AppError::internal)
}

/// The departments the reference report needs: 云溪区 and its 科工局.
pub fn departments() -> [DepartmentData; 2] {
    [
        DepartmentData {
            code: "YX".into(),
            name: "岳阳市云溪区".into(),
            parent_code: None,
            region: Some("湖南省岳阳市云溪区".into()),
        },
        DepartmentData {
            code: "YX-KGJ".into(),
            name: "岳阳市云溪区科技和工业信息化局".into(),
            parent_code: Some("YX".into()),
            region: Some("湖南省岳阳市云溪区".into()),
        },
    ]
}

/// Loads the reference report, published, if the database holds no report yet.
pub async fn load_if_empty(db: &Db) -> Result<bool, AppError> {
    if report::Entity::find().count(&db.conn).await? > 0 {
        return Ok(false);
    }
    let system = Viewer {
        subject: Some("system".into()),
        name: Some("jixiao".into()),
        roles: vec![Role::Admin],
        departments: vec!["*".into()],
    };
    for data in departments() {
        if department::by_code(db, &data.code).await?.is_none() {
            department::upsert(db, &system, data)
                .await?
                .map_err(|e| AppError::internal(format!("{e:?}")))?;
        }
    }
    let fixture = fixture()?;
    let written = service::upsert(
        db,
        &system,
        None,
        fixture.external_id,
        None,
        fixture.document,
    )
    .await?
    .map_err(|e| AppError::internal(format!("reference report refused: {e:?}")))?;
    let published = ReportStatus::Published;
    service::set_status(db, &system, written.report.id, published, Keep::Nothing).await?;
    Ok(true)
}
