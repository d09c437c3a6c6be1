//! The async [`Session`], [`AutoAttach`], [`Attached`] and [`Targets`]: the counterparts of
//! the blocking ones, with `async` calls and [`Stream`]s.

use std::fmt;
use std::future::{poll_fn, Future};
use std::marker::PhantomData;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use ::tokio::sync::oneshot;
use ::tokio::time::Sleep;
use cdp_runtime::{Command, EventOf, EventSet, Response};
use futures_core::Stream;

use super::{call, Connection, EventStream};
use crate::error::Error;
use crate::protocol::{runtime, target};
use crate::queue::{Queue, RecvError};
use crate::router::{self, Filter};
use crate::sessions::{AttachSink, Core};
use crate::targets::{Known, TargetEvent};
use crate::SessionEvent;

/// A session attached to one target with `flatten: true`, for async code: the counterpart
/// of [`crate::Session`], with the same endings ([`Error::SessionEnded`]).
///
/// Cloning it is cheap; the clones share the session. A [`Page`](super::Page) dereferences
/// to its session.
pub struct Session<E> {
    /// The connection, with this session's timeout and event capacity.
    pub(super) connection: Connection<E>,
    pub(super) target_id: target::TargetId,
    pub(super) session_id: target::SessionId,
    /// The session it was attached through; `None` for the browser's.
    pub(super) parent: Option<target::SessionId>,
}

impl<E> Clone for Session<E> {
    fn clone(&self) -> Self {
        Session {
            connection: self.connection.clone(),
            target_id: self.target_id.clone(),
            session_id: self.session_id.clone(),
            parent: self.parent.clone(),
        }
    }
}

impl<E> fmt::Debug for Session<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("target_id", &self.target_id.0)
            .field("session_id", &self.session_id.0)
            .field("timeout", &self.connection.timeout)
            .finish_non_exhaustive()
    }
}

impl<E: EventSet + Clone + Send + 'static> Session<E> {
    pub(super) fn new(
        connection: Connection<E>,
        target_id: target::TargetId,
        session_id: target::SessionId,
        parent: Option<target::SessionId>,
    ) -> Self {
        connection.shared.note_attached(&session_id.0, &target_id.0);
        Session {
            connection,
            target_id,
            session_id,
            parent,
        }
    }

    /// The session's id.
    pub fn id(&self) -> &str {
        &self.session_id.0
    }

    /// The target the session is attached to.
    pub fn target_id(&self) -> &target::TargetId {
        &self.target_id
    }

    /// The session's id.
    pub fn session_id(&self) -> &target::SessionId {
        &self.session_id
    }

    /// How long calls on this session wait for their answers.
    pub fn timeout(&self) -> Duration {
        self.connection.timeout
    }

    /// Sets how long calls through this handle wait for their answers.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.connection.set_timeout(timeout);
    }

    /// Sets how many unread events each new stream of this handle holds.
    pub fn set_event_capacity(&mut self, capacity: usize) {
        self.connection.set_event_capacity(capacity);
    }

    /// Sends a command on the session and waits for its typed answer.
    pub async fn call<C: Command>(&self, params: &C) -> Result<C::Response, Error> {
        self.call_with(params, self.connection.timeout).await
    }

    /// Sends a command on the session and waits up to `timeout` for its typed answer.
    pub async fn call_with<C: Command>(
        &self,
        params: &C,
        timeout: Duration,
    ) -> Result<C::Response, Error> {
        call(&self.connection.shared, Some(self.id()), params, timeout).await
    }

    /// Sends a command on the session now, and returns its answer, a future to await later:
    /// as [`crate::Session::send`]. Set up a paused child with it before resuming it.
    pub fn send<C: Command>(&self, params: &C) -> Result<Reply<C>, Error> {
        let timeout = self.connection.timeout;
        let deadline = Instant::now() + timeout;
        let (answered, answer) = oneshot::channel();
        let id = self.connection.shared.send(
            Some(self.id()),
            params,
            timeout,
            Box::new(move |response| {
                // The reply may have been dropped.
                let _ = answered.send(response);
            }),
        )?;
        Ok(Reply {
            core: self.connection.shared.clone(),
            id,
            answer,
            deadline,
            timer: None,
            timeout,
            done: false,
            command: PhantomData,
        })
    }

    /// A stream of the events of type `T` on this session; it ends with the session.
    pub fn subscribe<T>(&self) -> EventStream<T>
    where
        T: EventOf<E> + Clone + Send + 'static,
    {
        self.connection.subscribe_on(self.id())
    }

    /// Why the session ended, once it has: [`Error::SessionEnded`].
    pub fn ended(&self) -> Option<Error> {
        self.connection.shared.session_ended(self.id())
    }

    /// Attaches to this session's children as they start, and to those already there: as
    /// [`crate::Session::auto_attach`].
    pub async fn auto_attach(&self) -> Result<AutoAttach<E>, Error> {
        let queue = Queue::new(self.connection.capacity);
        // Before the command: the children there already attach before it answers.
        self.connection.shared.add_attach_sink(AttachSink {
            parent: Some(self.id().to_owned()),
            queue: Arc::clone(&queue),
        });
        let children = AutoAttach {
            parent: self.clone(),
            resumer: self.connection.shared.clone(),
            queue,
            done: false,
        };
        self.call(&target::SetAutoAttachParams::new(true, true).flatten(true))
            .await?;
        Ok(children)
    }

    /// Detaches the session from its target: as [`crate::Session::detach`].
    pub async fn detach(self) -> Result<(), Error> {
        let params = target::DetachFromTargetParams::new().session_id(self.session_id.clone());
        let parent = self.parent.as_ref().map(|parent| parent.0.as_str());
        call(
            &self.connection.shared,
            parent,
            &params,
            self.connection.timeout,
        )
        .await
        .map(drop)
    }
}

/// The answer to a command sent by [`Session::send`], for async code: a future of its typed
/// answer, due within the session's timeout counted from the send. Dropping it forgets the
/// command: its answer is dropped when it comes.
#[must_use = "a reply does nothing unless awaited; drop it to forget the answer"]
pub struct Reply<C> {
    core: Arc<dyn Core>,
    id: u64,
    answer: oneshot::Receiver<Result<Response, Error>>,
    deadline: Instant,
    /// Made at the first poll, which runs on the runtime: `send` may not.
    timer: Option<Pin<Box<Sleep>>>,
    timeout: Duration,
    done: bool,
    command: PhantomData<fn() -> C>,
}

impl<C: Command> fmt::Debug for Reply<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("method", &C::METHOD)
            .field("id", &self.id)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<C: Command> Future for Reply<C> {
    type Output = Result<C::Response, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Nothing in it is pinned but the timer, which is boxed.
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(Err(Error::Closed {
                reason: format!("the reply to `{}` was taken already", C::METHOD),
            }));
        }
        if let Poll::Ready(answer) = Pin::new(&mut this.answer).poll(cx) {
            this.done = true;
            // Every request is answered, or ended with the connection, before its sender goes.
            let response = answer.unwrap_or_else(|_| {
                Err(Error::Closed {
                    reason: "the connection was closed".into(),
                })
            });
            return Poll::Ready(router::typed::<C>(response));
        }
        let deadline = ::tokio::time::Instant::from_std(this.deadline);
        let timer = this
            .timer
            .get_or_insert_with(|| Box::pin(::tokio::time::sleep_until(deadline)));
        if timer.as_mut().poll(cx).is_ready() {
            this.done = true;
            this.core.forget(this.id);
            return Poll::Ready(Err(Error::Timeout {
                waiting_for: format!("the response to `{}` (id {})", C::METHOD, this.id),
                after: this.timeout,
            }));
        }
        Poll::Pending
    }
}

impl<C> Drop for Reply<C> {
    fn drop(&mut self) {
        if !self.done {
            self.core.forget(self.id);
        }
    }
}

/// The children of a session, attached as they start, for async code: the counterpart of
/// [`crate::AutoAttach`]. Each item is an [`Attached`] session, or a notice in its place;
/// the stream ends after the end of the session it attaches through ([`RecvError::Ended`]).
pub struct AutoAttach<E> {
    parent: Session<E>,
    resumer: Arc<dyn Core>,
    queue: Arc<Queue<target::AttachedToTargetEvent>>,
    done: bool,
}

impl<E> fmt::Debug for AutoAttach<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AutoAttach")
            .field("parent", &self.parent.session_id.0)
            .field("unread", &self.queue.len())
            .field("ended", &self.done)
            .finish()
    }
}

impl<E: EventSet + Clone + Send + 'static> AutoAttach<E> {
    /// The next child, or `None` once the stream has ended.
    pub async fn recv(&mut self) -> Option<Result<Attached<E>, RecvError>> {
        poll_fn(|cx| self.poll_child(cx)).await
    }

    fn poll_child(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Attached<E>, RecvError>>> {
        if self.done {
            return Poll::Ready(None);
        }
        self.queue.poll_recv(cx).map(|item| {
            self.done = matches!(item, Err(RecvError::Ended(_)));
            Some(item.map(|attached| self.child(attached)))
        })
    }

    fn child(&self, attached: target::AttachedToTargetEvent) -> Attached<E> {
        Attached {
            session: Session::new(
                self.parent.connection.clone(),
                attached.target_info.target_id.clone(),
                attached.session_id,
                Some(self.parent.session_id.clone()),
            ),
            info: attached.target_info,
            paused: attached.waiting_for_debugger,
            resumer: Arc::clone(&self.resumer),
        }
    }
}

impl<E: EventSet + Clone + Send + 'static> Stream for AutoAttach<E> {
    type Item = Result<Attached<E>, RecvError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        // Nothing in it is pinned.
        self.get_mut().poll_child(cx)
    }
}

impl<E> Drop for AutoAttach<E> {
    fn drop(&mut self) {
        // Children nobody will take must not stay paused.
        for child in self.queue.unsubscribe_and_take() {
            if child.waiting_for_debugger {
                self.resumer.resume(&child.session_id.0);
            }
        }
    }
}

/// A child session from [`AutoAttach`], for async code: the counterpart of
/// [`crate::Attached`]. It dereferences to its [`Session`]; dropping it unresumed resumes it
/// without waiting for the answer.
pub struct Attached<E> {
    session: Session<E>,
    info: target::TargetInfo,
    paused: bool,
    resumer: Arc<dyn Core>,
}

impl<E> fmt::Debug for Attached<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attached")
            .field("session", &self.session)
            .field("type", &self.info.r#type)
            .field("url", &self.info.url)
            .field("paused", &self.paused)
            .finish()
    }
}

impl<E: EventSet + Clone + Send + 'static> Attached<E> {
    /// What the browser said of the target when it attached.
    pub fn info(&self) -> &target::TargetInfo {
        &self.info
    }

    /// The target's type: `iframe`, `worker`, `shared_worker`, `service_worker`, `page`, ..
    pub fn target_type(&self) -> &str {
        &self.info.r#type
    }

    /// Whether the target waits, paused, to be resumed.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Lets the target run (`Runtime.runIfWaitingForDebugger`, when it is paused) and returns
    /// its session.
    pub async fn resume(mut self) -> Result<Session<E>, Error> {
        if std::mem::take(&mut self.paused) {
            self.session
                .call(&runtime::RunIfWaitingForDebuggerParams::new())
                .await?;
        }
        Ok(self.session.clone())
    }
}

impl<E> Deref for Attached<E> {
    type Target = Session<E>;

    fn deref(&self) -> &Session<E> {
        &self.session
    }
}

impl<E> Drop for Attached<E> {
    fn drop(&mut self) {
        if self.paused {
            self.resumer.resume(&self.session.session_id.0);
        }
    }
}

/// The browser's targets as they come and go, for async code: the counterpart of
/// [`crate::Targets`]. The stream ends after the connection's end ([`RecvError::Ended`]).
pub struct Targets {
    queue: Arc<Queue<SessionEvent<target::Event>>>,
    known: Known,
    done: bool,
}

impl fmt::Debug for Targets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Targets")
            .field("unread", &self.queue.len())
            .field("ended", &self.done)
            .finish()
    }
}

impl Targets {
    /// The next event, or `None` once the stream has ended.
    pub async fn recv(&mut self) -> Option<Result<TargetEvent, RecvError>> {
        poll_fn(|cx| self.poll_event(cx)).await
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<TargetEvent, RecvError>>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Some(event) = self.known.next_there() {
            return Poll::Ready(Some(Ok(event)));
        }
        loop {
            let item = match self.queue.poll_recv(cx) {
                Poll::Ready(item) => item,
                Poll::Pending => return Poll::Pending,
            };
            if let Some(read) = self.known.read(item) {
                self.done = matches!(read, Err(RecvError::Ended(_)));
                return Poll::Ready(Some(read));
            }
        }
    }
}

impl Stream for Targets {
    type Item = Result<TargetEvent, RecvError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_event(cx)
    }
}

impl Drop for Targets {
    fn drop(&mut self) {
        self.queue.unsubscribe();
    }
}

impl<E: EventSet + Clone + Send + 'static> Connection<E> {
    /// Attaches a flattened session to the target `target_id`: as
    /// [`crate::Connection::attach`].
    pub async fn attach(&self, target_id: &target::TargetId) -> Result<Session<E>, Error> {
        let session_id = self
            .call(&target::AttachToTargetParams::new(target_id.clone()).flatten(true))
            .await?
            .session_id;
        Ok(Session::new(
            self.clone(),
            target_id.clone(),
            session_id,
            None,
        ))
    }

    /// The browser's targets as they are created, change and go, starting with those there
    /// already: as [`crate::Connection::targets`].
    pub async fn targets(&self) -> Result<Targets, Error> {
        let queue = Queue::new(self.capacity);
        self.shared.watch(Box::new(Filter {
            queue: Arc::clone(&queue),
            session_id: None,
        }));
        // Subscribed first: no target created from now on is missed.
        let mut targets = Targets {
            queue,
            known: Known::new(Vec::new()),
            done: false,
        };
        self.call(&target::SetDiscoverTargetsParams::new(true))
            .await?;
        let there = self
            .call(&target::GetTargetsParams::new())
            .await?
            .target_infos;
        targets.known = Known::new(there);
        Ok(targets)
    }
}
