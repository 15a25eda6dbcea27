//! Reports and the lists of their content: finance units, qualitative goals, indicators,
//! evaluators, opinions, narrative sections and project funding lines.

use crate::{child_index, report_fk};
use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000002_create_report"
    }
}

/// Child tables, dropped in reverse on `down`.
const CHILDREN: [&str; 7] = [
    "finance_unit",
    "qualitative_goal",
    "indicator",
    "evaluator",
    "opinion",
    "narrative_section",
    "funding_line",
];

/// Amount columns of `finance_unit`, each a nullable `BIGINT` of hundredths of 万元.
const FINANCE_AMOUNTS: [&str; 22] = [
    "income_total",
    "income_carryover",
    "income_public_finance",
    "income_government_fund",
    "income_special_account_non_tax",
    "income_other",
    "expenditure_total",
    "expenditure_basic",
    "expenditure_personnel",
    "expenditure_operating",
    "expenditure_project",
    "balance_current",
    "balance_accumulated",
    "three_public_total",
    "three_public_reception",
    "three_public_vehicle_operation",
    "three_public_vehicle_purchase",
    "three_public_overseas_travel",
    "fixed_assets_total",
    "fixed_assets_in_use",
    "fixed_assets_leased",
    "fixed_assets_other",
];

fn a(name: &str) -> Alias {
    Alias::new(name)
}

/// A child table with `id`, `report_id` and `ordinal`, plus the given columns.
fn child(name: &str, columns: Vec<ColumnDef>) -> TableCreateStatement {
    let mut table = Table::create();
    table
        .table(a(name))
        .col(pk_uuid(a("id")))
        .col(uuid(a("report_id")))
        .col(integer(a("ordinal")));
    for mut column in columns {
        table.col(&mut column);
    }
    table.foreign_key(&mut report_fk(a(name))).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Report::Table)
                    .col(pk_uuid(Report::Id))
                    .col(string_len_null(Report::ExternalId, 200).unique_key())
                    .col(uuid(Report::DepartmentId))
                    .col(integer(Report::FiscalYear))
                    .col(string_len(Report::Kind, 32))
                    .col(string_len(Report::Status, 32))
                    .col(text_null(Report::SeriesTitle))
                    .col(text_null(Report::Title))
                    .col(text(Report::UnitName))
                    .col(text_null(Report::ProjectName))
                    .col(text_null(Report::CompetentDepartment))
                    .col(text_null(Report::ImplementingUnit))
                    .col(string_len_null(Report::BudgetCode, 64))
                    .col(text_null(Report::EvaluationMethod))
                    .col(text_null(Report::EvaluatingBody))
                    .col(date_null(Report::ReportDate))
                    .col(text_null(Report::Issuer))
                    .col(text_null(Report::ContactName))
                    .col(string_len_null(Report::ContactPhone, 64))
                    .col(integer_null(Report::AuthorisedHeadcount))
                    .col(integer_null(Report::ActualHeadcount))
                    .col(text_null(Report::Duties))
                    .col(json(Report::AnnualTasks))
                    .col(text_null(Report::Achievements))
                    .col(big_integer_null(Report::DeclaredScore))
                    .col(string_len_null(Report::DeclaredGrade, 32))
                    .col(text_null(Report::PreparerName))
                    .col(string_len_null(Report::PreparerPhone, 64))
                    .col(string_len(Report::ContentDigest, 64))
                    .col(integer(Report::Version))
                    .col(timestamp_with_time_zone(Report::CreatedAt))
                    .col(timestamp_with_time_zone(Report::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Report::DeletedAt))
                    .col(string_len_null(Report::CreatedBy, 200))
                    .col(string_len_null(Report::UpdatedBy, 200))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Report::Table, Report::DepartmentId)
                            .to(a("department"), a("id"))
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, cols) in [
            (
                "idx_report_department_year",
                vec![Report::DepartmentId, Report::FiscalYear],
            ),
            (
                "idx_report_year_status",
                vec![Report::FiscalYear, Report::Status],
            ),
            ("idx_report_updated", vec![Report::UpdatedAt, Report::Id]),
            ("idx_report_score", vec![Report::DeclaredScore, Report::Id]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Report::Table);
            for col in cols {
                index.col(col);
            }
            manager.create_index(index.to_owned()).await?;
        }

        let amounts = FINANCE_AMOUNTS
            .iter()
            .map(|c| big_integer_null(a(c)))
            .collect::<Vec<_>>();
        let mut finance = vec![boolean(a("is_summary")), text(a("name"))];
        finance.extend(amounts);
        let tables = [
            child("finance_unit", finance),
            child(
                "qualitative_goal",
                vec![text_null(a("expected")), text_null(a("actual"))],
            ),
            child(
                "indicator",
                vec![
                    string_len(a("category"), 32),
                    string_len(a("subcategory"), 32),
                    text_null(a("name")),
                    text(a("target_text")),
                    string_len_null(a("target_comparator"), 32),
                    big_integer_null(a("target_value")),
                    string_len_null(a("target_unit"), 32),
                    text_null(a("actual_text")),
                    string_len_null(a("actual_comparator"), 32),
                    big_integer_null(a("actual_value")),
                    string_len_null(a("actual_unit"), 32),
                    big_integer_null(a("weight")),
                    big_integer_null(a("declared_score")),
                    text_null(a("deviation_reason")),
                    text_null(a("improvement_measures")),
                ],
            ),
            child(
                "evaluator",
                vec![
                    text(a("name")),
                    text_null(a("position")),
                    text_null(a("unit")),
                    string_len(a("role"), 32),
                    string_len_null(a("subject"), 200),
                ],
            ),
            child(
                "opinion",
                vec![
                    string_len(a("kind"), 32),
                    text_null(a("text")),
                    text_null(a("person")),
                    date_null(a("date")),
                ],
            ),
            child(
                "narrative_section",
                vec![
                    string_len(a("key"), 64),
                    text(a("title")),
                    text_null(a("body")),
                ],
            ),
            child(
                "funding_line",
                vec![
                    string_len(a("line"), 32),
                    big_integer_null(a("initial_budget")),
                    big_integer_null(a("adjusted_budget")),
                    big_integer_null(a("executed")),
                    big_integer_null(a("weight")),
                    big_integer_null(a("declared_score")),
                ],
            ),
        ];
        for (table, name) in tables.into_iter().zip(CHILDREN) {
            manager.create_table(table).await?;
            manager
                .create_index(child_index(a(name), &format!("idx_{name}_report")))
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_indicator_subcategory")
                    .table(a("indicator"))
                    .col(a("subcategory"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in CHILDREN.iter().rev() {
            manager
                .drop_table(Table::drop().table(a(name)).to_owned())
                .await?;
        }
        manager
            .drop_table(Table::drop().table(Report::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
#[expect(clippy::enum_variant_names, reason = "the variants are column names")]
enum Report {
    Table,
    Id,
    ExternalId,
    DepartmentId,
    FiscalYear,
    Kind,
    Status,
    SeriesTitle,
    Title,
    UnitName,
    ProjectName,
    CompetentDepartment,
    ImplementingUnit,
    BudgetCode,
    EvaluationMethod,
    EvaluatingBody,
    ReportDate,
    Issuer,
    ContactName,
    ContactPhone,
    AuthorisedHeadcount,
    ActualHeadcount,
    Duties,
    AnnualTasks,
    Achievements,
    DeclaredScore,
    DeclaredGrade,
    PreparerName,
    PreparerPhone,
    ContentDigest,
    Version,
    CreatedAt,
    UpdatedAt,
    DeletedAt,
    CreatedBy,
    UpdatedBy,
}
