//! 部门整体支出绩效自评报告 on a sheet: the cover, 基本情况, the four finance tables, goals,
//! indicators and score (shared with the project form), the evaluators and opinions, and the
//! narrative sections.

use super::*;

/// The columns of one finance table: header and getter of each, and which of them add up to
/// the first (the table's 合计).
struct Table {
    title: &'static str,
    columns: &'static [(&'static str, RowFigure)],
    parts: &'static [usize],
}

const TABLES: [Table; 4] = [
    Table {
        title: "年度收入情况",
        columns: &[
            ("收入合计", |r| r.income.total),
            ("上年结转", |r| r.income.carryover),
            ("公共财政拨款", |r| r.income.public_finance),
            ("政府基金拨款", |r| r.income.government_fund),
            ("纳入专户管理的非税收入拨款", |r| {
                r.income.special_account_non_tax
            }),
            ("其他收入", |r| r.income.other),
        ],
        parts: &[1, 2, 3, 4, 5],
    },
    Table {
        title: "年度支出和结余情况",
        columns: &[
            ("支出合计", |r| r.expenditure.total),
            ("基本支出", |r| r.expenditure.basic),
            ("其中：人员支出", |r| r.expenditure.personnel),
            ("其中：公用支出", |r| r.expenditure.operating),
            ("项目支出", |r| r.expenditure.project),
            ("当年结余", |r| r.expenditure.current_balance),
            ("累计结余", |r| r.expenditure.accumulated_balance),
        ],
        parts: &[1, 4],
    },
    Table {
        title: "三公经费",
        columns: &[
            ("合计", |r| r.three_public.total),
            ("公务接待费", |r| r.three_public.reception),
            ("公务用车运维费", |r| {
                r.three_public.vehicle_operation
            }),
            ("公务用车购置费", |r| r.three_public.vehicle_purchase),
            ("因公出国（境）费", |r| {
                r.three_public.overseas_travel
            }),
        ],
        parts: &[1, 2, 3, 4],
    },
    Table {
        title: "固定资产",
        columns: &[
            ("合计", |r| r.fixed_assets.total),
            ("在用固定资产", |r| r.fixed_assets.in_use),
            ("出租固定资产", |r| r.fixed_assets.leased),
            ("其他", |r| r.fixed_assets.other),
        ],
        parts: &[1, 2, 3],
    },
];

impl Sheet<'_> {
    /// 部门整体支出绩效自评报告, in the order of the reference report.
    pub(super) fn overall(&mut self, report: &FormReport<'_>) -> Result<(), XlsxError> {
        let d = report.document;
        self.title(report)?;
        let date = d
            .report_date
            .map(|x| x.format("%Y年%-m月%-d日").to_string());
        self.pair("部门（单位）名称", Some(&d.unit_name))?;
        self.pair("预算编码", d.budget_code.as_deref())?;
        self.pair("评价方式", d.evaluation_method.as_deref())?;
        self.pair("评价机构", d.evaluating_body.as_deref())?;
        self.pair("报告日期", date.as_deref())?;
        self.pair("制表", d.issuer.as_deref())?;
        self.heading("一、基本情况")?;
        let p = &d.profile;
        let (authorised, actual) = (
            p.authorised_headcount.map(|n| n.to_string()),
            p.actual_headcount.map(|n| n.to_string()),
        );
        self.pair("联系人", p.contact_name.as_deref())?;
        self.pair("联系电话", p.contact_phone.as_deref())?;
        self.pair("编制人数", authorised.as_deref())?;
        self.pair("实有人数", actual.as_deref())?;
        self.pair("部门职能", p.duties.as_deref())?;
        for (i, task) in p.annual_tasks.iter().enumerate() {
            self.pair(if i == 0 { "年度主要任务" } else { "" }, Some(task))?;
        }
        self.pair("年度工作成效", p.achievements.as_deref())?;
        let heading = format!("二、收支情况（单位：{}）", self.amount_label());
        self.heading(&heading)?;
        for table in &TABLES {
            self.finance_table(d, table)?;
        }
        self.heading("三、绩效目标")?;
        self.goals(d, "绩效目标")?;
        self.heading("四、绩效指标")?;
        self.indicators(d)?;
        self.heading("五、自评结果")?;
        let score = d.declared_score.map(|s| s.round_dp(2).to_string());
        self.pair("自评得分", score.as_deref())?;
        self.pair("自评等级", d.declared_grade.as_deref())?;
        self.closing(report)?;
        if !d.sections.is_empty() {
            self.heading("报告正文")?;
        }
        let plain = self.f.plain_wrap.clone();
        for section in &d.sections {
            self.heading(&section.title)?;
            for paragraph in section.body.as_deref().unwrap_or("").split('\n') {
                self.paragraph(paragraph, &plain)?;
            }
        }
        Ok(())
    }

    /// One finance table: a row per unit, then the summary row (as filed, or summed).
    fn finance_table(&mut self, d: &ReportDocument, table: &Table) -> Result<(), XlsxError> {
        let (head, text, money) = (
            self.f.head.clone(),
            self.f.text.clone(),
            self.f.money.clone(),
        );
        self.span(0, LAST_COL, table.title, &head)?;
        self.row += 1;
        self.span(0, 0, "单位", &head)?;
        for (col, (name, _)) in (1u16..).zip(table.columns) {
            self.span(col, col, name, &head)?;
        }
        self.ws.set_row_height(self.row, 30)?;
        self.row += 1;
        let first = self.row;
        for unit in &d.finance.units {
            self.span(0, 0, &unit.name, &text)?;
            let values: Vec<_> = table.columns.iter().map(|(_, get)| get(unit)).collect();
            let parts: Vec<_> = table.parts.iter().map(|i| values[*i]).collect();
            let cells: Vec<String> = table
                .parts
                .iter()
                .map(|i| at(self.row, u16::try_from(*i + 1).unwrap_or(0)))
                .collect();
            self.total(1, values[0], &parts, &cells.join(","), &money)?;
            for (col, v) in (2u16..).zip(&values[1..]) {
                self.money(col, *v)?;
            }
            self.row += 1;
        }
        if d.finance.units.is_empty() && d.finance.summary.is_none() {
            return Ok(());
        }
        let last = self.row.saturating_sub(1);
        let name = d
            .finance
            .summary
            .as_ref()
            .map_or("合计", |s| s.name.as_str());
        self.span(0, 0, name, &head)?;
        for (col, (_, get)) in (1u16..).zip(table.columns) {
            let filed = d.finance.summary.as_ref().and_then(get);
            let column: Vec<_> = d.finance.units.iter().map(get).collect();
            if d.finance.units.is_empty() {
                self.money(col, filed)?;
            } else {
                let range = format!("{}:{}", at(first, col), at(last, col));
                let filed = if d.finance.summary.is_some() {
                    filed
                } else {
                    sum(&column)
                };
                self.total(col, filed, &column, &range, &money)?;
            }
        }
        self.row += 1;
        Ok(())
    }

    /// The evaluators with their signatures, and the opinions.
    pub(super) fn closing(&mut self, report: &FormReport<'_>) -> Result<(), XlsxError> {
        let d = report.document;
        let (head, text) = (self.f.head.clone(), self.f.text.clone());
        self.heading("评价人员")?;
        for (first, last, h) in [
            (0, 0, "姓名"),
            (1, 1, "职务/职称"),
            (2, 4, "单位"),
            (5, 5, "角色"),
            (6, 7, "签署"),
        ] {
            self.span(first, last, h, &head)?;
        }
        self.row += 1;
        for e in &d.evaluators {
            let signed = crate::forms::layout::signature_of(report, e.subject.as_deref());
            self.span(0, 0, &e.name, &text)?;
            self.span(1, 1, e.position.as_deref().unwrap_or(""), &text)?;
            self.span(2, 4, e.unit.as_deref().unwrap_or(""), &text)?;
            self.span(5, 5, labels::evaluator_role(e.role), &text)?;
            self.span(6, 7, &signed, &text)?;
            self.row += 1;
        }
        self.heading("意见")?;
        for o in &d.opinions {
            let mut body = o.text.clone().unwrap_or_default();
            let sign = [
                o.person.as_deref().map(|p| format!("负责人：{p}")),
                o.date
                    .map(|x| format!("日期：{}", x.format("%Y年%-m月%-d日"))),
            ];
            let sign: Vec<_> = sign.into_iter().flatten().collect();
            if !sign.is_empty() {
                body.push('\n');
                body.push_str(&sign.join("　"));
            }
            self.pair(labels::opinion(o.kind), Some(&body))?;
        }
        Ok(())
    }
}
