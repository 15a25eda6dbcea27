//! Why a figure is read without confidence.

/// Why a figure is read without confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Doubt {
    /// Its comparator is a scanned look-alike: 二 directly before the number read as `=`
    /// ("二100%"), which could as well be a damaged ≥ or a stray character.
    ScannedComparator,
}

impl Doubt {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            Doubt::ScannedComparator => "SCANNED_COMPARATOR",
        }
    }

    /// What it means, in Chinese.
    pub fn message(self) -> &'static str {
        match self {
            Doubt::ScannedComparator => "比较符号按扫描件中的“二”读作“=”",
        }
    }
}
