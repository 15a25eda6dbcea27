//! Request errors in the service's language. async-graphql reports a document that does not
//! parse, or that the schema does not accept, in English and without a code. Each such error
//! gets a stable code and a Chinese message an official can act on; the library's English stays
//! in `extensions.detail` for the developer.
//!
//! - `GRAPHQL_PARSE_FAILED`: the text is not a GraphQL document.
//! - `GRAPHQL_VALIDATION_FAILED`: it is one, but asks for what the schema does not have (an
//!   unknown field, argument or type, a missing required argument, a selection on a scalar, an
//!   undeclared or unused variable, …).
//! - `BAD_USER_INPUT`: the document is valid but a value in it or in its variables does not fit
//!   its type (a string for an `Int`, an unknown enum value, a missing input field).

use async_graphql::ServerError;

/// Gives an error that came without a code its code and Chinese message. `parsed` says whether
/// the document parsed (else every such error is a parse error).
pub fn localize(error: &mut ServerError, parsed: bool) {
    let ext = error.extensions.get_or_insert_with(Default::default);
    if ext.get("code").is_some() {
        return;
    }
    let english = error.message.clone();
    let (code, message) = if !parsed {
        let message = match error.locations.first() {
            Some(at) => format!(
                "查询文本无法解析（第 {} 行第 {} 列附近），请检查括号、引号和字段名",
                at.line, at.column
            ),
            None => "查询文本无法解析，请检查括号、引号和字段名".to_owned(),
        };
        ("GRAPHQL_PARSE_FAILED", message)
    } else if !error.path.is_empty() {
        // Raised while resolving a field: an input value a resolver could not read.
        ("BAD_USER_INPUT", format!("输入值不合法：{english}"))
    } else if let Some(reason) = english.strip_prefix("Invalid value for argument ") {
        ("BAD_USER_INPUT", invalid_value(reason))
    } else {
        ("GRAPHQL_VALIDATION_FAILED", invalid_document(&english))
    };
    ext.set("code", code);
    ext.set("detail", english);
    error.message = message;
}

/// The quoted parts of an English message, in order.
fn quoted(message: &str) -> Vec<&str> {
    message.split('"').skip(1).step_by(2).collect()
}

/// " 是否应为 X？" where the library suggested a name.
fn suggestion(message: &str) -> String {
    message
        .split_once("Did you mean ")
        .map(|(_, rest)| format!("（是否应为 {}？）", rest.trim_end_matches(['?', '.'])))
        .unwrap_or_default()
}

fn invalid_value(reason: &str) -> String {
    let q = quoted(reason);
    let at = q.first().copied().unwrap_or_default();
    let why = if reason.contains("does not contain the value") {
        format!(
            "枚举 {} 没有取值 {}",
            q.get(1).copied().unwrap_or_default(),
            q.get(2).copied().unwrap_or_default()
        )
    } else if reason.contains("unknown field") {
        format!(
            "输入类型 {} 没有字段 {}",
            q.get(2).copied().unwrap_or_default(),
            q.get(1).copied().unwrap_or_default()
        )
    } else if let Some(ty) = reason.contains("expected type").then(|| q.get(1)).flatten() {
        format!("应为 {ty} 类型的值（必填项不能为空）")
    } else {
        "与其类型不符".to_owned()
    };
    format!("参数 {at} 的值不合法：{why}。请对照 schema.graphql 检查该参数及其变量")
}

fn invalid_document(english: &str) -> String {
    let q = quoted(english);
    let part = |i: usize| q.get(i).copied().unwrap_or_default();
    let hint = suggestion(english);
    let what = if english.starts_with("Unknown field ") {
        format!("类型 {} 没有字段 {}{hint}", part(1), part(0))
    } else if english.starts_with("Unknown argument ") && english.contains(" on directive ") {
        format!("指令 @{} 没有参数 {}{hint}", part(1), part(0))
    } else if english.starts_with("Unknown argument ") {
        format!("字段 {}.{} 没有参数 {}{hint}", part(2), part(1), part(0))
    } else if english.contains("is required but not provided") {
        if english.starts_with("Directive ") {
            format!(
                "指令 {} 缺少必填参数 {}（类型 {}）",
                part(0),
                part(1),
                part(2)
            )
        } else {
            format!(
                "字段 {} 缺少必填参数 {}（类型 {}）",
                part(0),
                part(1),
                part(2)
            )
        }
    } else if english.contains("must not have a selection") {
        format!(
            "字段 {} 的类型 {} 没有子字段，不能再选择子字段",
            part(0),
            part(1)
        )
    } else if english.contains("must have a selection of subfields") {
        format!(
            "字段 {}（类型 {}）需要选择子字段，例如 {{ id }}",
            part(0),
            part(1)
        )
    } else if english.starts_with("Variable ") && english.contains("is not defined") {
        format!("变量 {} 未在操作中声明", part(0))
    } else if english.starts_with("Variable ") && english.contains("is not used") {
        format!("变量 {} 已声明但未使用，请删去或在查询中使用", part(0))
    } else if english.starts_with("Variable ") && english.contains("used in position expecting") {
        format!(
            "变量 {} 的类型 {} 与此处要求的类型 {} 不符",
            part(0),
            part(1),
            part(2)
        )
    } else if english.starts_with("Unknown type ") {
        format!("未知类型 {}", part(0))
    } else if english.starts_with("Unknown directive ") {
        format!("未知指令 {}", part(0))
    } else if english.starts_with("Unknown fragment") {
        format!("未定义的片段 {}", part(0))
    } else if english.contains("is never used") {
        format!("片段 {} 已定义但未使用", part(0))
    } else if english.starts_with("Fields ") && english.contains("conflict") {
        format!("同名结果字段 {} 相互冲突，请为其中一个起别名", part(0))
    } else {
        "查询不符合接口定义".to_owned()
    };
    format!("{what}。请对照 schema.graphql 修改查询（英文原文见 extensions.detail）")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn localized(message: &str, parsed: bool) -> (String, String) {
        let mut e = ServerError::new(message, None);
        localize(&mut e, parsed);
        let ext = e.extensions.unwrap();
        let code = match ext.get("code") {
            Some(async_graphql::Value::String(c)) => c.clone(),
            other => panic!("{other:?}"),
        };
        (code, e.message)
    }

    #[test]
    fn each_validation_message_gets_its_code_and_chinese() {
        let cases = [
            (
                r#"Unknown field "titel" on type "Report". Did you mean "title"?"#,
                "GRAPHQL_VALIDATION_FAILED",
                "类型 Report 没有字段 titel（是否应为 \"title\"？）",
            ),
            (
                r#"Unknown argument "frist" on field "reports" of type "Query"."#,
                "GRAPHQL_VALIDATION_FAILED",
                "字段 Query.reports 没有参数 frist",
            ),
            (
                r#"Field "report" argument "id" of type "ID!" is required but not provided"#,
                "GRAPHQL_VALIDATION_FAILED",
                "字段 report 缺少必填参数 id（类型 ID!）",
            ),
            (
                r#"Field "indicators" of type "[Indicator!]!" must have a selection of subfields"#,
                "GRAPHQL_VALIDATION_FAILED",
                "需要选择子字段",
            ),
            (
                r#"Variable "$n" is not used by operation "Q""#,
                "GRAPHQL_VALIDATION_FAILED",
                "变量 $n 已声明但未使用",
            ),
            (
                r#"Invalid value for argument "first", expected type "Int""#,
                "BAD_USER_INPUT",
                "参数 first 的值不合法：应为 Int 类型的值",
            ),
            (
                r#"Invalid value for argument "input.document.kind", enumeration type "ReportKind" does not contain the value "WHOLE""#,
                "BAD_USER_INPUT",
                "枚举 ReportKind 没有取值 WHOLE",
            ),
            (
                "Something new in a later release",
                "GRAPHQL_VALIDATION_FAILED",
                "查询不符合接口定义",
            ),
        ];
        for (english, code, needle) in cases {
            let (c, m) = localized(english, true);
            assert_eq!(c, code, "{english}");
            assert!(m.contains(needle), "{english} → {m}");
            assert!(!m.is_ascii(), "{m}");
        }
        let (c, m) = localized(" --> 1:3\n  |\n1 | { ", false);
        assert_eq!(c, "GRAPHQL_PARSE_FAILED");
        assert!(m.starts_with("查询文本无法解析"), "{m}");
    }

    #[test]
    fn a_coded_error_is_left_as_it_is() {
        let mut e = ServerError::new("已有", None);
        e.extensions
            .get_or_insert_with(Default::default)
            .set("code", "FORBIDDEN");
        localize(&mut e, true);
        assert_eq!(e.message, "已有");
    }
}
