//! The one error type of the transports and of [`Connection`](super::Connection).

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

use cdp_runtime::ClientError;
use cdp_runtime::DecodeError;
use cdp_runtime::ProtocolError;

/// Why talking to the browser failed.
///
/// Every message says what was expected and where, in one line: the binary that could not be
/// launched, the method whose answer did not come, how the browser exited. The last lines the
/// browser wrote to its standard error, which often say why it exited, are kept apart, in the
/// `stderr` field of [`Error::Startup`] and [`Error::BrowserExited`]: see [`Error::stderr`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The browser binary given (or named by `CHROMIUM`) does not exist.
    NoSuchBinary {
        /// The path that was tried.
        path: PathBuf,
    },
    /// No binary was given, `CHROMIUM` is unset, and none of the usual names is on `PATH`.
    BrowserNotFound {
        /// The names that were looked for on `PATH`.
        searched: Vec<&'static str>,
    },
    /// The binary exists but could not be started.
    Launch {
        /// The binary.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The browser started but did not become ready: it did not print its DevTools address.
    Startup {
        /// The binary.
        path: PathBuf,
        /// What happened instead.
        reason: StartupFailure,
        /// The last lines the browser wrote to its standard error (not part of the message).
        stderr: String,
    },
    /// Nothing arrived in time.
    Timeout {
        /// What was awaited, e.g. "the response to `Browser.getVersion` (id 3)".
        waiting_for: String,
        /// How long it was awaited.
        after: Duration,
    },
    /// The connection to the browser this connection launched has ended, and the browser has
    /// exited, or did not within 2 s.
    BrowserExited {
        /// How it exited; `None` when it had not exited 2 s after the connection ended (or was
        /// reaped by someone else, so that its status is unknown).
        status: Option<ExitStatus>,
        /// The last lines it wrote to its standard error (not part of the message).
        stderr: String,
        /// Why the connection ended, as the transport saw it, e.g. "the browser closed the
        /// pipe" or "the browser sent a message longer than 268435456 bytes".
        reason: String,
    },
    /// The connection is closed: the other side ended it (end of the pipe, WebSocket close),
    /// or the stream of messages cannot go on (a message over the size limit, a WebSocket
    /// protocol violation, a message cut short by a write timeout).
    Closed {
        /// How it was closed.
        reason: String,
    },
    /// The browser answered a command with an error.
    Protocol {
        /// The method of the command.
        method: &'static str,
        /// The browser's error, e.g. code -32602 "Invalid service name".
        error: ProtocolError,
    },
    /// A message from the browser could not be decoded. In the event stream (and when it
    /// answers no request), the connection stays usable.
    Decode(DecodeError),
    /// A response from the browser that answers no request waiting for one: its id was never
    /// sent ([`ClientError::UnknownId`]), or was answered already
    /// ([`ClientError::DuplicateId`]). Reported in the event stream, in its place; the
    /// connection stays usable. (The late answer to a request given up after its timeout is
    /// not reported: it is expected.)
    UnexpectedResponse(ClientError),
    /// A command's params could not be encoded (hand-written params only).
    Encode {
        /// The method of the command.
        method: &'static str,
        /// The serializer's error.
        source: serde_json::Error,
    },
    /// An I/O error on the transport.
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: io::Error,
    },
    /// The endpoint to connect to is not usable: a bad URL, or `/json/version` did not answer
    /// with a WebSocket address.
    Endpoint {
        /// The endpoint as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Events were lost because a queue was full: the connection's own (for
    /// [`Connection::next_event`](crate::Connection::next_event)) dropped its `missed` oldest
    /// events to make room. The connection goes on.
    Lagged {
        /// How many events were dropped.
        missed: u64,
    },
    /// A page's navigation failed: the browser could not load the URL (`net::ERR_..`), or the
    /// page crashed, closed or was detached while it loaded.
    Navigation {
        /// The URL navigated to.
        url: String,
        /// Why it failed, e.g. `net::ERR_CONNECTION_REFUSED`.
        reason: String,
    },
    /// An expression evaluated in a page threw, or its value is not of the type asked for.
    Evaluation {
        /// The expression.
        expression: String,
        /// What went wrong: the exception's text and description, or why the value does not
        /// decode.
        reason: String,
    },
    /// A session ended because its target went away: it was detached (closed, navigated out
    /// of its process, detached by a client) or it crashed. Calls waiting on the session, and
    /// its subscriptions, end with this error; later calls on it fail with it at once. The
    /// connection and its other sessions go on. A crashed page's target may still be there:
    /// [`Connection::attach`](crate::Connection::attach) to it again for a new session.
    SessionEnded {
        /// The session that ended.
        session_id: String,
        /// Its target, when the connection saw it attach.
        target_id: Option<String>,
        /// Why it ended.
        reason: SessionEnd,
    },
    /// Options that cannot go together, or a value out of range, e.g. a quality for a PNG
    /// screenshot ([`ScreenshotOptions`](crate::ScreenshotOptions)). Nothing was sent.
    InvalidOptions {
        /// What is wrong, and what would do.
        reason: String,
    },
    /// A WebSocket protocol error.
    #[cfg(feature = "websocket")]
    WebSocket {
        /// The WebSocket address.
        url: String,
        /// The error from `tungstenite`.
        source: Box<tungstenite::Error>,
    },
}

/// What a launched browser did instead of printing its DevTools address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StartupFailure {
    /// It exited, with this status.
    Exited(ExitStatus),
    /// It closed its standard error (and had not exited a second later).
    StderrClosed,
    /// It did not print the address within this time.
    TimedOut(Duration),
}

/// Why a session ended: [`Error::SessionEnded`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionEnd {
    /// The target was detached from its session (`Target.detachedFromTarget`, or
    /// `Inspector.detached` with its reason, e.g. `target_closed`).
    Detached {
        /// The reason the browser gave, if it gave one.
        reason: Option<String>,
    },
    /// The target crashed (`Inspector.targetCrashed` on the session, or
    /// `Target.targetCrashed`, which says how).
    Crashed {
        /// How the target's process ended, e.g. `crashed` or `killed`, when the browser said.
        status: Option<String>,
        /// The process's exit code or signal, when the browser said.
        error_code: Option<i64>,
    },
}

impl fmt::Display for SessionEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionEnd::Detached { reason: None } => f.write_str("the target was detached"),
            SessionEnd::Detached {
                reason: Some(reason),
            } => write!(f, "the target was detached ({reason})"),
            SessionEnd::Crashed { status, error_code } => {
                f.write_str("the target crashed")?;
                match (status, error_code) {
                    (Some(status), Some(code)) => write!(f, " ({status}, code {code})"),
                    (Some(status), None) => write!(f, " ({status})"),
                    (None, Some(code)) => write!(f, " (code {code})"),
                    (None, None) => Ok(()),
                }
            }
        }
    }
}

impl fmt::Display for StartupFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartupFailure::Exited(status) => {
                write!(
                    f,
                    "it exited ({status}) before printing its DevTools address"
                )
            }
            StartupFailure::StderrClosed => {
                f.write_str("it closed its standard error before printing its DevTools address")
            }
            StartupFailure::TimedOut(after) => {
                write!(
                    f,
                    "no DevTools address on its standard error after {after:?}"
                )
            }
        }
    }
}

impl Error {
    /// The last lines the browser wrote to its standard error, for an error that comes from
    /// the browser's start or end ([`Error::Startup`], [`Error::BrowserExited`]); they are not
    /// part of the one-line message. `None` for other errors; empty when it wrote nothing.
    pub fn stderr(&self) -> Option<&str> {
        match self {
            Error::Startup { stderr, .. } | Error::BrowserExited { stderr, .. } => Some(stderr),
            _ => None,
        }
    }

    /// The browser's error answer, when that is what this is.
    pub fn protocol_error(&self) -> Option<&ProtocolError> {
        match self {
            Error::Protocol { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Whether this is a [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// Whether the connection is gone for good: the browser exited or closed it.
    pub fn is_closed(&self) -> bool {
        matches!(self, Error::Closed { .. } | Error::BrowserExited { .. })
    }

    /// Why a session ended, when that is what this is ([`Error::SessionEnded`]).
    pub fn session_end(&self) -> Option<&SessionEnd> {
        match self {
            Error::SessionEnded { reason, .. } => Some(reason),
            _ => None,
        }
    }

    /// Whether this reports one bad message from the browser ([`Error::Decode`],
    /// [`Error::UnexpectedResponse`]), after which the connection stays usable: a program
    /// reading events can log it and read on.
    pub fn is_bad_message(&self) -> bool {
        matches!(
            self,
            Error::Decode(_) | Error::UnexpectedResponse(_) | Error::Lagged { .. }
        )
    }

    /// The same error, for one more of those it ends: a connection's end goes to every call
    /// and subscription. Errors that hold a source that cannot be copied (an I/O error, a
    /// serializer's or a WebSocket's) keep their message.
    pub(crate) fn duplicate(&self) -> Error {
        match self {
            Error::Timeout { waiting_for, after } => Error::Timeout {
                waiting_for: waiting_for.clone(),
                after: *after,
            },
            Error::BrowserExited {
                status,
                stderr,
                reason,
            } => Error::BrowserExited {
                status: *status,
                stderr: stderr.clone(),
                reason: reason.clone(),
            },
            Error::Closed { reason } => Error::Closed {
                reason: reason.clone(),
            },
            Error::Protocol { method, error } => Error::Protocol {
                method,
                error: error.clone(),
            },
            Error::Decode(err) => Error::Decode(err.clone()),
            Error::UnexpectedResponse(err) => Error::UnexpectedResponse(err.clone()),
            Error::Lagged { missed } => Error::Lagged { missed: *missed },
            Error::Navigation { url, reason } => Error::Navigation {
                url: url.clone(),
                reason: reason.clone(),
            },
            Error::Evaluation { expression, reason } => Error::Evaluation {
                expression: expression.clone(),
                reason: reason.clone(),
            },
            Error::InvalidOptions { reason } => Error::InvalidOptions {
                reason: reason.clone(),
            },
            Error::SessionEnded {
                session_id,
                target_id,
                reason,
            } => Error::SessionEnded {
                session_id: session_id.clone(),
                target_id: target_id.clone(),
                reason: reason.clone(),
            },
            other => Error::Closed {
                reason: other.to_string(),
            },
        }
    }

    pub(crate) fn io(context: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NoSuchBinary { path } => write!(f, "no such binary: {}", path.display()),
            Error::BrowserNotFound { searched } => write!(
                f,
                "no Chromium binary found: set CHROMIUM=/path/to/chromium or install chromium \
                 (looked for {} on PATH)",
                searched.join(", ")
            ),
            Error::Launch { path, source } => {
                write!(f, "cannot launch {}: {source}", path.display())
            }
            Error::Startup { path, reason, .. } => {
                write!(f, "{} did not start: {reason}", path.display())
            }
            Error::Timeout { waiting_for, after } => {
                write!(f, "timed out after {after:?} waiting for {waiting_for}")
            }
            Error::BrowserExited { status, reason, .. } => match status {
                Some(status) => write!(f, "the browser exited ({status}): {reason}"),
                None => write!(f, "the connection to the browser ended: {reason}"),
            },
            Error::Closed { reason } => write!(f, "the connection is closed: {reason}"),
            Error::Protocol { method, error } => write!(f, "`{method}` failed: {error}"),
            Error::Decode(err) => err.fmt(f),
            Error::UnexpectedResponse(err) => write!(f, "unexpected message: {err}"),
            Error::Encode { method, source } => {
                write!(f, "cannot encode the params of `{method}`: {source}")
            }
            Error::Io { context, source } => write!(f, "{context}: {source}"),
            Error::Endpoint { url, reason } => write!(f, "cannot connect to {url}: {reason}"),
            Error::Navigation { url, reason } => {
                write!(f, "the navigation to {url} failed: {reason}")
            }
            Error::Lagged { missed } => write!(
                f,
                "the event queue was full: its {missed} oldest event(s) were dropped"
            ),
            Error::Evaluation { expression, reason } => {
                write!(f, "evaluating `{}` failed: {reason}", abridged(expression))
            }
            Error::SessionEnded {
                session_id,
                target_id,
                reason,
            } => match target_id {
                Some(target_id) => write!(
                    f,
                    "the session {session_id} of target {target_id} ended: {reason}"
                ),
                None => write!(f, "the session {session_id} ended: {reason}"),
            },
            Error::InvalidOptions { reason } => write!(f, "invalid options: {reason}"),
            #[cfg(feature = "websocket")]
            Error::WebSocket { url, source } => write!(f, "WebSocket {url}: {source}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Launch { source, .. } | Error::Io { source, .. } => Some(source),
            Error::Protocol { error, .. } => Some(error),
            Error::Decode(err) => Some(err),
            Error::UnexpectedResponse(err) => Some(err),
            Error::Encode { source, .. } => Some(source),
            #[cfg(feature = "websocket")]
            Error::WebSocket { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// An expression cut to one line of at most 80 characters, for a message.
fn abridged(expression: &str) -> String {
    let line = expression.lines().next().unwrap_or_default();
    let mut short: String = line.chars().take(80).collect();
    if short.len() < expression.len() {
        short.push_str("..");
    }
    short
}

impl From<DecodeError> for Error {
    fn from(err: DecodeError) -> Self {
        Error::Decode(err)
    }
}

#[cfg(all(test, feature = "pipe"))]
mod tests {
    use super::Error;
    use crate::protocol::browser::GetVersionParams;
    use crate::{Connection, LaunchOptions};
    use cdp_runtime::UnknownEvent;

    #[test]
    fn a_dead_browser_is_reported_in_one_line_and_its_stderr_is_kept_apart() {
        // A "browser" that says why it cannot start, and exits.
        let mut options = LaunchOptions::new().binary("/bin/sh");
        options.args = vec![
            "-c".into(),
            "echo 'starting' >&2; echo 'FATAL: cannot open display' >&2; exit 1".into(),
        ];
        let connection = Connection::<UnknownEvent>::launch(&options).unwrap();
        let err = connection.call(&GetVersionParams::new()).unwrap_err();
        let Error::BrowserExited { status, .. } = &err else {
            panic!("expected BrowserExited, got {err:?}");
        };
        assert_eq!(status.and_then(|status| status.code()), Some(1));
        let message = err.to_string();
        assert!(
            message.starts_with("the browser exited (exit status: 1): "),
            "{message}"
        );
        assert!(!message.contains('\n'), "{message}");
        assert!(!message.contains("FATAL"), "{message}");
        assert_eq!(err.stderr(), Some("starting\nFATAL: cannot open display\n"));
    }

    #[test]
    fn errors_that_do_not_come_from_the_browser_process_have_no_stderr() {
        let err = Error::Closed {
            reason: "the browser closed the pipe".into(),
        };
        assert_eq!(err.stderr(), None);
    }
}
