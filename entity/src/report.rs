//! 绩效评价自评报告: the aggregate root.

use crate::{AmountUnit, Hundredths, ReportKind, ReportStatus};
use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A report row: cover, profile and declared result; lists live in child tables.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "report")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Integrators' key, unique within the department when present (index
        /// `idx_report_department_external_id`); a deleted report gives it up.
        pub external_id: Option<String>,
        /// Filing department.
        pub department_id: Uuid,
        /// Fiscal year evaluated.
        pub fiscal_year: i32,
        /// Form kind.
        pub kind: ReportKind,
        /// Workflow state.
        pub status: ReportStatus,
        /// Series title on the cover.
        pub series_title: Option<String>,
        /// Report title.
        pub title: Option<String>,
        /// 部门（单位）名称 as filed.
        pub unit_name: String,
        /// 项目名称 (PROJECT).
        pub project_name: Option<String>,
        /// 主管部门 (PROJECT).
        pub competent_department: Option<String>,
        /// 实施单位 (PROJECT).
        pub implementing_unit: Option<String>,
        /// 预算编码.
        pub budget_code: Option<String>,
        /// 评价方式.
        pub evaluation_method: Option<String>,
        /// 评价机构.
        pub evaluating_body: Option<String>,
        /// 报告日期.
        pub report_date: Option<Date>,
        /// Issuing template, e.g. 岳阳市云溪财政局（制）.
        pub issuer: Option<String>,
        /// 联系人.
        pub contact_name: Option<String>,
        /// 联络电话.
        pub contact_phone: Option<String>,
        /// 人员编制.
        pub authorised_headcount: Option<i32>,
        /// 实有人数.
        pub actual_headcount: Option<i32>,
        /// 职能职责概述.
        #[sea_orm(column_type = "Text", nullable)]
        pub duties: Option<String>,
        /// 年度主要工作内容, a JSON array of strings.
        pub annual_tasks: Json,
        /// 年度总体运行情况及取得的成绩.
        #[sea_orm(column_type = "Text", nullable)]
        pub achievements: Option<String>,
        /// 绩效自评综合得分.
        pub declared_score: Option<Hundredths>,
        /// 评价等次.
        pub declared_grade: Option<String>,
        /// The unit the report's amounts were filed in.
        pub amount_unit: AmountUnit,
        /// Level-1 weights written on the form, where it states its own (产出 60…): a JSON object
        /// of group → points; null to use the scoring profile's.
        pub level1_weights: Option<Json>,
        /// 填报人.
        pub preparer_name: Option<String>,
        /// 填报人联系电话.
        pub preparer_phone: Option<String>,
        /// SHA-256 of the canonical content (hex).
        pub content_digest: String,
        /// Optimistic-concurrency version, bumped by every change.
        pub version: i32,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last changed.
        pub updated_at: DateTimeUtc,
        /// Soft deletion time.
        pub deleted_at: Option<DateTimeUtc>,
        /// Subject who created it.
        pub created_by: Option<String>,
        /// Subject who changed it last.
        pub updated_by: Option<String>,
        /// Score computed under the scoring profile at the last write.
        pub computed_score: Option<Hundredths>,
        /// Grade of the computed score.
        pub computed_grade: Option<String>,
        /// The finance bureau's re-check score (复核分) per indicator row and in total, with
        /// who recorded it and when; outside the content digest (the bureau's, not the filer's).
        pub recheck: Option<Json>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
