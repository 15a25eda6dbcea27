//! Checking a document: every field, with its path and a coded error, and numbers rewritten
//! in their canonical scale.

use super::*;

/// Collects field errors while walking a document.
#[derive(Default)]
pub(crate) struct Checker {
    pub(crate) errors: Vec<FieldError>,
    /// The unit the document's amounts are written in.
    pub(super) unit: AmountUnit,
}

impl Checker {
    pub(crate) fn push(&mut self, path: &str, code: UserErrorCode, message: String) {
        self.errors.push(FieldError::new(path, code, message));
    }

    pub(super) fn text(&mut self, path: &str, label: &str, value: &Option<String>, max: usize) {
        if let Some(v) = value {
            self.len(path, label, v, max);
        }
    }

    pub(super) fn len(&mut self, path: &str, label: &str, value: &str, max: usize) {
        let n = value.chars().count();
        if n > max {
            self.push(
                path,
                UserErrorCode::TooLong,
                format!("{label}过长：最多 {max} 个字符，实际 {n} 个"),
            );
        }
    }

    pub(super) fn required(&mut self, path: &str, label: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            self.push(path, UserErrorCode::Required, format!("{label}不能为空"));
        } else {
            self.len(path, label, value, max);
        }
    }

    pub(super) fn count(&mut self, path: &str, label: &str, n: usize, max: usize) {
        if n > max {
            self.push(
                path,
                UserErrorCode::OutOfRange,
                format!("{label}最多 {max} 行，实际 {n} 行"),
            );
        }
    }

    pub(super) fn headcount(&mut self, path: &str, label: &str, value: Option<i32>) {
        if let Some(v) = value
            && !(0..=1_000_000).contains(&v)
        {
            self.push(
                path,
                UserErrorCode::OutOfRange,
                format!("{label}必须是 0 到 1000000 之间的整数，收到 {v}"),
            );
        }
    }

    /// Rewrites `value` at two decimals (万元, scores, weights), or records why it cannot.
    /// Returns whether the value (if any) fits.
    pub(crate) fn hundredths(
        &mut self,
        path: &str,
        label: &str,
        value: &mut Option<Decimal>,
    ) -> bool {
        if let Some(v) = *value {
            match Hundredths::from_decimal(v) {
                Ok(h) => *value = Some(h.to_decimal()),
                Err(e) => {
                    self.scale_error(path, label, v, e);
                    return false;
                }
            }
        }
        true
    }

    /// Checks an amount written in the document's unit: exact to the fen and in range. It keeps
    /// the decimals it was written with (zeros past a fen dropped).
    pub(super) fn amount(&mut self, path: &str, label: &str, value: &mut Option<Decimal>) {
        use crate::domain::money;
        if let Some(v) = *value {
            match money::to_fen(v, self.unit) {
                Ok(_) => *value = Some(money::written_amount(v, self.unit)),
                Err(e) => self.scale_error(path, label, v, e),
            }
        }
    }

    /// Rewrites `value` at six decimals (parsed indicator values).
    pub(super) fn millionths(&mut self, path: &str, label: &str, value: &mut Option<Decimal>) {
        if let Some(v) = *value {
            match Millionths::from_decimal(v) {
                Ok(m) => *value = Some(m.to_decimal().normalize()),
                Err(e) => self.scale_error(path, label, v, e),
            }
        }
    }

    pub(crate) fn scale_error(&mut self, path: &str, label: &str, v: Decimal, e: ScaleError) {
        use crate::domain::money;
        let (code, message) = match e {
            ScaleError::TooManyDecimals { scale } => (
                UserErrorCode::InvalidDecimal,
                format!(
                    "{label}最多保留 {scale} 位小数，收到 {v}；{}",
                    money::accepted_form(scale)
                ),
            ),
            ScaleError::TooLarge => (
                UserErrorCode::OutOfRange,
                format!("{label}超出范围，收到 {v}：{}", money::range()),
            ),
        };
        self.push(path, code, message);
    }

    pub(crate) fn score(&mut self, path: &str, label: &str, value: &mut Option<Decimal>) {
        if !self.hundredths(path, label, value) {
            return;
        }
        if let Some(v) = *value
            && (v < Decimal::ZERO || v > Decimal::ONE_HUNDRED)
        {
            self.push(
                path,
                UserErrorCode::OutOfRange,
                format!("{label}必须在 0 到 100 之间，收到 {v}"),
            );
        }
    }

    pub(super) fn finance_row(&mut self, path: &str, row: &mut FinanceRow) {
        self.required(&format!("{path}.name"), "单位名称", &row.name, SHORT_TEXT);
        let cells: [(&str, &str, &mut Option<Decimal>); 22] = [
            ("income.total", "收入合计", &mut row.income.total),
            ("income.carryover", "上年结转", &mut row.income.carryover),
            (
                "income.publicFinance",
                "公共财政拨款",
                &mut row.income.public_finance,
            ),
            (
                "income.governmentFund",
                "政府基金拨款",
                &mut row.income.government_fund,
            ),
            (
                "income.specialAccountNonTax",
                "纳入专户管理的非税收入拨款",
                &mut row.income.special_account_non_tax,
            ),
            ("income.other", "其他收入", &mut row.income.other),
            ("expenditure.total", "支出合计", &mut row.expenditure.total),
            ("expenditure.basic", "基本支出", &mut row.expenditure.basic),
            (
                "expenditure.personnel",
                "人员支出",
                &mut row.expenditure.personnel,
            ),
            (
                "expenditure.operating",
                "公用支出",
                &mut row.expenditure.operating,
            ),
            (
                "expenditure.project",
                "项目支出",
                &mut row.expenditure.project,
            ),
            (
                "expenditure.currentBalance",
                "当年结余",
                &mut row.expenditure.current_balance,
            ),
            (
                "expenditure.accumulatedBalance",
                "累计结余",
                &mut row.expenditure.accumulated_balance,
            ),
            (
                "threePublic.total",
                "三公经费合计",
                &mut row.three_public.total,
            ),
            (
                "threePublic.reception",
                "公务接待费",
                &mut row.three_public.reception,
            ),
            (
                "threePublic.vehicleOperation",
                "公务用车运维费",
                &mut row.three_public.vehicle_operation,
            ),
            (
                "threePublic.vehiclePurchase",
                "公务用车购置费",
                &mut row.three_public.vehicle_purchase,
            ),
            (
                "threePublic.overseasTravel",
                "因公出国（境）费",
                &mut row.three_public.overseas_travel,
            ),
            (
                "fixedAssets.total",
                "固定资产合计",
                &mut row.fixed_assets.total,
            ),
            (
                "fixedAssets.inUse",
                "在用固定资产",
                &mut row.fixed_assets.in_use,
            ),
            (
                "fixedAssets.leased",
                "出租固定资产",
                &mut row.fixed_assets.leased,
            ),
            (
                "fixedAssets.other",
                "其他固定资产",
                &mut row.fixed_assets.other,
            ),
        ];
        for (field, label, value) in cells {
            self.amount(&format!("{path}.{field}"), label, value);
        }
    }

    pub(super) fn value(&mut self, path: &str, label: &str, value: &mut ValueDoc) {
        self.len(&format!("{path}.text"), label, &value.text, LONG_TEXT);
        self.millionths(&format!("{path}.value"), label, &mut value.value);
        self.text(&format!("{path}.unit"), "单位", &value.unit, 32);
    }
}

impl ReportDocument {
    /// Checks every field and rewrites numbers in their canonical scale. Returns the field
    /// errors (paths relative to the document) if any.
    pub fn normalize(mut self) -> Result<Self, Vec<FieldError>> {
        let mut c = Checker {
            unit: self.amount_unit,
            ..Checker::default()
        };
        c.required("departmentCode", "部门编码", &self.department_code, 64);
        if !YEARS.contains(&self.fiscal_year) {
            c.push(
                "fiscalYear",
                UserErrorCode::OutOfRange,
                format!(
                    "预算年度必须在 {} 到 {} 之间，收到 {}",
                    YEARS.start(),
                    YEARS.end(),
                    self.fiscal_year
                ),
            );
        }
        // A draft may leave the cover's name blank (an illegible scan); validation reports it
        // (UNIT_NAME_MISSING) and it blocks submission.
        c.len("unitName", "部门（单位）名称", &self.unit_name, SHORT_TEXT);
        for (path, label, value, max) in [
            (
                "seriesTitle",
                "报告系列标题",
                &self.series_title,
                SHORT_TEXT,
            ),
            ("title", "报告标题", &self.title, SHORT_TEXT),
            ("projectName", "项目名称", &self.project_name, SHORT_TEXT),
            (
                "competentDepartment",
                "主管部门",
                &self.competent_department,
                SHORT_TEXT,
            ),
            (
                "implementingUnit",
                "实施单位",
                &self.implementing_unit,
                SHORT_TEXT,
            ),
            ("budgetCode", "预算编码", &self.budget_code, 64),
            (
                "evaluationMethod",
                "评价方式",
                &self.evaluation_method,
                SHORT_TEXT,
            ),
            (
                "evaluatingBody",
                "评价机构",
                &self.evaluating_body,
                SHORT_TEXT,
            ),
            ("issuer", "制表机关", &self.issuer, SHORT_TEXT),
            (
                "profile.contactName",
                "联系人",
                &self.profile.contact_name,
                SHORT_TEXT,
            ),
            (
                "profile.contactPhone",
                "联络电话",
                &self.profile.contact_phone,
                64,
            ),
            (
                "profile.duties",
                "职能职责概述",
                &self.profile.duties,
                LONG_TEXT,
            ),
            (
                "profile.achievements",
                "年度总体运行情况及取得的成绩",
                &self.profile.achievements,
                LONG_TEXT,
            ),
            ("declaredGrade", "评价等次", &self.declared_grade, 32),
        ] {
            c.text(path, label, value, max);
        }
        if let Some(p) = &self.preparer {
            c.text("preparer.name", "填报人", &p.name, SHORT_TEXT);
            c.text("preparer.phone", "填报人联系电话", &p.phone, 64);
        }
        c.headcount(
            "profile.authorisedHeadcount",
            "人员编制",
            self.profile.authorised_headcount,
        );
        c.headcount(
            "profile.actualHeadcount",
            "实有人数",
            self.profile.actual_headcount,
        );
        c.count(
            "profile.annualTasks",
            "年度主要工作内容",
            self.profile.annual_tasks.len(),
            max_rows::TASKS,
        );
        for (i, task) in self.profile.annual_tasks.iter().enumerate() {
            c.len(
                &format!("profile.annualTasks.{i}"),
                "年度主要工作内容",
                task,
                LONG_TEXT,
            );
        }
        if let Some(summary) = &mut self.finance.summary {
            c.finance_row("finance.summary", summary);
        }
        c.count(
            "finance.units",
            "收支单位",
            self.finance.units.len(),
            max_rows::UNITS,
        );
        for (i, unit) in self.finance.units.iter_mut().enumerate() {
            c.finance_row(&format!("finance.units.{i}"), unit);
        }
        c.count("funding", "资金情况", self.funding.len(), max_rows::FUNDING);
        let mut lines = HashSet::new();
        for (i, f) in self.funding.iter_mut().enumerate() {
            let p = format!("funding.{i}");
            if !lines.insert(f.line) {
                c.push(
                    &format!("{p}.line"),
                    UserErrorCode::Duplicate,
                    format!("资金行 {} 重复", f.line.as_str()),
                );
            }
            c.amount(
                &format!("{p}.initialBudget"),
                "年初预算数",
                &mut f.initial_budget,
            );
            c.amount(
                &format!("{p}.adjustedBudget"),
                "全年预算数",
                &mut f.adjusted_budget,
            );
            c.amount(&format!("{p}.executed"), "全年执行数", &mut f.executed);
            c.score(&format!("{p}.weight"), "分值", &mut f.weight);
            c.score(&format!("{p}.declaredScore"), "得分", &mut f.declared_score);
            let _ = c.hundredths(&format!("{p}.declaredRate"), "执行率", &mut f.declared_rate);
        }
        if let Some(w) = self.level1_weights.as_mut() {
            for (field, label, value) in w.cells() {
                c.score(&format!("level1Weights.{field}"), label, value);
            }
        }
        c.count(
            "qualitativeGoals",
            "定性目标",
            self.qualitative_goals.len(),
            max_rows::GOALS,
        );
        for (i, g) in self.qualitative_goals.iter().enumerate() {
            c.text(
                &format!("qualitativeGoals.{i}.expected"),
                "预期目标",
                &g.expected,
                LONG_TEXT,
            );
            c.text(
                &format!("qualitativeGoals.{i}.actual"),
                "实际完成",
                &g.actual,
                LONG_TEXT,
            );
            c.text(
                &format!("qualitativeGoals.{i}.initial"),
                "年初目标",
                &g.initial,
                LONG_TEXT,
            );
        }
        c.count(
            "indicators",
            "绩效指标",
            self.indicators.len(),
            max_rows::INDICATORS,
        );
        for (i, ind) in self.indicators.iter_mut().enumerate() {
            let p = format!("indicators.{i}");
            c.text(&format!("{p}.name"), "指标名称", &ind.name, SHORT_TEXT);
            c.value(&format!("{p}.target"), "年度指标值", &mut ind.target);
            if let Some(actual) = &mut ind.actual {
                c.value(&format!("{p}.actual"), "实际完成值", actual);
            }
            c.score(&format!("{p}.weight"), "分值", &mut ind.weight);
            c.score(
                &format!("{p}.declaredScore"),
                "得分",
                &mut ind.declared_score,
            );
            c.millionths(
                &format!("{p}.scoreCoefficient"),
                "得分系数",
                &mut ind.score_coefficient,
            );
            if let Some(k) = ind.score_coefficient
                && !(Decimal::ZERO..=Decimal::TEN).contains(&k)
            {
                c.push(
                    &format!("{p}.scoreCoefficient"),
                    UserErrorCode::OutOfRange,
                    format!("得分系数须在 0 到 10 之间，收到 {k}"),
                );
            }
            c.text(
                &format!("{p}.deviationReason"),
                "偏差原因分析",
                &ind.deviation_reason,
                LONG_TEXT,
            );
            c.text(
                &format!("{p}.improvementMeasures"),
                "改进措施",
                &ind.improvement_measures,
                LONG_TEXT,
            );
        }
        c.score(
            "declaredScore",
            "绩效自评综合得分",
            &mut self.declared_score,
        );
        c.count(
            "evaluators",
            "评价人员",
            self.evaluators.len(),
            max_rows::EVALUATORS,
        );
        for (i, e) in self.evaluators.iter().enumerate() {
            c.required(
                &format!("evaluators.{i}.name"),
                "评价人员姓名",
                &e.name,
                SHORT_TEXT,
            );
            c.text(
                &format!("evaluators.{i}.position"),
                "职务/职称",
                &e.position,
                SHORT_TEXT,
            );
            c.text(&format!("evaluators.{i}.unit"), "单位", &e.unit, SHORT_TEXT);
            c.text(
                &format!("evaluators.{i}.subject"),
                "用户标识",
                &e.subject,
                SHORT_TEXT,
            );
        }
        let mut kinds = HashSet::new();
        for (i, o) in self.opinions.iter().enumerate() {
            if !kinds.insert(o.kind) {
                c.push(
                    &format!("opinions.{i}.kind"),
                    UserErrorCode::Duplicate,
                    format!("意见 {} 重复", o.kind.as_str()),
                );
            }
            c.text(&format!("opinions.{i}.text"), "意见", &o.text, LONG_TEXT);
            c.text(
                &format!("opinions.{i}.person"),
                "负责人",
                &o.person,
                SHORT_TEXT,
            );
        }
        c.count(
            "sections",
            "综述章节",
            self.sections.len(),
            max_rows::SECTIONS,
        );
        let mut keys = HashSet::new();
        for (i, s) in self.sections.iter().enumerate() {
            c.required(&format!("sections.{i}.key"), "章节键", &s.key, 64);
            if !keys.insert(s.key.as_str()) {
                c.push(
                    &format!("sections.{i}.key"),
                    UserErrorCode::Duplicate,
                    format!("章节键“{}”重复", s.key),
                );
            }
            c.len(
                &format!("sections.{i}.title"),
                "章节标题",
                &s.title,
                LONG_TEXT,
            );
            c.text(
                &format!("sections.{i}.body"),
                "章节正文",
                &s.body,
                LONG_TEXT,
            );
        }
        c.count("opinions", "意见", self.opinions.len(), max_rows::OPINIONS);
        if c.errors.is_empty() {
            let bytes = serde_json::to_vec(&self).map_or(usize::MAX, |v| v.len());
            if bytes > MAX_DOCUMENT_BYTES {
                c.push(
                    "",
                    UserErrorCode::TooLong,
                    format!(
                        "报告内容过大：最多 {MAX_DOCUMENT_BYTES} 字节（JSON），实际 {bytes} 字节；请精简正文或将附件另行提交"
                    ),
                );
            }
        }
        if c.errors.is_empty() {
            Ok(self)
        } else {
            Err(c.errors)
        }
    }
}
