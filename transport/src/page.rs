//! [`Page`]: a page opened by a [`Connection`](crate::Connection), driven on its own
//! [`Session`]: navigate and wait for that navigation, take a screenshot, evaluate an
//! expression, close.
//!
//! What a page does is written once, for the blocking [`Page`] and the async one alike: here
//! the evaluation of script, in `navigation.rs` how a navigation reads the events that tell
//! its outcome ([`GotoOptions`]), in `capture.rs` how a screenshot is asked for
//! ([`ScreenshotOptions`]).

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use cdp_runtime::EventSet;
use serde::de::DeserializeOwned;

use crate::capture::{ImageData, ScreenshotOptions};
use crate::connection::call;
use crate::error::Error;
use crate::navigation::{GotoOptions, Navigation, PageIds};
use crate::protocol::{network, page, runtime, target};
use crate::session::Session;

/// A page with a flattened session attached to it, from
/// [`Connection::new_page`](crate::Connection::new_page): a [`Session`] plus page verbs.
///
/// It dereferences to its [`Session`]: [`id`](Session::id), [`call`](Session::call),
/// [`subscribe`](Session::subscribe), [`auto_attach`](Session::auto_attach) (its frames and
/// workers) and the rest are the session's. When the page crashes or is closed, its session
/// ends ([`Error::SessionEnded`]).
///
/// It uses the transport's own generated commands (`cdp_transport::protocol`), whatever
/// bindings the connection decodes events with. Dropping it leaves the page open; the
/// connection's end closes it with the browser.
pub struct Page<E> {
    session: Session<E>,
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

impl<E: EventSet + Clone + Send + 'static> Page<E> {
    pub(crate) fn new(session: Session<E>) -> Self {
        Page {
            session,
            lifecycle: AtomicBool::new(false),
        }
    }

    /// The page's session (a page dereferences to it, too).
    pub fn session(&self) -> &Session<E> {
        &self.session
    }

    /// Navigates the page to `url` and waits until that navigation has loaded (its `load`
    /// lifecycle event, matched by the navigation's loader: never an earlier navigation's
    /// event), within the page's timeout. A navigation within the document (a fragment)
    /// returns at once. [`goto_with`](Page::goto_with) takes a timeout of its own, and waits
    /// for other moments.
    ///
    /// Fails with [`Error::Navigation`] when the browser cannot load the URL
    /// (`net::ERR_CONNECTION_REFUSED`), or the page crashes or goes away while it loads, and
    /// with [`Error::Timeout`] after the page's timeout.
    pub fn goto(&self, url: &str) -> Result<(), Error> {
        self.goto_with(url, &GotoOptions::new())
    }

    /// Navigates the page to `url` and waits as `options` say: for `load`,
    /// `DOMContentLoaded`, or the network to be idle ([`WaitUntil`](crate::WaitUntil)), within
    /// the options' timeout, which bounds the whole navigation, its commands included.
    ///
    /// ```no_run
    /// # #[cfg(feature = "pipe")]
    /// # fn main() -> Result<(), cdp_transport::Error> {
    /// use std::time::Duration;
    /// use cdp_transport::protocol::Event;
    /// use cdp_transport::{Connection, GotoOptions, LaunchOptions, WaitUntil};
    ///
    /// let connection = Connection::<Event>::launch(&LaunchOptions::new())?;
    /// let page = connection.new_page()?;
    /// let options = GotoOptions::new()
    ///     .wait_until(WaitUntil::NetworkIdle(Duration::from_millis(500)))
    ///     .timeout(Duration::from_secs(10));
    /// page.goto_with("http://127.0.0.1:8000/", &options)?;
    /// # Ok(())
    /// # }
    /// # #[cfg(not(feature = "pipe"))]
    /// # fn main() {}
    /// ```
    ///
    /// Fails with [`Error::Navigation`] when the browser cannot load the URL (naming the URL
    /// and the browser's reason, e.g. `net::ERR_NAME_NOT_RESOLVED`), or the page crashes or
    /// goes away while it loads, and with [`Error::Timeout`] when the timeout passes first
    /// (saying what it waited for; for network idle, a request still in flight). A navigation
    /// that timed out goes on in the browser.
    pub fn goto_with(&self, url: &str, options: &GotoOptions) -> Result<(), Error> {
        // Before any command, so that no event of this navigation is missed.
        let mut navigation = Navigation::start(&self.shared, self, url, options, self.timeout());
        if !self.lifecycle.swap(true, Ordering::Relaxed) {
            let on = self
                .call_with(&page::EnableParams::new(), navigation.left())
                .and_then(|_| {
                    self.call_with(
                        &page::SetLifecycleEventsEnabledParams::new(true),
                        navigation.left(),
                    )
                });
            if let Err(err) = on {
                self.lifecycle.store(false, Ordering::Relaxed);
                return Err(navigation.failed_command(err));
            }
        }
        if navigation.watches_network() {
            self.call_with(&network::EnableParams::new(), navigation.left())
                .map_err(|err| navigation.failed_command(err))?;
        }
        let navigated = self.call_with(&page::NavigateParams::new(url), navigation.left());
        if !navigation.navigated(navigated)? {
            return Ok(());
        }
        loop {
            let now = Instant::now();
            if let Some(outcome) = navigation.check(now) {
                return outcome;
            }
            let wait = navigation.wake_at().saturating_duration_since(now);
            let event = navigation.queue().recv(Some(wait));
            if let Some(outcome) = navigation.feed(event, Instant::now()) {
                return outcome;
            }
        }
    }

    /// A PNG image of the page's viewport (`Page.captureScreenshot`).
    pub fn screenshot(&self) -> Result<Vec<u8>, Error> {
        self.screenshot_with(&ScreenshotOptions::new())
    }

    /// An image of the page as `options` say: PNG, JPEG or WebP, of the viewport, of the full
    /// page (its size from `Page.getLayoutMetrics`, captured beyond the viewport) or of a
    /// clip.
    ///
    /// Fails with [`Error::InvalidOptions`], sending nothing, for options that cannot go
    /// together (see [`ScreenshotOptions`]).
    pub fn screenshot_with(&self, options: &ScreenshotOptions) -> Result<Vec<u8>, Error> {
        options.check()?;
        let content = match options.full_page {
            true => Some(
                self.call(&page::GetLayoutMetricsParams::new())?
                    .css_content_size,
            ),
            false => None,
        };
        self.call(&options.params(content.as_ref()))?
            .data
            .into_image()
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
