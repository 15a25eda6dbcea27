//! Enumerations stored as short strings.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))")]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name {
            $($(#[$vdoc])* #[sea_orm(string_value = $value)] $variant,)+
        }

        impl $name {
            /// The stored (and GraphQL) name of the value.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $value,)+ }
            }
        }

        impl $crate::row::Cell for $name {
            fn cell(row: &sea_orm::QueryResult, at: $crate::row::At<'_>) -> Result<Self, DbErr> {
                <Self as ActiveEnum>::try_from_value(&<String as $crate::row::Cell>::cell(row, at)?)
            }
        }
    };
}

string_enum!(
    /// Which form a report is.
    ReportKind {
        /// 部门整体支出绩效评价自评报告.
        DepartmentOverall = "DEPARTMENT_OVERALL",
        /// 项目支出绩效自评表.
        Project = "PROJECT",
    }
);

string_enum!(
    /// The unit a report's amounts were filed in (金额单位).
    AmountUnit {
        /// 万元, the unit of the national forms.
        WanYuan = "WAN_YUAN",
        /// 元, as some forms are filed.
        Yuan = "YUAN",
    }
);

// The enums share one macro, which derives no `Default`.
#[allow(clippy::derivable_impls)]
impl Default for AmountUnit {
    fn default() -> Self {
        Self::WanYuan
    }
}

string_enum!(
    /// Where a report is in its lifecycle.
    ReportStatus {
        /// Being prepared.
        Draft = "DRAFT",
        /// Submitted by the preparer.
        Submitted = "SUBMITTED",
        /// Approved by the department head.
        DepartmentApproved = "DEPARTMENT_APPROVED",
        /// Reviewed by the finance bureau.
        FinanceReviewed = "FINANCE_REVIEWED",
        /// Published.
        Published = "PUBLISHED",
        /// Returned for changes.
        Returned = "RETURNED",
    }
);

string_enum!(
    /// Level-1 indicator group (一级指标).
    IndicatorCategory {
        /// 产出.
        Output = "OUTPUT",
        /// 效益.
        Outcome = "OUTCOME",
        /// 满意度.
        Satisfaction = "SATISFACTION",
        /// 预算执行率.
        BudgetExecution = "BUDGET_EXECUTION",
        /// 决策 (项目决策: 立项, 绩效目标, 资金投入), scored on some project forms.
        Decision = "DECISION",
        /// 过程 (项目管理: 资金管理, 组织实施), scored on some project forms.
        Process = "PROCESS",
    }
);

string_enum!(
    /// Level-2 indicator group (二级指标).
    IndicatorSubcategory {
        /// 数量指标.
        Quantity = "QUANTITY",
        /// 质量指标.
        Quality = "QUALITY",
        /// 时效指标.
        Timeliness = "TIMELINESS",
        /// 成本指标.
        Cost = "COST",
        /// 经济效益.
        Economic = "ECONOMIC",
        /// 社会效益.
        Social = "SOCIAL",
        /// 生态效益.
        Ecological = "ECOLOGICAL",
        /// 可持续影响.
        Sustainability = "SUSTAINABILITY",
        /// 满意度.
        Satisfaction = "SATISFACTION",
        /// 预算执行率.
        BudgetExecution = "BUDGET_EXECUTION",
        /// 项目立项 (决策).
        ProjectApproval = "PROJECT_APPROVAL",
        /// 绩效目标 (决策).
        PerformanceGoals = "PERFORMANCE_GOALS",
        /// 资金投入 (决策).
        FundingInput = "FUNDING_INPUT",
        /// 资金管理 (过程).
        FundingManagement = "FUNDING_MANAGEMENT",
        /// 组织实施 (过程).
        Organisation = "ORGANISATION",
    }
);

string_enum!(
    /// How a figure compares with its target.
    Comparator {
        /// ≥.
        Gte = "GTE",
        /// >.
        Gt = "GT",
        /// =.
        Eq = "EQ",
        /// <.
        Lt = "LT",
        /// ≤.
        Lte = "LTE",
        /// A qualitative statement.
        Qualitative = "QUALITATIVE",
    }
);

string_enum!(
    /// A member's place in the evaluation group.
    EvaluatorRole {
        /// 评价组成员.
        Member = "MEMBER",
        /// 评价组组长.
        GroupLeader = "GROUP_LEADER",
    }
);

string_enum!(
    /// Whose opinion.
    OpinionKind {
        /// 评价组组长.
        GroupLeader = "GROUP_LEADER",
        /// 部门（单位）意见.
        Department = "DEPARTMENT",
        /// 财政部门归口业务股室意见.
        Finance = "FINANCE",
    }
);

string_enum!(
    /// Row of a project's funding block.
    FundingLineKind {
        /// 年度资金总额.
        Total = "TOTAL",
        /// 其中：本年财政拨款.
        CurrentAppropriation = "CURRENT_APPROPRIATION",
        /// 上年结转资金.
        PriorCarryover = "PRIOR_CARRYOVER",
        /// 其他资金.
        Other = "OTHER",
        /// 基本支出, a row of its own with 分值 and 得分 on some forms.
        BasicExpenditure = "BASIC_EXPENDITURE",
        /// 项目支出, a row of its own with 分值 and 得分 on some forms.
        ProjectExpenditure = "PROJECT_EXPENDITURE",
    }
);

string_enum!(
    /// In which capacity a signature was given.
    SignatureRole {
        /// 评价组成员.
        Member = "MEMBER",
        /// 评价组组长.
        GroupLeader = "GROUP_LEADER",
        /// 部门（单位）负责人.
        DepartmentHead = "DEPARTMENT_HEAD",
        /// 财政部门归口业务股室负责人.
        FinanceReviewer = "FINANCE_REVIEWER",
        /// 填报人.
        Preparer = "PREPARER",
    }
);

string_enum!(
    /// What a review comment is anchored to.
    CommentTargetKind {
        /// The report as a whole.
        Report = "REPORT",
        /// A narrative section.
        Section = "SECTION",
        /// An indicator.
        Indicator = "INDICATOR",
        /// A finance table cell.
        FinanceCell = "FINANCE_CELL",
        /// Any field, by path.
        Field = "FIELD",
    }
);

string_enum!(
    /// The algorithm of a signer's key.
    SignatureAlgorithm {
        /// SM2 (GB/T 32918) over SM3 (GB/T 32905), with the signer identity.
        Sm2 = "SM2",
        /// Ed25519 (RFC 8032).
        Ed25519 = "ED25519",
        /// ECDSA over P-256 with SHA-256.
        EcdsaP256 = "ECDSA_P256",
    }
);
