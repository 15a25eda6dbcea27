//! 五、评价报告综述: the narrative, as sections keyed by where they stand (`1`, `1.1`, `3.2.1`).
//!
//! A heading is a line that starts with a numbering (一、 （一） 1、 1. （1） ①) and is not a
//! sentence (it holds no 。): `（一）贯彻落实…政策。` is a numbered paragraph of the body above.
//! Levels follow the order the numberings open in, as the writer nests them: a numbering not
//! open yet opens a level below the current one; one already open closes the levels below it
//! and continues its own. So `1、` under `一、` is level 2 and, in a later part, under `（二）`
//! level 3; any mix of numberings reads the same way. Keys count the headings at each level,
//! not the printed numbers, so a heading written twice (二、 … 二、) gives two sections. A
//! section's body is its lines as written up to the next heading, without the blank lines
//! around them.

use super::super::Location;
use super::rows::{Numbering, Out, Row, Text, numbering};
use crate::domain::report::document::Section;

/// The heading numbering of a line, if it is a heading.
fn heading(line: &str) -> Option<Numbering> {
    if line.contains('。') {
        return None;
    }
    numbering(line)
        .filter(|(_, rest)| !rest.trim().is_empty())
        .map(|(n, _)| n)
}

/// The narrative as it is read.
#[derive(Debug, Default)]
pub(super) struct Narrative<'a> {
    /// The open levels: their numbering and how many headings each has had.
    levels: Vec<(Numbering, usize)>,
    /// The section being read: key, title, body lines.
    open: Option<(String, String, Vec<&'a str>)>,
    /// The sections read.
    sections: Vec<Section>,
}

impl<'a> Narrative<'a> {
    /// Every line of a row.
    pub fn row(&mut self, row: &Row<'a>, out: &mut Out) {
        for cell in &row.cells {
            self.cell(*cell, 0, out);
        }
    }

    /// The lines of a cell from line `skip` on.
    pub fn cell(&mut self, cell: Text<'a>, skip: usize, out: &mut Out) {
        for (at, line) in cell.lines().skip(skip) {
            self.line(&at, line, out);
        }
    }

    fn line(&mut self, at: &Location, line: &'a str, out: &mut Out) {
        let Some(style) = heading(line) else {
            match &mut self.open {
                Some((_, _, body)) => body.push(line),
                None => out.unplaced(at, line),
            }
            return;
        };
        self.close();
        match self.levels.iter().position(|(s, _)| *s == style) {
            Some(level) => {
                self.levels.truncate(level + 1);
                if let Some((_, count)) = self.levels.last_mut() {
                    *count += 1;
                }
            }
            None => self.levels.push((style, 1)),
        }
        let key: Vec<String> = self.levels.iter().map(|(_, n)| n.to_string()).collect();
        self.open = Some((key.join("."), line.trim().to_owned(), Vec::new()));
    }

    fn close(&mut self) {
        if let Some((key, title, body)) = self.open.take() {
            let body = body.join("\n");
            let body = body.trim();
            self.sections.push(Section {
                id: None,
                key,
                title,
                body: (!body.is_empty()).then(|| body.to_owned()),
            });
        }
    }

    /// The sections read.
    pub fn finish(mut self) -> Vec<Section> {
        self.close();
        self.sections
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Read = (Vec<(String, String, Option<String>)>, Vec<String>);

    fn read(text: &str) -> Read {
        let at = Location::Line(1);
        let cell = Text {
            at: &at,
            text,
            span: 1,
        };
        let mut out = Out::default();
        let mut n = Narrative::default();
        n.cell(cell, 0, &mut out);
        let sections = n
            .finish()
            .into_iter()
            .map(|s| (s.key, s.title, s.body))
            .collect();
        (sections, out.unplaced.into_iter().map(|f| f.text).collect())
    }

    #[test]
    fn levels_follow_the_order_numberings_open_in() {
        let (sections, unplaced) = read(
            "前言\n一、甲\n1、甲一\n（一）句子一。\n（二）句子二。\n2、甲二\n二、乙\n（一）乙一\n1、乙一一\n\n正文\n（二）乙二\n三、丙\n",
        );
        let keys: Vec<(&str, &str)> = sections
            .iter()
            .map(|(k, t, _)| (k.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("1", "一、甲"),
                ("1.1", "1、甲一"),
                ("1.2", "2、甲二"),
                ("2", "二、乙"),
                ("2.1", "（一）乙一"),
                ("2.1.1", "1、乙一一"),
                ("2.2", "（二）乙二"),
                ("3", "三、丙"),
            ]
        );
        assert_eq!(
            sections[1].2.as_deref(),
            Some("（一）句子一。\n（二）句子二。")
        );
        assert_eq!(sections[5].2.as_deref(), Some("正文"));
        assert_eq!(sections[7].2, None);
        assert_eq!(unplaced, ["前言"]);
    }
}
