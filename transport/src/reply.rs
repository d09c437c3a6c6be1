//! [`Reply`]: the answer to a command sent without waiting for it, to wait for later.

use std::fmt;
use std::marker::PhantomData;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cdp_runtime::{Command, EventSet, Response};

use crate::error::Error;
use crate::router::{self, Shared};
use crate::sessions::Core;

/// The answer to a command sent by [`Session::send`](crate::Session::send), still to come:
/// [`wait`](Reply::wait) for it when it is needed.
///
/// The command went out when `send` returned, in order with the session's other commands:
/// a target handles them in the order sent, answered or not. So a paused target can be set
/// up (`Runtime.enable`) and resumed at once, though some (a service worker) answer only once
/// they run. Dropping a reply forgets its command: its answer is dropped when it comes.
#[must_use = "a reply does nothing unless waited for; drop it to forget the answer"]
pub struct Reply<C> {
    core: Arc<dyn Core>,
    id: u64,
    answer: Receiver<Result<Response, Error>>,
    deadline: Instant,
    timeout: Duration,
    waited: bool,
    command: PhantomData<fn() -> C>,
}

impl<C: Command> fmt::Debug for Reply<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("method", &C::METHOD)
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl<C: Command> Reply<C> {
    /// Sends `params` on `session` and returns its reply, due within `timeout`.
    pub(crate) fn send<E: EventSet + Send + 'static>(
        shared: &Arc<Shared<E>>,
        session: Option<&str>,
        params: &C,
        timeout: Duration,
    ) -> Result<Self, Error> {
        let deadline = Instant::now() + timeout;
        let (answered, answer) = mpsc::sync_channel(1);
        let id = shared.send(
            session,
            params,
            timeout,
            Box::new(move |response| {
                // The reply may have been dropped.
                let _ = answered.send(response);
            }),
        )?;
        Ok(Reply {
            core: Arc::clone(shared) as Arc<dyn Core>,
            id,
            answer,
            deadline,
            timeout,
            waited: false,
            command: PhantomData,
        })
    }

    /// Waits for the typed answer, until the timeout of the session it was sent on, counted
    /// from the send.
    pub fn wait(mut self) -> Result<C::Response, Error> {
        self.waited = true;
        let left = self.deadline.saturating_duration_since(Instant::now());
        let response = match self.answer.recv_timeout(left) {
            Ok(response) => response,
            Err(RecvTimeoutError::Timeout) => {
                self.core.forget(self.id);
                // The answer may have come while the wait gave up.
                match self.answer.try_recv() {
                    Ok(response) => response,
                    Err(_) => {
                        return Err(Error::Timeout {
                            waiting_for: format!(
                                "the response to `{}` (id {})",
                                C::METHOD,
                                self.id
                            ),
                            after: self.timeout,
                        })
                    }
                }
            }
            // Every request is answered, or ended with the connection, before its sender
            // goes: this is a connection that went without a word.
            Err(RecvTimeoutError::Disconnected) => Err(Error::Closed {
                reason: "the connection was closed".into(),
            }),
        };
        router::typed::<C>(response)
    }
}

impl<C> Drop for Reply<C> {
    fn drop(&mut self) {
        if !self.waited {
            self.core.forget(self.id);
        }
    }
}
