//! The integration suite: one binary, driving the real HTTP endpoint over a real database
//! (a fresh SQLite file per test, or a fresh PostgreSQL database per test when
//! `JIXIAO_TEST_DATABASE_URL` names a PostgreSQL server).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "tests fail loudly"
)]

mod assessment;
mod auth;
mod authorization;
mod cache;
mod cli;
mod comments;
mod contention;
mod corpus;
mod digest;
mod dotenv;
mod edge;
mod evidence;
mod evidence_store;
mod external_ids;
mod faults;
mod forms;
mod hostile;
mod input;
mod keys;
mod limits;
mod live;
mod migrations;
mod money;
mod operations;
mod pagination;
mod persisted;
mod profiles;
mod ranges;
mod read_form;
mod real_forms;
mod recheck;
mod reference;
mod replay;
mod report;
mod rows;
mod schema;
mod scope;
mod signing;
mod statements;
mod states;
mod support;
mod sync;
mod tokens;
mod validation;
mod webhooks;
mod workflow;
