//! One guard over every string a request carries, before anything runs: the variables (every
//! value and every object key, used or not, however deeply nested in input objects and lists),
//! the argument literals of the document (fields and directives, in operations and fragments,
//! and variable defaults) and the operation name. A string holding a refused character
//! ([`crate::domain::text`]: NUL and every other control character but tab, line feed and
//! carriage return) refuses the whole request with `INVALID_CHARACTER`, so no resolver, domain
//! rule or SQL statement ever sees one — on SQLite and PostgreSQL alike, for anonymous callers
//! too.
//!
//! Entry points: [`check`] (the HTTP handler, once per operation), [`check_parts`] (WebSocket
//! subscriptions, in `limits::LimitsExtension`) and [`check_json`] (documents read by
//! `jixiao import`). [`SearchTerm`] caps search terms.

use crate::domain::text;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{InputValueError, Pos, Positioned, ServerError, ServerResult, Variables};

/// The code of the refusal.
pub const CODE: &str = "INVALID_CHARACTER";

/// Longest search term, in characters.
pub const MAX_SEARCH: usize = 200;

/// One step of a path into a value.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn describe(path: &[Step<'_>]) -> String {
    let mut out = String::new();
    // One path format everywhere: dotted, list positions as numbers (`a.units.0.name`).
    for step in path {
        if !out.is_empty() {
            out.push('.');
        }
        match step {
            Step::Key(k) => out.extend(k.chars().flat_map(char::escape_debug)),
            Step::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// A refused character: where (the path), which, and its position in the string.
struct Found {
    path: String,
    position: usize,
    character: char,
}

impl Found {
    fn message(&self, place: &str) -> String {
        format!(
            "{place}{} 的第 {} 个字符是控制字符 U+{:04X}，文本中不允许出现（制表符、换行、回车除外）；请删除该字符后重试",
            self.path,
            self.position,
            u32::from(self.character)
        )
    }
}

/// What a value is, for the walk.
enum Shape<'a, T> {
    Text(&'a str),
    List(&'a [T]),
    Object(Box<dyn Iterator<Item = (&'a str, &'a T)> + 'a>),
    Other,
}

/// A tree of values whose strings are checked.
trait Tree: Sized {
    fn shape(&self) -> Shape<'_, Self>;
}

impl Tree for async_graphql::Value {
    fn shape(&self) -> Shape<'_, Self> {
        match self {
            Self::String(s) => Shape::Text(s),
            Self::List(items) => Shape::List(items),
            Self::Object(map) => Shape::Object(Box::new(map.iter().map(|(k, v)| (k.as_str(), v)))),
            _ => Shape::Other,
        }
    }
}

impl Tree for async_graphql_value::Value {
    fn shape(&self) -> Shape<'_, Self> {
        match self {
            Self::String(s) => Shape::Text(s),
            Self::List(items) => Shape::List(items),
            Self::Object(map) => Shape::Object(Box::new(map.iter().map(|(k, v)| (k.as_str(), v)))),
            _ => Shape::Other,
        }
    }
}

impl Tree for serde_json::Value {
    fn shape(&self) -> Shape<'_, Self> {
        match self {
            Self::String(s) => Shape::Text(s),
            Self::Array(items) => Shape::List(items),
            Self::Object(map) => Shape::Object(Box::new(map.iter().map(|(k, v)| (k.as_str(), v)))),
            _ => Shape::Other,
        }
    }
}

fn text_at(value: &str, path: &[Step<'_>]) -> Result<(), Found> {
    match text::first_forbidden(value) {
        None => Ok(()),
        Some((position, character)) => Err(Found {
            path: describe(path),
            position,
            character,
        }),
    }
}

fn walk<'a, T: Tree>(value: &'a T, path: &mut Vec<Step<'a>>) -> Result<(), Found> {
    match value.shape() {
        Shape::Text(s) => text_at(s, path),
        Shape::List(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                walk(item, path)?;
                path.pop();
            }
            Ok(())
        }
        Shape::Object(entries) => {
            for (key, item) in entries {
                path.push(Step::Key(key));
                text_at(key, path)?;
                walk(item, path)?;
                path.pop();
            }
            Ok(())
        }
        Shape::Other => Ok(()),
    }
}

fn refusal(message: String, at: Option<Pos>) -> ServerError {
    let mut error = ServerError::new(message, at);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", CODE);
    error.extensions = Some(ext);
    error
}

/// Checks one HTTP operation: its name, variables and document (as parsed for execution; a
/// document that does not parse is left to the schema, which answers with the parse error).
pub fn check(request: &mut async_graphql::Request) -> ServerResult<()> {
    let name = request.operation_name.clone();
    let variables = std::mem::take(&mut request.variables);
    let result = check_parts(request.parsed_query().ok(), &variables, name.as_deref());
    request.variables = variables;
    result
}

/// Checks a parsed document (if any), the variables and the operation name.
pub fn check_parts(
    doc: Option<&ExecutableDocument>,
    variables: &Variables,
    operation_name: Option<&str>,
) -> ServerResult<()> {
    if let Some(name) = operation_name {
        text_at(name, &[]).map_err(|f| refusal(f.message(&format!("操作名 {name:?}")), None))?;
    }
    for (name, value) in variables.iter() {
        let mut path = vec![Step::Key(name.as_str())];
        text_at(name, &path)
            .and_then(|()| walk(value, &mut path))
            .map_err(|f| refusal(f.message("变量 $"), None))?;
    }
    if let Some(doc) = doc {
        for (_, op) in doc.operations.iter() {
            operation(&op.node)?;
        }
        for fragment in doc.fragments.values() {
            directives(&fragment.node.directives)?;
            selections(&fragment.node.selection_set)?;
        }
    }
    Ok(())
}

fn operation(op: &OperationDefinition) -> ServerResult<()> {
    for definition in &op.variable_definitions {
        let name = definition.node.name.node.as_str();
        if let Some(default) = &definition.node.default_value {
            walk(&default.node, &mut vec![Step::Key(name)])
                .map_err(|f| refusal(f.message("变量默认值 $"), Some(default.pos)))?;
        }
        directives(&definition.node.directives)?;
    }
    directives(&op.directives)?;
    selections(&op.selection_set)
}

fn arguments(
    owner: &str,
    arguments: &[(
        Positioned<async_graphql::Name>,
        Positioned<async_graphql_value::Value>,
    )],
) -> ServerResult<()> {
    for (name, value) in arguments {
        walk(&value.node, &mut vec![Step::Key(name.node.as_str())])
            .map_err(|f| refusal(f.message(&format!("{owner} 的参数 ")), Some(value.pos)))?;
    }
    Ok(())
}

fn directives(list: &[Positioned<Directive>]) -> ServerResult<()> {
    for d in list {
        arguments(&format!("指令 @{}", d.node.name.node), &d.node.arguments)?;
    }
    Ok(())
}

fn selections(set: &Positioned<SelectionSet>) -> ServerResult<()> {
    for item in &set.node.items {
        match &item.node {
            Selection::Field(field) => {
                let f = &field.node;
                arguments(&format!("字段 {}", f.name.node), &f.arguments)?;
                directives(&f.directives)?;
                selections(&f.selection_set)?;
            }
            Selection::FragmentSpread(spread) => directives(&spread.node.directives)?,
            Selection::InlineFragment(inline) => {
                directives(&inline.node.directives)?;
                selections(&inline.node.selection_set)?;
            }
        }
    }
    Ok(())
}

/// Checks a JSON document read from a file (`jixiao import`); the error names the path.
pub fn check_json(value: &serde_json::Value) -> Result<(), String> {
    walk(value, &mut Vec::new()).map_err(|f| format!("{CODE}：{}", f.message("字段 ")))
}

/// The validator of search terms: at most [`MAX_SEARCH`] characters, else `TOO_LONG`.
pub struct SearchTerm;

impl async_graphql::CustomValidator<String> for SearchTerm {
    fn check(&self, value: &String) -> Result<(), InputValueError<String>> {
        let n = value.chars().count();
        if n > MAX_SEARCH {
            Err(InputValueError::custom(format!(
                "搜索词过长：最多 {MAX_SEARCH} 个字符，收到 {n} 个；请缩短后重试"
            ))
            .with_extension("code", "TOO_LONG"))
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(query: &str, variables: serde_json::Value) -> async_graphql::Request {
        async_graphql::Request::new(query).variables(Variables::from_json(variables))
    }

    fn refused(query: &str, variables: serde_json::Value) -> Option<String> {
        check(&mut request(query, variables)).err().map(|e| {
            let code = e.extensions.as_ref().and_then(|x| x.get("code")).cloned();
            assert_eq!(code, Some(async_graphql::Value::from(CODE)));
            e.message
        })
    }

    #[test]
    fn every_string_of_a_request_is_checked() {
        let ok = "query($s: String = \"a\\tb\") { reports(filter: { search: $s }) { totalCount } }";
        assert_eq!(refused(ok, json!({ "s": "科技\r\n" })), None);
        for (query, variables) in [
            ("{ a }", json!({ "s": "\u{0}" })),
            ("{ a }", json!({ "deep": [{ "x": ["ok", "\u{7f}"] }] })),
            ("{ a }", json!({ "o": { "k\u{1}": 1 } })),
            (
                "{ reports(filter: { search: \"a\\u0000\" }) { n } }",
                json!({}),
            ),
            ("{ a(list: [\"x\", { y: \"\\u001b\" }]) }", json!({})),
            ("query($s: String = \"\\u0085\") { a(s: $s) }", json!({})),
            ("{ a @include(if: true) @skip(x: \"\\u0000\") }", json!({})),
            ("{ ...F } fragment F on Q { a(s: \"\\u0002\") }", json!({})),
            ("{ ... on Q { a(s: \"\\u0002\") } }", json!({})),
            ("{ a(s: \"\"\"block \u{0} string\"\"\") }", json!({})),
        ] {
            assert!(
                refused(query, variables.clone()).is_some(),
                "{query} {variables}"
            );
        }
        let message = refused("{ a }", json!({ "input": { "list": ["ok", "局\u{0}"] } })).unwrap();
        assert!(
            message.contains("$input.list.1") && message.contains("U+0000"),
            "{message}"
        );
        let mut named = request("query Q { a }", json!({}));
        named.operation_name = Some("Q\u{0}".into());
        assert!(check(&mut named).is_err());
        // A document that does not parse is left to the schema.
        assert!(check(&mut request("{ a(", json!({}))).is_ok());
    }

    #[test]
    fn json_documents_are_checked() {
        assert!(check_json(&json!({ "document": { "unitName": "局\t" } })).is_ok());
        let error = check_json(&json!({ "document": { "tasks": ["a", "b\u{0}"] } })).unwrap_err();
        assert!(
            error.contains("document.tasks.1") && error.contains(CODE),
            "{error}"
        );
    }
}
