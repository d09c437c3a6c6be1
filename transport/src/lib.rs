//! Transports: drive a real browser with typed commands and events.
//!
//! Behind the cargo features `pipe` and `websocket` (the core crate stays sans-IO, with
//! serde and serde_json only). Both give the same API, [`Connection`]:
//!
//! - **pipe** ([`Connection::launch`]): launches Chromium with `--remote-debugging-pipe`; the
//!   protocol travels as NUL-terminated JSON on the browser's file descriptors 3 (commands)
//!   and 4 (answers and events). A program that does not ignore SIGPIPE (Rust programs do)
//!   must, or a write to a browser that has gone kills it: see [`PipeTransport`].
//! - **websocket** ([`Connection::connect`]): connects to a running browser, given
//!   `ws://127.0.0.1:PORT/devtools/browser/..` or `http://127.0.0.1:PORT` (resolved through
//!   `/json/version`); [`Connection::launch_websocket`] launches one with
//!   `--remote-debugging-port=0` first.
//!
//! [`LaunchOptions`] has defaults for headless use on a closed network and a fresh temporary
//! profile ([`TempDir`]); [`BrowserProcess`] makes sure no browser process outlives the
//! connection. [`discovery`] asks a browser's DevTools HTTP server for `/json/version` and
//! `/json/protocol`; it, the launcher and [`BrowserProcess::launch_with_port`] need no feature.
//! [`protocol`] holds the few `Browser`, `Target` and `Page` commands needed to open a page.
//!
//! ```no_run
//! # #[cfg(feature = "pipe")]
//! # fn main() -> Result<(), cdp_transport::Error> {
//! use cdp_transport::protocol::{browser, page};
//! use cdp_transport::{Connection, LaunchOptions};
//! use cdp_runtime::UnknownEvent;
//! use std::time::Duration;
//!
//! // With generated bindings, use their root `Event` instead of `UnknownEvent`.
//! let mut connection = Connection::<UnknownEvent>::launch(&LaunchOptions::new())?;
//! let version = connection.call(&browser::GetVersionParams::new())?;
//! println!("{}", version.product);
//!
//! let page = connection.new_page()?;
//! connection.call_on(page.id(), &page::EnableParams::new())?;
//! connection.call_on(page.id(), &page::NavigateParams::new("http://127.0.0.1:8000/"))?;
//! let loaded = connection.wait_for_event(Duration::from_secs(20), |event| {
//!     (event.event.method == "Page.loadEventFired").then_some(())
//! })?;
//! let status = connection.close()?;
//! println!("the browser exited: {status:?}");
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "pipe"))]
//! # fn main() {}
//! ```

#![deny(missing_docs)]

#[cfg(not(unix))]
compile_error!("cdp-transport supports Unix only");

mod connection;
pub mod discovery;
mod error;
mod launch;
#[cfg(feature = "pipe")]
mod pipe;
pub mod protocol;
mod temp_dir;
#[cfg(feature = "websocket")]
mod websocket;

use std::time::Duration;

pub use connection::{Connection, PageSession, SessionEvent, DEFAULT_TIMEOUT};
pub use error::{Error, StartupFailure};
pub use launch::{
    find_browser, BrowserProcess, KillHandle, LaunchOptions, Sandbox, BINARY_ENV, BINARY_NAMES,
    DEFAULT_ARGS, DEFAULT_STARTUP_TIMEOUT,
};
#[cfg(feature = "pipe")]
pub use pipe::PipeTransport;
pub use temp_dir::TempDir;
#[cfg(feature = "websocket")]
pub use websocket::{resolve_endpoint, WebSocketTransport};

/// A way to carry protocol messages: one text message at a time, both ways.
///
/// [`Connection`] builds the typed API on top of any implementation.
pub trait Transport: Send {
    /// Sends one message, waiting up to `timeout` for the other side to take it.
    ///
    /// Fails with [`Error::Timeout`] when it does not take it in time. A message cut short by
    /// the timeout leaves the transport closed (the rest of it could not be told apart from
    /// the next message); one that was not written at all, or that the transport keeps to
    /// send later, leaves it usable. Fails with [`Error::Closed`] when the other side is gone.
    fn send(&mut self, message: &str, timeout: Duration) -> Result<(), Error>;

    /// Waits up to `timeout` for the next message; `Ok(None)` when none came in time. A zero
    /// `timeout` returns a message that has already arrived, or `None`.
    ///
    /// Fails with [`Error::Decode`] for one message that arrived but is not text (not UTF-8):
    /// the error keeps the message decoded lossily, and the transport stays usable, so the
    /// next call returns the next message. Fails with [`Error::Closed`] when the other side is
    /// gone, or the stream of messages cannot go on (a message over
    /// [`MAX_MESSAGE_LEN`](cdp_runtime::MAX_MESSAGE_LEN), a protocol violation), and keeps failing
    /// so, with the same reason.
    fn receive(&mut self, timeout: Duration) -> Result<Option<String>, Error>;
}

/// The error a transport returns for one message that is not UTF-8 text.
#[allow(dead_code)] // Used by whichever transports are enabled.
pub(crate) fn not_utf8(bytes: &[u8]) -> Error {
    Error::Decode(cdp_runtime::DecodeError::not_utf8(bytes))
}
