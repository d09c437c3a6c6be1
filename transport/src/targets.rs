//! [`Targets`]: the browser's targets as they are created, change and go
//! (`Target.setDiscoverTargets`), starting with those there already.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::protocol::target;
use crate::queue::{Queue, RecvError};
use crate::SessionEvent;

/// What happened to a target: [`Connection::targets`](crate::Connection::targets).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TargetEvent {
    /// A target was created, or was there already when the stream started.
    Created(target::TargetInfo),
    /// A target changed: its URL or title, or whether a client is attached.
    Changed(target::TargetInfo),
    /// A target went away.
    Destroyed(target::TargetId),
    /// A target's process crashed. The target may stay (a page shows its crash), or go.
    Crashed {
        /// The target.
        target_id: target::TargetId,
        /// How the process ended, e.g. `crashed` or `killed`.
        status: String,
        /// The process's exit code or signal.
        error_code: i64,
    },
}

impl TargetEvent {
    /// The target it concerns.
    pub fn target_id(&self) -> &target::TargetId {
        match self {
            TargetEvent::Created(info) | TargetEvent::Changed(info) => &info.target_id,
            TargetEvent::Destroyed(target_id) | TargetEvent::Crashed { target_id, .. } => target_id,
        }
    }
}

/// What a stream of target events has said so far: the targets there when it started, not
/// yet yielded, and every target it has reported as created, so that the browser's own
/// report of one of those is not given twice.
pub(crate) struct Known {
    snapshot: VecDeque<target::TargetInfo>,
    created: HashSet<String>,
}

impl Known {
    pub(crate) fn new(snapshot: Vec<target::TargetInfo>) -> Self {
        Known {
            snapshot: snapshot.into(),
            created: HashSet::new(),
        }
    }

    /// The next target that was there when the stream started.
    pub(crate) fn next_there(&mut self) -> Option<TargetEvent> {
        let info = self.snapshot.pop_front()?;
        self.created.insert(info.target_id.0.clone());
        Some(TargetEvent::Created(info))
    }

    /// What one item of the queue says; `None` for one to pass over: an event on a session
    /// other than the browser's, or of no interest here, or a creation told already.
    pub(crate) fn read(
        &mut self,
        item: Result<SessionEvent<target::Event>, RecvError>,
    ) -> Option<Result<TargetEvent, RecvError>> {
        let event = match item {
            Ok(event) if event.session_id.is_none() => event.event,
            Ok(_) => return None,
            Err(err) => return Some(Err(err)),
        };
        let event = match event {
            target::Event::TargetCreated(created) => {
                let info = created.target_info;
                if !self.created.insert(info.target_id.0.clone()) {
                    return None;
                }
                TargetEvent::Created(info)
            }
            target::Event::TargetInfoChanged(changed) => TargetEvent::Changed(changed.target_info),
            target::Event::TargetDestroyed(destroyed) => {
                self.created.remove(&destroyed.target_id.0);
                TargetEvent::Destroyed(destroyed.target_id)
            }
            target::Event::TargetCrashed(crashed) => TargetEvent::Crashed {
                target_id: crashed.target_id,
                status: crashed.status,
                error_code: crashed.error_code,
            },
            _ => return None,
        };
        Some(Ok(event))
    }
}

/// The browser's targets as they come and go: those there when it started first, as
/// [`TargetEvent::Created`], then every creation, change, end and crash.
///
/// From [`Connection::targets`](crate::Connection::targets). Like a
/// [`Subscription`](crate::Subscription), it holds at most its capacity of unread events
/// (telling what it lost with [`RecvError::Lagged`]), and ends with the connection.
pub struct Targets {
    queue: Arc<Queue<SessionEvent<target::Event>>>,
    known: Known,
}

impl fmt::Debug for Targets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Targets")
            .field("unread", &(self.queue.len() + self.known.snapshot.len()))
            .finish()
    }
}

impl Targets {
    pub(crate) fn new(queue: Arc<Queue<SessionEvent<target::Event>>>) -> Self {
        Targets {
            queue,
            known: Known::new(Vec::new()),
        }
    }

    pub(crate) fn there_already(mut self, snapshot: Vec<target::TargetInfo>) -> Self {
        self.known.snapshot = snapshot.into();
        self
    }

    /// Waits for the next event, as long as it takes.
    pub fn recv(&mut self) -> Result<TargetEvent, RecvError> {
        self.next_within(None)
    }

    /// Waits up to `timeout` for the next event; [`RecvError::Timeout`] when none came.
    pub fn recv_timeout(&mut self, timeout: Duration) -> Result<TargetEvent, RecvError> {
        self.next_within(Some(timeout))
    }

    /// The next event if one has arrived, without waiting.
    pub fn try_recv(&mut self) -> Result<TargetEvent, RecvError> {
        self.next_within(Some(Duration::ZERO))
    }

    fn next_within(&mut self, timeout: Option<Duration>) -> Result<TargetEvent, RecvError> {
        if let Some(event) = self.known.next_there() {
            return Ok(event);
        }
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        loop {
            let left = deadline.map(|deadline| deadline.saturating_duration_since(Instant::now()));
            let item = match self.queue.recv(left) {
                Err(RecvError::Timeout(_)) => {
                    return Err(RecvError::Timeout(timeout.unwrap_or_default()))
                }
                item => item,
            };
            if let Some(read) = self.known.read(item) {
                return read;
            }
        }
    }
}

impl Iterator for Targets {
    type Item = Result<TargetEvent, RecvError>;

    /// The next event, waiting as long as it takes; `None` after the connection's end, which
    /// it yields first.
    fn next(&mut self) -> Option<Self::Item> {
        if self.queue.is_unsubscribed() {
            return None;
        }
        let item = self.recv();
        if matches!(item, Err(RecvError::Ended(_))) {
            self.queue.unsubscribe();
        }
        Some(item)
    }
}

impl Drop for Targets {
    fn drop(&mut self) {
        self.queue.unsubscribe();
    }
}
