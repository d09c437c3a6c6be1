//! The bounded queue behind every subscription, blocking or async: the connection's reader
//! pushes, the subscriber takes. When the subscriber falls behind, the oldest events make
//! room for new ones and the subscriber is told how many it missed, as tokio's `broadcast`
//! does: memory stays bounded, and nothing is dropped without a word.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::error::Error;

/// How many events a subscription holds, unread, unless told otherwise.
pub const DEFAULT_CAPACITY: usize = 1024;

/// Why a subscription gave no event.
#[derive(Debug)]
#[non_exhaustive]
pub enum RecvError {
    /// The subscriber fell behind: the `missed` oldest events were dropped to make room. The
    /// events after them follow.
    Lagged {
        /// How many events were dropped since the last one received.
        missed: u64,
    },
    /// The connection ended: the browser died, closed the connection, or it was closed; or,
    /// for a subscription on one session, that session ended ([`Error::SessionEnded`]: its
    /// target was detached or crashed). Every later receive says so again.
    Ended(Error),
    /// A message for this subscription that could not be used: an event of its kind that
    /// could not be decoded ([`Error::Decode`], which keeps the raw message), or, for a
    /// subscription to every event, a response that answers no request
    /// ([`Error::UnexpectedResponse`]). The subscription goes on.
    BadMessage(Error),
    /// No event came within the time given (the blocking `recv_timeout` only).
    Timeout(Duration),
}

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecvError::Lagged { missed } => write!(
                f,
                "the subscriber fell behind and missed {missed} event(s), the oldest"
            ),
            // The error names the session.
            RecvError::Ended(err @ Error::SessionEnded { .. }) => err.fmt(f),
            RecvError::Ended(err) => write!(f, "the connection ended: {err}"),
            RecvError::BadMessage(err) => write!(f, "a message could not be used: {err}"),
            RecvError::Timeout(after) => write!(f, "no event within {after:?}"),
        }
    }
}

impl std::error::Error for RecvError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RecvError::Ended(err) | RecvError::BadMessage(err) => Some(err),
            _ => None,
        }
    }
}

struct State<T> {
    items: VecDeque<Result<T, Error>>,
    capacity: usize,
    missed: u64,
    ended: Option<Error>,
    /// The task of an async subscriber waiting for an item.
    waker: Option<Waker>,
    /// Whether the subscriber still holds its end; the reader drops queues nobody reads.
    subscribed: bool,
}

/// One queue, shared by the connection's reader and one subscriber.
pub(crate) struct Queue<T> {
    state: Mutex<State<T>>,
    ready: Condvar,
}

impl<T> Queue<T> {
    pub(crate) fn new(capacity: usize) -> Arc<Self> {
        Arc::new(Queue {
            state: Mutex::new(State {
                items: VecDeque::new(),
                capacity: capacity.max(1),
                missed: 0,
                ended: None,
                waker: None,
                subscribed: true,
            }),
            ready: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panic while holding the lock leaves nothing half-done that matters here.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds an item (or a bad message), dropping the oldest when full. Returns whether the
    /// subscriber is still there: the reader forgets a queue whose subscriber has gone.
    pub(crate) fn push(&self, item: Result<T, Error>) -> bool {
        let mut state = self.lock();
        if !state.subscribed {
            return false;
        }
        if state.items.len() >= state.capacity {
            state.items.pop_front();
            state.missed += 1;
        }
        state.items.push_back(item);
        self.wake(state);
        true
    }

    /// Adds an item unless the queue is full; a full queue keeps what it holds, and counts
    /// the item as missed. For items that must not be dropped unseen, such as a target paused
    /// until someone resumes it: the caller deals with an item that was not kept.
    pub(crate) fn push_unless_full(&self, item: T) -> Pushed {
        let mut state = self.lock();
        if !state.subscribed {
            return Pushed::Gone;
        }
        if state.items.len() >= state.capacity {
            state.missed += 1;
            return Pushed::Full;
        }
        state.items.push_back(Ok(item));
        self.wake(state);
        Pushed::Kept
    }

    /// Ends the queue: once its items are taken, every receive returns `error`.
    pub(crate) fn end(&self, error: Error) {
        let mut state = self.lock();
        if state.ended.is_none() {
            state.ended = Some(error);
        }
        self.wake(state);
    }

    fn wake(&self, mut state: MutexGuard<'_, State<T>>) {
        let waker = state.waker.take();
        drop(state);
        self.ready.notify_all();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// The next item, a lag notice, or the end, if one is there.
    fn take(state: &mut State<T>) -> Option<Result<T, RecvError>> {
        if state.missed > 0 {
            let missed = std::mem::take(&mut state.missed);
            return Some(Err(RecvError::Lagged { missed }));
        }
        if let Some(item) = state.items.pop_front() {
            return Some(item.map_err(RecvError::BadMessage));
        }
        state
            .ended
            .as_ref()
            .map(|err| Err(RecvError::Ended(err.duplicate())))
    }

    /// Waits up to `timeout` (`None`: without end) for the next item.
    pub(crate) fn recv(&self, timeout: Option<Duration>) -> Result<T, RecvError> {
        let deadline = timeout.map(|timeout| Instant::now() + timeout);
        let mut state = self.lock();
        loop {
            if let Some(taken) = Self::take(&mut state) {
                return taken;
            }
            state = match deadline {
                None => self
                    .ready
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(RecvError::Timeout(timeout.unwrap_or_default()));
                    }
                    self.ready
                        .wait_timeout(state, left)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0
                }
            };
        }
    }

    /// The next item for an async subscriber, registering its waker when there is none.
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))]
    pub(crate) fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Result<T, RecvError>> {
        let mut state = self.lock();
        match Self::take(&mut state) {
            Some(taken) => Poll::Ready(taken),
            None => {
                state.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }

    /// How many items wait, unread.
    pub(crate) fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// Whether the subscriber has gone.
    pub(crate) fn is_unsubscribed(&self) -> bool {
        !self.lock().subscribed
    }

    /// The subscriber has gone: items are no longer kept.
    pub(crate) fn unsubscribe(&self) {
        // Dropped outside the lock: an item's drop may take other locks.
        drop(self.unsubscribe_and_take());
    }

    /// The subscriber has gone: items are no longer kept, and those it never took are
    /// returned.
    pub(crate) fn unsubscribe_and_take(&self) -> Vec<T> {
        let mut state = self.lock();
        state.subscribed = false;
        let items = std::mem::take(&mut state.items);
        drop(state);
        items.into_iter().filter_map(Result::ok).collect()
    }
}

/// What [`Queue::push_unless_full`] did with an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pushed {
    /// The queue holds it.
    Kept,
    /// The queue was full: the item was not kept, and is counted as missed.
    Full,
    /// The subscriber has gone.
    Gone,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_drops_the_oldest_and_says_how_many_were_missed() {
        let queue = Queue::new(3);
        for item in 0..10 {
            assert!(queue.push(Ok(item)));
        }
        assert_eq!(queue.len(), 3);
        match queue.recv(Some(Duration::ZERO)) {
            Err(RecvError::Lagged { missed: 7 }) => {}
            other => panic!("expected a lag of 7, got {other:?}"),
        }
        let rest: Vec<i32> = (0..3)
            .map(|_| queue.recv(Some(Duration::ZERO)).unwrap())
            .collect();
        assert_eq!(rest, [7, 8, 9]);
        assert!(matches!(
            queue.recv(Some(Duration::from_millis(10))),
            Err(RecvError::Timeout(_))
        ));
    }

    #[test]
    fn items_before_the_end_are_received_then_the_end_every_time() {
        let queue = Queue::new(8);
        queue.push(Ok("a"));
        queue.end(Error::Closed {
            reason: "the browser closed the pipe".into(),
        });
        assert_eq!(queue.recv(None).unwrap(), "a");
        for _ in 0..2 {
            match queue.recv(None) {
                Err(RecvError::Ended(err)) => {
                    assert_eq!(
                        err.to_string(),
                        "the connection is closed: the browser closed the pipe"
                    )
                }
                other => panic!("expected the end, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_waiting_receiver_wakes_when_an_item_arrives_from_another_thread() {
        let queue = Queue::new(8);
        let pusher = Arc::clone(&queue);
        let thread = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            pusher.push(Ok(42));
        });
        assert_eq!(queue.recv(Some(Duration::from_secs(5))).unwrap(), 42);
        thread.join().unwrap();
    }

    #[test]
    fn a_full_queue_keeps_what_it_holds_when_asked_and_counts_the_refused_item() {
        let queue = Queue::new(2);
        assert_eq!(queue.push_unless_full(1), Pushed::Kept);
        assert_eq!(queue.push_unless_full(2), Pushed::Kept);
        assert_eq!(queue.push_unless_full(3), Pushed::Full);
        assert!(matches!(
            queue.recv(Some(Duration::ZERO)),
            Err(RecvError::Lagged { missed: 1 })
        ));
        assert_eq!(queue.recv(Some(Duration::ZERO)).unwrap(), 1);
        assert_eq!(queue.unsubscribe_and_take(), [2]);
        assert_eq!(queue.push_unless_full(4), Pushed::Gone);
    }

    #[test]
    fn a_queue_nobody_reads_keeps_nothing() {
        let queue = Queue::new(8);
        queue.push(Ok(1));
        queue.unsubscribe();
        assert!(!queue.push(Ok(2)));
        assert_eq!(queue.len(), 0);
    }
}
