//! What callers can put in the log: request ids are kept only when plain, logged values are
//! escaped.

use super::*;

/// A caller-supplied value as it is logged: control characters (line breaks, escape sequences)
/// are written as escapes, so no value can start a log line of its own or colour a terminal.
pub struct Escaped<'a>(pub &'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use std::fmt::Write;
        for c in self.0.chars() {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

/// Keeps a caller's `x-request-id` only when it is short and of a safe character set (letters,
/// digits, `-`, `_`, `.`, `:`); any other is dropped, so a new one is made. A caller therefore
/// cannot write line breaks or look-alike log entries through it.
pub(super) async fn safe_request_id(mut request: Request) -> Request {
    let safe = |v: &HeaderValue| {
        let bytes = v.as_bytes();
        (1..=64).contains(&bytes.len())
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    };
    let ids = request.headers().get_all(REQUEST_ID);
    let count = ids.iter().count();
    let unsafe_id = count > 1 || (count == 1 && !ids.iter().all(safe));
    if unsafe_id {
        request.headers_mut().remove(REQUEST_ID);
    }
    request
}
