//! [`Connection`]: typed commands and events over any [`Transport`], from any thread.

use std::collections::VecDeque;
use std::fmt;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cdp_runtime::{Command, EventOf, EventSet};

use crate::error::Error;
#[cfg(any(feature = "pipe", feature = "websocket"))]
use crate::launch::LaunchOptions;
use crate::launch::{BrowserProcess, CleanupHandle, KillHandle};
use crate::page::Page;
use crate::protocol::target::{
    AttachToTargetParams, CreateTargetParams, GetTargetsParams, SetDiscoverTargetsParams, TargetId,
};
use crate::queue::{Queue, RecvError, DEFAULT_CAPACITY};
use crate::router::{self, Filter, Shared};
use crate::session::Session;
use crate::subscription::Subscription;
use crate::targets::Targets;
use crate::Transport;

/// How long a [`Connection`] waits for an answer unless told otherwise: **30 seconds**.
///
/// It is also how long a page's navigation may take ([`Page::goto`]), unless
/// [`GotoOptions::timeout`](crate::GotoOptions::timeout) says otherwise, and how long each
/// page opened afterwards waits for its answers.
/// [`Connection::set_timeout`] changes it for one connection.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long [`Connection::close`] lets the browser shut down by itself before killing it.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// An event with the session it arrived on. It dereferences to the event.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionEvent<E> {
    /// The session; `None` for the browser connection itself.
    pub session_id: Option<String>,
    /// The typed event.
    pub event: E,
}

impl<E> Deref for SessionEvent<E> {
    type Target = E;

    fn deref(&self) -> &E {
        &self.event
    }
}

/// What a connection knows of the browser it launched.
#[derive(Debug, Clone)]
pub struct BrowserInfo {
    binary: PathBuf,
    pid: u32,
    user_data_dir: PathBuf,
    temporary_profile: bool,
    kill: KillHandle,
}

impl BrowserInfo {
    pub(crate) fn of(browser: &BrowserProcess) -> Self {
        BrowserInfo {
            binary: browser.binary().to_owned(),
            pid: browser.pid(),
            user_data_dir: browser.user_data_dir().to_owned(),
            temporary_profile: browser.is_temporary_profile(),
            kill: browser.kill_handle(),
        }
    }

    /// The binary that runs.
    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// The browser's process id (the leader of its process group).
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The profile directory.
    pub fn user_data_dir(&self) -> &Path {
        &self.user_data_dir
    }

    /// Whether the profile is a temporary one, removed with the browser.
    pub fn is_temporary_profile(&self) -> bool {
        self.temporary_profile
    }

    /// A handle that kills the browser and removes its temporary profile from anywhere (a
    /// signal handler's thread, say).
    pub fn kill_handle(&self) -> KillHandle {
        self.kill.clone()
    }
}

/// A typed connection to a browser over any [`Transport`]: send a [`Command`] and get its
/// typed response, receive typed events from the set `E`, each wait bounded by a timeout.
///
/// **From many threads.** Commands can be sent from several threads at once (`call` takes
/// `&self`: share the connection by reference, or in an `Arc`); each waits for its own answer.
/// The connection's reader thread takes every message as it arrives and hands it to the one
/// waiting for it: a call's answer to that call, an event to each [`Subscription`] that wants
/// it.
///
/// **Events.** [`subscribe`](Connection::subscribe) to one event type (`XEvent`), to one
/// domain's `Event` or to the root `Event`, on one session or on all. Subscribe before sending
/// the command that causes the events: an event is kept by every subscription made before it
/// arrived. Besides, the connection keeps every event for
/// [`next_event`](Connection::next_event) and [`wait_for_event`](Connection::wait_for_event),
/// in a queue of its own. Every queue is bounded (4096 events for the connection's own,
/// [`DEFAULT_CAPACITY`] for a subscription, or what
/// [`set_event_capacity`](Connection::set_event_capacity) says): one that falls behind loses
/// its oldest events, and says how many before the next one ([`Error::Lagged`],
/// [`RecvError::Lagged`]).
///
/// **Nothing dropped without a word.** A message that cannot be decoded ([`Error::Decode`],
/// e.g. one that is not UTF-8) and a response to an id that was never sent or was answered
/// already ([`Error::UnexpectedResponse`]) take their place in the order, as errors, in the
/// connection's queue and in the subscriptions they concern; [`Error::is_bad_message`] tells
/// them apart from the errors that end the connection.
///
/// **Endings.** When the browser dies or the connection closes, every call waiting for an
/// answer and every subscription ends with that error at once.
///
/// When the connection launched the browser, it owns it: dropping the connection (and the
/// [`Page`]s it opened) kills the browser and its helpers and removes the temporary profile;
/// [`close`](Connection::close) first asks the browser to close itself.
pub struct Connection<E> {
    shared: Arc<Shared<E>>,
    /// Every event, for `next_event` and `wait_for_event`.
    events: Subscription<E>,
    /// Events `wait_for_event` passed over, kept for `next_event`, in order.
    held: VecDeque<Result<SessionEvent<E>, Error>>,
    /// Events dropped from `held` to keep it within its capacity, not yet reported.
    held_missed: u64,
    timeout: Duration,
    capacity: usize,
}

/// How many events the connection keeps for `next_event` and `wait_for_event`.
const OWN_CAPACITY: usize = 4096;

impl<E: EventSet + Send + 'static> fmt::Debug for Connection<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("timeout", &self.timeout)
            .field("queued_events", &(self.events.len() + self.held.len()))
            .field("pending_requests", &self.shared.pending_count())
            .finish_non_exhaustive()
    }
}

impl<E: EventSet + Clone + Send + 'static> Connection<E> {
    /// A connection over `transport`, to a browser it does not own.
    ///
    /// # Panics
    ///
    /// When the operating system cannot start the connection's reader thread, as
    /// [`std::thread::spawn`] does.
    pub fn new(transport: impl Transport) -> Self {
        Self::start(transport, None).expect("the OS starts the connection's reader thread")
    }

    /// A connection over `transport` that owns `browser`: errors say how the browser exited,
    /// and dropping the connection kills it.
    pub fn with_browser(transport: impl Transport, browser: BrowserProcess) -> Result<Self, Error> {
        Self::start(transport, Some(browser))
    }

    fn start(transport: impl Transport, browser: Option<BrowserProcess>) -> Result<Self, Error> {
        let (sender, receiver) = transport.split();
        let shared = Shared::start(sender, receiver, browser)?;
        let events = subscribe_to(&shared, None, OWN_CAPACITY);
        Ok(Connection {
            shared,
            events,
            held: VecDeque::new(),
            held_missed: 0,
            timeout: DEFAULT_TIMEOUT,
            capacity: DEFAULT_CAPACITY,
        })
    }

    /// Launches a browser with `--remote-debugging-pipe` and connects to it.
    #[cfg(feature = "pipe")]
    pub fn launch(options: &LaunchOptions) -> Result<Self, Error> {
        let (transport, browser) = crate::pipe::PipeTransport::launch(options)?;
        Self::with_browser(transport, browser)
    }

    /// Connects over WebSocket to a running DevTools endpoint, given as:
    ///
    /// - `http://HOST:PORT`, a browser's HTTP endpoint (`--remote-debugging-port`): its
    ///   `/json/version` names the browser's WebSocket;
    /// - `http://HOST:PORT`, a single-target HTTP endpoint (Node.js's `--inspect`), whose
    ///   `/json/version` names no WebSocket: the one target `/json/list` names (several are an
    ///   [`Error::Endpoint`] that lists them);
    /// - `ws://..`, any WebSocket address (a browser's, a page's, Node.js's), used as given.
    ///
    /// See [`resolve_endpoint`](crate::resolve_endpoint). The connection sends nothing of its
    /// own: it works with endpoints that have no `Browser` or `Target` domain (Node.js has
    /// `Runtime`, `Debugger`, `Profiler` and `HeapProfiler`), and [`close`](Self::close) only
    /// closes the WebSocket. Page and target helpers need the browser's domains.
    #[cfg(feature = "websocket")]
    pub fn connect(endpoint: &str) -> Result<Self, Error> {
        let transport = crate::websocket::WebSocketTransport::connect(endpoint, DEFAULT_TIMEOUT)?;
        Self::start(transport, None)
    }

    /// Launches a browser with `--remote-debugging-port=0` and connects to it over WebSocket.
    #[cfg(feature = "websocket")]
    pub fn launch_websocket(options: &LaunchOptions) -> Result<Self, Error> {
        let (browser, url) = BrowserProcess::launch_with_port(options)?;
        let transport =
            crate::websocket::WebSocketTransport::connect(&url, options.startup_timeout)?;
        Self::with_browser(transport, browser)
    }

    /// How long calls wait for their answers.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sets how long calls wait for their answers (default [`DEFAULT_TIMEOUT`]).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Sets how many unread events each new subscription holds (default
    /// [`DEFAULT_CAPACITY`]).
    pub fn set_event_capacity(&mut self, capacity: usize) {
        self.capacity = capacity.max(1);
    }

    /// Starts a drift report: from now on, every message is decoded noting what the bindings
    /// do not know (unknown event methods, fields and enum values, events that do not
    /// decode). See [`cdp_runtime::DriftReport`].
    pub fn report_drift(&self) {
        self.shared.report_drift();
    }

    /// The drift report so far, once [`report_drift`](Self::report_drift) was called.
    pub fn drift(&self) -> Option<cdp_runtime::DriftReport> {
        self.shared.drift()
    }

    /// The browser this connection launched, if it did.
    pub fn browser(&self) -> Option<BrowserInfo> {
        router::lock(&self.shared.browser)
            .as_ref()
            .map(BrowserInfo::of)
    }

    /// Sends a command to the browser and waits for its typed answer.
    pub fn call<C: Command>(&self, params: &C) -> Result<C::Response, Error> {
        self.call_with(None, params, self.timeout)
    }

    /// Sends a command on a session (a page attached with `flatten: true`) and waits for its
    /// typed answer.
    pub fn call_on<C: Command>(&self, session_id: &str, params: &C) -> Result<C::Response, Error> {
        self.call_with(Some(session_id), params, self.timeout)
    }

    /// Sends a command, on a session or not, and waits up to `timeout` for its answer.
    ///
    /// When the answer does not come in time, the call fails with [`Error::Timeout`] and its
    /// late answer, if it ever comes, is dropped.
    pub fn call_with<C: Command>(
        &self,
        session_id: Option<&str>,
        params: &C,
        timeout: Duration,
    ) -> Result<C::Response, Error> {
        call(&self.shared, session_id, params, timeout)
    }

    /// The events of type `T` on every session: one event (`page::LoadEventFiredEvent`), one
    /// domain's events (`page::Event`) or every event (the root `Event`). See
    /// [`Subscription`].
    pub fn subscribe<T>(&self) -> Subscription<T>
    where
        T: EventOf<E> + Clone + Send + 'static,
    {
        subscribe_to(&self.shared, None, self.capacity)
    }

    /// The events of type `T` on one session.
    pub fn subscribe_on<T>(&self, session_id: &str) -> Subscription<T>
    where
        T: EventOf<E> + Clone + Send + 'static,
    {
        subscribe_to(&self.shared, Some(session_id.to_owned()), self.capacity)
    }

    /// The next event of the connection's own queue, waiting up to `timeout`.
    ///
    /// A message that could not be decoded is returned as [`Error::Decode`], a response
    /// that answers no request as [`Error::UnexpectedResponse`], and events lost because the
    /// queue was full as [`Error::Lagged`], in their place in the order; the connection stays
    /// usable ([`Error::is_bad_message`]).
    pub fn next_event(&mut self, timeout: Duration) -> Result<SessionEvent<E>, Error> {
        if self.held_missed > 0 {
            let missed = std::mem::take(&mut self.held_missed);
            return Err(Error::Lagged { missed });
        }
        if let Some(event) = self.held.pop_front() {
            return event;
        }
        own(self.events.recv_timeout(timeout), "an event")
    }

    /// The next event if one is queued or has already arrived, without waiting.
    pub fn try_next_event(&mut self) -> Result<Option<SessionEvent<E>>, Error> {
        match self.next_event(Duration::ZERO) {
            Ok(event) => Ok(Some(event)),
            Err(err) if err.is_timeout() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Waits up to `timeout` for the first event of the connection's own queue for which
    /// `matches` returns `Some`, and returns that. Other events stay queued, in order, for
    /// [`next_event`](Connection::next_event).
    ///
    /// A message that could not be decoded ends the wait with [`Error::Decode`], a response
    /// that answers no request with [`Error::UnexpectedResponse`], and events lost because the
    /// queue was full with [`Error::Lagged`].
    ///
    /// An event that arrived before the command meant to cause it (a `Page.loadEventFired`
    /// of an earlier navigation) matches too: to wait for the effect of one command, subscribe
    /// before sending it, or use [`Page::goto`].
    pub fn wait_for_event<T>(
        &mut self,
        timeout: Duration,
        mut matches: impl FnMut(&SessionEvent<E>) -> Option<T>,
    ) -> Result<T, Error> {
        let deadline = Instant::now() + timeout;
        let mut index = 0;
        while index < self.held.len() {
            let found = match &self.held[index] {
                Ok(event) => matches(event),
                Err(_) => None,
            };
            if let Some(found) = found {
                self.held.remove(index);
                return Ok(found);
            }
            if self.held[index].is_err() {
                if let Some(Err(err)) = self.held.remove(index) {
                    return Err(err);
                }
            }
            index += 1;
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = own(self.events.recv_timeout(left), "a matching event")?;
            match matches(&event) {
                Some(found) => return Ok(found),
                None => {
                    if self.held.len() >= OWN_CAPACITY {
                        self.held.pop_front();
                        self.held_missed += 1;
                    }
                    self.held.push_back(Ok(event));
                }
            }
        }
    }

    /// Opens a new page on `about:blank` and attaches a flattened session to it
    /// (`Target.createTarget`, then `Target.attachToTarget` with `flatten: true`).
    ///
    /// Set up its domains on its session ([`Session::call`]) before navigating, or use
    /// [`Page::goto`], so that no early event is missed.
    pub fn new_page(&self) -> Result<Page<E>, Error> {
        let target_id = self
            .call(&CreateTargetParams::new("about:blank"))?
            .target_id;
        Ok(Page::new(self.attach(&target_id)?))
    }

    /// Attaches a flattened session to the target `target_id`: a page, a frame in a process
    /// of its own, a worker, a service worker (`Target.attachToTarget` with `flatten: true`).
    /// Target ids come from [`targets`](Connection::targets), or from the bindings' own
    /// `TargetId` through [`Newtype::convert`](cdp_runtime::Newtype::convert).
    ///
    /// The session has the connection's timeout and event capacity. To attach to a page's
    /// children as they start, so that none of their events is missed, use
    /// [`Session::auto_attach`].
    pub fn attach(&self, target_id: &TargetId) -> Result<Session<E>, Error> {
        let session_id = self
            .call(&AttachToTargetParams::new(target_id.clone()).flatten(true))?
            .session_id;
        Ok(Session::new(
            Arc::clone(&self.shared),
            target_id.clone(),
            session_id,
            None,
            self.timeout,
            self.capacity,
        ))
    }

    /// The browser's targets as they are created, change and go, starting with those there
    /// already (`Target.setDiscoverTargets`, and `Target.getTargets` for those there). See
    /// [`Targets`].
    ///
    /// Fails with [`Error::Protocol`] on an endpoint without a `Target` domain (Node.js).
    pub fn targets(&self) -> Result<Targets, Error> {
        let queue = Queue::new(self.capacity);
        self.shared.watch(Box::new(Filter {
            queue: Arc::clone(&queue),
            session_id: None,
        }));
        // Subscribed first: no target created from now on is missed.
        let targets = Targets::new(queue);
        self.call(&SetDiscoverTargetsParams::new(true))?;
        let there = self.call(&GetTargetsParams::new())?.target_infos;
        Ok(targets.there_already(there))
    }

    /// Closes the connection. When it launched the browser, asks it to close
    /// (`Browser.close`), waits up to 5 s for it to exit, kills what is left and removes the
    /// temporary profile, reporting a profile that could not be removed.
    ///
    /// Returns how the browser exited: `None` when the connection did not launch it (or its
    /// status is unknown). A browser that closed by itself exited with a status of its own; one
    /// that had to be killed shows SIGKILL.
    ///
    /// Calls still waiting for their answers (on this connection's pages, from other threads)
    /// and subscriptions still open end at once, before the browser is asked to close, with
    /// [`Error::Closed`] ("the connection was closed"): none waits for the browser's shutdown.
    pub fn close(self) -> Result<Option<ExitStatus>, Error> {
        let browser = router::lock(&self.shared.browser).take();
        self.shared.shut_down(Error::Closed {
            reason: "the connection was closed".into(),
        });
        match browser {
            None => Ok(None),
            Some(mut browser) => {
                // The browser may be gone already; it is killed below in any case.
                let asked = self
                    .shared
                    .send_unanswered(&crate::protocol::browser::CloseParams::new(), CLOSE_GRACE);
                if asked.is_ok() {
                    browser.wait_for_exit(CLOSE_GRACE);
                }
                browser.close()
            }
        }
    }

    /// A handle for a signal handler: it kills the browser this connection launched and
    /// removes its temporary profile, from any thread, even while the connection is in use.
    /// See [`CleanupHandle`], which shows its use with the `ctrlc` crate.
    pub fn cleanup_handle(&self) -> CleanupHandle {
        CleanupHandle::new(
            router::lock(&self.shared.browser)
                .as_ref()
                .map(BrowserProcess::kill_handle),
        )
    }
}

/// Sends a command and waits on this thread for its typed answer.
pub(crate) fn call<E, C>(
    shared: &Shared<E>,
    session_id: Option<&str>,
    params: &C,
    timeout: Duration,
) -> Result<C::Response, Error>
where
    E: EventSet + Send + 'static,
    C: Command,
{
    let deadline = Instant::now() + timeout;
    let (answered, answer) = mpsc::sync_channel(1);
    let id = shared.send(
        session_id,
        params,
        timeout,
        Box::new(move |response| {
            // The caller may have given up already.
            let _ = answered.send(response);
        }),
    )?;
    let left = deadline.saturating_duration_since(Instant::now());
    let response = match answer.recv_timeout(left) {
        Ok(response) => response,
        Err(RecvTimeoutError::Timeout) => {
            shared.forget(id);
            // The answer may have come while the call gave up.
            match answer.try_recv() {
                Ok(response) => response,
                Err(_) => {
                    return Err(Error::Timeout {
                        waiting_for: format!("the response to `{}` (id {id})", C::METHOD),
                        after: timeout,
                    })
                }
            }
        }
        Err(RecvTimeoutError::Disconnected) => Err(shared.ended().unwrap_or(Error::Closed {
            reason: "the connection was closed".into(),
        })),
    };
    router::typed::<C>(response)
}

/// A new subscription of `shared` to the events of type `T`.
pub(crate) fn subscribe_to<E, T>(
    shared: &Shared<E>,
    session_id: Option<String>,
    capacity: usize,
) -> Subscription<T>
where
    E: EventSet + Send + 'static,
    T: EventOf<E> + Clone + Send + 'static,
{
    let queue = Queue::new(capacity);
    shared.subscribe(Box::new(Filter {
        queue: Arc::clone(&queue),
        session_id,
    }));
    Subscription::new(queue)
}

/// An event of the connection's own queue, or what stands in its place, as an [`Error`].
fn own<E>(
    received: Result<SessionEvent<E>, RecvError>,
    waiting_for: &str,
) -> Result<SessionEvent<E>, Error> {
    received.map_err(|err| match err {
        RecvError::Lagged { missed } => Error::Lagged { missed },
        RecvError::Ended(err) | RecvError::BadMessage(err) => err,
        RecvError::Timeout(after) => Error::Timeout {
            waiting_for: waiting_for.into(),
            after,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::browser::GetVersionParams;
    use crate::protocol::target::CreateTargetParams;
    use crate::LaunchOptions;
    use crate::RecvError;
    use cdp_runtime::UnknownEvent;
    use cdp_runtime::{ClientError, Envelope};

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
                Item::Fail(crate::not_utf8(
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

    #[test]
    fn a_subscription_that_outlives_its_connection_ends() {
        let connection = connection(|id| vec![version(id)]);
        let events = connection.subscribe::<UnknownEvent>();
        drop(connection);
        match events.recv_timeout(Duration::from_secs(1)) {
            Err(RecvError::Ended(err)) => assert_eq!(
                err.to_string(),
                "the connection is closed: the connection was dropped"
            ),
            other => panic!("expected the end, got {other:?}"),
        }
    }

    #[test]
    fn events_beyond_the_capacity_are_dropped_oldest_first_and_counted() {
        let mut connection = connection(|id| {
            let mut items: Vec<Item> = (0..10)
                .map(|n| {
                    Item::Text(format!(
                        r#"{{"method":"X.y","params":{{"n":{n}}},"sessionId":"S"}}"#
                    ))
                })
                .collect();
            items.push(version(id));
            items
        });
        connection.set_event_capacity(3);
        let on_s = connection.subscribe_on::<UnknownEvent>("S");
        let on_t = connection.subscribe_on::<UnknownEvent>("T");
        connection.call(&GetVersionParams::new()).unwrap();
        assert!(matches!(
            on_s.try_recv(),
            Err(RecvError::Lagged { missed: 7 })
        ));
        let kept: Vec<String> = (0..3)
            .map(|_| on_s.try_recv().unwrap().params.get().to_owned())
            .collect();
        assert_eq!(kept, [r#"{"n":7}"#, r#"{"n":8}"#, r#"{"n":9}"#]);
        assert!(matches!(on_t.try_recv(), Err(RecvError::Timeout(_))));
        // The connection's own queue keeps them all (its capacity is larger).
        for n in 0..10 {
            let event = connection.next_event(Duration::ZERO).unwrap();
            assert_eq!(event.params.get(), format!(r#"{{"n":{n}}}"#));
            assert_eq!(event.session_id.as_deref(), Some("S"));
        }
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
        let connection = Connection::<UnknownEvent>::new(Closed(TOO_LONG));
        let err = connection.call(&GetVersionParams::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("the connection is closed: {TOO_LONG}")
        );
    }

    #[test]
    fn a_connection_that_ends_keeps_its_reason_and_awaits_the_exit_once() {
        let browser = fake_browser("exec sleep 30");
        let mut connection =
            Connection::<UnknownEvent>::with_browser(Closed(TOO_LONG), browser).unwrap();
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
                assert!(took >= Duration::from_secs(2), "{took:?}");
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
        let connection = Connection::<UnknownEvent>::with_browser(Closed(reason), browser).unwrap();
        let err = connection.call(&GetVersionParams::new()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("the browser exited (exit status: 7): {reason}")
        );
    }
}
