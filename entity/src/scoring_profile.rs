//! A scoring profile: the scoring rules of a jurisdiction and span of years, stored as data.

use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A scoring profile row; `rules` is the JSON document of `domain::assessment::profile::Rules`.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "scoring_profile")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Unique code, e.g. `NATIONAL`.
        #[sea_orm(unique)]
        pub code: String,
        /// Name.
        pub name: String,
        /// Region the profile applies to (a department's region containing it); `None` = national.
        pub jurisdiction: Option<String>,
        /// First fiscal year it applies to.
        pub year_from: Option<i32>,
        /// Last fiscal year it applies to.
        pub year_to: Option<i32>,
        /// The rules.
        pub rules: Json,
        /// Version, bumped by every change.
        pub version: i32,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last changed.
        pub updated_at: DateTimeUtc,
    }
}

/// No declared relations: look-ups go by key.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
