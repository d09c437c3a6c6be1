//! The core of a connection, shared by the blocking and the async API: the requests waiting
//! for their answers, the subscriptions, and the reader thread that routes every message the
//! browser sends to one of them.
//!
//! One thread reads; any thread sends. A request is registered before it is sent, and a
//! subscription before the command whose events it wants, so no answer and no event can
//! arrive before the one waiting for it.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use cdp_runtime::{
    ClientError, Command, DriftReport, Envelope, EventOf, EventSet, Message, Response,
};

use crate::error::Error;
use crate::launch::BrowserProcess;
use crate::protocol;
use crate::queue::Queue;
use crate::sessions::{Sessions, SESSION_EVENTS};
use crate::{ReceiveHalf, SendHalf, SessionEvent};

/// How long the reader waits for a message before it looks whether it is to stop.
const STOP_POLL: Duration = Duration::from_millis(100);

/// How long a connection that ended waits for the browser it launched to exit, so that its
/// error can say how the browser exited.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// How many requests given up (timed out, or whose future was dropped) are remembered, so that
/// their late answers are recognised as such, and how many answered ones, so that a second
/// answer is told as such; beyond that, the oldest are forgotten (and a late answer to one of
/// those is reported as an answer to an id never sent, [`Error::UnexpectedResponse`]).
const MAX_REMEMBERED: usize = 1024;

/// The events the transport itself watches for, whatever bindings the connection decodes
/// with: a page's navigations, its requests (for a navigation that waits for the network to
/// be idle) and its end.
const WATCHED: &[&str] = &[
    "Page.lifecycleEvent",
    "Network.requestWillBeSent",
    "Network.loadingFinished",
    "Network.loadingFailed",
    "Target.detachedFromTarget",
    "Target.targetCrashed",
    "Inspector.detached",
    "Inspector.targetCrashed",
    // For `Connection::targets`.
    "Target.targetCreated",
    "Target.targetInfoChanged",
    "Target.targetDestroyed",
];

/// What is called with the answer to a request, or with why none will come.
pub(crate) type Completion = Box<dyn FnOnce(Result<Response, Error>) + Send>;

/// A receiver of events of the set `E`.
pub(crate) trait Subscriber<E>: Send {
    /// Offers an event; returns `false` once the subscriber has gone.
    fn offer(&self, session_id: Option<&str>, event: &E) -> bool;
    /// Offers a message that could not be used, with its method and session when known;
    /// returns `false` once the subscriber has gone.
    fn offer_bad(&self, session_id: Option<&str>, method: Option<&str>, error: &Error) -> bool;
    /// Ends the subscription with the connection's end, or its session's.
    fn end(&self, error: &Error);
    /// The one session the subscriber listens to, if it listens to one: it ends with it.
    fn session_id(&self) -> Option<&str> {
        None
    }
}

/// A subscription to the events of type `T`, on one session or on all.
pub(crate) struct Filter<T> {
    pub(crate) queue: Arc<Queue<SessionEvent<T>>>,
    pub(crate) session_id: Option<String>,
}

impl<T> Filter<T> {
    fn wants(&self, session_id: Option<&str>) -> bool {
        self.session_id.is_none() || self.session_id.as_deref() == session_id
    }
}

impl<E, T> Subscriber<E> for Filter<T>
where
    T: EventOf<E> + Clone + Send,
{
    fn offer(&self, session_id: Option<&str>, event: &E) -> bool {
        match T::from_set(event) {
            Some(event) if self.wants(session_id) => self.queue.push(Ok(SessionEvent {
                session_id: session_id.map(str::to_owned),
                event: event.clone(),
            })),
            _ => !self.queue.is_unsubscribed(),
        }
    }

    fn offer_bad(&self, session_id: Option<&str>, method: Option<&str>, error: &Error) -> bool {
        // A message whose method is unknown concerns only those who take every event.
        let concerned = match method {
            Some(method) => T::accepts(method),
            None => T::accepts(""),
        };
        if concerned && (session_id.is_none() || self.wants(session_id)) {
            self.queue.push(Err(error.duplicate()))
        } else {
            !self.queue.is_unsubscribed()
        }
    }

    fn end(&self, error: &Error) {
        self.queue.end(error.duplicate());
    }

    fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }
}

pub(crate) struct State<E> {
    pub(crate) pending: HashMap<u64, (&'static str, Completion)>,
    /// Requests whose answers nobody waits for any more.
    forgotten: BTreeSet<u64>,
    /// Requests answered lately, to tell a second answer from one to an id never sent.
    answered: BTreeSet<u64>,
    pub(crate) subscribers: Vec<Box<dyn Subscriber<E>>>,
    /// The transport's own subscribers, to the events it watches ([`WATCHED`]).
    watchers: Vec<Box<dyn Subscriber<protocol::Event>>>,
    /// Why the connection ended, once it has.
    pub(crate) ended: Option<Error>,
    /// The sessions the connection knows of (see `sessions.rs`).
    pub(crate) sessions: Sessions,
}

/// What the blocking and async connections share.
pub(crate) struct Shared<E> {
    pub(crate) state: Mutex<State<E>>,
    sender: Mutex<Box<dyn SendHalf>>,
    /// The browser the connection launched, if it did: errors say how it exited, and dropping
    /// the last handle kills it.
    pub(crate) browser: Mutex<Option<BrowserProcess>>,
    next_id: AtomicU64,
    stop: AtomicBool,
    /// Whether the browser's exit was awaited once already: later errors only look.
    exit_awaited: AtomicBool,
    /// What the browser sent that the bindings do not know, once asked for.
    drift: Mutex<Option<DriftReport>>,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing is left half-done under these locks by a panic that matters to the others.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<E: EventSet + Send + 'static> Shared<E> {
    /// Starts the reader thread on `receiver`; messages are sent through `sender`.
    pub(crate) fn start(
        sender: Box<dyn SendHalf>,
        receiver: Box<dyn ReceiveHalf>,
        browser: Option<BrowserProcess>,
    ) -> Result<Arc<Self>, Error> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                pending: HashMap::new(),
                forgotten: BTreeSet::new(),
                answered: BTreeSet::new(),
                subscribers: Vec::new(),
                watchers: Vec::new(),
                ended: None,
                sessions: Sessions::default(),
            }),
            sender: Mutex::new(sender),
            browser: Mutex::new(browser),
            next_id: AtomicU64::new(1),
            stop: AtomicBool::new(false),
            exit_awaited: AtomicBool::new(false),
            drift: Mutex::new(None),
        });
        // The reader holds the core weakly: dropping the last handle stops it.
        let weak = Arc::downgrade(&shared);
        std::thread::Builder::new()
            .name("cdp-transport reader".into())
            .spawn(move || read(weak, receiver))
            .map_err(|err| Error::io("starting the connection's reader thread", err))?;
        Ok(shared)
    }

    /// Registers `subscriber`, unless the connection has ended: then it is ended at once.
    pub(crate) fn subscribe(&self, subscriber: Box<dyn Subscriber<E>>) {
        let mut state = lock(&self.state);
        let session_ended = subscriber
            .session_id()
            .and_then(|session| state.sessions.ended(session));
        match session_ended.or_else(|| state.ended.as_ref().map(Error::duplicate)) {
            Some(err) => subscriber.end(&err),
            None => state.subscribers.push(subscriber),
        }
    }

    /// Registers one of the transport's own subscribers.
    pub(crate) fn watch(&self, watcher: Box<dyn Subscriber<protocol::Event>>) {
        let mut state = lock(&self.state);
        match &state.ended {
            Some(err) => watcher.end(err),
            None => state.watchers.push(watcher),
        }
    }

    /// Sends a command, having registered `done` for its answer. Returns its id.
    pub(crate) fn send<C: Command>(
        &self,
        session_id: Option<&str>,
        params: &C,
        timeout: Duration,
        done: Completion,
    ) -> Result<u64, Error> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let text = cdp_runtime::try_encode_request(id, session_id, params).map_err(|source| {
            Error::Encode {
                method: C::METHOD,
                source,
            }
        })?;
        {
            let mut state = lock(&self.state);
            if let Some(err) = &state.ended {
                return Err(err.duplicate());
            }
            if let Some(session) = session_id {
                // A call on a session that ended fails at once, with the reason.
                if let Some(err) = state.sessions.ended(session) {
                    return Err(err);
                }
                let State {
                    pending, sessions, ..
                } = &mut *state;
                sessions.sent(session, id, |id| pending.contains_key(id));
            }
            state.pending.insert(id, (C::METHOD, done));
        }
        let sent = lock(&self.sender).send(&text, timeout);
        if let Err(err) = sent {
            let mut state = lock(&self.state);
            state.pending.remove(&id);
            return Err(match err {
                Error::Timeout { waiting_for, after } => {
                    // It may still go out (a WebSocket keeps what it could not write yet):
                    // then its answer is a late one.
                    remember(&mut state.forgotten, id);
                    Error::Timeout {
                        waiting_for: format!("{waiting_for}, to send `{}` (id {id})", C::METHOD),
                        after,
                    }
                }
                err => match state.ended.as_ref().map(Error::duplicate) {
                    Some(ended) => ended,
                    None => {
                        drop(state);
                        self.explain(err)
                    }
                },
            });
        }
        Ok(id)
    }

    /// Forgets the request `id`: nobody waits for its answer any more, which is dropped when
    /// it comes.
    pub(crate) fn forget(&self, id: u64) {
        let mut state = lock(&self.state);
        if state.pending.remove(&id).is_some() {
            remember(&mut state.forgotten, id);
        }
    }

    /// Sends a command whose answer nobody waits for, even once the connection has ended:
    /// `Browser.close`, when [`close`](crate::Connection::close) has ended every call already.
    pub(crate) fn send_unanswered<C: Command>(
        &self,
        params: &C,
        timeout: Duration,
    ) -> Result<(), Error> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let text =
            cdp_runtime::try_encode_request(id, None, params).map_err(|source| Error::Encode {
                method: C::METHOD,
                source,
            })?;
        // Its answer, should the reader still see it, is expected and dropped.
        remember(&mut lock(&self.state).forgotten, id);
        lock(&self.sender).send(&text, timeout)
    }

    /// Stops the reader; every request and subscription ends with `error`.
    pub(crate) fn shut_down(&self, error: Error) {
        self.stop.store(true, Ordering::Relaxed);
        self.end(error);
    }

    /// Whether the connection has ended.
    pub(crate) fn ended(&self) -> Option<Error> {
        lock(&self.state).ended.as_ref().map(Error::duplicate)
    }

    /// How many requests wait for their answers.
    pub(crate) fn pending_count(&self) -> usize {
        lock(&self.state).pending.len()
    }

    /// Starts noting drift in every message from now on.
    pub(crate) fn report_drift(&self) {
        lock(&self.drift).get_or_insert_with(DriftReport::default);
    }

    /// The drift noted so far, once asked for.
    pub(crate) fn drift(&self) -> Option<DriftReport> {
        lock(&self.drift).clone()
    }

    /// Routes one message.
    fn dispatch(&self, text: &str) {
        let decoded = match lock(&self.drift).as_mut() {
            Some(drift) => drift.decode::<E>(text),
            None => E::decode_message(text),
        };
        match decoded {
            Ok(Message::Response(response)) => self.answer(response, text),
            Ok(Message::Event { session_id, event }) => {
                let watched = WATCHED.contains(&event.method());
                let tracked = SESSION_EVENTS.contains(&event.method());
                let mut state = lock(&self.state);
                let session = session_id.as_deref();
                state
                    .subscribers
                    .retain(|subscriber| subscriber.offer(session, &event));
                if watched && !state.watchers.is_empty() {
                    if let Ok(Message::Event { event, .. }) =
                        <protocol::Event as EventSet>::decode_message(text)
                    {
                        state
                            .watchers
                            .retain(|watcher| watcher.offer(session, &event));
                    }
                }
                if tracked {
                    drop(state);
                    self.track(text);
                }
            }
            Err(error) => {
                // A session's start or end that these bindings cannot read counts all the same.
                let tracked = Envelope::probe(text)
                    .method
                    .is_some_and(|method| SESSION_EVENTS.contains(&method.as_str()));
                self.undecodable(text, error);
                if tracked {
                    self.track(text);
                }
            }
        }
    }

    /// A message that could not be decoded (`text`, as far as it is text): it fails at once
    /// the call it answers, when one waits for it, with the reason; otherwise it goes to the
    /// subscribers it concerns.
    fn undecodable(&self, text: &str, error: cdp_runtime::DecodeError) {
        let envelope = Envelope::probe(text);
        let error = Error::Decode(error);
        if let Some(id) = envelope.id {
            let mut state = lock(&self.state);
            if let Some((_, done)) = state.pending.remove(&id) {
                drop(state);
                // Its answer came, and is broken: waiting on would only time out.
                return done(Err(error));
            }
            // The late answer came, broken: it is reported, not dropped.
            state.forgotten.remove(&id);
        }
        self.bad(None, envelope.method.as_deref(), &error);
    }

    /// Hands a response to the request it answers.
    fn answer(&self, response: Response, text: &str) {
        let mut state = lock(&self.state);
        if let Some((_, done)) = state.pending.remove(&response.id) {
            remember(&mut state.answered, response.id);
            drop(state);
            return done(Ok(response));
        }
        if state.forgotten.remove(&response.id) {
            return;
        }
        let (id, raw) = (response.id, text.to_owned());
        let error = Error::UnexpectedResponse(if state.answered.contains(&id) {
            ClientError::DuplicateId { id, raw }
        } else {
            ClientError::UnknownId { id, raw }
        });
        drop(state);
        self.bad(response.session_id.as_deref(), None, &error);
    }

    /// Tells the subscribers a message concerns that it could not be used.
    fn bad(&self, session_id: Option<&str>, method: Option<&str>, error: &Error) {
        let mut state = lock(&self.state);
        state
            .subscribers
            .retain(|subscriber| subscriber.offer_bad(session_id, method, error));
    }

    /// Turns a closed transport into the browser's exit, with its status and its last words,
    /// when this connection launched it.
    fn explain(&self, err: Error) -> Error {
        let Error::Closed { reason } = err else {
            return err;
        };
        let mut browser = lock(&self.browser);
        let Some(browser) = browser.as_mut() else {
            return Error::Closed { reason };
        };
        let status = if self.exit_awaited.swap(true, Ordering::Relaxed) {
            browser.poll_exit()
        } else {
            browser.wait_for_exit(EXIT_GRACE)
        };
        Error::BrowserExited {
            status,
            stderr: browser.stderr_tail(),
            reason,
        }
    }
}

impl<E> Shared<E> {
    /// Ends every request and subscription with `error`, once.
    fn end(&self, error: Error) {
        let mut state = lock(&self.state);
        if state.ended.is_some() {
            return;
        }
        let pending: Vec<_> = state.pending.drain().collect();
        for subscriber in state.subscribers.drain(..) {
            subscriber.end(&error);
        }
        for watcher in state.watchers.drain(..) {
            watcher.end(&error);
        }
        state.sessions.end_all(&error);
        state.ended = Some(error.duplicate());
        drop(state);
        for (_, (_, done)) in pending {
            done(Err(error.duplicate()));
        }
    }
}

impl<E> Drop for Shared<E> {
    /// The last handle is gone: subscriptions that outlive it end rather than wait forever.
    fn drop(&mut self) {
        self.end(Error::Closed {
            reason: "the connection was dropped".into(),
        });
    }
}

/// Remembers a request id in a set kept to the last [`MAX_REMEMBERED`] ids.
fn remember(ids: &mut BTreeSet<u64>, id: u64) {
    ids.insert(id);
    while ids.len() > MAX_REMEMBERED {
        ids.pop_first();
    }
}

/// The reader thread: routes every message until the transport closes or the connection is
/// dropped or closed.
fn read<E: EventSet + Send + 'static>(
    shared: std::sync::Weak<Shared<E>>,
    mut receiver: Box<dyn ReceiveHalf>,
) {
    loop {
        let received = receiver.receive(STOP_POLL);
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if shared.stop.load(Ordering::Relaxed) {
            return;
        }
        match received {
            Ok(None) => {}
            Ok(Some(text)) => shared.dispatch(&text),
            // One message that is not text (kept decoded lossily): undecodable, and the
            // transport goes on. A call it answers fails now, with the reason.
            Err(Error::Decode(error)) => {
                let text = error.raw().to_owned();
                shared.undecodable(&text, error);
            }
            Err(err) => {
                let err = shared.explain(err);
                shared.end(err);
                return;
            }
        }
    }
}

/// Decodes the typed result of `C` from its response.
pub(crate) fn typed<C: Command>(response: Result<Response, Error>) -> Result<C::Response, Error> {
    let response = response?;
    match response.result {
        Err(error) => Err(Error::Protocol {
            method: C::METHOD,
            error,
        }),
        Ok(_) => response.decode::<C>().map_err(Error::Decode),
    }
}
