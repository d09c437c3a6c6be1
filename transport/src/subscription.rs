//! [`Subscription`]: the events of one type, received as they arrive, on a thread.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::queue::{Queue, RecvError};
use crate::SessionEvent;

/// The events of type `T` (one event, one domain's `Event`, or the root `Event`), on one
/// session or on all, from a [`Connection`](crate::Connection) or a [`Page`](crate::Page).
///
/// It holds at most its capacity of unread events ([`DEFAULT_CAPACITY`](crate::DEFAULT_CAPACITY)
/// unless set): a subscriber that falls behind loses the oldest, and is told how many with
/// [`RecvError::Lagged`] before the next one. When the connection ends (the browser died or
/// closed it), every receive returns [`RecvError::Ended`] once the events before the end are
/// read. Dropping the subscription stops the connection from keeping events for it.
///
/// Subscribe before sending the command that causes the events: every event that arrives after
/// [`subscribe`](crate::Connection::subscribe) returns is kept.
pub struct Subscription<T> {
    queue: Arc<Queue<SessionEvent<T>>>,
}

impl<T> Subscription<T> {
    pub(crate) fn new(queue: Arc<Queue<SessionEvent<T>>>) -> Self {
        Subscription { queue }
    }

    /// Waits for the next event, as long as it takes: until an event comes or the connection
    /// ends.
    pub fn recv(&self) -> Result<SessionEvent<T>, RecvError> {
        self.queue.recv(None)
    }

    /// Waits up to `timeout` for the next event; [`RecvError::Timeout`] when none came.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<SessionEvent<T>, RecvError> {
        self.queue.recv(Some(timeout))
    }

    /// The next event if one has arrived, without waiting; [`RecvError::Timeout`] when none
    /// has.
    pub fn try_recv(&self) -> Result<SessionEvent<T>, RecvError> {
        self.queue.recv(Some(Duration::ZERO))
    }

    /// How many events wait, unread.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// Whether no event waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The events as they come, until the connection ends: each item is an event, or a notice
    /// ([`RecvError::Lagged`], [`RecvError::BadMessage`]) in its place; the iteration stops
    /// after the end ([`RecvError::Ended`]), which it yields last.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            subscription: self,
            done: false,
        }
    }
}

impl<T> Drop for Subscription<T> {
    fn drop(&mut self) {
        self.queue.unsubscribe();
    }
}

impl<T> fmt::Debug for Subscription<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("unread", &self.len())
            .finish_non_exhaustive()
    }
}

/// The events of a [`Subscription`] as they come: [`Subscription::iter`].
#[derive(Debug)]
pub struct Iter<'a, T> {
    subscription: &'a Subscription<T>,
    done: bool,
}

impl<T> Iterator for Iter<'_, T> {
    type Item = Result<SessionEvent<T>, RecvError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.subscription.recv();
        self.done = matches!(item, Err(RecvError::Ended(_)));
        Some(item)
    }
}

impl<'a, T> IntoIterator for &'a Subscription<T> {
    type Item = Result<SessionEvent<T>, RecvError>;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}
