//! PDF through LibreOffice (`JIXIAO_PDF_CONVERTER`, the path of `soffice`): the Excel form is
//! converted headless. At most one conversion per CPU runs at once (a caller waits at most the
//! timeout for its turn); each runs in its own temporary directory with its own LibreOffice
//! profile, as a process group of its own that is killed at the timeout; the directory is
//! removed whatever happens, and a PDF larger than [`MAX_PDF_BYTES`] is not read.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Largest PDF read back.
pub const MAX_PDF_BYTES: u64 = 64 * 1024 * 1024;

/// The configured converter.
pub struct Converter {
    program: PathBuf,
    timeout: Duration,
    permits: Semaphore,
}

/// Why a conversion gave no PDF (logged; the caller is told to retry or take the workbook).
#[derive(Debug)]
pub enum Failure {
    /// Every converter was busy for the whole timeout.
    Busy,
    /// The conversion ran past the timeout and was killed.
    TimedOut,
    /// The converter could not start, failed, or wrote no PDF.
    Failed(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Busy => f.write_str("every PDF converter busy"),
            Self::TimedOut => f.write_str("PDF conversion timed out and was killed"),
            Self::Failed(why) => write!(f, "PDF conversion failed: {why}"),
        }
    }
}

impl Converter {
    /// A converter running `program` (LibreOffice's `soffice`), killed after `timeout`.
    pub fn new(program: PathBuf, timeout: Duration) -> Self {
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self {
            program,
            timeout,
            permits: Semaphore::new(cpus),
        }
    }

    /// The PDF of a workbook.
    pub async fn convert(&self, xlsx: Vec<u8>) -> Result<Vec<u8>, Failure> {
        let failed = |what: &str, e: std::io::Error| Failure::Failed(format!("{what}: {e}"));
        let _turn = tokio::time::timeout(self.timeout, self.permits.acquire())
            .await
            .map_err(|_| Failure::Busy)?
            .map_err(|_| Failure::Busy)?;
        let scratch = Scratch::new().map_err(|e| failed("temporary directory", e))?;
        let input = scratch.0.join("form.xlsx");
        tokio::fs::write(&input, xlsx)
            .await
            .map_err(|e| failed("write", e))?;
        let profile = format!(
            "-env:UserInstallation=file://{}",
            scratch.0.join("profile").display()
        );
        let mut child = tokio::process::Command::new(&self.program)
            .args(["--headless", "--norestore", "--nologo", "--nolockcheck"])
            .arg(profile)
            .args(["--convert-to", "pdf", "--outdir"])
            .arg(&scratch.0)
            .arg(&input)
            .env("HOME", &scratch.0)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| failed(&self.program.display().to_string(), e))?;
        // Killed as a group unless it finished: at the timeout, or when the request is dropped
        // (soffice starts soffice.bin under it).
        let mut group = Group(
            child
                .id()
                .and_then(|id| i32::try_from(id).ok())
                .and_then(rustix::process::Pid::from_raw),
        );
        let status = match tokio::time::timeout(self.timeout, child.wait()).await {
            Ok(status) => status.map_err(|e| failed("wait", e))?,
            Err(_) => return Err(Failure::TimedOut),
        };
        group.0 = None;
        if !status.success() {
            return Err(Failure::Failed(format!("exited with {status}")));
        }
        let output = scratch.0.join("form.pdf");
        let size = tokio::fs::metadata(&output)
            .await
            .map_err(|e| failed("no PDF written", e))?
            .len();
        if size > MAX_PDF_BYTES {
            return Err(Failure::Failed(format!("PDF of {size} bytes")));
        }
        let pdf = tokio::fs::read(&output)
            .await
            .map_err(|e| failed("read", e))?;
        if !pdf.starts_with(b"%PDF-") {
            return Err(Failure::Failed("the output is not a PDF".into()));
        }
        Ok(pdf)
    }
}

/// A process group, killed when dropped unless emptied.
struct Group(Option<rustix::process::Pid>);

impl Drop for Group {
    fn drop(&mut self) {
        if let Some(group) = self.0 {
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
    }
}

/// A temporary directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> std::io::Result<Self> {
        let path = std::env::temp_dir().join(format!("jixiao-pdf-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir(&path)?;
        Ok(Self(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
