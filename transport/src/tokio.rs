//! The async API, for programs on tokio (feature `tokio`): the same connection, pages and
//! subscriptions as the blocking API, with `async` calls and [`Stream`]s of events.
//!
//! ```no_run
//! use cdp_runtime::UnknownEvent;
//! use cdp_transport::protocol::page::LoadEventFiredEvent;
//! use cdp_transport::protocol::Event;
//! use cdp_transport::tokio::Connection;
//! use cdp_transport::LaunchOptions;
//!
//! # async fn run() -> Result<(), cdp_transport::Error> {
//! // With generated bindings, use their root `Event`.
//! let browser = Connection::<Event>::launch(&LaunchOptions::new()).await?;
//! let page = browser.new_page().await?;
//! let mut loads = page.subscribe::<LoadEventFiredEvent>();
//! page.goto("http://127.0.0.1:8000/").await?;
//! let png = page.screenshot().await?;
//! let title: String = page.evaluate("document.title").await?;
//! if let Some(Ok(load)) = loads.recv().await {
//!     println!("{title}: loaded at {}, {} bytes of PNG", load.timestamp.0, png.len());
//! }
//! browser.close().await?;
//! # Ok(())
//! # }
//! ```
//!
//! `launch` needs the `pipe` feature too (on by default), `connect` and `launch_websocket` the
//! `websocket` feature (off by default).
//!
//! The connection's reader is a thread of its own, as in the blocking API: the runtime's
//! workers are never blocked waiting for the browser, and calls and streams are woken when
//! their answer or event arrives. Timeouts use tokio's timer: run them on a runtime with time
//! enabled (`#[tokio::main]` has it). Launching and closing, which wait for a process, run on
//! tokio's blocking threads.

use std::fmt;
use std::future::poll_fn;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use ::tokio::sync::oneshot;
use cdp_runtime::{Command, EventOf, EventSet, Response};
use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::capture::{ImageData, ScreenshotOptions};
use crate::connection::{BrowserInfo, DEFAULT_TIMEOUT};
use crate::error::Error;
#[cfg(any(feature = "pipe", feature = "websocket"))]
use crate::launch::LaunchOptions;
use crate::launch::{BrowserProcess, CleanupHandle};
use crate::navigation::{GotoOptions, Navigation, PageIds};
use crate::page::{evaluated, evaluation};
use crate::protocol::{network, page, target};
use crate::queue::{Queue, RecvError, DEFAULT_CAPACITY};
use crate::router::{self, Filter, Shared};
use crate::{SessionEvent, Transport};

mod session;

pub use session::{Attached, AutoAttach, Reply, Session, Targets};

/// How long [`Connection::close`] lets the browser shut down by itself before killing it.
const CLOSE_GRACE: Duration = Duration::from_secs(5);

/// A typed connection to a browser, for async code: the counterpart of
/// [`crate::Connection`], with the same guarantees (bounded queues, lag notices, every call
/// and stream ended when the connection ends).
///
/// Cloning it is cheap: every clone drives the same connection, from any task. Many calls can
/// be in flight at once; dropping a call's future forgets its request, and its answer, when it
/// comes, is dropped without an error. The browser the connection launched lives as long as
/// the last clone and the last [`Page`].
pub struct Connection<E> {
    shared: Arc<Shared<E>>,
    timeout: Duration,
    capacity: usize,
}

impl<E> Clone for Connection<E> {
    fn clone(&self) -> Self {
        Connection {
            shared: Arc::clone(&self.shared),
            timeout: self.timeout,
            capacity: self.capacity,
        }
    }
}

impl<E: EventSet + Send + 'static> fmt::Debug for Connection<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("timeout", &self.timeout)
            .field("pending_requests", &self.shared.pending_count())
            .finish_non_exhaustive()
    }
}

/// Runs a blocking step (a launch, a handshake, a process's exit) off the runtime's workers.
async fn blocking<T: Send + 'static>(
    step: impl FnOnce() -> Result<T, Error> + Send + 'static,
) -> Result<T, Error> {
    ::tokio::task::spawn_blocking(step)
        .await
        .unwrap_or_else(|err| {
            Err(Error::Closed {
                reason: format!("the task that waited for the browser failed: {err}"),
            })
        })
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

    fn start(transport: impl Transport, browser: Option<BrowserProcess>) -> Result<Self, Error> {
        let (sender, receiver) = transport.split();
        Ok(Connection {
            shared: Shared::start(sender, receiver, browser)?,
            timeout: DEFAULT_TIMEOUT,
            capacity: DEFAULT_CAPACITY,
        })
    }

    /// Launches a browser with `--remote-debugging-pipe` and connects to it.
    #[cfg(feature = "pipe")]
    pub async fn launch(options: &LaunchOptions) -> Result<Self, Error> {
        let options = options.clone();
        blocking(move || {
            let (transport, browser) = crate::pipe::PipeTransport::launch(&options)?;
            Self::start(transport, Some(browser))
        })
        .await
    }

    /// Connects over WebSocket to a running DevTools endpoint: a browser's or a single
    /// target's (Node.js's) HTTP endpoint, or any `ws://` address, as
    /// [`crate::Connection::connect`] describes.
    #[cfg(feature = "websocket")]
    pub async fn connect(endpoint: &str) -> Result<Self, Error> {
        let endpoint = endpoint.to_owned();
        blocking(move || {
            let transport =
                crate::websocket::WebSocketTransport::connect(&endpoint, DEFAULT_TIMEOUT)?;
            Self::start(transport, None)
        })
        .await
    }

    /// Launches a browser with `--remote-debugging-port=0` and connects to it over WebSocket.
    #[cfg(feature = "websocket")]
    pub async fn launch_websocket(options: &LaunchOptions) -> Result<Self, Error> {
        let options = options.clone();
        blocking(move || {
            let (browser, url) = BrowserProcess::launch_with_port(&options)?;
            let transport =
                crate::websocket::WebSocketTransport::connect(&url, options.startup_timeout)?;
            Self::start(transport, Some(browser))
        })
        .await
    }

    /// How long calls wait for their answers.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sets how long calls through this handle wait for their answers (default
    /// [`DEFAULT_TIMEOUT`]).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Sets how many unread events each new stream of this handle holds (default
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
    pub async fn call<C: Command>(&self, params: &C) -> Result<C::Response, Error> {
        call(&self.shared, None, params, self.timeout).await
    }

    /// Sends a command on a session and waits for its typed answer.
    pub async fn call_on<C: Command>(
        &self,
        session_id: &str,
        params: &C,
    ) -> Result<C::Response, Error> {
        call(&self.shared, Some(session_id), params, self.timeout).await
    }

    /// Sends a command, on a session or not, and waits up to `timeout` for its answer.
    pub async fn call_with<C: Command>(
        &self,
        session_id: Option<&str>,
        params: &C,
        timeout: Duration,
    ) -> Result<C::Response, Error> {
        call(&self.shared, session_id, params, timeout).await
    }

    /// A stream of the events of type `T` on every session: one event, one domain's events
    /// or every event. See [`EventStream`].
    pub fn subscribe<T>(&self) -> EventStream<T>
    where
        T: EventOf<E> + Clone + Send + 'static,
    {
        subscribe_to(&self.shared, None, self.capacity)
    }

    /// A stream of the events of type `T` on one session.
    pub fn subscribe_on<T>(&self, session_id: &str) -> EventStream<T>
    where
        T: EventOf<E> + Clone + Send + 'static,
    {
        subscribe_to(&self.shared, Some(session_id.to_owned()), self.capacity)
    }

    /// Opens a new page on `about:blank` and attaches a flattened session to it.
    pub async fn new_page(&self) -> Result<Page<E>, Error> {
        let target_id = self
            .call(&target::CreateTargetParams::new("about:blank"))
            .await?
            .target_id;
        Ok(Page {
            session: self.attach(&target_id).await?,
            lifecycle: AtomicBool::new(false),
        })
    }

    /// Closes the connection: as [`crate::Connection::close`]. Every call and stream still
    /// open, through any clone, page or session, ends at once, before the browser is asked to
    /// close, with [`Error::Closed`] ("the connection was closed").
    pub async fn close(self) -> Result<Option<ExitStatus>, Error> {
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
                blocking(move || {
                    if asked.is_ok() {
                        browser.wait_for_exit(CLOSE_GRACE);
                    }
                    browser.close()
                })
                .await
            }
        }
    }

    /// A handle for a signal handler: it kills the browser this connection launched and
    /// removes its temporary profile: as [`crate::Connection::cleanup_handle`].
    pub fn cleanup_handle(&self) -> CleanupHandle {
        CleanupHandle::new(
            router::lock(&self.shared.browser)
                .as_ref()
                .map(BrowserProcess::kill_handle),
        )
    }
}

/// Forgets a request whose future was dropped before its answer came.
struct Forget<'a, E: EventSet + Send + 'static> {
    shared: &'a Shared<E>,
    id: u64,
    armed: bool,
}

impl<E: EventSet + Send + 'static> Drop for Forget<'_, E> {
    fn drop(&mut self) {
        if self.armed {
            self.shared.forget(self.id);
        }
    }
}

/// Sends a command and waits, without blocking, for its typed answer.
async fn call<E, C>(
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
    let (answered, answer) = oneshot::channel::<Result<Response, Error>>();
    let id = shared.send(
        session_id,
        params,
        timeout,
        Box::new(move |response| {
            // The caller may have given up already.
            let _ = answered.send(response);
        }),
    )?;
    let mut forget = Forget {
        shared,
        id,
        armed: true,
    };
    let left = deadline.saturating_duration_since(Instant::now());
    let response = match ::tokio::time::timeout(left, answer).await {
        Ok(Ok(response)) => response,
        Ok(Err(_)) => Err(shared.ended().unwrap_or(Error::Closed {
            reason: "the connection was closed".into(),
        })),
        Err(_) => Err(Error::Timeout {
            waiting_for: format!("the response to `{}` (id {id})", C::METHOD),
            after: timeout,
        }),
    };
    // Answered, or ended with the connection: nothing to forget. Timed out: its answer is late.
    forget.armed = matches!(response, Err(Error::Timeout { .. }));
    router::typed::<C>(response)
}

fn subscribe_to<E, T>(
    shared: &Shared<E>,
    session_id: Option<String>,
    capacity: usize,
) -> EventStream<T>
where
    E: EventSet + Send + 'static,
    T: EventOf<E> + Clone + Send + 'static,
{
    let queue = Queue::new(capacity);
    shared.subscribe(Box::new(Filter {
        queue: Arc::clone(&queue),
        session_id,
    }));
    EventStream { queue, done: false }
}

/// A stream of the events of type `T`: the async counterpart of
/// [`crate::Subscription`], with the same bound and notices.
///
/// Each item is an event, or a notice in its place: [`RecvError::Lagged`] when the stream fell
/// behind and lost its oldest events, [`RecvError::BadMessage`] for a message of its kind that
/// could not be decoded. When the connection ends, the stream yields [`RecvError::Ended`] once
/// the events before the end are read, then ends. Dropping it stops the connection from
/// keeping events for it.
pub struct EventStream<T> {
    queue: Arc<Queue<SessionEvent<T>>>,
    done: bool,
}

impl<T> EventStream<T> {
    /// The next item, or `None` once the stream has ended.
    pub async fn recv(&mut self) -> Option<Result<SessionEvent<T>, RecvError>> {
        poll_fn(|cx| self.poll_item(cx)).await
    }

    /// How many events wait, unread.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether no event waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn poll_item(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<SessionEvent<T>, RecvError>>> {
        if self.done {
            return Poll::Ready(None);
        }
        self.queue.poll_recv(cx).map(|item| {
            self.done = matches!(item, Err(RecvError::Ended(_)));
            Some(item)
        })
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<SessionEvent<T>, RecvError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Nothing in it is pinned: the queue is shared through an `Arc`.
        self.get_mut().poll_item(cx)
    }
}

impl<T> Drop for EventStream<T> {
    fn drop(&mut self) {
        self.queue.unsubscribe();
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("unread", &self.len())
            .field("ended", &self.done)
            .finish()
    }
}

/// A page with a flattened session attached to it, for async code: the counterpart of
/// [`crate::Page`]. It dereferences to its [`Session`].
pub struct Page<E> {
    session: Session<E>,
    lifecycle: AtomicBool,
}

impl<E> Deref for Page<E> {
    type Target = Session<E>;

    fn deref(&self) -> &Session<E> {
        &self.session
    }
}

impl<E> DerefMut for Page<E> {
    fn deref_mut(&mut self) -> &mut Session<E> {
        &mut self.session
    }
}

impl<E> fmt::Debug for Page<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("target_id", &self.target_id.0)
            .field("session_id", &self.session_id.0)
            .finish_non_exhaustive()
    }
}

impl<E> PageIds for Page<E> {
    fn target(&self) -> &target::TargetId {
        &self.target_id
    }

    fn session(&self) -> &target::SessionId {
        &self.session_id
    }
}

impl<E: EventSet + Clone + Send + 'static> Page<E> {
    /// The page's session (a page dereferences to it, too).
    pub fn session(&self) -> &Session<E> {
        &self.session
    }

    /// Navigates the page to `url` and waits until that navigation has loaded, within the
    /// page's timeout: as [`crate::Page::goto`].
    pub async fn goto(&self, url: &str) -> Result<(), Error> {
        self.goto_with(url, &GotoOptions::new()).await
    }

    /// Navigates the page to `url` and waits as `options` say, within their timeout: as
    /// [`crate::Page::goto_with`].
    pub async fn goto_with(&self, url: &str, options: &GotoOptions) -> Result<(), Error> {
        // Before any command, so that no event of this navigation is missed.
        let mut navigation =
            Navigation::start(&self.connection.shared, self, url, options, self.timeout());
        if !self.lifecycle.swap(true, Ordering::Relaxed) {
            let enabled = self
                .call_with(&page::EnableParams::new(), navigation.left())
                .await;
            let on = match enabled {
                Ok(_) => self
                    .call_with(
                        &page::SetLifecycleEventsEnabledParams::new(true),
                        navigation.left(),
                    )
                    .await
                    .map(drop),
                Err(err) => Err(err),
            };
            if let Err(err) = on {
                self.lifecycle.store(false, Ordering::Relaxed);
                return Err(navigation.failed_command(err));
            }
        }
        if navigation.watches_network() {
            self.call_with(&network::EnableParams::new(), navigation.left())
                .await
                .map_err(|err| navigation.failed_command(err))?;
        }
        let navigated = self
            .call_with(&page::NavigateParams::new(url), navigation.left())
            .await;
        if !navigation.navigated(navigated)? {
            return Ok(());
        }
        loop {
            let now = Instant::now();
            if let Some(outcome) = navigation.check(now) {
                return outcome;
            }
            let wait = navigation.wake_at().saturating_duration_since(now);
            let next = poll_fn(|cx| navigation.queue().poll_recv(cx));
            // A wait that ends by the clock says nothing: `check` tells the time.
            let Ok(event) = ::tokio::time::timeout(wait, next).await else {
                continue;
            };
            if let Some(outcome) = navigation.feed(event, Instant::now()) {
                return outcome;
            }
        }
    }

    /// A PNG image of the page's viewport (`Page.captureScreenshot`).
    pub async fn screenshot(&self) -> Result<Vec<u8>, Error> {
        self.screenshot_with(&ScreenshotOptions::new()).await
    }

    /// An image of the page as `options` say: as [`crate::Page::screenshot_with`].
    pub async fn screenshot_with(&self, options: &ScreenshotOptions) -> Result<Vec<u8>, Error> {
        options.check()?;
        let content = match options.full_page {
            true => Some(
                self.call(&page::GetLayoutMetricsParams::new())
                    .await?
                    .css_content_size,
            ),
            false => None,
        };
        self.call(&options.params(content.as_ref()))
            .await?
            .data
            .into_image()
    }

    /// Evaluates `expression` in the page and decodes its value as `T`: as
    /// [`crate::Page::evaluate`].
    pub async fn evaluate<T: DeserializeOwned>(&self, expression: &str) -> Result<T, Error> {
        evaluated(expression, self.call(&evaluation(expression)).await)
    }

    /// Closes the page (`Target.closeTarget`).
    pub async fn close(self) -> Result<(), Error> {
        self.connection
            .call(&target::CloseTargetParams::new(self.target_id.clone()))
            .await
            .map(drop)
    }
}
