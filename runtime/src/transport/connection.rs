//! [`Connection`]: typed commands and events over any [`Transport`].

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use super::error::Error;
use super::launch::BrowserProcess;
#[cfg(any(feature = "pipe", feature = "websocket"))]
use super::launch::LaunchOptions;
use super::protocol::target::{AttachToTargetParams, CreateTargetParams, SessionId, TargetId};
use super::Transport;
use crate::client::{Client, ClientError, Incoming, PendingResponse};
use crate::error::DecodeError;
use crate::traits::{Command, EventSet};

/// How long a [`Connection`] waits for an answer unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long [`Connection::close`] lets the browser shut down by itself before killing it.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// An event with the session it arrived on.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionEvent<E> {
    /// The session; `None` for the browser connection itself.
    pub session_id: Option<String>,
    /// The typed event.
    pub event: E,
}

/// A page opened by [`Connection::new_page`], with the flattened session attached to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageSession {
    /// The page.
    pub target_id: TargetId,
    /// The session: pass [`PageSession::id`] to [`Connection::call_on`].
    pub session_id: SessionId,
}

impl PageSession {
    /// The session id, as [`Connection::call_on`] takes it.
    pub fn id(&self) -> &str {
        &self.session_id.0
    }
}

/// One message taken from the transport.
enum Received<E> {
    Response(PendingResponse),
    Event(SessionEvent<E>),
    Undecodable(DecodeError),
    /// The answer to a request that was given up on (it timed out), or to none at all.
    Stray,
}

/// A typed connection to a browser over any [`Transport`]: send a [`Command`] and get its
/// typed response, receive typed events from the set `E`, each wait bounded by a timeout.
///
/// Events that arrive while a command waits for its answer are queued, in order, and
/// returned by the next [`next_event`](Connection::next_event) or
/// [`wait_for_event`](Connection::wait_for_event). Sessions are flattened: a command sent with
/// [`call_on`](Connection::call_on) carries the session id, and each event says which session
/// it came from. Queued events are kept until read: a program that never reads events should
/// not enable domains that send many.
///
/// When the connection launched the browser, it owns it: dropping the connection kills the
/// browser and its helpers and removes the temporary profile; [`close`](Connection::close)
/// first asks the browser to close itself.
pub struct Connection<E> {
    transport: Box<dyn Transport>,
    client: Client<E>,
    events: VecDeque<Result<SessionEvent<E>, Error>>,
    timeout: Duration,
    browser: Option<BrowserProcess>,
}

impl<E: EventSet> fmt::Debug for Connection<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("timeout", &self.timeout)
            .field("queued_events", &self.events.len())
            .field("pending_requests", &self.client.pending_count())
            .field("browser", &self.browser)
            .finish_non_exhaustive()
    }
}

impl<E: EventSet> Connection<E> {
    /// A connection over `transport`, to a browser it does not own.
    pub fn new(transport: impl Transport + 'static) -> Self {
        Connection {
            transport: Box::new(transport),
            client: Client::new(),
            events: VecDeque::new(),
            timeout: DEFAULT_TIMEOUT,
            browser: None,
        }
    }

    /// A connection over `transport` that owns `browser`: errors say how the browser exited,
    /// and dropping the connection kills it.
    pub fn with_browser(transport: impl Transport + 'static, browser: BrowserProcess) -> Self {
        let mut connection = Connection::new(transport);
        connection.browser = Some(browser);
        connection
    }

    /// Launches a browser with `--remote-debugging-pipe` and connects to it.
    #[cfg(feature = "pipe")]
    pub fn launch(options: &LaunchOptions) -> Result<Self, Error> {
        let (transport, browser) = super::pipe::PipeTransport::launch(options)?;
        Ok(Connection::with_browser(transport, browser))
    }

    /// Connects to a running browser at `endpoint`: `ws://HOST:PORT/devtools/browser/..`, or
    /// `http://HOST:PORT`, resolved through `/json/version`. Each step waits up to
    /// [`DEFAULT_TIMEOUT`].
    #[cfg(feature = "websocket")]
    pub fn connect(endpoint: &str) -> Result<Self, Error> {
        let transport = super::websocket::WebSocketTransport::connect(endpoint, DEFAULT_TIMEOUT)?;
        Ok(Connection::new(transport))
    }

    /// Launches a browser with `--remote-debugging-port=0` and connects to it over a
    /// WebSocket.
    #[cfg(feature = "websocket")]
    pub fn launch_websocket(options: &LaunchOptions) -> Result<Self, Error> {
        let (browser, url) = BrowserProcess::launch_with_port(options)?;
        let transport =
            super::websocket::WebSocketTransport::connect(&url, options.startup_timeout)?;
        Ok(Connection::with_browser(transport, browser))
    }

    /// How long [`call`](Connection::call) and [`call_on`](Connection::call_on) wait for an
    /// answer; [`DEFAULT_TIMEOUT`] unless set.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sets how long [`call`](Connection::call) and [`call_on`](Connection::call_on) wait.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The browser this connection launched, if it did.
    pub fn browser(&self) -> Option<&BrowserProcess> {
        self.browser.as_ref()
    }

    /// The browser this connection launched, if it did.
    pub fn browser_mut(&mut self) -> Option<&mut BrowserProcess> {
        self.browser.as_mut()
    }

    /// Sends a command to the browser itself and waits for its typed response.
    pub fn call<C: Command>(&mut self, params: &C) -> Result<C::Response, Error> {
        self.call_with(None, params, self.timeout)
    }

    /// Sends a command on a flattened session and waits for its typed response.
    pub fn call_on<C: Command>(
        &mut self,
        session_id: &str,
        params: &C,
    ) -> Result<C::Response, Error> {
        self.call_with(Some(session_id), params, self.timeout)
    }

    /// Sends a command, on the session `session_id` or to the browser itself, and waits up to
    /// `timeout` for its typed response.
    ///
    /// The browser's error answer is [`Error::Protocol`]. On a timeout the request is given
    /// up: a late answer to it is ignored.
    ///
    /// # Panics
    ///
    /// Only if `C`'s `Serialize` implementation fails, which generated and derived params
    /// never do.
    pub fn call_with<C: Command>(
        &mut self,
        session_id: Option<&str>,
        params: &C,
        timeout: Duration,
    ) -> Result<C::Response, Error> {
        let deadline = Instant::now() + timeout;
        let request = self.client.request(params, session_id);
        if let Err(err) = self.transport.send(&request.text) {
            self.client.cancel(request.id);
            return Err(self.explain(err));
        }
        loop {
            let received = match self.receive_until(deadline) {
                Ok(Some(received)) => received,
                Ok(None) => {
                    self.client.cancel(request.id);
                    return Err(Error::Timeout {
                        waiting_for: format!("the response to `{}` (id {})", C::METHOD, request.id),
                        after: timeout,
                    });
                }
                Err(err) => {
                    self.client.cancel(request.id);
                    return Err(err);
                }
            };
            match received {
                Received::Response(answer) if answer.response.id == request.id => {
                    return match answer.response.result {
                        Err(error) => Err(Error::Protocol {
                            method: C::METHOD,
                            error,
                        }),
                        Ok(_) => answer.response.decode::<C>().map_err(Error::Decode),
                    };
                }
                Received::Event(event) => self.events.push_back(Ok(event)),
                Received::Undecodable(err) => self.events.push_back(Err(Error::Decode(err))),
                Received::Response(_) | Received::Stray => {}
            }
        }
    }

    /// The next event, queued or new, waiting up to `timeout`.
    ///
    /// An event that could not be decoded is returned as [`Error::Decode`], in its place in
    /// the order; the connection stays usable.
    pub fn next_event(&mut self, timeout: Duration) -> Result<SessionEvent<E>, Error> {
        if let Some(event) = self.events.pop_front() {
            return event;
        }
        let deadline = Instant::now() + timeout;
        loop {
            match self.receive_until(deadline)? {
                Some(Received::Event(event)) => return Ok(event),
                Some(Received::Undecodable(err)) => return Err(Error::Decode(err)),
                Some(Received::Response(_) | Received::Stray) => {}
                None => {
                    return Err(Error::Timeout {
                        waiting_for: "an event".into(),
                        after: timeout,
                    })
                }
            }
        }
    }

    /// The next event if one is queued or has already arrived, without waiting.
    pub fn try_next_event(&mut self) -> Result<Option<SessionEvent<E>>, Error> {
        match self.next_event(Duration::ZERO) {
            Ok(event) => Ok(Some(event)),
            Err(err) if err.is_timeout() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Waits up to `timeout` for the first event, queued or new, for which `matches` returns
    /// `Some`, and returns that. Other events stay queued, in order, for
    /// [`next_event`](Connection::next_event).
    ///
    /// An event that could not be decoded ends the wait with [`Error::Decode`].
    pub fn wait_for_event<T>(
        &mut self,
        timeout: Duration,
        mut matches: impl FnMut(&SessionEvent<E>) -> Option<T>,
    ) -> Result<T, Error> {
        let deadline = Instant::now() + timeout;
        let mut index = 0;
        while index < self.events.len() {
            let found = match &self.events[index] {
                Ok(event) => matches(event),
                Err(_) => None,
            };
            if let Some(found) = found {
                self.events.remove(index);
                return Ok(found);
            }
            if self.events[index].is_err() {
                if let Some(Err(err)) = self.events.remove(index) {
                    return Err(err);
                }
            }
            index += 1;
        }
        loop {
            match self.receive_until(deadline)? {
                Some(Received::Event(event)) => match matches(&event) {
                    Some(found) => return Ok(found),
                    None => self.events.push_back(Ok(event)),
                },
                Some(Received::Undecodable(err)) => return Err(Error::Decode(err)),
                Some(Received::Response(_) | Received::Stray) => {}
                None => {
                    return Err(Error::Timeout {
                        waiting_for: "a matching event".into(),
                        after: timeout,
                    })
                }
            }
        }
    }

    /// Opens a new page on `about:blank` and attaches a flattened session to it
    /// (`Target.createTarget`, then `Target.attachToTarget` with `flatten: true`).
    ///
    /// Navigate it with `Page.navigate` on the session once its domains are set up, so that no
    /// early event is missed.
    pub fn new_page(&mut self) -> Result<PageSession, Error> {
        let target_id = self
            .call(&CreateTargetParams::new("about:blank"))?
            .target_id;
        let session_id = self
            .call(&AttachToTargetParams::new(target_id.clone()).flatten(true))?
            .session_id;
        Ok(PageSession {
            target_id,
            session_id,
        })
    }

    /// Closes the connection. When it launched the browser, asks it to close
    /// (`Browser.close`), waits up to 5 s for it to exit, kills what is left and removes the
    /// temporary profile, reporting a profile that could not be removed.
    pub fn close(mut self) -> Result<(), Error> {
        let Some(mut browser) = self.browser.take() else {
            return Ok(());
        };
        let request = self
            .client
            .request(&super::protocol::browser::CloseParams::new(), None);
        // The browser may be gone already; it is killed below in any case.
        if self.transport.send(&request.text).is_ok() {
            browser.wait_for_exit(CLOSE_GRACE);
        }
        browser.close().map(|_| ())
    }

    /// One message from the transport, or `None` once `deadline` has passed.
    fn receive_until(&mut self, deadline: Instant) -> Result<Option<Received<E>>, Error> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let text = match self.transport.receive(left) {
                Ok(Some(text)) => text,
                Ok(None) if left.is_zero() => return Ok(None),
                Ok(None) => continue,
                Err(err) => return Err(self.explain(err)),
            };
            return Ok(Some(match self.client.receive(&text) {
                Ok(Incoming::Response(answer)) => Received::Response(answer),
                Ok(Incoming::Event { session_id, event }) => {
                    Received::Event(SessionEvent { session_id, event })
                }
                Err(ClientError::Decode(err)) => Received::Undecodable(err),
                Err(_) => Received::Stray,
            }));
        }
    }

    /// Turns a closed transport into the browser's exit, with its status and last words, when
    /// this connection launched it.
    fn explain(&mut self, err: Error) -> Error {
        match (&err, self.browser.as_mut()) {
            (Error::Closed { .. }, Some(browser)) => {
                let status = browser.wait_for_exit(Duration::from_secs(2));
                Error::BrowserExited {
                    status,
                    stderr: browser.stderr_tail(),
                }
            }
            _ => err,
        }
    }
}
