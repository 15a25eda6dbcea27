//! Hostile input: arbitrary tables, made of the form's own rows and words in any order and of
//! arbitrary cells (any text, spans of 0 and `usize::MAX`, merges anywhere), never panic.

use super::tests::given;
use super::*;
use crate::forms::read::Cell;
use proptest::prelude::*;

/// Texts a form holds, for arbitrary tables.
const WORDS: &[&str] = &[
    "项目支出绩效自评表",
    "（2023年度）",
    "项目名称",
    "主管部门",
    "实施单位",
    "项目负责人",
    "联系电话",
    "项目资金（万元）",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "分值",
    "执行率",
    "得分",
    "年度资金总额",
    "其中：当年财政拨款",
    "上年结转资金",
    "其他资金",
    "基本支出",
    "项目支出",
    "年度总体目标",
    "预期目标",
    "实际完成情况",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "偏差原因分析及改进措施",
    "符号",
    "值",
    "单位",
    "百分比",
    "产出指标",
    "数量指标",
    "效益指标",
    "满意度指标",
    "总分",
    "自评等级",
    "评价人员",
    "姓名",
    "角色",
    "组长",
    "意见",
    "部门（单位）意见",
    "（续）",
    "负责人：张三　日期：2024年3月5日",
    "≥",
    "95",
    "0.95",
    "58.47%",
    "——",
    "/",
    "无",
    "约50",
    "１５",
    "2024年3月5日",
    "填报日期：x",
];

fn any_cell() -> impl Strategy<Value = Cell> {
    let text = prop_oneof![
        proptest::sample::select(WORDS).prop_map(str::to_owned),
        ".{0,12}",
        "[0-9.,%\u{FF10}-\u{FF19}]{0,8}",
    ];
    let span = prop_oneof![8 => 1usize..4, 1 => Just(0usize), 1 => Just(usize::MAX)];
    (
        text,
        span,
        proptest::bool::weighted(0.2),
        0usize..50,
        0usize..20,
    )
        .prop_map(|(text, span, continued, row, column)| Cell {
            at: Location::TableCell {
                table: 1,
                row,
                column,
            },
            text,
            span,
            continued,
        })
}

/// Rows of the form (`^` continues the cell above), so that arbitrary tables reach every part.
const ROWS: &[&[&str]] = &[
    &["项目支出绩效自评表"],
    &["（2023年度）"],
    &["项目名称", "某项目"],
    &["主管部门", "甲", "实施单位", "乙"],
    &[
        "项目负责人：张三",
        "联系电话",
        "123",
        "填报日期",
        "2024年3月5日",
    ],
    &[
        "项目资金（万元）",
        "",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
    ],
    &["^", "年度资金总额", "100", "80", "约50", "10", "0.8", "8"],
    &["^", "其他资金", "１５", "/", "——", "", "58.47%", ""],
    &["年度总体目标", "预期目标", "实际完成情况"],
    &["^", "目标", "完成"],
    &crate::forms::layout::PROJECT_INDICATOR_HEADER,
    &["^", "^", "^", "值", "符号", "单位", "值"],
    &[
        "产出指标",
        "数量指标",
        "甲",
        "≥95",
        "96",
        "10",
        "10",
        "原因\n措施",
    ],
    &["^", "^", "乙", "≥", "百分比", "约50", "", "无"],
    &["满意度指标", "^", "丙", "", "", "", "", ""],
    &["总分", "100", "95"],
    &["自评等级", "优"],
    &["评价人员"],
    &["姓名", "职务/职称", "单位", "角色", "签署"],
    &["张三", "局长", "科工局", "组长", "未签署"],
    &["意见"],
    &["部门（单位）意见", "同意\n负责人：张三　日期：2024年3月5日"],
    &["（续）", "更多"],
];

fn form_row() -> impl Strategy<Value = Vec<Cell>> {
    (proptest::sample::select(ROWS), 0usize..50).prop_map(|(cells, row)| {
        (1..)
            .zip(cells.iter())
            .map(|(column, text)| Cell {
                at: Location::TableCell {
                    table: 1,
                    row,
                    column,
                },
                text: if *text == "^" { "" } else { text }.to_owned(),
                span: 1,
                continued: *text == "^",
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Any table (rows of the form in any order, arbitrary cells, spans and merges) is read
    /// without a panic, and what is unplaced is text the table holds.
    #[test]
    fn any_table_is_read_without_panic(
        rows in proptest::collection::vec(
            prop_oneof![proptest::collection::vec(any_cell(), 0..12), form_row()],
            0..40,
        )
    ) {
        let table = Table { rows };
        let drafts = projects(&table, &given());
        for draft in &drafts {
            for f in &draft.unplaced {
                let held = table.rows.iter().flatten().any(|c| c.text.contains(f.text.as_str()));
                prop_assert!(held, "{:?}", f);
            }
        }
    }
}
