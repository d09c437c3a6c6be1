//! [`Connection`]: typed commands and events over any [`Transport`].

use std::collections::{BTreeSet, VecDeque};
use std::fmt;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use super::error::Error;
use super::launch::BrowserProcess;
#[cfg(any(feature = "pipe", feature = "websocket"))]
use super::launch::LaunchOptions;
use super::protocol::target::{AttachToTargetParams, CreateTargetParams, SessionId, TargetId};
use super::Transport;
use cdp_runtime::DecodeError;
use cdp_runtime::Envelope;
use cdp_runtime::{Client, ClientError, Incoming, PendingResponse};
use cdp_runtime::{Command, EventSet};

/// How long a [`Connection`] waits for an answer unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long [`Connection::close`] lets the browser shut down by itself before killing it.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// How long a connection that ended waits, once, for the browser it launched to exit, so that
/// its error can say how the browser exited.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// How many requests given up after their timeout are remembered, so that their late answers
/// are recognised as such; beyond that, the oldest are forgotten (and a late answer to one of
/// those is reported as [`Error::UnexpectedResponse`]).
const MAX_GIVEN_UP: usize = 1024;

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
    /// The answer to the request in flight (the connection has one at a time).
    Response(PendingResponse),
    Event(SessionEvent<E>),
    /// A message that could not be decoded, with its top-level `id` when that could be read.
    Undecodable {
        error: DecodeError,
        id: Option<u64>,
    },
    /// A response that answers no request waiting for one.
    Unexpected(ClientError),
    /// The late answer to a request given up after its timeout: expected, and dropped.
    Late,
}

/// A typed connection to a browser over any [`Transport`]: send a [`Command`] and get its
/// typed response, receive typed events from the set `E`, each wait bounded by a timeout.
///
/// Events that arrive while a command waits for its answer are queued, in order, and
/// returned by the next [`next_event`](Connection::next_event) or
/// [`wait_for_event`](Connection::wait_for_event). So are the messages that are not events but
/// answer no command either, as errors in their place in the order, so that nothing is dropped
/// without a word: a message that cannot be decoded ([`Error::Decode`], e.g. one that is not
/// UTF-8) and a response to an id that was never sent or was answered already
/// ([`Error::UnexpectedResponse`]); [`Error::is_bad_message`] tells them apart from the errors
/// that end the connection. Sessions are flattened: a command sent with
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
    /// Requests given up after their timeout, whose late answers are dropped.
    given_up: BTreeSet<u64>,
    /// Whether the connection ended and the browser's exit was awaited (once only).
    exit_awaited: bool,
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
            given_up: BTreeSet::new(),
            exit_awaited: false,
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
    /// `timeout` for its typed response (the time to send it counts too).
    ///
    /// The browser's error answer is [`Error::Protocol`]. An answer that cannot be decoded,
    /// down to one whose envelope is broken but whose `id` can still be read
    /// (`{"id":1,"error":{"code":"x"}}`, `{"id":1}`), fails the call at once with
    /// [`Error::Decode`]. On a timeout the request is given up: its late answer is expected,
    /// and dropped when it arrives.
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
        if let Err(err) = self.transport.send(&request.text, timeout) {
            self.client.cancel(request.id);
            return Err(match err {
                Error::Timeout { waiting_for, after } => {
                    // It may still go out (a WebSocket keeps what it could not write yet):
                    // then its answer is a late one.
                    self.give_up(request.id);
                    Error::Timeout {
                        waiting_for: format!(
                            "{waiting_for}, to send `{}` (id {})",
                            C::METHOD,
                            request.id
                        ),
                        after,
                    }
                }
                err => self.explain(err),
            });
        }
        loop {
            let received = match self.receive_until(deadline) {
                Ok(Some(received)) => received,
                Ok(None) => {
                    self.client.cancel(request.id);
                    self.give_up(request.id);
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
                // The only request in flight is this one, so any pending answer is its own.
                Received::Response(answer) => {
                    return match answer.response.result {
                        Err(error) => Err(Error::Protocol {
                            method: C::METHOD,
                            error,
                        }),
                        Ok(_) => answer.response.decode::<C>().map_err(Error::Decode),
                    };
                }
                Received::Undecodable { error, id } if id == Some(request.id) => {
                    // Its answer came and is broken: waiting on would only time out.
                    self.client.cancel(request.id);
                    return Err(Error::Decode(error));
                }
                Received::Event(event) => self.events.push_back(Ok(event)),
                Received::Undecodable { error, .. } => {
                    self.events.push_back(Err(Error::Decode(error)));
                }
                Received::Unexpected(err) => {
                    self.events.push_back(Err(Error::UnexpectedResponse(err)));
                }
                Received::Late => {}
            }
        }
    }

    /// The next event, queued or new, waiting up to `timeout`.
    ///
    /// A message that could not be decoded is returned as [`Error::Decode`], and a response
    /// that answers no request as [`Error::UnexpectedResponse`], in its place in the order;
    /// the connection stays usable ([`Error::is_bad_message`]).
    pub fn next_event(&mut self, timeout: Duration) -> Result<SessionEvent<E>, Error> {
        if let Some(event) = self.events.pop_front() {
            return event;
        }
        let deadline = Instant::now() + timeout;
        loop {
            match self.receive_until(deadline)? {
                Some(Received::Event(event)) => return Ok(event),
                Some(Received::Undecodable { error, .. }) => return Err(Error::Decode(error)),
                Some(Received::Unexpected(err)) => return Err(Error::UnexpectedResponse(err)),
                Some(Received::Response(_) | Received::Late) => {}
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
    /// A message that could not be decoded ends the wait with [`Error::Decode`], and a response
    /// that answers no request with [`Error::UnexpectedResponse`].
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
                Some(Received::Undecodable { error, .. }) => return Err(Error::Decode(error)),
                Some(Received::Unexpected(err)) => return Err(Error::UnexpectedResponse(err)),
                Some(Received::Response(_) | Received::Late) => {}
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
    ///
    /// Returns how the browser exited: `None` when the connection did not launch it (or its
    /// status is unknown). A browser that closed by itself exited with a status of its own; one
    /// that had to be killed shows SIGKILL.
    pub fn close(mut self) -> Result<Option<ExitStatus>, Error> {
        let Some(mut browser) = self.browser.take() else {
            return Ok(None);
        };
        let request = self
            .client
            .request(&super::protocol::browser::CloseParams::new(), None);
        // The browser may be gone already; it is killed below in any case.
        if self.transport.send(&request.text, CLOSE_GRACE).is_ok() {
            browser.wait_for_exit(CLOSE_GRACE);
        }
        browser.close()
    }

    /// Remembers that the request `id` was given up, so that its late answer is dropped.
    fn give_up(&mut self, id: u64) {
        self.given_up.insert(id);
        while self.given_up.len() > MAX_GIVEN_UP {
            self.given_up.pop_first();
        }
    }

    /// One message from the transport, or `None` once `deadline` has passed.
    fn receive_until(&mut self, deadline: Instant) -> Result<Option<Received<E>>, Error> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let text = match self.transport.receive(left) {
                Ok(Some(text)) => text,
                Ok(None) if left.is_zero() => return Ok(None),
                Ok(None) => continue,
                // One message that is not text: undecodable, and the transport goes on.
                Err(Error::Decode(error)) => {
                    let id = Envelope::probe(error.raw()).id;
                    return Ok(Some(self.undecodable(error, id)));
                }
                Err(err) => return Err(self.explain(err)),
            };
            return Ok(Some(match self.client.receive(&text) {
                Ok(Incoming::Response(answer)) => Received::Response(answer),
                Ok(Incoming::Event { session_id, event }) => {
                    Received::Event(SessionEvent { session_id, event })
                }
                Err(ClientError::Decode(error)) => {
                    // Read from the text itself: the error keeps only the start of a message
                    // that is too large.
                    let id = Envelope::probe(&text).id;
                    self.undecodable(error, id)
                }
                Err(ClientError::DuplicateId { id, .. }) if self.given_up.remove(&id) => {
                    Received::Late
                }
                Err(err) => Received::Unexpected(err),
            }));
        }
    }

    fn undecodable(&mut self, error: DecodeError, id: Option<u64>) -> Received<E> {
        if let Some(id) = id {
            // The late answer came, broken: it is reported (as undecodable), not dropped.
            self.given_up.remove(&id);
        }
        Received::Undecodable { error, id }
    }

    /// Turns a closed transport into the browser's exit, with its status, its last words and
    /// the reason the transport gave, when this connection launched it. The exit is awaited
    /// (up to 2 s) the first time only: later errors just look again.
    fn explain(&mut self, err: Error) -> Error {
        let Error::Closed { reason } = err else {
            return err;
        };
        let Some(browser) = self.browser.as_mut() else {
            return Error::Closed { reason };
        };
        let status = if self.exit_awaited {
            browser.poll_exit()
        } else {
            self.exit_awaited = true;
            browser.wait_for_exit(EXIT_GRACE)
        };
        Error::BrowserExited {
            status,
            stderr: browser.stderr_tail(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::browser::GetVersionParams;
    use crate::protocol::target::CreateTargetParams;
    use crate::LaunchOptions;
    use cdp_runtime::UnknownEvent;

    /// What the fake browser sends back.
    enum Item {
        Text(String),
        Fail(Error),
    }

    fn text(text: &str) -> Item {
        Item::Text(text.to_owned())
    }

    /// A transport whose browser is a script: for each request sent, `answer` gives what
    /// comes back, by the request's id.
    struct Fake {
        inbox: VecDeque<Item>,
        answer: Box<dyn FnMut(u64) -> Vec<Item> + Send>,
    }

    impl Transport for Fake {
        fn send(&mut self, message: &str, _timeout: Duration) -> Result<(), Error> {
            let id = Envelope::probe(message).id.expect("requests have an id");
            self.inbox.extend((self.answer)(id));
            Ok(())
        }

        fn receive(&mut self, timeout: Duration) -> Result<Option<String>, Error> {
            match self.inbox.pop_front() {
                Some(Item::Text(text)) => Ok(Some(text)),
                Some(Item::Fail(err)) => Err(err),
                None => {
                    std::thread::sleep(timeout.min(Duration::from_millis(5)));
                    Ok(None)
                }
            }
        }
    }

    fn connection(
        answer: impl FnMut(u64) -> Vec<Item> + Send + 'static,
    ) -> Connection<UnknownEvent> {
        let mut connection = Connection::new(Fake {
            inbox: VecDeque::new(),
            answer: Box::new(answer),
        });
        connection.set_timeout(Duration::from_secs(5));
        connection
    }

    fn version(id: u64) -> Item {
        Item::Text(format!(
            r#"{{"id":{id},"result":{{"protocolVersion":"1.3","product":"Chrome/1","revision":"r","userAgent":"u","jsVersion":"j"}}}}"#
        ))
    }

    #[test]
    fn a_message_that_is_not_utf8_is_queued_and_the_call_gets_its_answer() {
        let mut connection = connection(|id| {
            vec![
                Item::Fail(super::super::not_utf8(
                    b"{\"method\":\"X.y\",\"params\":{\"a\":\"\xff\"}}",
                )),
                version(id),
            ]
        });
        let version = connection.call(&GetVersionParams::new()).unwrap();
        assert_eq!(version.product, "Chrome/1");
        let err = connection.next_event(Duration::ZERO).unwrap_err();
        assert!(err.is_bad_message(), "{err}");
        let Error::Decode(err) = err else {
            panic!("expected a decode error, got {err:?}")
        };
        assert_eq!(err.method(), Some("X.y"));
        assert!(err.raw().contains('\u{fffd}'), "{}", err.raw());
        assert!(connection
            .next_event(Duration::ZERO)
            .unwrap_err()
            .is_timeout());
    }

    #[test]
    fn responses_to_ids_never_sent_or_answered_already_are_reported_in_order() {
        let mut connection = connection(|id| {
            vec![
                text(r#"{"id":99,"result":{}}"#),
                version(id),
                text(&format!(r#"{{"id":{id},"result":{{}}}}"#)),
            ]
        });
        connection.call(&GetVersionParams::new()).unwrap();
        let err = connection.next_event(Duration::from_secs(1)).unwrap_err();
        assert!(err.is_bad_message(), "{err}");
        assert!(
            matches!(
                err,
                Error::UnexpectedResponse(ClientError::UnknownId { id: 99, .. })
            ),
            "{err:?}"
        );
        let err = connection.next_event(Duration::from_secs(1)).unwrap_err();
        assert!(
            matches!(
                err,
                Error::UnexpectedResponse(ClientError::DuplicateId { id: 1, .. })
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "unexpected message: response to id 1, which was already answered or cancelled"
        );
    }

    #[test]
    fn the_late_answer_to_a_call_that_timed_out_is_dropped() {
        let mut connection = connection(|id| match id {
            1 => vec![],
            // The late answer to 1 comes first; decoded as the answer to 2, it would fail.
            _ => vec![
                version(1),
                text(&format!(r#"{{"id":{id},"result":{{"targetId":"T"}}}}"#)),
            ],
        });
        let err = connection
            .call_with(None, &GetVersionParams::new(), Duration::from_millis(20))
            .unwrap_err();
        assert!(err.is_timeout(), "{err}");
        let created = connection
            .call(&CreateTargetParams::new("about:blank"))
            .unwrap();
        assert_eq!(created.target_id.0, "T");
        assert!(connection
            .next_event(Duration::ZERO)
            .unwrap_err()
            .is_timeout());
    }

    #[test]
    fn an_answer_broken_at_the_envelope_fails_its_call_at_once() {
        for broken in [
            r#"{"id":1,"error":{"code":"x"}}"#,
            r#"{"id":1}"#,
            r#"{"id":1,"result":{},"error":{"code":1,"message":"m"}}"#,
            r#"{"id":1,"method":"Browser.getVersion","params":{}}"#,
            r#"{"id":1,"result":{"product":"#,
        ] {
            let mut connection = connection(move |id| match id {
                1 => vec![text(broken)],
                _ => vec![version(id)],
            });
            let started = Instant::now();
            let err = connection.call(&GetVersionParams::new()).unwrap_err();
            assert!(started.elapsed() < Duration::from_secs(1), "{broken}");
            let Error::Decode(err) = err else {
                panic!("{broken}: expected a decode error, got {err:?}")
            };
            assert_eq!(err.raw(), broken);
            // The connection goes on.
            connection.call(&GetVersionParams::new()).unwrap();
            assert!(connection
                .next_event(Duration::ZERO)
                .unwrap_err()
                .is_timeout());
        }
    }

    #[test]
    fn a_broken_message_for_another_id_is_queued_and_the_call_goes_on() {
        let mut connection = connection(|id| {
            vec![
                text(r#"{"id":77,"error":{"code":"x"}}"#),
                text(r#"{"error":{"code":-32700,"message":"Parse error"}}"#),
                version(id),
            ]
        });
        connection.call(&GetVersionParams::new()).unwrap();
        let err = connection.next_event(Duration::ZERO).unwrap_err();
        assert!(
            matches!(&err, Error::Decode(err) if err.raw().contains("77")),
            "{err:?}"
        );
        let err = connection.next_event(Duration::ZERO).unwrap_err();
        assert!(err.to_string().contains("Parse error"), "{err}");
    }

    /// A transport that is closed, for the reason given.
    struct Closed(&'static str);

    impl Transport for Closed {
        fn send(&mut self, _message: &str, _timeout: Duration) -> Result<(), Error> {
            Err(Error::Closed {
                reason: self.0.into(),
            })
        }

        fn receive(&mut self, _timeout: Duration) -> Result<Option<String>, Error> {
            Err(Error::Closed {
                reason: self.0.into(),
            })
        }
    }

    const TOO_LONG: &str = "the browser sent a message longer than 268435456 bytes";

    /// A "browser" that is a shell running `script`.
    fn fake_browser(script: &str) -> BrowserProcess {
        let mut options = LaunchOptions::new().binary("/bin/sh");
        options.args = vec!["-c".into(), script.into()];
        BrowserProcess::spawn(&options, &[], |_| {}).unwrap()
    }

    #[test]
    fn a_closed_connection_keeps_its_reason() {
        let mut connection = Connection::<UnknownEvent>::new(Closed(TOO_LONG));
        let err = connection.call(&GetVersionParams::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("the connection is closed: {TOO_LONG}")
        );
    }

    #[test]
    fn a_connection_that_ends_keeps_its_reason_and_awaits_the_exit_once() {
        let browser = fake_browser("exec sleep 30");
        let mut connection = Connection::<UnknownEvent>::with_browser(Closed(TOO_LONG), browser);
        for attempt in 0..3 {
            let started = Instant::now();
            let err = connection.call(&GetVersionParams::new()).unwrap_err();
            let Error::BrowserExited { status, reason, .. } = &err else {
                panic!("expected BrowserExited, got {err:?}")
            };
            assert_eq!(*status, None);
            assert_eq!(reason, TOO_LONG);
            assert_eq!(
                err.to_string(),
                format!("the connection to the browser ended: {TOO_LONG}")
            );
            let took = started.elapsed();
            if attempt == 0 {
                assert!(took >= EXIT_GRACE, "{took:?}");
            } else {
                assert!(took < Duration::from_millis(500), "{took:?}");
            }
            let err = connection.next_event(Duration::from_secs(1)).unwrap_err();
            assert!(err.to_string().contains(TOO_LONG), "{err}");
        }
    }

    #[test]
    fn a_browser_that_exited_gives_its_status_and_the_reason() {
        let browser = fake_browser("exit 7");
        let reason = "the browser closed the pipe";
        let mut connection = Connection::<UnknownEvent>::with_browser(Closed(reason), browser);
        let err = connection.call(&GetVersionParams::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("the browser exited (exit status: 7): {reason}")
        );
    }
}
