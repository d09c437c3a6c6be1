//! [`Page`]: a page opened by a [`Connection`](crate::Connection), driven on its own session:
//! navigate and wait for that navigation, take a screenshot, evaluate an expression, close.
//!
//! What a page does is written once here, for the blocking [`Page`] and the async one alike:
//! the commands it sends and how it reads the events that tell a navigation's outcome.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cdp_runtime::{Command, EventOf, EventSet};
use serde::de::DeserializeOwned;

use crate::connection::{call, subscribe_to};
use crate::error::Error;
use crate::protocol::{inspector, page, runtime, target};
use crate::queue::{Queue, RecvError};
use crate::router::{Filter, Shared};
use crate::subscription::Subscription;
use crate::SessionEvent;

/// How many of the transport's own events a navigation keeps unread: a page sends a handful
/// per navigation.
const WATCH_CAPACITY: usize = 256;

/// A page with a flattened session attached to it, from
/// [`Connection::new_page`](crate::Connection::new_page).
///
/// It uses the transport's own generated commands (`cdp_transport::protocol`), whatever
/// bindings the connection decodes events with. Dropping it leaves the page open; the
/// connection's end closes it with the browser.
pub struct Page<E> {
    shared: Arc<Shared<E>>,
    target_id: target::TargetId,
    session_id: target::SessionId,
    timeout: Duration,
    capacity: usize,
    /// Whether `Page.enable` and lifecycle events were turned on for `goto`.
    lifecycle: AtomicBool,
}

impl<E> fmt::Debug for Page<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("target_id", &self.target_id.0)
            .field("session_id", &self.session_id.0)
            .finish_non_exhaustive()
    }
}

impl<E: EventSet + Clone + Send + 'static> Page<E> {
    pub(crate) fn new(
        shared: Arc<Shared<E>>,
        target_id: target::TargetId,
        session_id: target::SessionId,
        timeout: Duration,
        capacity: usize,
    ) -> Self {
        Page {
            shared,
            target_id,
            session_id,
            timeout,
            capacity,
            lifecycle: AtomicBool::new(false),
        }
    }

    /// The page's session id, as [`Connection::call_on`](crate::Connection::call_on) takes it.
    pub fn id(&self) -> &str {
        &self.session_id.0
    }

    /// The page (its target).
    pub fn target_id(&self) -> &target::TargetId {
        &self.target_id
    }

    /// The page's session.
    pub fn session_id(&self) -> &target::SessionId {
        &self.session_id
    }

    /// Sends a command on the page's session and waits for its typed answer.
    pub fn call<C: Command>(&self, params: &C) -> Result<C::Response, Error> {
        call(&self.shared, Some(self.id()), params, self.timeout)
    }

    /// The events of type `T` on the page's session. See [`Subscription`].
    pub fn subscribe<T>(&self) -> Subscription<T>
    where
        T: EventOf<E> + Clone + Send + 'static,
    {
        subscribe_to(&self.shared, Some(self.id().to_owned()), self.capacity)
    }

    /// Navigates the page to `url` and waits until that navigation has loaded (its `load`
    /// lifecycle event, matched by the navigation's loader: never an earlier navigation's
    /// event). A navigation within the document (a fragment) returns at once.
    ///
    /// Fails with [`Error::Navigation`] when the browser cannot load the URL
    /// (`net::ERR_CONNECTION_REFUSED`), or the page crashes or goes away while it loads, and
    /// with [`Error::Timeout`] after the connection's timeout.
    pub fn goto(&self, url: &str) -> Result<(), Error> {
        if !self.lifecycle.swap(true, Ordering::Relaxed) {
            let on = self
                .call(&page::EnableParams::new())
                .and_then(|_| self.call(&page::SetLifecycleEventsEnabledParams::new(true)));
            if let Err(err) = on {
                self.lifecycle.store(false, Ordering::Relaxed);
                return Err(err);
            }
        }
        let deadline = Instant::now() + self.timeout;
        // Before the command, so that no event of this navigation is missed.
        let watch = Watch::start(&self.shared, self, url);
        let navigated = self.call(&page::NavigateParams::new(url))?;
        let Some(loader) = watch.loader(navigated)? else {
            return Ok(());
        };
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let event = watch.queue.recv(Some(left));
            if let Some(outcome) = watch.outcome(&loader, event, self.timeout) {
                return outcome;
            }
        }
    }

    /// A PNG image of the page's viewport (`Page.captureScreenshot`).
    pub fn screenshot(&self) -> Result<Vec<u8>, Error> {
        Ok(self
            .call(&page::CaptureScreenshotParams::new())?
            .data
            .into())
    }

    /// Evaluates `expression` in the page (awaiting it when it is a promise) and decodes its
    /// value as `T`.
    ///
    /// Fails with [`Error::Evaluation`] when the expression throws (with the exception's text
    /// and description) or its value does not decode as `T`.
    pub fn evaluate<T: DeserializeOwned>(&self, expression: &str) -> Result<T, Error> {
        evaluated(expression, self.call(&evaluation(expression)))
    }

    /// Closes the page (`Target.closeTarget`).
    pub fn close(self) -> Result<(), Error> {
        call(
            &self.shared,
            None,
            &target::CloseTargetParams::new(self.target_id.clone()),
            self.timeout,
        )
        .map(drop)
    }
}

/// The watch over one navigation: the transport's own events of the page, from before the
/// navigation is sent.
pub(crate) struct Watch {
    pub(crate) queue: Arc<Queue<SessionEvent<crate::protocol::Event>>>,
    url: String,
    target_id: String,
    session_id: String,
}

impl Watch {
    pub(crate) fn start<E: EventSet + Send + 'static, P: PageIds>(
        shared: &Shared<E>,
        page: &P,
        url: &str,
    ) -> Watch {
        let queue = Queue::new(WATCH_CAPACITY);
        // Every session: a page's end is told on the browser's (`Target.detachedFromTarget`).
        shared.watch(Box::new(Filter {
            queue: Arc::clone(&queue),
            session_id: None,
        }));
        Watch {
            queue,
            url: url.to_owned(),
            target_id: page.target().0.clone(),
            session_id: page.session().0.clone(),
        }
    }

    fn failed(&self, reason: impl Into<String>) -> Error {
        Error::Navigation {
            url: self.url.clone(),
            reason: reason.into(),
        }
    }

    /// The loader whose `load` ends the navigation; `None` for a navigation within the
    /// document, which is over already.
    pub(crate) fn loader(&self, navigated: page::NavigateReturns) -> Result<Option<String>, Error> {
        if let Some(reason) = navigated.error_text.filter(|text| !text.is_empty()) {
            return Err(self.failed(reason));
        }
        Ok(navigated.loader_id.map(|loader| loader.0))
    }

    /// What one received event says of the navigation: `None` while it goes on.
    pub(crate) fn outcome(
        &self,
        loader: &str,
        received: Result<SessionEvent<crate::protocol::Event>, RecvError>,
        timeout: Duration,
    ) -> Option<Result<(), Error>> {
        use crate::protocol::Event;
        let event = match received {
            Ok(event) => event,
            // Lifecycle events are few; a lag costs those of other pages.
            Err(RecvError::Lagged { .. } | RecvError::BadMessage(_)) => return None,
            Err(RecvError::Ended(err)) => return Some(Err(err)),
            Err(RecvError::Timeout(_)) => {
                return Some(Err(Error::Timeout {
                    waiting_for: format!("{} to load", self.url),
                    after: timeout,
                }))
            }
        };
        let ours = event.session_id.as_deref() == Some(self.session_id.as_str());
        match &event.event {
            Event::Page(page::Event::LifecycleEvent(step))
                if ours && step.loader_id.0 == loader && step.name == "load" =>
            {
                Some(Ok(()))
            }
            Event::Inspector(inspector::Event::TargetCrashed(_)) if ours => {
                Some(Err(self.failed("the page crashed")))
            }
            Event::Inspector(inspector::Event::Detached(detached)) if ours => Some(Err(
                self.failed(format!("the page was detached: {}", detached.reason))
            )),
            Event::Target(target::Event::DetachedFromTarget(detached))
                if detached.session_id.0 == self.session_id =>
            {
                Some(Err(self.failed("the page was closed")))
            }
            Event::Target(target::Event::TargetCrashed(crashed))
                if crashed.target_id.0 == self.target_id =>
            {
                Some(Err(self.failed(format!(
                    "the page crashed ({}, code {})",
                    crashed.status, crashed.error_code
                ))))
            }
            _ => None,
        }
    }
}

/// The ids a navigation's watch needs of a page, blocking or async.
pub(crate) trait PageIds {
    fn target(&self) -> &target::TargetId;
    fn session(&self) -> &target::SessionId;
}

impl<E> PageIds for Page<E> {
    fn target(&self) -> &target::TargetId {
        &self.target_id
    }

    fn session(&self) -> &target::SessionId {
        &self.session_id
    }
}

/// `Runtime.evaluate` of `expression`, its value returned as JSON, a promise awaited.
pub(crate) fn evaluation(expression: &str) -> runtime::EvaluateParams {
    runtime::EvaluateParams::new(expression)
        .return_by_value(true)
        .await_promise(true)
}

/// The value of an evaluation, decoded as `T`, or the exception it threw.
pub(crate) fn evaluated<T: DeserializeOwned>(
    expression: &str,
    answer: Result<runtime::EvaluateReturns, Error>,
) -> Result<T, Error> {
    let answer = answer?;
    let failed = |reason: String| Error::Evaluation {
        expression: expression.to_owned(),
        reason,
    };
    if let Some(exception) = answer.exception_details {
        let description = exception
            .exception
            .and_then(|thrown| thrown.description)
            .map(|description| format!(": {}", description.lines().next().unwrap_or_default()))
            .unwrap_or_default();
        return Err(failed(format!("{}{description}", exception.text)));
    }
    if let Some(value) = answer.result.unserializable_value {
        return Err(failed(format!(
            "its value {} cannot be written in JSON",
            value.0
        )));
    }
    let value = answer.result.value.unwrap_or(serde_json::Value::Null);
    serde_json::from_value(value).map_err(|err| {
        failed(format!(
            "its value does not decode as {}: {err}",
            std::any::type_name::<T>()
        ))
    })
}
