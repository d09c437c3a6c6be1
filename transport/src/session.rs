//! [`Session`]: a flattened session on any target (a page, a frame in a process of its own, a
//! dedicated or service worker), with its calls and events; [`AutoAttach`]: the children of
//! a session, attached as they start, each an [`Attached`] session.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use cdp_runtime::{Command, EventOf, EventSet};

use crate::connection::{call, subscribe_to};
use crate::error::Error;
use crate::protocol::{runtime, target};
use crate::queue::{Queue, RecvError};
use crate::reply::Reply;
use crate::router::Shared;
use crate::sessions::{AttachSink, Core};
use crate::subscription::Subscription;

/// A session attached to one target with `flatten: true`: its commands and events travel on
/// the connection, tagged with the session's id.
///
/// [`Connection::attach`](crate::Connection::attach) attaches one to any target,
/// [`Session::auto_attach`] gives a session's children (frames in a process of their own,
/// workers) as they start, and a [`Page`](crate::Page) is a session with page verbs.
///
/// **Endings.** When the target is detached (closed, detached by a client) or crashes, the
/// session ends: calls waiting on it, and its subscriptions, end with
/// [`Error::SessionEnded`], which says which and why; later calls fail with it at once. The
/// connection and other sessions go on.
///
/// Cloning a session is cheap: the clones share it. Dropping the last one leaves the target
/// attached; [`detach`](Session::detach) detaches it.
pub struct Session<E> {
    pub(crate) shared: Arc<Shared<E>>,
    pub(crate) target_id: target::TargetId,
    pub(crate) session_id: target::SessionId,
    /// The session it was attached through; `None` for the browser's.
    pub(crate) parent: Option<target::SessionId>,
    pub(crate) timeout: Duration,
    pub(crate) capacity: usize,
}

impl<E> Clone for Session<E> {
    fn clone(&self) -> Self {
        Session {
            shared: Arc::clone(&self.shared),
            target_id: self.target_id.clone(),
            session_id: self.session_id.clone(),
            parent: self.parent.clone(),
            timeout: self.timeout,
            capacity: self.capacity,
        }
    }
}

impl<E> fmt::Debug for Session<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("target_id", &self.target_id.0)
            .field("session_id", &self.session_id.0)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<E: EventSet + Clone + Send + 'static> Session<E> {
    pub(crate) fn new(
        shared: Arc<Shared<E>>,
        target_id: target::TargetId,
        session_id: target::SessionId,
        parent: Option<target::SessionId>,
        timeout: Duration,
        capacity: usize,
    ) -> Self {
        shared.note_attached(&session_id.0, &target_id.0);
        Session {
            shared,
            target_id,
            session_id,
            parent,
            timeout,
            capacity,
        }
    }

    /// The session's id, as [`Connection::call_on`](crate::Connection::call_on) takes it.
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

    /// How long calls on this session wait for their answers (the connection's timeout when
    /// the session was made, unless set).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sets how long calls on this handle wait for their answers.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Sets how many unread events each new subscription of this handle holds.
    pub fn set_event_capacity(&mut self, capacity: usize) {
        self.capacity = capacity.max(1);
    }

    /// Sends a command on the session and waits for its typed answer.
    pub fn call<C: Command>(&self, params: &C) -> Result<C::Response, Error> {
        self.call_with(params, self.timeout)
    }

    /// Sends a command on the session and waits up to `timeout` for its typed answer.
    pub fn call_with<C: Command>(
        &self,
        params: &C,
        timeout: Duration,
    ) -> Result<C::Response, Error> {
        call(&self.shared, Some(self.id()), params, timeout)
    }

    /// Sends a command on the session now, and returns its answer to [wait](Reply::wait)
    /// for later. Commands on a session are handled in the order sent: set up a paused child
    /// with `send`, then [resume](Attached::resume) it, as some children (a service worker)
    /// answer only once they run.
    pub fn send<C: Command>(&self, params: &C) -> Result<Reply<C>, Error> {
        Reply::send(&self.shared, Some(self.id()), params, self.timeout)
    }

    /// The events of type `T` on this session. See [`Subscription`]; it ends with the
    /// session.
    pub fn subscribe<T>(&self) -> Subscription<T>
    where
        T: EventOf<E> + Clone + Send + 'static,
    {
        subscribe_to(&self.shared, Some(self.id().to_owned()), self.capacity)
    }

    /// Why the session ended, once it has: [`Error::SessionEnded`].
    pub fn ended(&self) -> Option<Error> {
        self.shared.session_ended(self.id())
    }

    /// Attaches to this session's children as they start, and to those already there:
    /// frames in a process of their own (cross-site iframes), dedicated workers, service
    /// workers (`Target.setAutoAttach` with `flatten: true` and
    /// `waitForDebuggerOnStart: true`).
    ///
    /// A child that starts after this call waits, paused, until it is
    /// [resumed](Attached::resume): subscribe to its events and turn on its domains first,
    /// and none is missed. Turn them on with [`send`](Session::send), not `call`: a paused
    /// service worker answers only once it runs. Dropping an [`Attached`] or the
    /// [`AutoAttach`] lets the children they hold run, and a child that comes when nobody
    /// holds the stream runs at once. A child's own children come through its own
    /// `auto_attach`.
    ///
    /// ```no_run
    /// # fn run(page: &cdp_transport::Page<cdp_transport::protocol::Event>)
    /// #     -> Result<(), Box<dyn std::error::Error>> {
    /// use cdp_transport::protocol::runtime;
    ///
    /// let children = page.auto_attach()?;
    /// for child in children.iter() {
    ///     let child = child?;
    ///     println!("{} {}", child.target_type(), child.info().url);
    ///     // With generated bindings: `child.subscribe::<runtime::ConsoleApiCalledEvent>()`.
    ///     let enabled = child.send(&runtime::EnableParams::new())?;
    ///     let session = child.resume()?;
    ///     enabled.wait()?;
    ///     # let _ = session;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn auto_attach(&self) -> Result<AutoAttach<E>, Error> {
        let queue = Queue::new(self.capacity);
        // Before the command: the children there already attach before it answers.
        self.shared.add_attach_sink(AttachSink {
            parent: Some(self.id().to_owned()),
            queue: Arc::clone(&queue),
        });
        let children = AutoAttach {
            parent: self.clone(),
            resumer: self.shared.clone(),
            queue,
        };
        self.call(&target::SetAutoAttachParams::new(true, true).flatten(true))?;
        Ok(children)
    }

    /// Detaches the session from its target (`Target.detachFromTarget`, sent through the
    /// session it was attached through); the target goes on. Its calls and subscriptions end
    /// with [`Error::SessionEnded`].
    pub fn detach(self) -> Result<(), Error> {
        let params = target::DetachFromTargetParams::new().session_id(self.session_id.clone());
        call(
            &self.shared,
            self.parent.as_ref().map(|parent| parent.0.as_str()),
            &params,
            self.timeout,
        )
        .map(drop)
    }
}

/// The children of a session, attached as they start: [`Session::auto_attach`].
///
/// Each is an [`Attached`] session, paused until resumed when it started after the
/// `auto_attach` call. The stream holds at most the session's event capacity of children
/// unread; a child that comes when it is full is let run at once, and counted as missed
/// ([`RecvError::Lagged`]). It ends with the session it attaches through, or the connection.
pub struct AutoAttach<E> {
    parent: Session<E>,
    resumer: Arc<dyn Core>,
    queue: Arc<Queue<target::AttachedToTargetEvent>>,
}

impl<E> fmt::Debug for AutoAttach<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AutoAttach")
            .field("parent", &self.parent.session_id.0)
            .field("unread", &self.queue.len())
            .finish()
    }
}

impl<E: EventSet + Clone + Send + 'static> AutoAttach<E> {
    /// Waits for the next child, as long as it takes: until one attaches or the session
    /// ends.
    pub fn recv(&self) -> Result<Attached<E>, RecvError> {
        self.queue.recv(None).map(|child| self.child(child))
    }

    /// Waits up to `timeout` for the next child; [`RecvError::Timeout`] when none came.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Attached<E>, RecvError> {
        self.queue
            .recv(Some(timeout))
            .map(|child| self.child(child))
    }

    /// The next child if one has attached, without waiting.
    pub fn try_recv(&self) -> Result<Attached<E>, RecvError> {
        self.recv_timeout(Duration::ZERO)
    }

    /// The children as they come, until the session ends (which the iteration yields last).
    pub fn iter(&self) -> impl Iterator<Item = Result<Attached<E>, RecvError>> + '_ {
        let mut done = false;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            let item = self.recv();
            done = matches!(item, Err(RecvError::Ended(_)));
            Some(item)
        })
    }

    fn child(&self, attached: target::AttachedToTargetEvent) -> Attached<E> {
        let parent = &self.parent;
        Attached {
            session: Session::new(
                Arc::clone(&parent.shared),
                attached.target_info.target_id.clone(),
                attached.session_id,
                Some(parent.session_id.clone()),
                parent.timeout,
                parent.capacity,
            ),
            info: attached.target_info,
            paused: attached.waiting_for_debugger,
            resumer: Arc::clone(&self.resumer),
        }
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

/// A child session from [`AutoAttach`], with what the browser said of its target. It
/// dereferences to its [`Session`]: subscribe and call on it, then [`resume`](Self::resume) it.
///
/// A child that started after the `auto_attach` call is paused (it waits for a debugger)
/// until resumed; dropping it resumes it without waiting for the answer.
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
    /// What the browser said of the target when it attached: its type (`iframe`, `worker`,
    /// `service_worker`, ..), URL, parent.
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
    pub fn resume(mut self) -> Result<Session<E>, Error> {
        if std::mem::take(&mut self.paused) {
            self.session
                .call(&runtime::RunIfWaitingForDebuggerParams::new())?;
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
