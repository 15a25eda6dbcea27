//! The one application error type, its stable codes, and the single `DbErr` classification.

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};

/// Errors that end a request (as opposed to `userErrors`, which a mutation returns).
///
/// Messages are in Chinese for the officials who read them; `code()` is the stable English
/// code integrators match on. Internal errors display generically and keep their cause for
/// the log only.
///
/// It deliberately does not implement `Display`: async-graphql turns any `Display` error into a
/// client message without a code, so every conversion goes through [`From<AppError>`] below,
/// which attaches the code and masks internal causes.
#[derive(Debug)]
pub enum AppError {
    /// No valid credentials where they are needed.
    Unauthenticated(String),
    /// Authenticated, but not allowed.
    Forbidden(String),
    /// The thing asked for does not exist or is not visible to the caller.
    NotFound(String),
    /// Input that cannot be understood.
    BadUserInput(String),
    /// A conflicting write (unique key, concurrent change).
    Conflict(String),
    /// The database failed for a moment (connection lost or refused, pool exhausted, server
    /// shutting down); retrying is expected to work. The cause is logged, never shown.
    Unavailable(Cause),
    /// Anything unexpected; the cause is logged, never shown.
    Internal(Cause),
}

/// The cause of an internal or passing failure, kept whole with its source chain; its display
/// (for the log) is the error followed by each source, `outer: inner: root`.
#[derive(Debug)]
pub struct Cause(Box<dyn std::error::Error + Send + Sync>);

impl Cause {
    /// A cause from any error (its sources kept) or message.
    pub fn new(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(cause.into())
    }

    /// The error itself, for a caller that needs to look inside.
    pub fn error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self.0.as_ref()
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(s) = source {
            write!(f, ": {s}")?;
            source = s.source();
        }
        Ok(())
    }
}

impl AppError {
    /// Stable code for `extensions.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadUserInput(_) => "BAD_USER_INPUT",
            Self::Conflict(_) => "CONFLICT",
            Self::Unavailable(_) => "UNAVAILABLE",
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The message for the caller (internal causes are never included).
    pub fn message(&self) -> String {
        match self {
            Self::Unauthenticated(m) => format!("身份验证失败：{m}"),
            Self::Forbidden(m) => format!("无权执行此操作：{m}"),
            Self::NotFound(m) => format!("未找到：{m}"),
            Self::BadUserInput(m) => format!("输入有误：{m}"),
            Self::Conflict(m) => format!("数据冲突：{m}"),
            Self::Unavailable(_) => {
                "数据库暂时不可用，请稍后重试（写入请带同一个 idempotencyKey 重试，以免重复）".into()
            }
            Self::Internal(_) => {
                "服务器内部错误，请稍后重试；如持续出现，请把响应头中的请求编号（x-request-id）告知管理员".into()
            }
        }
    }

    /// An internal error with a cause for the log (an error keeps its source chain).
    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Internal(Cause::new(cause))
    }

    /// A passing failure with a cause for the log.
    pub fn unavailable(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Unavailable(Cause::new(cause))
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(message)) => {
                let what = constraint(&err).unwrap_or(message);
                Self::Conflict(format!("与已有数据重复：{}已存在", unique_label(&what)))
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                Self::Conflict("引用的数据不存在或仍被引用".into())
            }
            _ if transient(&err) => Self::unavailable(err),
            _ => Self::internal(err),
        }
    }
}

/// The name of the constraint a database error names: PostgreSQL reports it; SQLite's message
/// lists the columns (`UNIQUE constraint failed: report.department_id, report.external_id`).
fn constraint(err: &DbErr) -> Option<String> {
    use sea_orm::{RuntimeErr, sqlx};
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                sqlx::Error::Database(db) => Some(
                    db.constraint()
                        .map_or_else(|| db.message().to_owned(), str::to_owned),
                ),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Which value must be unique, in words an official can act on, from a constraint's name or
/// columns; an unknown one is named as the database names it.
fn unique_label(what: &str) -> String {
    let has = |parts: &[&str]| parts.iter().all(|p| what.contains(p));
    if has(&["external_id"]) {
        "本部门内的外部编号（externalId）".into()
    } else if has(&["scoring_profile"]) {
        "评分规则编码（code）".into()
    } else if has(&["department"]) && has(&["code"]) {
        "部门编码（code）".into()
    } else if has(&["idempotency"]) {
        "幂等键（idempotencyKey）".into()
    } else {
        let name: String = what.chars().filter(|c| !c.is_control()).take(120).collect();
        format!("唯一约束 {name} 所限定的值")
    }
}

/// Whether a database error is a passing failure: the connection, the pool, or the server
/// going away or refusing for now (SQLSTATE classes 08 and 57P, serialization failures and
/// deadlocks, SQLite's busy and locked).
fn transient(err: &DbErr) -> bool {
    use sea_orm::{RuntimeErr, sqlx};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
                | sqlx::Error::Protocol(_) => true,
                sqlx::Error::Database(db) => db.code().is_some_and(|c| {
                    c.starts_with("08")
                        || c.starts_with("57P")
                        || c == "40001"
                        || c == "40P01"
                        || c == "5"
                        || c == "6"
                        || c == "517"
                }),
                _ => false,
            }
        }
        _ => false,
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        match self {
            Self::Internal(cause) => {
                tracing::error!(error.cause = %crate::http::Escaped(&cause.to_string()), "internal error")
            }
            Self::Unavailable(cause) => {
                tracing::warn!(error.cause = %crate::http::Escaped(&cause.to_string()), "database unavailable")
            }
            _ => {}
        }
        async_graphql::Error::new(self.message()).extend_with(|_, e| e.set("code", self.code()))
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.extend()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Outer(std::io::Error);

    impl std::fmt::Display for Outer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("reading the JWKS file")
        }
    }

    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    /// The cause keeps its source chain for the log; the caller's message never shows it.
    #[test]
    fn an_internal_error_keeps_its_source_chain_and_shows_none_of_it() {
        let e = AppError::internal(Outer(std::io::Error::other("permission denied")));
        let AppError::Internal(cause) = &e else {
            panic!("internal");
        };
        assert_eq!(
            cause.to_string(),
            "reading the JWKS file: permission denied"
        );
        assert!(cause.error().source().is_some());
        assert!(!e.message().contains("permission"), "{}", e.message());
        let AppError::Internal(plain) = AppError::internal("plain words") else {
            panic!("internal");
        };
        assert_eq!(plain.to_string(), "plain words");
    }
}
