//! 二、收支情况: the four tables (年度收入, 年度支出和结余, 三公经费, 固定资产), each a header of
//! printed labels (机构名称, 收入合计, 其中：…) and a row per unit, the summary row
//! (…汇总 / 合计) first or last. A unit's rows in the four tables make one `FinanceRow`,
//! matched by name; every row is kept as filed, blank or not.

use super::super::number::decimal;
use super::rows::{Out, Row, Text, key, unnumbered};
use crate::domain::report::document::{Finance, FinanceRow};
use entity::AmountUnit;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Which of the four tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// 年度收入.
    Income,
    /// 年度支出和结余.
    Expenditure,
    /// 三公经费.
    ThreePublic,
    /// 固定资产.
    FixedAssets,
}

/// The kind a label names: the total column's label (收入合计, 支出合计, 三公经费, 固定资产) or
/// a table title (年度收入情况, 年度支出和结余情况 …).
fn kind_named(key: &str) -> Option<Kind> {
    if key.contains("三公") {
        Some(Kind::ThreePublic)
    } else if key.contains("固定资产") {
        Some(Kind::FixedAssets)
    } else if key.contains("收入合计") || key.contains("收入情况") {
        Some(Kind::Income)
    } else if key.contains("支出合计") || key.contains("支出和结余") {
        Some(Kind::Expenditure)
    } else {
        None
    }
}

/// The unit a title or header states: `（万元）`, `单位：元` …
fn unit_named(key: &str) -> Option<AmountUnit> {
    if key.contains("(万元)") || key.contains("单位:万元") {
        Some(AmountUnit::WanYuan)
    } else if key.contains("(元)") || key.contains("单位:元") {
        Some(AmountUnit::Yuan)
    } else {
        None
    }
}

/// The first cell of a table's header.
fn is_name_column(key: &str) -> bool {
    matches!(key, "机构名称" | "单位名称" | "部门名称" | "单位(机构)名称")
}

/// Whether a data row's first cell names the summary row.
fn is_summary(key: &str) -> bool {
    key.contains("汇总") || key.contains("合计") || key.contains("总计")
}

/// The amount cells of one table, in column order.
fn cells(row: &mut FinanceRow, kind: Kind) -> Vec<&mut Option<Decimal>> {
    match kind {
        Kind::Income => {
            let i = &mut row.income;
            vec![
                &mut i.total,
                &mut i.carryover,
                &mut i.public_finance,
                &mut i.government_fund,
                &mut i.special_account_non_tax,
                &mut i.other,
            ]
        }
        Kind::Expenditure => {
            let e = &mut row.expenditure;
            vec![
                &mut e.total,
                &mut e.basic,
                &mut e.personnel,
                &mut e.operating,
                &mut e.project,
                &mut e.current_balance,
                &mut e.accumulated_balance,
            ]
        }
        Kind::ThreePublic => {
            let t = &mut row.three_public;
            vec![
                &mut t.total,
                &mut t.reception,
                &mut t.vehicle_operation,
                &mut t.vehicle_purchase,
                &mut t.overseas_travel,
            ]
        }
        Kind::FixedAssets => {
            let f = &mut row.fixed_assets;
            vec![&mut f.total, &mut f.in_use, &mut f.leased, &mut f.other]
        }
    }
}

/// The four tables as they are read.
#[derive(Debug, Default)]
pub(super) struct Tables {
    /// The table being read, and whether a data row of it has been read.
    current: Option<(Kind, bool)>,
    /// The kind the last title named, for a header that does not.
    titled: Option<Kind>,
    /// The unit the tables state.
    pub unit: Option<AmountUnit>,
    /// Unit rows by name.
    names: HashMap<String, usize>,
}

impl Tables {
    /// A title row (`年度收入情况（万元）`): notes its kind and unit. Whether the row was one.
    pub fn title(&mut self, row: &Row<'_>) -> bool {
        let Some(cell) = row.single() else {
            return false;
        };
        let k = cell.key();
        let unit = unit_named(&k);
        if unit.is_none() || k.chars().count() > 40 {
            return false;
        }
        self.unit = self.unit.or(unit);
        self.titled = kind_named(&k);
        self.current = None;
        true
    }

    /// A header row (`机构名称 | 收入合计 | 其中：`): the table starts. Whether the row was one.
    pub fn header(&mut self, row: &Row<'_>) -> bool {
        let keys: Vec<String> = row.filled().map(|(_, c)| c.key()).collect();
        if !keys.first().is_some_and(|k| is_name_column(k)) {
            return false;
        }
        let Some(kind) = keys.iter().find_map(|k| kind_named(k)).or(self.titled) else {
            return false;
        };
        if let Some(unit) = keys.iter().find_map(|k| unit_named(k)) {
            self.unit = self.unit.or(Some(unit));
        }
        self.titled = None;
        self.current = Some((kind, false));
        true
    }

    /// Ends the table being read.
    pub fn end(&mut self) {
        self.current = None;
    }

    /// A row of the table being read: a unit's or the summary's figures, or, before the first
    /// of them, a further header row of printed labels (first cell blank, no figures).
    pub fn row(&mut self, row: &Row<'_>, finance: &mut Finance, out: &mut Out) {
        let Some((kind, data_seen)) = self.current else {
            out.unplaced_row(row);
            return;
        };
        let Some((name, figures)) = row.cells.split_first() else {
            return;
        };
        let has_figures = figures.iter().any(|c| decimal(c.text, 6).value().is_some());
        if name.is_blank() && !has_figures {
            if data_seen {
                out.unplaced_row(row);
            }
            return;
        }
        self.current = Some((kind, true));
        let decimals = match self.unit {
            Some(AmountUnit::Yuan) => 2,
            _ => 6,
        };
        let Some(target) = self.target(finance, *name) else {
            out.unplaced_row(row);
            return;
        };
        let mut fields = cells(target, kind).into_iter();
        for cell in figures {
            match fields.next() {
                Some(field) => {
                    let read = out.number(*cell, "金额", decimal(cell.text, decimals));
                    match (read, field.is_some()) {
                        (Some(_), true) => out.unplaced(cell.at, cell.text),
                        (Some(v), false) => *field = Some(v),
                        (None, _) => {}
                    }
                }
                None => out.unplaced(cell.at, cell.text),
            }
        }
    }

    /// The row a data row fills: the summary, or the unit of that name (a new one if none).
    fn target<'f>(
        &mut self,
        finance: &'f mut Finance,
        name: Text<'_>,
    ) -> Option<&'f mut FinanceRow> {
        let written = name.text.trim();
        if is_summary(&name.key()) {
            return Some(finance.summary.get_or_insert_with(|| FinanceRow {
                name: written.to_owned(),
                ..FinanceRow::default()
            }));
        }
        let unit = unnumbered(written).trim();
        let unit = if unit.is_empty() { written } else { unit };
        let index = *self.names.entry(key(unit)).or_insert_with(|| {
            finance.units.push(FinanceRow {
                name: unit.to_owned(),
                ..FinanceRow::default()
            });
            finance.units.len().saturating_sub(1)
        });
        finance.units.get_mut(index)
    }
}
