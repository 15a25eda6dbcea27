//! `.env` in the working directory configures the binary; the environment wins over it; a file
//! that does not read stops the start with a plain message.

use crate::support::{terminate, wait_up};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn command(dir: &std::path::Path) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"));
    c.current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("JIXIAO_LISTEN")
        .env_remove("JIXIAO_DOTENV")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null());
    c
}

#[tokio::test]
async fn the_dotenv_file_configures_and_the_environment_wins() {
    let dir = tempfile::tempdir().expect("dir");
    let (from_file, from_env) = (free_port(), free_port());
    std::fs::write(
        dir.path().join(".env"),
        format!(
            "# configuration\nDATABASE_URL=sqlite://{}?mode=rwc\nJIXIAO_LISTEN=127.0.0.1:{from_file}\nJIXIAO_LOAD_REFERENCE=false\n",
            dir.path().join("dotenv.db").display()
        ),
    )
    .expect("write .env");
    let client = reqwest::Client::new();
    let mut child = command(dir.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    wait_up(&client, &format!("http://127.0.0.1:{from_file}")).await;
    terminate(&mut child).await;
    let mut child = command(dir.path())
        .env("JIXIAO_LISTEN", format!("127.0.0.1:{from_env}"))
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    wait_up(&client, &format!("http://127.0.0.1:{from_env}")).await;
    terminate(&mut child).await;

    std::fs::write(dir.path().join(".env"), "JIXIAO_LISTEN 127.0.0.1:1\n").expect("write");
    let out = command(dir.path()).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("无法读取 .env"), "{stderr}");
    assert!(!stderr.contains("LineParse"), "no Debug text: {stderr}");
}
