//! GraphQL enums, mirroring the stored ones.

use async_graphql::Enum;

/// Which form a report is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::ReportKind")]
pub enum ReportKind {
    /// 部门整体支出绩效评价自评报告 (a whole department's spending).
    DepartmentOverall,
    /// 项目支出绩效自评表 (one project's spending).
    Project,
}

/// The unit a report's amounts are written in (金额单位). Amounts are exact to the fen in
/// either: at most six decimals of 万元, two of 元.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::AmountUnit")]
pub enum AmountUnit {
    /// 万元, the unit of the national forms.
    WanYuan,
    /// 元, as some forms are filed.
    Yuan,
}

/// Where a report is in its lifecycle.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::ReportStatus")]
pub enum ReportStatus {
    /// Being prepared (草稿).
    Draft,
    /// Submitted by the preparer (已提交).
    Submitted,
    /// Approved by the department head (部门已审核).
    DepartmentApproved,
    /// Reviewed by the finance bureau (财政已复核).
    FinanceReviewed,
    /// Published (已公开).
    Published,
    /// Returned for changes (已退回).
    Returned,
}

/// Level-1 indicator group (一级指标).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::IndicatorCategory")]
pub enum IndicatorCategory {
    /// 产出指标.
    Output,
    /// 效益指标.
    Outcome,
    /// 满意度指标.
    Satisfaction,
    /// 预算执行率.
    BudgetExecution,
    /// 决策指标 (项目决策), scored on some project forms.
    Decision,
    /// 过程指标 (项目管理), scored on some project forms.
    Process,
}

/// Level-2 indicator group (二级指标).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::IndicatorSubcategory")]
pub enum IndicatorSubcategory {
    /// 数量指标.
    Quantity,
    /// 质量指标.
    Quality,
    /// 时效指标.
    Timeliness,
    /// 成本指标.
    Cost,
    /// 经济效益指标.
    Economic,
    /// 社会效益指标.
    Social,
    /// 生态效益指标.
    Ecological,
    /// 可持续影响指标.
    Sustainability,
    /// 社会公众或服务对象满意度指标.
    Satisfaction,
    /// 预算执行率.
    BudgetExecution,
    /// 项目立项 (决策).
    ProjectApproval,
    /// 绩效目标 (决策).
    PerformanceGoals,
    /// 资金投入 (决策).
    FundingInput,
    /// 资金管理 (过程).
    FundingManagement,
    /// 组织实施 (过程).
    Organisation,
}

/// How a figure compares with its target.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::Comparator")]
pub enum Comparator {
    /// ≥ (at least).
    Gte,
    /// > (more than).
    Gt,
    /// = (exactly).
    Eq,
    /// < (less than).
    Lt,
    /// ≤ (at most).
    Lte,
    /// A qualitative statement such as 高于全市平均水平.
    Qualitative,
}

/// A member's place in the evaluation group.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::EvaluatorRole")]
pub enum EvaluatorRole {
    /// 评价组成员.
    Member,
    /// 评价组组长.
    GroupLeader,
}

/// Whose opinion.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::OpinionKind")]
pub enum OpinionKind {
    /// 评价组组长意见.
    GroupLeader,
    /// 部门（单位）意见.
    Department,
    /// 财政部门归口业务股室意见.
    Finance,
}

/// Row of a project's funding block.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::FundingLineKind")]
pub enum FundingLineKind {
    /// 年度资金总额.
    Total,
    /// 其中：本年财政拨款.
    CurrentAppropriation,
    /// 上年结转资金.
    PriorCarryover,
    /// 其他资金.
    Other,
    /// 基本支出 (a row with its own 分值 and 得分 on some forms).
    BasicExpenditure,
    /// 项目支出 (a row with its own 分值 and 得分 on some forms).
    ProjectExpenditure,
}

/// In which capacity a signature was given.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::SignatureRole")]
pub enum SignatureRole {
    /// 评价组成员.
    Member,
    /// 评价组组长.
    GroupLeader,
    /// 部门（单位）负责人.
    DepartmentHead,
    /// 财政部门归口业务股室负责人.
    FinanceReviewer,
    /// 填报人.
    Preparer,
}

/// Sort direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum OrderDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// Why a signature no longer holds.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::domain::workflow::binding::Invalidity")]
pub enum SignatureInvalidReason {
    /// Made under a signing scheme this release does not know (written by a newer release).
    UnknownScheme,
    /// The signature's own record no longer hashes to its `bindingDigest`.
    RecordAltered,
    /// The report's content no longer has the signed `contentDigest`.
    ContentChanged,
    /// The opinion given with the signature was changed since it was signed.
    OpinionChanged,
    /// The opinion given with the signature was removed since it was signed.
    OpinionRemoved,
    /// The signer's key does not verify the signature value over the payload its record
    /// rebuilds (scheme 3): the value or the record was altered.
    KeySignatureInvalid,
}

/// The algorithm of a signer's key.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::SignatureAlgorithm")]
pub enum SignatureAlgorithm {
    /// SM2 (GB/T 32918) over SM3 (GB/T 32905), with the signer identity (default
    /// `1234567812345678`).
    #[graphql(name = "SM2")]
    Sm2,
    /// Ed25519 (RFC 8032).
    #[graphql(name = "ED25519")]
    Ed25519,
    /// ECDSA over P-256 with SHA-256.
    #[graphql(name = "ECDSA_P256")]
    EcdsaP256,
}
