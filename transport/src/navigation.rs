//! Navigating a page and waiting as asked ([`GotoOptions`], [`WaitUntil`]): the options, and
//! the watch over one navigation that reads its outcome from the transport's own events,
//! written once for the blocking [`Page`](crate::Page) and the async one.
//!
//! A navigation is followed by its loader (`Page.navigate` names it): a lifecycle event of an
//! earlier navigation never ends a later one's wait. Waiting for the network to be idle counts
//! the requests of the page's session from before the navigation is sent
//! (`Network.requestWillBeSent`, then `Network.loadingFinished` or `Network.loadingFailed`),
//! and waits, once the page has loaded, until none has been in flight for the time asked.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cdp_runtime::EventSet;

use crate::error::Error;
use crate::protocol::{inspector, page, target, Event};
use crate::queue::{Queue, RecvError};
use crate::router::{Filter, Shared};
use crate::SessionEvent;

/// How many of the transport's own events a navigation keeps unread. It reads them as they
/// come; a page's requests may come in bursts of hundreds.
const WATCH_CAPACITY: usize = 4096;

/// What a navigation waits for before it returns: [`GotoOptions::wait_until`].
///
/// Each waits for the navigation's own events (matched by its loader), never an earlier
/// navigation's. A navigation within the document (to a fragment) is over at once, whatever
/// this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum WaitUntil {
    /// The page's `load` event: the document and its subresources (images, scripts, styles)
    /// have loaded. The default.
    #[default]
    Load,
    /// The `DOMContentLoaded` event: the document is parsed; subresources may still load.
    DomContentLoaded,
    /// The page has loaded (`load`), and then no request of the page has been in flight for
    /// this long: what a page fetches after its load (an XHR, a `fetch`, a lazy image) is done.
    ///
    /// The requests are those of the page's session (its document, its frames in the same
    /// process, its same-process workers), from before the navigation was sent; WebSockets
    /// are not requests. A page that keeps a request open (a long poll, an `EventSource`) is
    /// never idle: its navigation ends with its timeout. The first navigation that waits for
    /// this enables the `Network` domain on the page's session (`Network.enable`), which stays
    /// enabled.
    NetworkIdle(Duration),
}

/// How [`Page::goto_with`](crate::Page::goto_with) navigates: how long it may take and what it
/// waits for.
///
/// ```
/// use std::time::Duration;
/// use cdp_transport::{GotoOptions, WaitUntil};
///
/// let options = GotoOptions::new()
///     .wait_until(WaitUntil::NetworkIdle(Duration::from_millis(500)))
///     .timeout(Duration::from_secs(10));
/// assert_eq!(options.timeout, Some(Duration::from_secs(10)));
/// assert_eq!(GotoOptions::new().wait_until, WaitUntil::Load);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct GotoOptions {
    /// What to wait for; [`WaitUntil::Load`] by default.
    pub wait_until: WaitUntil,
    /// How long the whole navigation may take, its commands included; `None` (the default)
    /// for the page's timeout (the connection's when the page was opened,
    /// [`DEFAULT_TIMEOUT`](crate::DEFAULT_TIMEOUT) unless set).
    pub timeout: Option<Duration>,
}

impl GotoOptions {
    /// The defaults: wait for `load`, within the page's timeout.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets what to wait for.
    pub fn wait_until(mut self, wait_until: WaitUntil) -> Self {
        self.wait_until = wait_until;
        self
    }

    /// Sets how long the navigation may take, for this navigation only.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// The ids a navigation's watch needs of a page, blocking or async.
pub(crate) trait PageIds {
    fn target(&self) -> &target::TargetId;
    fn session(&self) -> &target::SessionId;
}

/// One navigation: its options and deadline, the watch over the page's events from before the
/// navigation is sent, and how far it has got.
pub(crate) struct Navigation {
    queue: Arc<Queue<SessionEvent<Event>>>,
    url: String,
    target_id: String,
    session_id: String,
    wait_until: WaitUntil,
    timeout: Duration,
    deadline: Instant,
    /// The navigation's loader, once `Page.navigate` has answered.
    loader: Option<String>,
    /// Whether its `load` came (for [`WaitUntil::NetworkIdle`]).
    loaded: bool,
    /// The page's requests in flight: their ids, and their URLs for the timeout's message.
    in_flight: HashMap<String, String>,
    /// Since when the network has been quiet, as far as the events seen tell.
    quiet_since: Instant,
}

impl Navigation {
    /// Starts watching the page's events for a navigation to `url`: call it before any command
    /// of the navigation. `timeout` is the page's, for options that name none.
    pub(crate) fn start<E: EventSet + Send + 'static, P: PageIds>(
        shared: &Shared<E>,
        page: &P,
        url: &str,
        options: &GotoOptions,
        timeout: Duration,
    ) -> Navigation {
        let queue = Queue::new(WATCH_CAPACITY);
        // Every session: a page's end is told on the browser's (`Target.detachedFromTarget`).
        shared.watch(Box::new(Filter {
            queue: Arc::clone(&queue),
            session_id: None,
        }));
        let timeout = options.timeout.unwrap_or(timeout);
        let now = Instant::now();
        Navigation {
            queue,
            url: url.to_owned(),
            target_id: page.target().0.clone(),
            session_id: page.session().0.clone(),
            wait_until: options.wait_until,
            timeout,
            // A timeout too large for the clock waits for ever, as good as.
            deadline: now
                .checked_add(timeout)
                .unwrap_or_else(|| now + Duration::from_secs(u32::MAX.into())),
            loader: None,
            loaded: false,
            in_flight: HashMap::new(),
            quiet_since: now,
        }
    }

    /// The queue of the watched events.
    pub(crate) fn queue(&self) -> &Queue<SessionEvent<Event>> {
        &self.queue
    }

    /// How long the navigation's next command may wait for its answer: what is left of its
    /// timeout.
    pub(crate) fn left(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Whether the navigation counts the page's requests: the `Network` domain must be on.
    pub(crate) fn watches_network(&self) -> bool {
        matches!(self.wait_until, WaitUntil::NetworkIdle(_))
    }

    /// The error of a command of the navigation: a command that timed out is the navigation
    /// that timed out.
    pub(crate) fn failed_command(&self, err: Error) -> Error {
        match err {
            Error::Timeout { waiting_for, .. } => {
                self.timed_out(&format!("{} ({waiting_for} did not come)", self.awaited()))
            }
            err => err,
        }
    }

    /// Takes the answer to `Page.navigate`. `Ok(false)` when the navigation is over already:
    /// it stayed within the document.
    ///
    /// Fails with [`Error::Navigation`] when the browser could not load the URL.
    pub(crate) fn navigated(
        &mut self,
        answer: Result<page::NavigateReturns, Error>,
    ) -> Result<bool, Error> {
        let navigated = answer.map_err(|err| self.failed_command(err))?;
        if let Some(reason) = navigated.error_text.filter(|text| !text.is_empty()) {
            return Err(self.failed(reason));
        }
        self.loader = navigated.loader_id.map(|loader| loader.0);
        Ok(self.loader.is_some())
    }

    /// The outcome, when the navigation is over by the clock: the network has been idle long
    /// enough, or the deadline has passed. `None` while it goes on.
    pub(crate) fn check(&self, now: Instant) -> Option<Result<(), Error>> {
        if let WaitUntil::NetworkIdle(quiet) = self.wait_until {
            if self.loaded
                && self.in_flight.is_empty()
                && now.saturating_duration_since(self.quiet_since) >= quiet
            {
                return Some(Ok(()));
            }
        }
        if now >= self.deadline {
            return Some(Err(self.timed_out(&self.awaited())));
        }
        None
    }

    /// When to look at the clock again ([`check`](Self::check)) if no event comes before.
    pub(crate) fn wake_at(&self) -> Instant {
        match self.wait_until {
            WaitUntil::NetworkIdle(quiet) if self.loaded && self.in_flight.is_empty() => self
                .quiet_since
                .checked_add(quiet)
                .map_or(self.deadline, |idle| idle.min(self.deadline)),
            _ => self.deadline,
        }
    }

    /// What one received event says of the navigation, received at `now`: `None` while it
    /// goes on. A wait that timed out says nothing: [`check`](Self::check) tells the time.
    pub(crate) fn feed(
        &mut self,
        received: Result<SessionEvent<Event>, RecvError>,
        now: Instant,
    ) -> Option<Result<(), Error>> {
        let event = match received {
            Ok(event) => event,
            Err(RecvError::Ended(err)) => return Some(Err(err)),
            Err(RecvError::Lagged { .. }) => {
                // Events were lost, requests' ends maybe: what is in flight is unknown. Start
                // the count again, from now.
                self.in_flight.clear();
                self.quiet_since = self.quiet_since.max(now);
                return None;
            }
            Err(RecvError::BadMessage(_) | RecvError::Timeout(_)) => return None,
        };
        let ours = event.session_id.as_deref() == Some(self.session_id.as_str());
        if let Some(ended) = self.ended(ours, &event.event) {
            return Some(Err(ended));
        }
        match &event.event {
            Event::Page(page::Event::LifecycleEvent(step))
                if ours && self.loader.as_deref() == Some(step.loader_id.0.as_str()) =>
            {
                match (self.wait_until, step.name.as_str()) {
                    (WaitUntil::Load, "load")
                    | (WaitUntil::DomContentLoaded, "DOMContentLoaded" | "load") => {
                        return Some(Ok(()))
                    }
                    (WaitUntil::NetworkIdle(_), "load") => {
                        self.loaded = true;
                        self.quiet_since = self.quiet_since.max(now);
                    }
                    _ => {}
                }
            }
            Event::Unknown(unknown) if ours && self.watches_network() => {
                self.count(&unknown.method, unknown.params.get(), now);
            }
            _ => {}
        }
        None
    }

    /// Counts one of the page's network events: a request that starts, or ends.
    fn count(&mut self, method: &str, params: &str, now: Instant) {
        let started = match method {
            "Network.requestWillBeSent" => true,
            "Network.loadingFinished" | "Network.loadingFailed" => false,
            _ => return,
        };
        // Only the request's id (and URL) are read: the rest of these events is large, and
        // the transport's bindings leave it out (see `protocol.select`).
        let Ok(params) = serde_json::from_str::<serde_json::Value>(params) else {
            return;
        };
        let Some(id) = params.get("requestId").and_then(|id| id.as_str()) else {
            return;
        };
        if started {
            // A redirect sends it again, for the same request: it is still one in flight.
            let url = params
                .pointer("/request/url")
                .and_then(|url| url.as_str())
                .unwrap_or_default();
            self.in_flight.insert(id.to_owned(), url.to_owned());
            self.quiet_since = now;
        } else if self.in_flight.remove(id).is_some() && self.in_flight.is_empty() {
            self.quiet_since = now;
        }
    }

    /// The page's end, when `event` tells it: it crashed, closed or was detached.
    fn ended(&self, ours: bool, event: &Event) -> Option<Error> {
        match event {
            Event::Inspector(inspector::Event::TargetCrashed(_)) if ours => {
                Some(self.failed("the page crashed"))
            }
            Event::Inspector(inspector::Event::Detached(detached)) if ours => {
                Some(self.failed(format!("the page was detached: {}", detached.reason)))
            }
            Event::Target(target::Event::DetachedFromTarget(detached))
                if detached.session_id.0 == self.session_id =>
            {
                Some(self.failed("the page was closed"))
            }
            Event::Target(target::Event::TargetCrashed(crashed))
                if crashed.target_id.0 == self.target_id =>
            {
                Some(self.failed(format!(
                    "the page crashed ({}, code {})",
                    crashed.status, crashed.error_code
                )))
            }
            _ => None,
        }
    }

    fn failed(&self, reason: impl Into<String>) -> Error {
        Error::Navigation {
            url: self.url.clone(),
            reason: reason.into(),
        }
    }

    fn timed_out(&self, waiting_for: &str) -> Error {
        Error::Timeout {
            waiting_for: waiting_for.to_owned(),
            after: self.timeout,
        }
    }

    /// What the navigation waits for, as far as it has got, for its timeout's message.
    fn awaited(&self) -> String {
        let url = &self.url;
        match self.wait_until {
            WaitUntil::Load => format!("{url} to load"),
            WaitUntil::DomContentLoaded => format!("{url} to reach DOMContentLoaded"),
            WaitUntil::NetworkIdle(quiet) if !self.loaded => {
                format!("{url} to load, then to have no request in flight for {quiet:?}")
            }
            WaitUntil::NetworkIdle(quiet) => {
                let mut awaited =
                    format!("{url} to have no request in flight for {quiet:?} after its load");
                // The first by URL, so that the message is the same from run to run.
                if let Some(first) = self.in_flight.values().min() {
                    awaited.push_str(&format!(
                        "; {} still in flight: {first}",
                        self.in_flight.len()
                    ));
                    if self.in_flight.len() > 1 {
                        awaited.push_str(", ..");
                    }
                }
                awaited
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cdp_runtime::{decode_message, Message};

    fn event(text: &str) -> Result<SessionEvent<Event>, RecvError> {
        match decode_message::<Event>(text).unwrap() {
            Message::Event { session_id, event } => Ok(SessionEvent { session_id, event }),
            Message::Response(response) => panic!("not an event: {response:?}"),
        }
    }

    fn watching(wait_until: WaitUntil) -> Navigation {
        let now = Instant::now();
        Navigation {
            queue: Queue::new(4),
            url: "http://127.0.0.1:1/".into(),
            target_id: "T".into(),
            session_id: "S".into(),
            wait_until,
            timeout: Duration::from_secs(10),
            deadline: now + Duration::from_secs(10),
            loader: Some("L".into()),
            loaded: false,
            in_flight: HashMap::new(),
            quiet_since: now,
        }
    }

    fn lifecycle(name: &str, loader: &str) -> Result<SessionEvent<Event>, RecvError> {
        event(&format!(
            r#"{{"method":"Page.lifecycleEvent","params":{{"frameId":"F","loaderId":"{loader}","name":"{name}","timestamp":1}},"sessionId":"S"}}"#
        ))
    }

    fn request(method: &str, id: &str) -> Result<SessionEvent<Event>, RecvError> {
        event(&format!(
            r#"{{"method":"Network.{method}","params":{{"requestId":"{id}","loaderId":"L","request":{{"url":"http://127.0.0.1:1/{id}","method":"GET","headers":{{}}}},"timestamp":1}},"sessionId":"S"}}"#
        ))
    }

    #[test]
    fn the_network_events_reach_the_watch_undecoded() {
        // Selected in `protocol.select`, they would arrive typed, and go uncounted.
        for method in ["requestWillBeSent", "loadingFinished", "loadingFailed"] {
            let received = request(method, "1").unwrap();
            assert!(
                matches!(&received.event, Event::Unknown(unknown) if unknown.method == format!("Network.{method}")),
                "{:?}",
                received.event
            );
        }
    }

    #[test]
    fn load_waits_for_its_own_loader() {
        let mut navigation = watching(WaitUntil::Load);
        let now = Instant::now();
        assert!(navigation.feed(lifecycle("load", "OLD"), now).is_none());
        assert!(navigation
            .feed(lifecycle("DOMContentLoaded", "L"), now)
            .is_none());
        assert!(matches!(
            navigation.feed(lifecycle("load", "L"), now),
            Some(Ok(()))
        ));
        let mut parsed = watching(WaitUntil::DomContentLoaded);
        assert!(matches!(
            parsed.feed(lifecycle("DOMContentLoaded", "L"), now),
            Some(Ok(()))
        ));
    }

    #[test]
    fn network_idle_counts_the_requests_and_waits_for_the_quiet_time() {
        let quiet = Duration::from_millis(500);
        let mut navigation = watching(WaitUntil::NetworkIdle(quiet));
        let start = Instant::now();
        assert!(navigation
            .feed(request("requestWillBeSent", "1"), start)
            .is_none());
        let at = |ms| start + Duration::from_millis(ms);
        assert!(navigation.feed(lifecycle("load", "L"), at(10)).is_none());
        // Loaded, but a request is in flight: not idle, however long.
        assert!(navigation.check(at(2000)).is_none());
        assert_eq!(navigation.wake_at(), navigation.deadline);
        // Another session's request is not the page's.
        let mut other = request("requestWillBeSent", "9").unwrap();
        other.session_id = Some("OTHER".into());
        assert!(navigation.feed(Ok(other), at(2000)).is_none());
        assert!(navigation
            .feed(request("loadingFinished", "1"), at(2000))
            .is_none());
        assert_eq!(navigation.wake_at(), at(2500));
        assert!(navigation.check(at(2499)).is_none());
        // A request that starts and fails starts the quiet time again.
        assert!(navigation
            .feed(request("requestWillBeSent", "2"), at(2400))
            .is_none());
        assert!(navigation
            .feed(request("loadingFailed", "2"), at(2450))
            .is_none());
        assert!(navigation.check(at(2900)).is_none());
        assert!(matches!(navigation.check(at(2950)), Some(Ok(()))));
    }

    #[test]
    fn network_idle_times_out_naming_what_is_still_in_flight() {
        let mut navigation = watching(WaitUntil::NetworkIdle(Duration::from_millis(500)));
        let now = Instant::now();
        let err = navigation.check(navigation.deadline).unwrap().unwrap_err();
        assert_eq!(
            err.to_string(),
            "timed out after 10s waiting for http://127.0.0.1:1/ to load, then to have no \
             request in flight for 500ms"
        );
        navigation.feed(request("requestWillBeSent", "b"), now);
        navigation.feed(request("requestWillBeSent", "a"), now);
        navigation.feed(lifecycle("load", "L"), now);
        let err = navigation.check(navigation.deadline).unwrap().unwrap_err();
        assert_eq!(
            err.to_string(),
            "timed out after 10s waiting for http://127.0.0.1:1/ to have no request in flight \
             for 500ms after its load; 2 still in flight: http://127.0.0.1:1/a, .."
        );
    }

    #[test]
    fn a_command_that_times_out_is_the_navigation_that_timed_out() {
        let navigation = watching(WaitUntil::Load);
        let err = navigation.failed_command(Error::Timeout {
            waiting_for: "the response to `Page.navigate` (id 7)".into(),
            after: Duration::from_millis(3),
        });
        assert_eq!(
            err.to_string(),
            "timed out after 10s waiting for http://127.0.0.1:1/ to load (the response to \
             `Page.navigate` (id 7) did not come)"
        );
    }

    #[test]
    fn a_crash_or_a_detach_ends_the_navigation_with_the_reason() {
        let mut navigation = watching(WaitUntil::Load);
        let now = Instant::now();
        let crashed = event(
            r#"{"method":"Target.targetCrashed","params":{"targetId":"T","status":"crashed","errorCode":139}}"#,
        );
        let err = navigation.feed(crashed, now).unwrap().unwrap_err();
        assert_eq!(
            err.to_string(),
            "the navigation to http://127.0.0.1:1/ failed: the page crashed (crashed, code 139)"
        );
        let detached = event(
            r#"{"method":"Target.detachedFromTarget","params":{"sessionId":"S","targetId":"T"}}"#,
        );
        let err = navigation.feed(detached, now).unwrap().unwrap_err();
        assert!(err.to_string().ends_with("the page was closed"), "{err}");
    }

    #[test]
    fn a_failed_navigation_names_the_url_and_the_reason() {
        let mut navigation = watching(WaitUntil::Load);
        let answer = page::NavigateReturns {
            frame_id: page::FrameId("F".into()),
            loader_id: None,
            error_text: Some("net::ERR_NAME_NOT_RESOLVED".into()),
            is_download: None,
        };
        let err = navigation.navigated(Ok(answer)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the navigation to http://127.0.0.1:1/ failed: net::ERR_NAME_NOT_RESOLVED"
        );
    }
}
