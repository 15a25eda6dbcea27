//! Scoring profiles, seeded with the national default (财预〔2020〕10号 and docs/domain.md §5), and
//! the computed score and grade stored on each report.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261128_000006_create_scoring_profile"
    }
}

/// The national default rules, as first seeded. Later changes go through GraphQL (ADMIN).
pub const NATIONAL: &str = r#"{
  "level1Weights": { "budgetExecution": "10", "output": "50", "outcome": "30", "satisfaction": "10" },
  "higherBetter": "RATIO",
  "lowerBetter": "LINEAR_TO_ZERO_AT_DOUBLE",
  "equality": "ZERO_TARGET_OR_RATIO",
  "qualitativeBands": [
    { "label": "达成年度指标", "minPercent": "80", "maxPercent": "100", "achievement": "MET" },
    { "label": "部分达成年度指标并具有一定效果", "minPercent": "60", "maxPercent": "80", "achievement": "PARTIALLY_MET" },
    { "label": "未达成年度指标且效果较差", "minPercent": "0", "maxPercent": "60", "achievement": "NOT_MET" }
  ],
  "overAchievement": { "thresholdPercent": "20", "scoreCapPercent": "100" },
  "gradeBands": [
    { "minScore": "90", "grade": "优", "labels": ["优", "优秀"] },
    { "minScore": "80", "grade": "良", "labels": ["良", "良好"] },
    { "minScore": "60", "grade": "中", "labels": ["中", "合格"] },
    { "minScore": "0", "grade": "差", "labels": ["差", "不合格"] }
  ],
  "arithmeticTolerance": "0",
  "severities": {},
  "partialYearMarkers": ["截止", "截至", "1-10月", "1-11月", "1-9月", "季度", "前三季度", "上半年"]
}"#;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScoringProfile::Table)
                    .col(pk_uuid(ScoringProfile::Id))
                    .col(string_len_uniq(ScoringProfile::Code, 64))
                    .col(string_len(ScoringProfile::Name, 200))
                    .col(string_len_null(ScoringProfile::Jurisdiction, 200))
                    .col(integer_null(ScoringProfile::YearFrom))
                    .col(integer_null(ScoringProfile::YearTo))
                    .col(json(ScoringProfile::Rules))
                    .col(integer(ScoringProfile::Version))
                    .col(timestamp_with_time_zone(ScoringProfile::CreatedAt))
                    .col(timestamp_with_time_zone(ScoringProfile::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        let rules: serde_json::Value =
            serde_json::from_str(NATIONAL).map_err(|e| DbErr::Custom(e.to_string()))?;
        let now = sea_orm_migration::sea_orm::prelude::ChronoUtc::now();
        let insert = Query::insert()
            .into_table(ScoringProfile::Table)
            .columns([
                ScoringProfile::Id,
                ScoringProfile::Code,
                ScoringProfile::Name,
                ScoringProfile::Rules,
                ScoringProfile::Version,
                ScoringProfile::CreatedAt,
                ScoringProfile::UpdatedAt,
            ])
            .values_panic([
                sea_orm_migration::sea_orm::prelude::Uuid::from_u128(
                    0x0194_0000_0000_7000_8000_0000_0000_0001,
                )
                .into(),
                "NATIONAL".into(),
                "全国默认（财预〔2020〕10号）".into(),
                rules.into(),
                1.into(),
                now.into(),
                now.into(),
            ])
            .to_owned();
        manager.exec_stmt(insert).await?;
        // The computed result, refreshed on every write, so that statistics run in SQL.
        for column in [
            ColumnDef::new(Report::ComputedScore)
                .big_integer()
                .null()
                .to_owned(),
            ColumnDef::new(Report::ComputedGrade)
                .string_len(32)
                .null()
                .to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Report::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Report::ComputedScore, Report::ComputedGrade] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Report::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(ScoringProfile::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ScoringProfile {
    Table,
    Id,
    Code,
    Name,
    Jurisdiction,
    YearFrom,
    YearTo,
    Rules,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Report {
    Table,
    ComputedScore,
    ComputedGrade,
}
