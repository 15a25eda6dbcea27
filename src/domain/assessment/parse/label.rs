//! The label of a figure: the words of its fragment, tidied.

// ---------------------------------------------------------------------------------------------
// Labels

pub(super) const LABEL_PUNCT: &str = "：:、，,；;。.（）()【】[]-—–·*/／ ";
pub(super) const LEADING_WORDS: &[&str] = &[
    "累计完成",
    "其中",
    "力争",
    "确保",
    "全年",
    "年内",
    "共计",
    "完成",
    "实现",
    "共",
];
pub(super) const TRAILING_WORDS: &[&str] = &["完成", "实现", "共计", "合计"];

pub(super) fn label_of(
    frag: &[char],
    end: usize,
    after: usize,
    drops: &[(usize, usize)],
) -> String {
    let mut removed = vec![false; end];
    for (s, e) in drops {
        for slot in removed.iter_mut().take(*e).skip(*s) {
            *slot = true;
        }
    }
    let kept: String = frag
        .iter()
        .zip(removed)
        .filter(|(c, gone)| !c.is_whitespace() && !gone)
        .map(|(c, _)| *c)
        .collect();
    let label = tidy(&kept, true);
    if !label.is_empty() {
        return label;
    }
    let rest: String = frag
        .iter()
        .skip(after)
        .take_while(|c| !matches!(c, '：' | ':') && !c.is_ascii_digit())
        .filter(|c| !c.is_whitespace())
        .collect();
    let label = tidy(&rest, false);
    if !label.is_empty() {
        return label;
    }
    tidy(&kept, false)
}

/// Trims punctuation, and (when `words`) filler words such as 完成 and 实现 at either end.
pub(super) fn tidy(text: &str, words: bool) -> String {
    let mut s = text;
    loop {
        let before = s.len();
        s = s.trim_matches(|c: char| LABEL_PUNCT.contains(c));
        if words {
            for w in LEADING_WORDS {
                if let Some(rest) = s.strip_prefix(w) {
                    s = rest;
                }
            }
            for w in TRAILING_WORDS {
                if let Some(rest) = s.strip_suffix(w) {
                    s = rest;
                }
            }
        }
        if s.len() == before {
            break;
        }
    }
    s.to_string()
}
