//! Commands whose wait a stop cuts short. A call blocks its thread until the browser answers
//! or the timeout passes; a recorder stopped while a slow browser keeps it waiting must not
//! wait that out. So each call runs on a thread of its own, and the recorder waits for its
//! answer in short slices, looking at the stop between them. A call given up this way stays
//! behind until its answer or its timeout comes, holding the connection: [`Remote::close`]
//! then kills a browser the recorder launched instead of asking it to close.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cdp_runtime::{Command, UnknownEvent};
use cdp_transport::{Connection, Error, Subscription};

/// How often a wait looks at the stop.
pub const TICK: Duration = Duration::from_millis(50);

/// Why a call gave no answer.
#[derive(Debug)]
pub enum CallError {
    /// The browser failed it, or did not answer in time.
    Browser(Error),
    /// The recording was stopped while it waited.
    Stopped,
}

impl From<Error> for CallError {
    fn from(err: Error) -> Self {
        CallError::Browser(err)
    }
}

/// The connection, shared with the threads that wait for answers.
pub struct Remote {
    connection: Arc<Connection<UnknownEvent>>,
    stop: Arc<AtomicBool>,
    timeout: Duration,
    /// Whether a call was given up at a stop, its answer still awaited.
    abandoned: AtomicBool,
}

impl Remote {
    /// Calls on `connection` wait up to `timeout` for their answer, and no longer once `stop`
    /// is set.
    pub fn new(
        connection: Connection<UnknownEvent>,
        stop: Arc<AtomicBool>,
        timeout: Duration,
    ) -> Remote {
        Remote {
            connection: Arc::new(connection),
            stop,
            timeout,
            abandoned: AtomicBool::new(false),
        }
    }

    /// Whether a call was given up at a stop: the browser had not answered it.
    pub fn abandoned(&self) -> bool {
        self.abandoned.load(Ordering::SeqCst)
    }

    /// Whether the recording was asked to stop.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Sends a command (on `session`, or to the browser) and waits for its answer, until the
    /// timeout or a stop. Nothing is sent once the stop is set.
    pub fn call<C>(&self, session: Option<&str>, params: C) -> Result<C::Response, CallError>
    where
        C: Command + Send + 'static,
        C::Response: Send + 'static,
    {
        if self.stopped() {
            return Err(CallError::Stopped);
        }
        let timeout = self.timeout;
        let (answered, answer) = mpsc::sync_channel(1);
        let connection = Arc::clone(&self.connection);
        let session = session.map(str::to_owned);
        std::thread::spawn(move || {
            let _ = answered.send(connection.call_with(session.as_deref(), &params, timeout));
        });
        let deadline = Instant::now() + timeout + TICK;
        loop {
            match answer.recv_timeout(TICK) {
                Ok(result) => return result.map_err(CallError::Browser),
                Err(RecvTimeoutError::Timeout) if self.stopped() => {
                    self.abandoned.store(true, Ordering::SeqCst);
                    return Err(CallError::Stopped);
                }
                Err(RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
                // The call's own timeout ends it first; this is only a backstop.
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    return Err(CallError::Browser(Error::Timeout {
                        waiting_for: format!("the response to `{}`", C::METHOD),
                        after: timeout,
                    }))
                }
            }
        }
    }

    /// Sends a command during the clean-up after a stop: it waits up to `timeout`, whatever
    /// the stop.
    pub fn call_after_stop<C>(
        &self,
        session: Option<&str>,
        params: C,
        timeout: Duration,
    ) -> Result<C::Response, Error>
    where
        C: Command,
    {
        self.connection.call_with(session, &params, timeout)
    }

    /// Every event of `session`, from now on.
    pub fn subscribe_on(&self, session: &str) -> Subscription<UnknownEvent> {
        self.connection.subscribe_on::<UnknownEvent>(session)
    }

    /// Closes the connection: asks a browser the recorder launched to close, and removes its
    /// profile. When a call given up after a stop still holds the connection, the browser is
    /// not answering: a launched one is killed at once (and its profile removed), a browser
    /// the recorder connected to is left, as the process ends.
    pub fn close(self) -> Result<(), Error> {
        match Arc::try_unwrap(self.connection) {
            Ok(connection) => connection.close().map(drop),
            Err(connection) => {
                if let Some(browser) = connection.browser() {
                    browser.kill_handle().kill_and_remove_profile();
                }
                Ok(())
            }
        }
    }
}
