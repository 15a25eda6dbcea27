//! The `jixiao` command: parse configuration, set up logging, then serve or run a subcommand.

use crate::config::{Cli, Command, Config, LogFormat};
use std::io::Write;
use tracing_subscriber::EnvFilter;

fn init_tracing(config: &Config) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
}

/// Stack of each runtime thread: deep but bounded use cases (an upsert that turns into an edit
/// of a signed report) must never come near it.
const THREAD_STACK: usize = 8 * 1024 * 1024;

/// Everything the binary does: read `.env` and the command line, set up logging, then serve or
/// run the subcommand. In the library, so that its code is compiled once, with the rest
/// (`src/main.rs` only installs the allocator and calls this).
pub fn main() -> std::process::ExitCode {
    if let Err(message) = read_dotenv() {
        eprintln!("{message}");
        return std::process::ExitCode::from(2);
    }
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    init_tracing(cli.effective());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(THREAD_STACK)
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(start(cli))
}

/// Reads `.env` from the working directory into the environment, under what is set already
/// (the environment wins over the file, and flags over both). `JIXIAO_DOTENV=false` skips it.
/// A missing file is fine; one that does not read is an error that names its line.
fn read_dotenv() -> Result<(), String> {
    if std::env::var("JIXIAO_DOTENV").is_ok_and(|v| matches!(v.as_str(), "false" | "0")) {
        return Ok(());
    }
    match dotenvy::dotenv() {
        Ok(_) => Ok(()),
        Err(e) if e.not_found() => Ok(()),
        Err(dotenvy::Error::LineParse(line, at)) => Err(format!(
            "无法读取 .env：第 {} 个字符附近格式有误（应为 名称=值）：{line}",
            at + 1
        )),
        Err(e) => Err(format!("无法读取 .env：{e}")),
    }
}

/// The command line. Options of `serve` go after the word `serve` (or without it, after
/// `jixiao`): given on both sides they would be two configurations, so that is refused.
fn parse() -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches, parser::ValueSource};
    let mut command = Cli::command();
    let matches = command.try_get_matches_from_mut(std::env::args_os())?;
    if matches.subcommand_name() == Some("serve")
        && matches
            .ids()
            .any(|id| matches.value_source(id.as_str()) == Some(ValueSource::CommandLine))
    {
        return Err(command.error(
            clap::error::ErrorKind::ArgumentConflict,
            "options of serve go after `serve` (jixiao serve --listen …) / serve 的选项请写在 serve 之后",
        ));
    }
    Cli::from_arg_matches(&matches)
}

async fn start(cli: Cli) -> std::process::ExitCode {
    match run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // A plain line for whoever runs the command (no Debug text, no colour); the cause
            // of an internal error is shown too, since the operator holds the database.
            use crate::error::AppError;
            let cause = match &e {
                AppError::Internal(c) | AppError::Unavailable(c) => format!("（原因：{c}）"),
                _ => String::new(),
            };
            tracing::debug!(error = ?e, "jixiao stopped");
            let _ = writeln!(
                std::io::stderr(),
                "jixiao：{}{cause} [{}]",
                e.message(),
                e.code()
            );
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), crate::error::AppError> {
    use crate::error::AppError;
    let config = cli.config;
    match cli.command {
        None => serve(config).await,
        Some(Command::Serve(args)) => serve(args.config).await,
        Some(Command::Migrate(database)) => {
            let db = crate::domain::Db::connect(database.url(&config)).await?;
            db.migrate().await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Some(Command::Token(t)) => {
            let mut config = config;
            if let Some(secret) = t.jwt_secret.clone() {
                config.jwt_secret = Some(secret);
            }
            let token = crate::authenticator(&config)?.mint(
                &t.sub,
                &t.name,
                &t.roles,
                &t.departments,
                t.hours,
            )?;
            writeln!(std::io::stdout(), "{token}").map_err(AppError::internal)
        }
        Some(Command::Schema) => {
            write!(std::io::stdout(), "{}", crate::graphql::sdl()).map_err(AppError::internal)
        }
        Some(Command::Import(args)) => {
            let url = args.database.url(&config);
            let db = crate::domain::Db::connect(url)
                .await?
                .with_evidence(std::sync::Arc::new(config.evidence.open(url)?));
            db.migrate().await?;
            let started = std::time::Instant::now();
            let options = crate::cli::ImportOptions {
                create_departments: args.create_departments,
                progress: !args.quiet,
                errors_out: args.errors_out.clone(),
                evidence_dir: args.evidence_dir.clone(),
            };
            let s = crate::cli::import_with(&db, &args.path, &options).await?;
            let secs = started.elapsed().as_secs_f64();
            let rate = if secs > 0.0 {
                s.total() as f64 / secs
            } else {
                0.0
            };
            let extra = if s.departments + s.profiles > 0 {
                format!("；部门 {}，评分规则 {}", s.departments, s.profiles)
            } else {
                String::new()
            };
            writeln!(
                std::io::stderr(),
                "导入 {} 条：报告新建 {}，更新 {}，未变 {}{extra}；失败 {}；用时 {secs:.1} 秒（{rate:.0} 条/秒）",
                s.total(),
                s.created,
                s.updated,
                s.unchanged,
                s.failed
            )
            .map_err(AppError::internal)?;
            if s.failed > 0 {
                let detail = match &args.errors_out {
                    Some(p) => format!("，明细见上文和 {}", p.display()),
                    None => "，明细见上文".to_owned(),
                };
                return Err(AppError::BadUserInput(format!(
                    "{} 条未能导入{detail}",
                    s.failed
                )));
            }
            Ok(())
        }
        Some(Command::ImportForm(args)) => {
            let mut notes = std::io::stderr().lock();
            let target: Box<dyn Write> = match &args.out {
                Some(path) => Box::new(std::fs::File::create(path).map_err(AppError::internal)?),
                None => Box::new(std::io::stdout().lock()),
            };
            let mut out = std::io::BufWriter::new(target);
            let summary =
                crate::cli::form::import_form(&args.files, &args.department, &mut out, &mut notes)?;
            out.flush().map_err(AppError::internal)?;
            writeln!(
                notes,
                "读出草稿 {} 份，待核对 {} 处；未能读取的文件 {} 个。核对后用 jixiao import 导入草稿",
                summary.drafts, summary.notes, summary.failed
            )
            .map_err(AppError::internal)?;
            if summary.failed > 0 {
                return Err(AppError::BadUserInput(format!(
                    "{} 个文件未能读取，原因见上文",
                    summary.failed
                )));
            }
            Ok(())
        }
        Some(Command::Export(args)) => {
            let url = args.database.url(&config);
            let db = crate::domain::Db::connect(url)
                .await?
                .with_evidence(std::sync::Arc::new(config.evidence.open(url)?));
            db.migrate().await?;
            let dir = args
                .evidence_dir
                .clone()
                .or_else(|| args.out.as_deref().map(crate::cli::evidence::beside));
            let n = match &args.out {
                Some(path) => {
                    let file = std::fs::File::create(path).map_err(AppError::internal)?;
                    crate::cli::export(&db, &mut std::io::BufWriter::new(file), dir.as_deref())
                        .await?
                }
                None => {
                    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                    crate::cli::export(&db, &mut out, dir.as_deref()).await?
                }
            };
            writeln!(std::io::stderr(), "导出 {n} 份报告").map_err(AppError::internal)
        }
        Some(Command::Verify(args)) => crate::cli::verify::run(&args.file),
        Some(Command::Generate(args)) => {
            let (n, k, d, seed) = (args.reports, args.indicators, args.departments, args.seed);
            match &args.out {
                Some(path) => {
                    let file = std::fs::File::create(path).map_err(AppError::internal)?;
                    crate::cli::generate(&mut std::io::BufWriter::new(file), n, k, d, seed)
                }
                None => crate::cli::generate(
                    &mut std::io::BufWriter::new(std::io::stdout().lock()),
                    n,
                    k,
                    d,
                    seed,
                ),
            }
        }
    }
}

async fn serve(config: Config) -> Result<(), crate::error::AppError> {
    use crate::error::AppError;
    let open_files = crate::http::serve::raise_open_file_limit();
    let app = crate::build(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(AppError::internal)?;
    tracing::info!(
        open_files,
        max_connections = app.connections.max_connections,
        "jixiao serving GraphQL at http://{}/graphql",
        config.listen
    );
    let lifecycle = app.lifecycle.clone();
    let stop = tokio_util::sync::CancellationToken::new();
    let signal = stop.clone();
    tokio::spawn(async move {
        shutdown().await;
        // Subscriptions end and their sockets close while requests finish.
        lifecycle.shutdown.cancel();
        signal.cancel();
    });
    let grace = std::time::Duration::from_secs(config.request_timeout.saturating_add(5));
    crate::http::serve::serve(listener, app.router, app.connections, stop, grace).await;
    app.lifecycle.drain(std::time::Duration::from_secs(5)).await;
    tracing::info!("stopped gracefully");
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutdown signal received; finishing requests in flight");
}
