//! CDP over `--remote-debugging-pipe`: NUL-terminated JSON messages, written to the browser's
//! file descriptor 3 and read from its file descriptor 4.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use super::error::Error;
use super::launch::{BrowserProcess, LaunchOptions};
use super::Transport;
use crate::message::MAX_MESSAGE_LEN;

/// The descriptor the browser reads commands from.
const BROWSER_READ_FD: RawFd = 3;
/// The descriptor the browser writes answers and events to.
const BROWSER_WRITE_FD: RawFd = 4;
/// The lowest descriptor the child's ends are moved to before the fork; above 4, so that
/// placing one on 3 or 4 in the child can never overwrite the other.
const CHILD_FD_FLOOR: RawFd = 10;

/// What the reader thread passes on.
enum Frame {
    Message(String),
    NotUtf8(usize),
    End(String),
}

/// The pipe transport: a blocking writer, and a reader thread that splits the browser's output
/// at each NUL and queues the messages, so that every wait can have a timeout.
#[derive(Debug)]
pub struct PipeTransport {
    to_browser: File,
    from_browser: Receiver<Frame>,
    closed: Option<String>,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Frame::Message(text) => write!(f, "Message({} bytes)", text.len()),
            Frame::NotUtf8(len) => write!(f, "NotUtf8({len} bytes)"),
            Frame::End(reason) => write!(f, "End({reason})"),
        }
    }
}

impl PipeTransport {
    /// Launches the browser with `--remote-debugging-pipe` and returns the transport to it
    /// and the process guard.
    ///
    /// [`Connection::launch`](super::Connection::launch) does this and keeps both together.
    pub fn launch(options: &LaunchOptions) -> Result<(PipeTransport, BrowserProcess), Error> {
        let (browser_reads, to_browser) = cloexec_pipe()?;
        let (from_browser, browser_writes) = cloexec_pipe()?;
        let browser_reads = raise(browser_reads)?;
        let browser_writes = raise(browser_writes)?;
        let (read_fd, write_fd) = (browser_reads.as_raw_fd(), browser_writes.as_raw_fd());
        let browser = BrowserProcess::spawn(options, &["--remote-debugging-pipe"], |command| {
            // SAFETY: the closure runs in the child between fork and exec, where only
            // async-signal-safe calls are allowed: it calls `dup2` only, and allocates
            // nothing. `read_fd` and `write_fd` are open (the parent keeps them until
            // `spawn` returns) and both are >= CHILD_FD_FLOOR, so neither is 3 or 4 and the
            // first `dup2` cannot close the second's source. `dup2` clears close-on-exec on
            // the copy, so the browser inherits exactly fds 3 and 4 from us.
            //
            // One limit, not a soundness issue: should std's own exec-error pipe sit on fd 3
            // or 4 in the child, it is replaced, and a failed `exec` then shows as an early
            // exit of the browser rather than as a launch error. `find_binary` checks that
            // the binary exists and is executable beforehand.
            unsafe {
                command.pre_exec(move || {
                    for (from, to) in [(read_fd, BROWSER_READ_FD), (write_fd, BROWSER_WRITE_FD)] {
                        if libc::dup2(from, to) < 0 {
                            return Err(io::Error::last_os_error());
                        }
                    }
                    Ok(())
                });
            }
        })?;
        // The browser holds its own copies now; ours would keep the pipes open after it exits.
        drop(browser_reads);
        drop(browser_writes);
        let transport = PipeTransport::from_fds(to_browser, from_browser)?;
        Ok((transport, browser))
    }

    /// A transport over two descriptors of a browser launched another way: `to_browser` is
    /// the write end of the pipe the browser reads as fd 3, `from_browser` the read end of
    /// the one it writes as fd 4.
    pub fn from_fds(to_browser: OwnedFd, from_browser: OwnedFd) -> Result<PipeTransport, Error> {
        let (sender, receiver) = mpsc::channel();
        let reader = File::from(from_browser);
        std::thread::Builder::new()
            .name("cdp-pipe-reader".into())
            .spawn(move || read_frames(reader, &sender))
            .map_err(|err| Error::io("cannot start the pipe reader thread", err))?;
        Ok(PipeTransport {
            to_browser: File::from(to_browser),
            from_browser: receiver,
            closed: None,
        })
    }

    fn closed(&self) -> Error {
        Error::Closed {
            reason: self
                .closed
                .clone()
                .unwrap_or_else(|| "the pipe is closed".into()),
        }
    }
}

impl Transport for PipeTransport {
    fn send(&mut self, message: &str) -> Result<(), Error> {
        if self.closed.is_some() {
            return Err(self.closed());
        }
        let mut frame = Vec::with_capacity(message.len() + 1);
        frame.extend_from_slice(message.as_bytes());
        frame.push(0);
        match self.to_browser.write_all(&frame) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Err(Error::Closed {
                reason: "the browser closed its end of the pipe".into(),
            }),
            Err(err) => Err(Error::io("cannot write to the browser's pipe", err)),
        }
    }

    fn receive(&mut self, timeout: Duration) -> Result<Option<String>, Error> {
        if self.closed.is_some() {
            return Err(self.closed());
        }
        match self.from_browser.recv_timeout(timeout) {
            Ok(Frame::Message(text)) => Ok(Some(text)),
            Ok(Frame::NotUtf8(len)) => Err(Error::io(
                format!("a message of {len} bytes from the browser"),
                io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8"),
            )),
            Ok(Frame::End(reason)) => {
                self.closed = Some(reason);
                Err(self.closed())
            }
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => {
                self.closed = Some("the pipe reader stopped".into());
                Err(self.closed())
            }
        }
    }
}

/// A pipe whose two ends are closed on exec: `(read end, write end)`.
fn cloexec_pipe() -> Result<(OwnedFd, OwnedFd), Error> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: `pipe2` writes two descriptors into the array we own.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(Error::io(
            "cannot create a pipe",
            io::Error::last_os_error(),
        ));
    }
    // SAFETY: both descriptors were just created by `pipe2` and are owned by nobody else.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// The same pipe end on a descriptor >= CHILD_FD_FLOOR, still closed on exec.
fn raise(fd: OwnedFd) -> Result<OwnedFd, Error> {
    // SAFETY: `F_DUPFD_CLOEXEC` duplicates a descriptor we own into a new one, which is
    // owned by nobody else; the original is closed when `fd` drops.
    let raised = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, CHILD_FD_FLOOR) };
    if raised < 0 {
        return Err(Error::io(
            "cannot duplicate a pipe descriptor",
            io::Error::last_os_error(),
        ));
    }
    // SAFETY: see above.
    Ok(unsafe { OwnedFd::from_raw_fd(raised) })
}

/// Splits the browser's output at each NUL until the pipe ends or the transport is dropped.
fn read_frames(pipe: File, frames: &Sender<Frame>) {
    let mut reader = BufReader::with_capacity(1 << 16, pipe);
    let mut message = Vec::new();
    let end = loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => break format!("cannot read the browser's pipe: {err}"),
        };
        if available.is_empty() {
            break if message.is_empty() {
                "the browser closed the pipe".to_owned()
            } else {
                format!(
                    "the browser closed the pipe in the middle of a message ({} bytes)",
                    message.len()
                )
            };
        }
        let (taken, complete) = match available.iter().position(|&byte| byte == 0) {
            Some(nul) => (nul + 1, Some(nul)),
            None => (available.len(), None),
        };
        message.extend_from_slice(&available[..complete.unwrap_or(taken)]);
        reader.consume(taken);
        if complete.is_some() {
            let frame = match String::from_utf8(std::mem::take(&mut message)) {
                Ok(text) => Frame::Message(text),
                Err(err) => Frame::NotUtf8(err.as_bytes().len()),
            };
            if frames.send(frame).is_err() {
                return;
            }
        } else if message.len() > MAX_MESSAGE_LEN {
            break format!("the browser sent a message longer than {MAX_MESSAGE_LEN} bytes");
        }
    };
    // The transport may be gone already; then nobody needs to know.
    let _ = frames.send(Frame::End(end));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transport_with_browser_ends() -> (PipeTransport, File, File) {
        let (browser_reads, to_browser) = cloexec_pipe().unwrap();
        let (from_browser, browser_writes) = cloexec_pipe().unwrap();
        let transport = PipeTransport::from_fds(to_browser, from_browser).unwrap();
        (
            transport,
            File::from(browser_reads),
            File::from(browser_writes),
        )
    }

    #[test]
    fn messages_are_split_at_nul_whatever_the_chunks() {
        let (mut transport, _reads, mut writes) = transport_with_browser_ends();
        writes.write_all(b"{\"id\":1,").unwrap();
        writes
            .write_all(b"\"result\":{}}\0{\"id\":2,\"result\":{}}\0{\"id\"")
            .unwrap();
        let timeout = Duration::from_secs(5);
        assert_eq!(
            transport.receive(timeout).unwrap().as_deref(),
            Some(r#"{"id":1,"result":{}}"#)
        );
        assert_eq!(
            transport.receive(timeout).unwrap().as_deref(),
            Some(r#"{"id":2,"result":{}}"#)
        );
        assert_eq!(transport.receive(Duration::from_millis(20)).unwrap(), None);
        drop(writes);
        let err = transport.receive(timeout).unwrap_err();
        assert!(err.is_closed(), "{err}");
        assert!(
            err.to_string().contains("in the middle of a message"),
            "{err}"
        );
    }

    #[test]
    fn sent_messages_end_with_nul() {
        let (mut transport, reads, _writes) = transport_with_browser_ends();
        transport.send(r#"{"id":1}"#).unwrap();
        drop(transport);
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut &reads, &mut bytes).unwrap();
        assert_eq!(bytes, b"{\"id\":1}\0");
    }

    #[test]
    fn writing_to_a_closed_pipe_is_a_closed_error() {
        let (mut transport, reads, _writes) = transport_with_browser_ends();
        drop(reads);
        let err = transport.send("{}").unwrap_err();
        assert!(err.is_closed(), "{err}");
    }
}
