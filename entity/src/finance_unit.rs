//! One row of the four finance tables (收支情况) for one unit, or the filed summary row.

use crate::Millionths;
use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A unit's income, expenditure, 三公经费 and fixed assets, in millionths of 万元 (fen);
    /// `None` is a blank cell.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    #[sea_orm(table_name = "finance_unit")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Report.
        pub report_id: Uuid,
        /// Position (the filed summary row is 0).
        pub ordinal: i32,
        /// Whether this is the summary row as filed (局机关及二级机构汇总).
        pub is_summary: bool,
        /// Unit name, e.g. 局机关.
        pub name: String,
        /// 收入合计.
        pub income_total: Option<Millionths>,
        /// 上年结转.
        pub income_carryover: Option<Millionths>,
        /// 公共财政拨款.
        pub income_public_finance: Option<Millionths>,
        /// 政府基金拨款.
        pub income_government_fund: Option<Millionths>,
        /// 纳入专户管理的非税收入拨款.
        pub income_special_account_non_tax: Option<Millionths>,
        /// 其他收入.
        pub income_other: Option<Millionths>,
        /// 支出合计.
        pub expenditure_total: Option<Millionths>,
        /// 基本支出.
        pub expenditure_basic: Option<Millionths>,
        /// 人员支出.
        pub expenditure_personnel: Option<Millionths>,
        /// 公用支出.
        pub expenditure_operating: Option<Millionths>,
        /// 项目支出.
        pub expenditure_project: Option<Millionths>,
        /// 当年结余.
        pub balance_current: Option<Millionths>,
        /// 累计结余.
        pub balance_accumulated: Option<Millionths>,
        /// 三公经费合计.
        pub three_public_total: Option<Millionths>,
        /// 公务接待费.
        pub three_public_reception: Option<Millionths>,
        /// 公务用车运维费.
        pub three_public_vehicle_operation: Option<Millionths>,
        /// 公务用车购置费.
        pub three_public_vehicle_purchase: Option<Millionths>,
        /// 因公出国（境）费.
        pub three_public_overseas_travel: Option<Millionths>,
        /// 固定资产合计.
        pub fixed_assets_total: Option<Millionths>,
        /// 在用固定资产.
        pub fixed_assets_in_use: Option<Millionths>,
        /// 出租固定资产.
        pub fixed_assets_leased: Option<Millionths>,
        /// 其他固定资产.
        pub fixed_assets_other: Option<Millionths>,
        /// How the figures were written: the unit filed in and, per figure, the decimals written
        /// where not two (`{"unit": "YUAN", "decimals": {"incomeTotal": 3}}`); null for 万元 at two
        /// decimals throughout.
        pub amount_format: Option<Json>,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
