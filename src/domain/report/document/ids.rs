//! Row ids: kept across rewrites of a report, so that integrators' ids stay valid.

use super::*;

impl ReportDocument {
    /// Gives child rows without an id the id of the stored row at the same position, and new
    /// rows a fresh id, so that rewriting a report keeps the ids integrators hold.
    pub fn adopt_ids(&mut self, stored: &ReportDocument) {
        assign(&mut self.finance.units, &stored.finance.units, |r| r.id);
        assign(&mut self.funding, &stored.funding, |r| r.id);
        assign(
            &mut self.qualitative_goals,
            &stored.qualitative_goals,
            |r| r.id,
        );
        assign(&mut self.indicators, &stored.indicators, |r| r.id);
        assign(&mut self.evaluators, &stored.evaluators, |r| r.id);
        assign(&mut self.opinions, &stored.opinions, |r| r.id);
        assign(&mut self.sections, &stored.sections, |r| r.id);
        if let (Some(new), Some(old)) = (&mut self.finance.summary, &stored.finance.summary)
            && new.id.is_none()
        {
            new.id = old.id;
        }
    }
}

/// Assigns ids to rows that lack one: the stored row's at the same position, else a new one.
fn assign<T: HasId>(rows: &mut [T], stored: &[T], id: fn(&T) -> Option<Uuid>) {
    let mut used = HashSet::new();
    for (i, row) in rows.iter_mut().enumerate() {
        let existing = row.id();
        let candidate = existing
            .or_else(|| stored.get(i).and_then(id))
            .filter(|u| !used.contains(u));
        let value = candidate.unwrap_or_else(Uuid::now_v7);
        used.insert(value);
        row.set_id(value);
    }
}

/// Rows that carry an id.
pub trait HasId {
    /// The id, if assigned.
    fn id(&self) -> Option<Uuid>;
    /// Assigns the id.
    fn set_id(&mut self, id: Uuid);
}

macro_rules! has_id {
    ($($t:ty),*) => {$(
        impl HasId for $t {
            fn id(&self) -> Option<Uuid> { self.id }
            fn set_id(&mut self, id: Uuid) { self.id = Some(id); }
        }
    )*};
}
has_id!(
    FinanceRow,
    FundingLine,
    Goal,
    IndicatorDoc,
    EvaluatorDoc,
    OpinionDoc,
    Section
);
