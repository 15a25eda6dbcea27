//! The response body under its size cap.

/// A buffer that refuses to grow past its cap, so an answer over the response limit stops
/// being serialized as soon as it passes it.
pub(super) struct Capped {
    pub(super) buf: Vec<u8>,
    cap: usize,
    pub(super) over: bool,
}

impl Capped {
    pub(super) fn new(cap: usize) -> Self {
        Self {
            buf: Vec::new(),
            cap,
            over: false,
        }
    }
}

impl std::io::Write for Capped {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > self.cap {
            self.over = true;
            return Err(std::io::Error::other("response over the cap"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
