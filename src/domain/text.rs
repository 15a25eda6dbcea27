//! What text may hold: anything but control characters other than tab, line feed and carriage
//! return (NUL, the other C0 controls, DEL and the C1 controls). PostgreSQL cannot store NUL at
//! all, and none of the others belongs in a report; every string input is checked against this
//! one rule before anything runs (`graphql::input_guard`).

/// Whether `c` is refused in text.
pub fn forbidden(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// The first refused character of `text`, with its position (in characters, from 1).
pub fn first_forbidden(text: &str) -> Option<(usize, char)> {
    text.chars()
        .enumerate()
        .find(|(_, c)| forbidden(*c))
        .map(|(i, c)| (i + 1, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_but_tab_and_line_breaks() {
        for c in [
            '\0', '\u{1}', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{1f}', '\u{7f}', '\u{80}',
            '\u{85}', '\u{9f}',
        ] {
            assert!(forbidden(c), "{c:?}");
        }
        for c in [
            '\t', '\n', '\r', ' ', 'a', '科', '\u{a0}', '\u{200b}', '\u{3000}', '\u{feff}',
        ] {
            assert!(!forbidden(c), "{c:?}");
        }
        assert_eq!(first_forbidden("科技\u{0}局"), Some((3, '\0')));
        assert_eq!(first_forbidden("科技\t局\r\n"), None);
    }
}
