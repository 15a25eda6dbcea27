//! Keyset (cursor) pagination for every connection: stable order with an id tiebreak, opaque
//! cursors, `first`/`after` forwards and `last`/`before` backwards, at most 100 a page.

use crate::error::AppError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use entity::row::{DecodeRow, SelectRows};
use sea_orm::sea_query::{Expr, ExprTrait, Value};
use sea_orm::{
    Condition, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Largest page.
pub const MAX_PAGE: i32 = 100;
/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE: i32 = 20;

/// A sort key's value for one row, as carried in a cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum KeyValue {
    /// An integer (also fixed-point values).
    I(i64),
    /// Text.
    S(String),
    /// A timestamp.
    T(DateTime<Utc>),
}

/// The type of a sort key, which every cursor value for it must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// [`KeyValue::I`].
    Integer,
    /// [`KeyValue::S`].
    Text,
    /// [`KeyValue::T`].
    Time,
}

/// Longest text key a cursor may carry (characters); keys are names and codes.
const MAX_TEXT_KEY: usize = 1_000;

impl KeyValue {
    /// Whether the value has `kind` and is something the databases can compare: text of bounded
    /// length without refused characters ([`crate::domain::text`]), a time in the years 1 to
    /// 9999.
    fn fits(&self, kind: KeyKind) -> bool {
        use chrono::Datelike;
        match (self, kind) {
            (KeyValue::I(_), KeyKind::Integer) => true,
            (KeyValue::S(s), KeyKind::Text) => {
                s.chars().count() <= MAX_TEXT_KEY
                    && crate::domain::text::first_forbidden(s).is_none()
            }
            (KeyValue::T(t), KeyKind::Time) => (1..=9999).contains(&t.year()),
            _ => false,
        }
    }

    fn into_value(self) -> Value {
        match self {
            KeyValue::I(v) => Value::BigInt(Some(v)),
            KeyValue::S(v) => Value::String(Some(v)),
            KeyValue::T(v) => Value::ChronoDateTimeUtc(Some(v)),
        }
    }
}

/// One sort key: an expression that is never NULL, its type, its direction, and how to read it
/// off a row.
pub struct SortKey<M> {
    /// The ordering expression.
    pub expr: Expr,
    /// The type of its values (a cursor with another is refused before any SQL).
    pub kind: KeyKind,
    /// Descending order.
    pub descending: bool,
    /// The key's value for a row.
    pub value: fn(&M) -> KeyValue,
}

/// The Relay arguments of a connection.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    /// Forward page size.
    pub first: Option<i32>,
    /// Forward cursor.
    pub after: Option<String>,
    /// Backward page size.
    pub last: Option<i32>,
    /// Backward cursor.
    pub before: Option<String>,
}

/// A fetched page: rows with their cursors, in order.
pub struct Page<M> {
    /// Rows and cursors.
    pub items: Vec<(String, M)>,
    /// More rows after this page.
    pub has_next_page: bool,
    /// More rows before this page.
    pub has_previous_page: bool,
}

#[derive(Serialize, Deserialize)]
struct Cursor {
    k: Vec<KeyValue>,
    id: Uuid,
}

/// The cursor of a row with these key values.
pub fn cursor(keys: Vec<KeyValue>, id: Uuid) -> String {
    encode(keys, id)
}

fn encode(keys: Vec<KeyValue>, id: Uuid) -> String {
    let json = serde_json::to_vec(&Cursor { k: keys, id }).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// Reads a cursor made for keys of these kinds: any other shape — not base64 or JSON, another
/// number of keys, a key of another type (a cursor of another ordering, or tampered with), text
/// with control characters, an impossible time — is BAD_USER_INPUT before any SQL runs.
fn decode(cursor: &str, kinds: &[KeyKind]) -> Result<Cursor, AppError> {
    let bad = || {
        let shown: String = cursor
            .chars()
            .take(100)
            .flat_map(char::escape_debug)
            .collect();
        AppError::BadUserInput(format!(
            "无效的分页游标：{shown}（请使用本连接、本排序返回的 cursor / endCursor / startCursor，原样传回）"
        ))
    };
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let parsed: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if parsed.k.len() != kinds.len() || !parsed.k.iter().zip(kinds).all(|(v, k)| v.fits(*k)) {
        return Err(bad());
    }
    Ok(parsed)
}

fn check_size(name: &str, size: Option<i32>) -> Result<Option<u64>, AppError> {
    match size {
        None => Ok(None),
        Some(n) if (0..=MAX_PAGE).contains(&n) => Ok(Some(n as u64)),
        Some(n) => Err(AppError::BadUserInput(format!(
            "{name} 必须在 0 到 {MAX_PAGE} 之间，收到 {n}"
        ))),
    }
}

/// Rows strictly after (`forward`) or before the cursor position in the key order.
fn beyond(keys: &[(Expr, bool)], id: &Expr, cursor: Cursor, forward: bool) -> Condition {
    let mut values: Vec<Value> = cursor.k.into_iter().map(KeyValue::into_value).collect();
    values.push(Value::Uuid(Some(cursor.id)));
    let mut all: Vec<(Expr, bool)> = keys.to_vec();
    all.push((id.clone(), false));
    let mut any = Condition::any();
    for i in 0..all.len() {
        let mut branch = Condition::all();
        for j in 0..i {
            branch = branch.add(all[j].0.clone().eq(Expr::val(values[j].clone())));
        }
        let (expr, descending) = &all[i];
        let value = Expr::val(values[i].clone());
        let greater = *descending != forward;
        branch = branch.add(if greater {
            expr.clone().gt(value)
        } else {
            expr.clone().lt(value)
        });
        any = any.add(branch);
    }
    any
}

/// Fetches one page of `select` in the order of `keys` then `id`.
pub async fn fetch<E, C>(
    db: &C,
    select: Select<E>,
    keys: &[SortKey<E::Model>],
    id: Expr,
    id_of: fn(&E::Model) -> Uuid,
    request: &PageRequest,
) -> Result<Page<E::Model>, AppError>
where
    E: EntityTrait,
    E::Model: DecodeRow + Send + Sync,
    C: ConnectionTrait,
{
    let first = check_size("first", request.first)?;
    let last = check_size("last", request.last)?;
    if first.is_some() && last.is_some() {
        return Err(AppError::BadUserInput("first 与 last 不能同时使用".into()));
    }
    let exprs: Vec<(Expr, bool)> = keys
        .iter()
        .map(|k| (k.expr.clone(), k.descending))
        .collect();
    let kinds: Vec<KeyKind> = keys.iter().map(|k| k.kind).collect();
    let mut select = select;
    if let Some(after) = &request.after {
        select = select.filter(beyond(&exprs, &id, decode(after, &kinds)?, true));
    }
    if let Some(before) = &request.before {
        select = select.filter(beyond(&exprs, &id, decode(before, &kinds)?, false));
    }
    let backward = last.is_some();
    let limit = last.or(first).unwrap_or(DEFAULT_PAGE as u64);
    // Backwards pages read the reversed order, then flip the rows back.
    for (expr, descending) in &exprs {
        let order = if *descending != backward {
            Order::Desc
        } else {
            Order::Asc
        };
        select = select.order_by(expr.clone(), order);
    }
    select = select.order_by(id, if backward { Order::Desc } else { Order::Asc });
    let mut rows = select.limit(limit + 1).all_rows(db).await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    if backward {
        rows.reverse();
    }
    let items = rows
        .into_iter()
        .map(|row| {
            let cursor = encode(keys.iter().map(|k| (k.value)(&row)).collect(), id_of(&row));
            (cursor, row)
        })
        .collect();
    Ok(Page {
        items,
        has_next_page: if backward {
            request.before.is_some()
        } else {
            more
        },
        has_previous_page: if backward {
            more
        } else {
            request.after.is_some()
        },
    })
}

/// How two sort-key values of the same key compare.
fn compare(a: &KeyValue, b: &KeyValue) -> std::cmp::Ordering {
    match (a, b) {
        (KeyValue::I(x), KeyValue::I(y)) => x.cmp(y),
        (KeyValue::S(x), KeyValue::S(y)) => x.cmp(y),
        (KeyValue::T(x), KeyValue::T(y)) => x.cmp(y),
        _ => std::cmp::Ordering::Equal,
    }
}

/// One page of `rows` held in memory (a snapshot's), in the order of `keys` then id, with the
/// same cursors and rules as [`fetch`].
pub fn slice<M>(
    mut rows: Vec<M>,
    keys: &[SortKey<M>],
    id_of: fn(&M) -> Uuid,
    request: &PageRequest,
) -> Result<Page<M>, AppError> {
    use std::cmp::Ordering;
    let first = check_size("first", request.first)?;
    let last = check_size("last", request.last)?;
    if first.is_some() && last.is_some() {
        return Err(AppError::BadUserInput("first 与 last 不能同时使用".into()));
    }
    let position = |m: &M| -> (Vec<KeyValue>, Uuid) {
        (keys.iter().map(|k| (k.value)(m)).collect(), id_of(m))
    };
    let order = |a: &(Vec<KeyValue>, Uuid), b: &(Vec<KeyValue>, Uuid)| -> Ordering {
        for ((x, y), key) in a.0.iter().zip(&b.0).zip(keys) {
            let o = compare(x, y);
            let o = if key.descending { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        a.1.cmp(&b.1)
    };
    rows.sort_by(|a, b| order(&position(a), &position(b)));
    for (cursor, wanted) in [
        (&request.after, Ordering::Greater),
        (&request.before, Ordering::Less),
    ] {
        if let Some(cursor) = cursor {
            let kinds: Vec<KeyKind> = keys.iter().map(|k| k.kind).collect();
            let c = decode(cursor, &kinds)?;
            let at = (c.k, c.id);
            rows.retain(|r| order(&position(r), &at) == wanted);
        }
    }
    let backward = last.is_some();
    let limit = last.or(first).unwrap_or(DEFAULT_PAGE as u64) as usize;
    let more = rows.len() > limit;
    if backward {
        rows = rows.split_off(rows.len().saturating_sub(limit));
    } else {
        rows.truncate(limit);
    }
    let items = rows
        .into_iter()
        .map(|row| {
            let (k, id) = position(&row);
            (encode(k, id), row)
        })
        .collect();
    Ok(Page {
        items,
        has_next_page: if backward {
            request.before.is_some()
        } else {
            more
        },
        has_previous_page: if backward {
            more
        } else {
            request.after.is_some()
        },
    })
}
