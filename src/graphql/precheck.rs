//! The pre-check of a query document: one pass over its text, without recursion and without
//! allocating, that refuses a document before async-graphql's parser sees it when it is too
//! long, has too many tokens, nests braces, brackets or parentheses too deeply (the parser
//! recurses on value literals and would overflow the stack), or holds too many operations,
//! fragments or variable definitions. What passes is small enough for the parser and the
//! validator to handle cheaply; what is malformed is left to the parser to describe.

use super::limits::{Limits, refusal};
use async_graphql::ServerError;

/// What the pass counted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Lexical tokens (punctuators, names, numbers, strings).
    pub tokens: usize,
    /// Deepest nesting of `{`, `[` and `(`.
    pub nesting: usize,
    /// Operation definitions (the `{ … }` shorthand included).
    pub operations: usize,
    /// Fragment definitions.
    pub fragments: usize,
    /// Most variable definitions of one operation.
    pub variables: usize,
}

/// Counts the document's tokens and structure, stopping early once a count passes `limits`
/// (the counts are then at least the limit plus one).
pub fn count(query: &str, limits: &Limits) -> Counts {
    let bytes = query.as_bytes();
    let mut c = Counts::default();
    let mut depth = 0usize;
    // At the top level: whether the next token starts a definition, and whether the `(` of an
    // operation's variable definitions is open.
    let mut expecting_definition = true;
    let mut in_operation_header = false;
    let mut in_variables = false;
    let mut variables = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                i += 1;
                continue;
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        c.tokens += 1;
        if c.tokens > limits.tokens {
            return c;
        }
        match b {
            b'{' | b'[' | b'(' => {
                if depth == 0 {
                    if b == b'{' && expecting_definition && !in_operation_header {
                        // The `{ … }` shorthand of a query.
                        c.operations += 1;
                        variables = 0;
                    }
                    if b == b'(' && in_operation_header {
                        in_variables = true;
                    }
                    if b == b'{' {
                        expecting_definition = false;
                        in_operation_header = false;
                    }
                }
                depth += 1;
                c.nesting = c.nesting.max(depth);
                if c.nesting > limits.nesting {
                    return c;
                }
                i += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    if b == b'}' {
                        expecting_definition = true;
                    }
                    if b == b')' {
                        in_variables = false;
                    }
                }
                i += 1;
            }
            b'$' => {
                if in_variables && depth == 1 {
                    variables += 1;
                    c.variables = c.variables.max(variables);
                    if c.variables > limits.variables {
                        return c;
                    }
                }
                i += 1;
            }
            b'"' => i = skip_string(bytes, i),
            b'.' if bytes[i..].starts_with(b"...") => i += 3,
            b'_' | b'A'..=b'Z' | b'a'..=b'z' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'_' | b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z')
                {
                    i += 1;
                }
                if depth == 0 && expecting_definition && !in_operation_header {
                    match &bytes[start..i] {
                        b"query" | b"mutation" | b"subscription" => {
                            c.operations += 1;
                            variables = 0;
                            in_operation_header = true;
                        }
                        b"fragment" => {
                            c.fragments += 1;
                            expecting_definition = false;
                        }
                        _ => {}
                    }
                    if c.operations > limits.operations || c.fragments > limits.fragments {
                        return c;
                    }
                }
            }
            b'-' | b'0'..=b'9' => {
                i += 1;
                while i < bytes.len()
                    && matches!(bytes[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
            }
            _ => {
                // A punctuator, or a character the parser will refuse; skip a whole UTF-8
                // character so the count stays per character.
                i += 1;
                while i < bytes.len() && (bytes[i] & 0xC0) == 0x80 {
                    i += 1;
                }
            }
        }
    }
    c
}

/// The index after the string starting at `start` (a `"` or `"""`), or the end of the text
/// when it is not closed.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    if bytes[start..].starts_with(b"\"\"\"") {
        let mut i = start + 3;
        while i < bytes.len() {
            if bytes[i..].starts_with(b"\\\"\"\"") {
                i += 4;
            } else if bytes[i..].starts_with(b"\"\"\"") {
                return i + 3;
            } else {
                i += 1;
            }
        }
        return bytes.len();
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            // A line break ends a malformed single-line string; the parser says so.
            b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Refuses a document over any of the limits, with the limit's own code.
pub fn check(query: &str, limits: &Limits) -> Result<(), ServerError> {
    if query.len() > limits.query_bytes {
        return Err(refusal(
            "QUERY_TOO_LARGE",
            format!(
                "查询文本过长：最多 {} 字节（本次 {} 字节）；数据请放在 variables 中",
                limits.query_bytes,
                query.len()
            ),
            None,
        ));
    }
    let c = count(query, limits);
    let (code, message) = if c.tokens > limits.tokens {
        (
            "TOO_MANY_TOKENS",
            format!(
                "查询文本的词法单元过多：最多 {} 个，请精简查询或拆分为多次请求",
                limits.tokens
            ),
        )
    } else if c.nesting > limits.nesting {
        (
            "QUERY_TOO_DEEP",
            format!(
                "查询嵌套过深：花括号、方括号和圆括号最多嵌套 {} 层（选择集、列表和对象值、参数都计入）",
                limits.nesting
            ),
        )
    } else if c.operations > limits.operations {
        (
            "TOO_MANY_OPERATIONS",
            format!("一个查询文档最多包含 {} 个操作", limits.operations),
        )
    } else if c.fragments > limits.fragments {
        (
            "TOO_MANY_FRAGMENTS",
            format!(
                "一个查询文档最多定义 {} 个片段（fragment）",
                limits.fragments
            ),
        )
    } else if c.variables > limits.variables {
        (
            "TOO_MANY_VARIABLES",
            format!("一个操作最多定义 {} 个变量", limits.variables),
        )
    } else {
        return Ok(());
    };
    Err(refusal(code, message, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::of(&crate::config::Config::defaults())
    }

    #[test]
    fn counts_structure() {
        let c = count(
            "query A($a: Int = 1, $b: [String!] = [\"x\"]) { reports(first: $a) { nodes { id } } }\n\
             # a comment { [ (\n\
             fragment F on Report { id unitName(x: \"}\") }\n\
             mutation M($x: ID!) @d(a: {b: [1, 2]}) { deleteReport(id: $x) { __typename } }\n\
             { __typename }",
            &limits(),
        );
        assert_eq!(c.operations, 3);
        assert_eq!(c.fragments, 1);
        assert_eq!(c.variables, 2);
        assert_eq!(c.nesting, 3);
    }

    #[test]
    fn block_strings_and_escapes_do_not_count_as_structure() {
        let c = count(
            "{ a(x: \"\"\" { [ \\\"\"\" ( \"\"\", y: \"\\\" {\") }",
            &limits(),
        );
        assert_eq!(c.nesting, 2);
        assert_eq!(c.operations, 1);
    }

    #[test]
    fn deep_values_are_refused_without_recursion() {
        let deep = format!(
            "{{ a(x: {}1{}) }}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let err = check(
            &deep,
            &Limits {
                query_bytes: usize::MAX,
                tokens: usize::MAX,
                ..limits()
            },
        )
        .expect_err("refused");
        assert_eq!(
            err.extensions.and_then(|e| e.get("code").cloned()),
            Some(async_graphql::Value::from("QUERY_TOO_DEEP"))
        );
    }
}
