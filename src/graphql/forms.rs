//! `readForm`: a handed-in Word, Excel or text form read as drafts in the `upsertReport` shape,
//! with what could not be placed and what to check. Nothing is written; saving a draft is an
//! ordinary `upsertReport` (or `importReports`). The reading itself is `crate::forms::read`.

use super::payload::{UserError, user_errors};
use super::scalars::JsonObject;
use super::viewer;
use crate::domain::report::policy;
use crate::domain::{FieldError, UserErrorCode};
use crate::forms::read::{self, Draft, Fragment, Given, Location, Warning, file::ReadError};
use async_graphql::{Context, InputObject, Object, Result, SimpleObject};
use base64::Engine as _;

/// Most drafts one answer lists (a workbook with more forms is refused: hand it in in parts).
pub const MAX_DRAFTS: usize = 30;
/// Most unplaced fragments, and most warnings, listed per draft (a last entry says how many
/// more there were).
pub const MAX_NOTES: usize = 100;

/// Input of `readForm`. Give exactly one of `contentBase64` and `text`.
#[derive(InputObject)]
pub struct ReadFormInput {
    /// The department the drafts are for (their `departmentCode`): the caller must be able to
    /// write its reports (PREPARER, SYNC_CLIENT or ADMIN).
    pub department_code: String,
    /// The file as base64 (RFC 4648, standard alphabet): a Word document (.docx), a workbook
    /// (.xlsx or Excel 97–2003 .xls) or text (UTF-8, UTF-16 or GBK). The kind is recognised by
    /// the content; at most 16 MiB once decoded (README, Official forms, for every limit).
    pub content_base64: Option<String>,
    /// The form as text, as Word saves it ("纯文本": table cells on lines that start with a tab).
    pub text: Option<String>,
    /// The file's name as the user chose it, for messages only.
    pub file_name: Option<String>,
}

/// Where a fragment or warning was found in the handed-in file.
#[derive(SimpleObject)]
pub struct FormLocation {
    /// Where, as a person finds it: `第12行`, `第3段`, `表2第3行第4列`, `Sheet1!C5`, `全文`.
    pub text: String,
    /// Line of a text file (from 1).
    pub line: Option<i32>,
    /// Paragraph of a Word document outside tables (from 1).
    pub paragraph: Option<i32>,
    /// Table of a Word document (from 1).
    pub table: Option<i32>,
    /// Row of that table (from 1).
    pub row: Option<i32>,
    /// Grid column of that table (from 1).
    pub column: Option<i32>,
    /// Sheet of a workbook.
    pub sheet: Option<String>,
    /// Cell of that sheet in A1 notation.
    pub cell: Option<String>,
}

fn n(v: usize) -> Option<i32> {
    i32::try_from(v).ok()
}

impl From<&Location> for FormLocation {
    fn from(at: &Location) -> Self {
        let mut l = FormLocation {
            text: at.to_string(),
            line: None,
            paragraph: None,
            table: None,
            row: None,
            column: None,
            sheet: None,
            cell: None,
        };
        match at {
            Location::Line(x) => l.line = n(*x),
            Location::Paragraph(x) => l.paragraph = n(*x),
            Location::TableCell { table, row, column } => {
                (l.table, l.row, l.column) = (n(*table), n(*row), n(*column));
            }
            Location::SheetCell { sheet, cell } => {
                (l.sheet, l.cell) = (Some(sheet.clone()), Some(cell.clone()));
            }
            Location::File => {}
        }
        l
    }
}

/// Text the reader found but could not place in the draft: look at it and fill it in where it
/// belongs.
#[derive(SimpleObject)]
pub struct FormFragment {
    /// Where it was found.
    pub location: FormLocation,
    /// The text.
    pub text: String,
}

/// Something to check before saving: a number that could not be read (left blank), a date, a
/// missing fiscal year, an indicator group not recognised.
#[derive(SimpleObject)]
pub struct FormWarning {
    /// Where.
    pub location: FormLocation,
    /// Stable code: NUMBER_UNREADABLE, DATE_UNREADABLE, FISCAL_YEAR_MISSING,
    /// INDICATOR_GROUP_UNKNOWN, or NOTES_CUT (more notes than listed).
    pub code: String,
    /// What to check, in Chinese.
    pub message: String,
}

/// One report read from the form.
#[derive(SimpleObject)]
pub struct FormDraft {
    /// The document in the `ReportDocumentInput` shape (pass it as `upsertReport`'s
    /// `input.document`, with an `externalId` of your choice). What could not be read is blank.
    pub document: JsonObject,
    /// Fragments not placed in `document` (at most 100; see `warnings` NOTES_CUT).
    #[graphql(complexity = "super::limits::rows(MAX_NOTES, child_complexity)")]
    pub unplaced: Vec<FormFragment>,
    /// Warnings (at most 100).
    #[graphql(complexity = "super::limits::rows(MAX_NOTES, child_complexity)")]
    pub warnings: Vec<FormWarning>,
}

/// Result of `readForm`.
#[derive(SimpleObject)]
pub struct ReadFormPayload {
    /// The drafts: one per report in the file (a workbook may hold several 项目支出绩效自评表).
    #[graphql(complexity = "super::limits::rows(MAX_DRAFTS, child_complexity)")]
    pub drafts: Vec<FormDraft>,
    /// Why the file could not be read (FORM_TOO_LARGE, FORM_UNREADABLE, FORM_UNSUPPORTED,
    /// INVALID, FORBIDDEN); then `drafts` is empty.
    pub user_errors: Vec<UserError>,
}

fn refused(field: &str, code: UserErrorCode, message: impl Into<String>) -> ReadFormPayload {
    ReadFormPayload {
        drafts: Vec::new(),
        user_errors: user_errors(vec![FieldError::new(field, code, message)], &["input"]),
    }
}

fn code_of(e: &ReadError) -> UserErrorCode {
    match e.code {
        "FORM_TOO_LARGE" => UserErrorCode::FormTooLarge,
        "FORM_UNSUPPORTED" => UserErrorCode::FormUnsupported,
        _ => UserErrorCode::FormUnreadable,
    }
}

/// The document as `ReportDocumentInput` names it (the stored form calls 执行率
/// `declaredRate`; the input `declaredExecutionRate`).
fn input_shape(draft: &Draft) -> JsonObject {
    let mut json = serde_json::to_value(&draft.document).unwrap_or_default();
    if let Some(lines) = json.get_mut("funding").and_then(|f| f.as_array_mut()) {
        for line in lines.iter_mut().filter_map(|l| l.as_object_mut()) {
            if let Some(rate) = line.remove("declaredRate") {
                line.insert("declaredExecutionRate".into(), rate);
            }
        }
    }
    match async_graphql::Value::from_json(json) {
        Ok(async_graphql::Value::Object(map)) => JsonObject(map),
        _ => JsonObject(Default::default()),
    }
}

fn notes<T>(items: &[T], map: impl Fn(&T) -> Option<FormFragment>) -> Vec<FormFragment> {
    items.iter().take(MAX_NOTES).filter_map(map).collect()
}

fn draft(d: &Draft) -> FormDraft {
    let fragment = |f: &Fragment| {
        Some(FormFragment {
            location: (&f.at).into(),
            text: f.text.clone(),
        })
    };
    let mut warnings: Vec<FormWarning> = d
        .warnings
        .iter()
        .take(MAX_NOTES)
        .map(|w: &Warning| FormWarning {
            location: (&w.at).into(),
            code: w.code.to_owned(),
            message: w.message.clone(),
        })
        .collect();
    let cut =
        d.unplaced.len().saturating_sub(MAX_NOTES) + d.warnings.len().saturating_sub(MAX_NOTES);
    if cut > 0 {
        warnings.truncate(MAX_NOTES - 1);
        warnings.push(FormWarning {
            location: (&Location::File).into(),
            code: "NOTES_CUT".into(),
            message: format!("另有 {cut} 条未放置的文字或提示未列出：请核对表格与标准格式是否一致"),
        });
    }
    FormDraft {
        document: input_shape(d),
        unplaced: notes(&d.unplaced, fragment),
        warnings,
    }
}

/// Form-reading mutation.
#[derive(Default)]
pub struct FormMutation;

#[Object]
impl FormMutation {
    /// Reads a handed-in official form — last year's Word report, a unit's Excel 项目支出绩效自评表,
    /// the text Word saves — as drafts in the `upsertReport` shape, with every fragment it could
    /// not place and every warning, each with where it was found. Numbers it cannot read stay
    /// blank with a warning; nothing is guessed and nothing is written. Needs PREPARER,
    /// SYNC_CLIENT or ADMIN in `departmentCode`.
    async fn read_form(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file and the department.")] input: ReadFormInput,
    ) -> Result<ReadFormPayload> {
        policy::ensure_writer(viewer(ctx), &input.department_code)?;
        let bytes = match (input.content_base64, input.text) {
            (Some(b64), None) => {
                let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
                    return Ok(refused(
                        "contentBase64",
                        UserErrorCode::Invalid,
                        "contentBase64 不是有效的 base64（标准字母表，可带 = 补位）",
                    ));
                };
                bytes
            }
            (None, Some(text)) => text.into_bytes(),
            _ => {
                return Ok(refused(
                    "contentBase64",
                    UserErrorCode::Invalid,
                    "contentBase64 与 text 须给且只给其中一个",
                ));
            }
        };
        let given = Given {
            department_code: input.department_code,
        };
        let drafts = match read::read_async(bytes, given).await {
            Ok(d) => d,
            Err(e) => {
                let name = input
                    .file_name
                    .map(|n| format!("“{}”：", n.chars().take(100).collect::<String>()));
                return Ok(refused(
                    "contentBase64",
                    code_of(&e),
                    format!("{}{}", name.unwrap_or_default(), e.message),
                ));
            }
        };
        if drafts.len() > MAX_DRAFTS {
            return Ok(refused(
                "contentBase64",
                UserErrorCode::FormTooLarge,
                format!(
                    "文件含 {} 份报告，一次最多读取 {MAX_DRAFTS} 份：请拆分后分别提交",
                    drafts.len()
                ),
            ));
        }
        Ok(ReadFormPayload {
            drafts: drafts.iter().map(draft).collect(),
            user_errors: Vec::new(),
        })
    }
}
