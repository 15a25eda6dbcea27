//! 部门（单位）: a budget unit that files reports.

use sea_orm::entity::prelude::*;

crate::decoded_model! {
    /// A department row.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "department")]
    pub struct Model {
        /// Primary key.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Unique code, e.g. `YX-KGJ`.
        #[sea_orm(unique)]
        pub code: String,
        /// Full name.
        pub name: String,
        /// Parent department.
        pub parent_id: Option<Uuid>,
        /// Administrative region.
        pub region: Option<String>,
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
