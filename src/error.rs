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
    /// Anything unexpected; the cause is logged, never shown.
    Internal(String),
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
            Self::Internal(_) => {
                "服务器内部错误，请稍后重试；如持续出现，请把响应头中的请求编号（x-request-id）告知管理员".into()
            }
        }
    }

    /// An internal error with a cause for the log.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::Conflict("与已有数据重复（唯一约束）".into())
            }
            Some(SqlErr::ForeignKeyConstraintViolation(_)) => {
                Self::Conflict("引用的数据不存在或仍被引用".into())
            }
            _ => Self::Internal(err.to_string()),
        }
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        if let Self::Internal(cause) = self {
            tracing::error!(error.cause = %cause, "internal error");
        }
        async_graphql::Error::new(self.message()).extend_with(|_, e| e.set("code", self.code()))
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        err.extend()
    }
}
