//! The Chinese names the paper forms print for the model's enumerations (one source: the
//! standard exports and the official forms both use these).

use entity::{
    EvaluatorRole, FundingLineKind, IndicatorCategory, IndicatorSubcategory, OpinionKind,
    ReportKind,
};

/// 一级指标 as the forms print it.
pub fn category(c: IndicatorCategory) -> &'static str {
    match c {
        IndicatorCategory::Output => "产出指标",
        IndicatorCategory::Outcome => "效益指标",
        IndicatorCategory::Satisfaction => "满意度指标",
        IndicatorCategory::BudgetExecution => "预算执行率",
        IndicatorCategory::Decision => "决策指标",
        IndicatorCategory::Process => "过程指标",
    }
}

/// 二级指标 as the forms print it.
pub fn subcategory(s: IndicatorSubcategory) -> &'static str {
    match s {
        IndicatorSubcategory::Quantity => "数量指标",
        IndicatorSubcategory::Quality => "质量指标",
        IndicatorSubcategory::Timeliness => "时效指标",
        IndicatorSubcategory::Cost => "成本指标",
        IndicatorSubcategory::Economic => "经济效益指标",
        IndicatorSubcategory::Social => "社会效益指标",
        IndicatorSubcategory::Ecological => "生态效益指标",
        IndicatorSubcategory::Sustainability => "可持续影响指标",
        IndicatorSubcategory::Satisfaction => "服务对象满意度指标",
        IndicatorSubcategory::BudgetExecution => "预算执行率",
        IndicatorSubcategory::ProjectApproval => "项目立项",
        IndicatorSubcategory::PerformanceGoals => "绩效目标",
        IndicatorSubcategory::FundingInput => "资金投入",
        IndicatorSubcategory::FundingManagement => "资金管理",
        IndicatorSubcategory::Organisation => "组织实施",
    }
}

/// A row of the project funding block.
pub fn funding_line(k: FundingLineKind) -> &'static str {
    match k {
        FundingLineKind::Total => "年度资金总额",
        FundingLineKind::CurrentAppropriation => "其中：当年财政拨款",
        FundingLineKind::PriorCarryover => "上年结转资金",
        FundingLineKind::Other => "其他资金",
        FundingLineKind::BasicExpenditure => "基本支出",
        FundingLineKind::ProjectExpenditure => "项目支出",
    }
}

/// Whose opinion.
pub fn opinion(k: OpinionKind) -> &'static str {
    match k {
        OpinionKind::GroupLeader => "评价组组长意见",
        OpinionKind::Department => "部门（单位）意见",
        OpinionKind::Finance => "财政部门归口业务股室意见",
    }
}

/// An evaluator's place in the group.
pub fn evaluator_role(r: EvaluatorRole) -> &'static str {
    match r {
        EvaluatorRole::GroupLeader => "组长",
        EvaluatorRole::Member => "成员",
    }
}

/// The form's title.
pub fn form(k: ReportKind) -> &'static str {
    match k {
        ReportKind::DepartmentOverall => "部门整体支出绩效自评报告",
        ReportKind::Project => "项目支出绩效自评表",
    }
}
