//! CDP over `--remote-debugging-pipe`: NUL-terminated JSON messages, written to the browser's
//! file descriptor 3 and read from its file descriptor 4. See [`PipeTransport`] for the
//! platforms and for SIGPIPE.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::time::{Duration, Instant};

use super::error::Error;
use super::launch::{BrowserProcess, LaunchOptions};
use super::{ReceiveHalf, SendHalf, Transport};
use cdp_runtime::MAX_MESSAGE_LEN;

/// The descriptor the browser reads commands from.
const BROWSER_READ_FD: RawFd = 3;
/// The descriptor the browser writes answers and events to.
const BROWSER_WRITE_FD: RawFd = 4;
/// The lowest descriptor the child's ends are moved to before the fork; above 4, so that
/// placing one on 3 or 4 in the child can never overwrite the other.
const CHILD_FD_FLOOR: RawFd = 10;

/// How many messages the reader thread queues before it waits for them to be received.
///
/// The bound is the backpressure: when a program does not receive, the reader stops reading,
/// the pipe fills, and the browser waits to write, instead of this process's memory growing
/// without limit. (A [`Connection`](super::Connection) receives whenever it waits for an answer
/// or an event; it queues the events it reads, until they are read.)
const QUEUED_MESSAGES: usize = 1024;

/// What the reader thread passes on.
enum Frame {
    Message(String),
    /// A message that is not UTF-8, as the error that reports it.
    NotUtf8(Error),
    End(String),
}

/// The pipe transport: a writer with a deadline for each message, and a reader thread that
/// splits the browser's output at each NUL and queues the messages (up to 1024), so that every
/// wait can have a timeout.
///
/// Its write end is non-blocking, so that a browser that stops reading (stopped, or hung)
/// cannot block a send beyond its timeout.
///
/// # Platforms
///
/// Unix. The pipes are created close-on-exec atomically (`pipe2`) where the system has it
/// (Linux, Android, the BSDs, illumos, Solaris). On macOS and iOS they are created with `pipe`
/// and then marked close-on-exec, so a process that another thread forks in between may
/// inherit them: it then holds the pipes open, and the end of the browser shows late.
///
/// # SIGPIPE
///
/// Writing to a pipe whose reader is gone raises SIGPIPE, which kills a process by default.
/// Rust programs ignore SIGPIPE from the start (the standard library sets it to `SIG_IGN`
/// before `main`), so a browser that has gone shows as [`Error::Closed`]. A host that restores
/// the default disposition (a C program embedding this crate, a Rust binary built with
/// `-Zon-broken-pipe=kill`) must ignore SIGPIPE itself before using this transport, or it dies
/// with the browser. (The WebSocket transport needs nothing: the standard library's socket
/// writes never raise SIGPIPE.)
#[derive(Debug)]
pub struct PipeTransport {
    writer: PipeWriter,
    reader: PipeReader,
}

/// The half of a [`PipeTransport`] that writes to the browser.
#[derive(Debug)]
struct PipeWriter {
    to_browser: File,
    closed: Option<String>,
}

/// The half of a [`PipeTransport`] that takes what its thread read from the browser.
#[derive(Debug)]
struct PipeReader {
    from_browser: Receiver<Frame>,
    closed: Option<String>,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Frame::Message(text) => write!(f, "Message({} bytes)", text.len()),
            Frame::NotUtf8(err) => write!(f, "NotUtf8({err})"),
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
    ///
    /// `to_browser` is made non-blocking (`O_NONBLOCK`), which affects every descriptor that
    /// shares its open file description: give it one that only this transport writes to.
    pub fn from_fds(to_browser: OwnedFd, from_browser: OwnedFd) -> Result<PipeTransport, Error> {
        set_nonblocking(&to_browser)?;
        // Bounded: see QUEUED_MESSAGES.
        let (sender, receiver) = mpsc::sync_channel(QUEUED_MESSAGES);
        let reader = File::from(from_browser);
        std::thread::Builder::new()
            .name("cdp-pipe-reader".into())
            .spawn(move || read_frames(reader, &sender))
            .map_err(|err| Error::io("cannot start the pipe reader thread", err))?;
        Ok(PipeTransport {
            writer: PipeWriter {
                to_browser: File::from(to_browser),
                closed: None,
            },
            reader: PipeReader {
                from_browser: receiver,
                closed: None,
            },
        })
    }
}

/// The error for a pipe closed for `reason`.
fn closed(reason: &Option<String>) -> Error {
    Error::Closed {
        reason: reason
            .clone()
            .unwrap_or_else(|| "the pipe is closed".into()),
    }
}

impl PipeWriter {
    fn closed(&self) -> Error {
        closed(&self.closed)
    }

    /// The browser did not read the message in time. Cut short, the message would run into
    /// the next one: the pipe cannot be used any more.
    fn write_timeout(&mut self, written: usize, total: usize, timeout: Duration) -> Error {
        if written > 0 {
            self.closed = Some(format!(
                "a message was cut short after {written} of its {total} bytes: the browser did \
                 not read its pipe within {timeout:?}"
            ));
        }
        Error::Timeout {
            waiting_for: format!(
                "the browser to read a message of {total} bytes from its pipe ({written} bytes \
                 written)"
            ),
            after: timeout,
        }
    }
}

/// Sets `O_NONBLOCK` on `fd`.
fn set_nonblocking(fd: &OwnedFd) -> Result<(), Error> {
    let fd = fd.as_raw_fd();
    // SAFETY: `fcntl` with F_GETFL/F_SETFL takes no pointers; `fd` is open (we own it).
    let ok = unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) == 0
    };
    if ok {
        Ok(())
    } else {
        Err(Error::io(
            "cannot make the browser's pipe non-blocking",
            io::Error::last_os_error(),
        ))
    }
}

/// Waits up to `timeout` for `file` to take more bytes: `false` when it did not in time. A
/// closed reader counts as ready (the next write reports it), and so does a signal (the caller
/// tries again with what is left of its time).
fn wait_writable(file: &File, timeout: Duration) -> Result<bool, Error> {
    let mut poll = libc::pollfd {
        fd: file.as_raw_fd(),
        events: libc::POLLOUT,
        revents: 0,
    };
    // Rounded up, so that a wait never ends before its time.
    let millis = timeout.as_nanos().div_ceil(1_000_000);
    let millis = libc::c_int::try_from(millis).unwrap_or(libc::c_int::MAX);
    // SAFETY: `poll` reads and writes the one `pollfd` we own, whose descriptor is open.
    match unsafe { libc::poll(&mut poll, 1, millis) } {
        0 => Ok(false),
        n if n > 0 => Ok(true),
        _ => {
            let err = io::Error::last_os_error();
            if err.kind() == io::ErrorKind::Interrupted {
                Ok(true)
            } else {
                Err(Error::io("cannot wait for the browser's pipe", err))
            }
        }
    }
}

impl Transport for PipeTransport {
    fn send(&mut self, message: &str, timeout: Duration) -> Result<(), Error> {
        self.writer.send(message, timeout)
    }

    fn receive(&mut self, timeout: Duration) -> Result<Option<String>, Error> {
        self.reader.receive(timeout)
    }

    fn split(self) -> (Box<dyn SendHalf>, Box<dyn ReceiveHalf>) {
        (Box::new(self.writer), Box::new(self.reader))
    }
}

impl SendHalf for PipeWriter {
    fn send(&mut self, message: &str, timeout: Duration) -> Result<(), Error> {
        if self.closed.is_some() {
            return Err(self.closed());
        }
        let deadline = Instant::now() + timeout;
        // One buffer, so that a frame of up to PIPE_BUF bytes (4 KiB or more) goes in one
        // write, which a pipe makes atomic: such a frame is never cut by a timeout.
        let mut frame = Vec::with_capacity(message.len() + 1);
        frame.extend_from_slice(message.as_bytes());
        frame.push(0);
        let mut written = 0;
        while written < frame.len() {
            match (&self.to_browser).write(&frame[written..]) {
                Ok(0) => {
                    return Err(Error::io(
                        "cannot write to the browser's pipe",
                        io::ErrorKind::WriteZero.into(),
                    ))
                }
                Ok(n) => written += n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() || !wait_writable(&self.to_browser, left)? {
                        return Err(self.write_timeout(written, frame.len(), timeout));
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {
                    self.closed = Some("the browser closed its end of the pipe".into());
                    return Err(self.closed());
                }
                Err(err) => return Err(Error::io("cannot write to the browser's pipe", err)),
            }
        }
        Ok(())
    }
}

impl ReceiveHalf for PipeReader {
    fn receive(&mut self, timeout: Duration) -> Result<Option<String>, Error> {
        if self.closed.is_some() {
            return Err(closed(&self.closed));
        }
        match self.from_browser.recv_timeout(timeout) {
            Ok(Frame::Message(text)) => Ok(Some(text)),
            // One bad message; the next one is read as usual.
            Ok(Frame::NotUtf8(err)) => Err(err),
            Ok(Frame::End(reason)) => {
                self.closed = Some(reason);
                Err(closed(&self.closed))
            }
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => {
                self.closed = Some("the pipe reader stopped".into());
                Err(closed(&self.closed))
            }
        }
    }
}

/// A pipe whose two ends are closed on exec: `(read end, write end)`, created so atomically.
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "illumos",
    target_os = "solaris"
))]
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

/// A pipe whose two ends are closed on exec, where there is no `pipe2` (macOS, iOS): see the
/// module documentation for the window this leaves.
#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "freebsd",
    target_os = "dragonfly",
    target_os = "netbsd",
    target_os = "openbsd",
    target_os = "illumos",
    target_os = "solaris"
)))]
fn cloexec_pipe() -> Result<(OwnedFd, OwnedFd), Error> {
    pipe_then_cloexec()
}

/// `pipe`, then `FD_CLOEXEC` on both ends. Compiled everywhere under test, so that Linux runs
/// check it too.
#[cfg(any(
    test,
    not(any(
        target_os = "linux",
        target_os = "android",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "illumos",
        target_os = "solaris"
    ))
))]
fn pipe_then_cloexec() -> Result<(OwnedFd, OwnedFd), Error> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: `pipe` writes two descriptors into the array we own.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(Error::io(
            "cannot create a pipe",
            io::Error::last_os_error(),
        ));
    }
    // SAFETY: both descriptors were just created by `pipe` and are owned by nobody else; they
    // are closed when the `OwnedFd`s drop, on error too.
    let ends = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    for fd in [&ends.0, &ends.1] {
        // SAFETY: `fcntl` with F_SETFD takes no pointers; the descriptor is open.
        if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) } != 0 {
            return Err(Error::io(
                "cannot mark a pipe close-on-exec",
                io::Error::last_os_error(),
            ));
        }
    }
    Ok(ends)
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
/// Blocks while the queue is full (see QUEUED_MESSAGES).
fn read_frames(pipe: File, frames: &SyncSender<Frame>) {
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
                Err(err) => Frame::NotUtf8(super::not_utf8(err.as_bytes())),
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
        transport
            .send(r#"{"id":1}"#, Duration::from_secs(5))
            .unwrap();
        drop(transport);
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut &reads, &mut bytes).unwrap();
        assert_eq!(bytes, b"{\"id\":1}\0");
    }

    #[test]
    fn writing_to_a_closed_pipe_is_a_closed_error() {
        let (mut transport, reads, _writes) = transport_with_browser_ends();
        drop(reads);
        let err = transport.send("{}", Duration::from_secs(5)).unwrap_err();
        assert!(err.is_closed(), "{err}");
        // And it stays so.
        let err = transport.send("{}", Duration::from_secs(5)).unwrap_err();
        assert!(err.is_closed(), "{err}");
    }

    #[test]
    fn a_message_that_is_not_utf8_is_one_bad_message_and_the_next_ones_arrive() {
        let (mut transport, _reads, mut writes) = transport_with_browser_ends();
        writes
            .write_all(
                b"{\"method\":\"X.y\",\"params\":{\"a\":\"\xff\"}}\0{\"id\":1,\"result\":{}}\0",
            )
            .unwrap();
        let timeout = Duration::from_secs(5);
        let err = transport.receive(timeout).unwrap_err();
        let Error::Decode(err) = &err else {
            panic!("expected a decode error, got {err:?}");
        };
        assert_eq!(err.kind(), cdp_runtime::DecodeErrorKind::Syntax);
        assert_eq!(err.method(), Some("X.y"));
        assert_eq!(
            err.raw(),
            "{\"method\":\"X.y\",\"params\":{\"a\":\"\u{fffd}\"}}"
        );
        assert!(err.reason().contains("not UTF-8"), "{err}");
        assert_eq!(
            transport.receive(timeout).unwrap().as_deref(),
            Some(r#"{"id":1,"result":{}}"#)
        );
    }

    #[test]
    fn a_browser_that_does_not_read_makes_a_send_time_out() {
        let (mut transport, reads, _writes) = transport_with_browser_ends();
        // More than a pipe holds (64 KiB on Linux, 16 KiB or 64 KiB on macOS).
        let large = format!(
            "{{\"id\":1,\"method\":\"X.y\",\"params\":{{\"a\":\"{}\"}}}}",
            "x".repeat(1 << 20)
        );
        let started = Instant::now();
        let err = transport
            .send(&large, Duration::from_millis(200))
            .unwrap_err();
        assert!(err.is_timeout(), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(
            err.to_string()
                .contains(&format!("a message of {} bytes", large.len() + 1)),
            "{err}"
        );
        // Part of it went out: the pipe cannot carry another message.
        let err = transport.send("{}", Duration::from_secs(1)).unwrap_err();
        assert!(err.is_closed(), "{err}");
        assert!(err.to_string().contains("cut short"), "{err}");
        drop(reads);
    }

    #[test]
    fn a_full_pipe_that_is_not_written_to_leaves_the_transport_usable() {
        let (mut transport, reads, _writes) = transport_with_browser_ends();
        // Fill the pipe with whole messages, until one does not fit at all.
        let message = "x".repeat(1023);
        let mut sent = 0;
        loop {
            match transport.send(&message, Duration::ZERO) {
                Ok(()) => sent += 1,
                Err(err) => {
                    assert!(err.is_timeout(), "{err}");
                    break;
                }
            }
        }
        assert!(sent > 0);
        // The browser reads everything: the next message goes through.
        let reader = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            io::Read::read_to_end(&mut &reads, &mut bytes).unwrap();
            bytes
        });
        transport.send("{}", Duration::from_secs(5)).unwrap();
        drop(transport);
        let bytes = reader.join().unwrap();
        assert!(bytes.ends_with(b"\0{}\0"));
    }

    #[test]
    fn messages_beyond_the_queue_wait_in_the_pipe_and_all_arrive_in_order() {
        let (mut transport, _reads, mut writes) = transport_with_browser_ends();
        let count = QUEUED_MESSAGES * 3;
        let writer = std::thread::spawn(move || {
            for n in 0..count {
                writes
                    .write_all(format!("{{\"id\":{n},\"result\":{{}}}}\0").as_bytes())
                    .unwrap();
            }
            writes
        });
        // Let the reader fill its queue and the pipe before anything is received.
        std::thread::sleep(Duration::from_millis(100));
        for n in 0..count {
            let text = transport.receive(Duration::from_secs(5)).unwrap().unwrap();
            assert_eq!(text, format!("{{\"id\":{n},\"result\":{{}}}}"));
        }
        drop(writer.join().unwrap());
    }

    #[test]
    fn pipe_then_cloexec_makes_both_ends_close_on_exec() {
        let (read, write) = pipe_then_cloexec().unwrap();
        for fd in [&read, &write] {
            // SAFETY: `fcntl` with F_GETFD takes no pointers; the descriptor is open.
            let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFD) };
            assert_eq!(flags & libc::FD_CLOEXEC, libc::FD_CLOEXEC);
        }
    }
}
