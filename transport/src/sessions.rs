//! What the router knows of sessions: the target each is attached to, the requests sent on
//! each, the streams of children attached through each, and why those that ended did.
//!
//! A session ends when its target is detached or crashes. The browser says so with one of
//! [`SESSION_EVENTS`]; the router reads them with the transport's own bindings, whatever
//! bindings the connection decodes with, and ends the session's calls and subscriptions
//! after the event itself has reached them.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use cdp_runtime::{EventSet, Message};

use crate::error::{Error, SessionEnd};
use crate::protocol::{self, inspector, runtime, target};
use crate::queue::{Pushed, Queue};
use crate::router::{lock, Completion, Shared, State};

/// The events that start and end sessions.
pub(crate) const SESSION_EVENTS: &[&str] = &[
    "Target.attachedToTarget",
    "Target.detachedFromTarget",
    "Target.targetCrashed",
    "Inspector.detached",
    "Inspector.targetCrashed",
];

/// How many ended sessions are remembered, so that a call on one fails at once with the
/// reason; beyond that, the oldest are forgotten (a call on one gets the browser's own error).
const MAX_ENDED: usize = 1024;

/// How long the router waits to send the command that lets a paused child run.
const RESUME_TIMEOUT: Duration = Duration::from_secs(5);

/// A stream of the children attached through one session ([`Target.setAutoAttach`]).
///
/// [`Target.setAutoAttach`]: https://chromedevtools.github.io/devtools-protocol/tot/Target/#method-setAutoAttach
pub(crate) struct AttachSink {
    /// The session the children attach through; `None` for the browser's.
    pub(crate) parent: Option<String>,
    pub(crate) queue: Arc<Queue<target::AttachedToTargetEvent>>,
}

/// The sessions of one connection.
#[derive(Default)]
pub(crate) struct Sessions {
    /// The target of each session the connection saw attach.
    targets: HashMap<String, String>,
    /// The requests sent on each session, some of them answered already.
    requests: HashMap<String, Vec<u64>>,
    /// Why each session that ended did, the oldest first in `ended_order`.
    ended: HashMap<String, Error>,
    ended_order: VecDeque<String>,
    sinks: Vec<AttachSink>,
}

/// What is left to do once the router's lock is released: answer the calls a session's end
/// ended, and let run the children nobody took.
#[derive(Default)]
pub(crate) struct Aftermath {
    ended: Vec<(Completion, Error)>,
    resume: Vec<String>,
}

impl Sessions {
    /// Why `session` ended, if it has (and is still remembered).
    pub(crate) fn ended(&self, session: &str) -> Option<Error> {
        self.ended.get(session).map(Error::duplicate)
    }

    /// Notes that `session` is attached to `target`, unless it has ended already.
    pub(crate) fn attached(&mut self, session: &str, target: &str) {
        if !self.ended.contains_key(session) {
            self.targets.insert(session.to_owned(), target.to_owned());
        }
    }

    /// Notes the request `id`, sent on `session`; `pending` says which requests still wait.
    pub(crate) fn sent(&mut self, session: &str, id: u64, pending: impl Fn(&u64) -> bool) {
        let requests = self.requests.entry(session.to_owned()).or_default();
        requests.retain(&pending);
        requests.push(id);
        // Sessions that are never told to end (ids made up, or from another client) must
        // not pile up.
        if self.requests.len() > MAX_ENDED {
            self.requests
                .retain(|_, requests| requests.iter().any(&pending));
        }
    }

    pub(crate) fn add_sink(&mut self, sink: AttachSink) {
        self.sinks.push(sink);
    }

    /// Ends every stream of children: the connection ended with `error`.
    pub(crate) fn end_all(&mut self, error: &Error) {
        for sink in self.sinks.drain(..) {
            sink.queue.end(error.duplicate());
        }
    }
}

impl<E> State<E> {
    /// Reads one of [`SESSION_EVENTS`], which arrived on `session`.
    fn track(&mut self, session: Option<&str>, event: &protocol::Event, after: &mut Aftermath) {
        use protocol::Event;
        match event {
            Event::Target(target::Event::AttachedToTarget(attached)) => {
                self.child_attached(session, attached, after)
            }
            Event::Target(target::Event::DetachedFromTarget(detached)) => {
                let reason = SessionEnd::Detached { reason: None };
                self.end_session(&detached.session_id.0, reason, after);
            }
            Event::Target(target::Event::TargetCrashed(crashed)) => {
                let ended: Vec<String> = self
                    .sessions
                    .targets
                    .iter()
                    .filter(|(_, target)| **target == crashed.target_id.0)
                    .map(|(session, _)| session.clone())
                    .collect();
                for ended in ended {
                    let reason = SessionEnd::Crashed {
                        status: Some(crashed.status.clone()),
                        error_code: Some(crashed.error_code),
                    };
                    self.end_session(&ended, reason, after);
                }
            }
            Event::Inspector(inspector::Event::TargetCrashed(_)) => {
                if let Some(session) = session {
                    let reason = SessionEnd::Crashed {
                        status: None,
                        error_code: None,
                    };
                    self.end_session(session, reason, after);
                }
            }
            Event::Inspector(inspector::Event::Detached(detached)) => {
                if let Some(session) = session {
                    let reason = SessionEnd::Detached {
                        reason: Some(detached.reason.clone()),
                    };
                    self.end_session(session, reason, after);
                }
            }
            _ => {}
        }
    }

    /// A child attached through `parent`: it goes to the streams of children of `parent`.
    /// When it waits for a debugger and no stream took it, it is let run.
    fn child_attached(
        &mut self,
        parent: Option<&str>,
        attached: &target::AttachedToTargetEvent,
        after: &mut Aftermath,
    ) {
        let session = &attached.session_id.0;
        self.sessions
            .attached(session, &attached.target_info.target_id.0);
        let mut taken = false;
        self.sessions.sinks.retain(|sink| {
            if sink.parent.as_deref() != parent {
                return !sink.queue.is_unsubscribed();
            }
            match sink.queue.push_unless_full(attached.clone()) {
                Pushed::Kept => {
                    taken = true;
                    true
                }
                Pushed::Full => true,
                Pushed::Gone => false,
            }
        });
        if attached.waiting_for_debugger && !taken {
            after.resume.push(session.clone());
        }
    }

    /// Ends `session`: its calls, subscriptions and streams of children end with `reason`,
    /// once. The streams of children attached through it end too; the children themselves
    /// are told apart by the browser (`Target.detachedFromTarget` for each).
    fn end_session(&mut self, session: &str, reason: SessionEnd, after: &mut Aftermath) {
        if self.sessions.ended.contains_key(session) {
            return;
        }
        let error = Error::SessionEnded {
            session_id: session.to_owned(),
            target_id: self.sessions.targets.remove(session),
            reason,
        };
        for id in self.sessions.requests.remove(session).unwrap_or_default() {
            if let Some((_, done)) = self.pending.remove(&id) {
                after.ended.push((done, error.duplicate()));
            }
        }
        self.subscribers.retain(|subscriber| {
            let ends = subscriber.session_id() == Some(session);
            if ends {
                subscriber.end(&error);
            }
            !ends
        });
        self.sessions.sinks.retain(|sink| {
            let ends = sink.parent.as_deref() == Some(session);
            if ends {
                sink.queue.end(error.duplicate());
            }
            !ends
        });
        let sessions = &mut self.sessions;
        sessions.ended_order.push_back(session.to_owned());
        sessions.ended.insert(session.to_owned(), error);
        while sessions.ended_order.len() > MAX_ENDED {
            if let Some(oldest) = sessions.ended_order.pop_front() {
                sessions.ended.remove(&oldest);
            }
        }
    }
}

impl<E: EventSet + Send + 'static> Shared<E> {
    /// Reads a message that may start or end a session, with the transport's own bindings.
    /// Called after the subscribers had it: a session's end comes after its last event.
    pub(crate) fn track(&self, text: &str) {
        let Ok(Message::Event { session_id, event }) =
            <protocol::Event as EventSet>::decode_message(text)
        else {
            return;
        };
        let mut after = Aftermath::default();
        lock(&self.state).track(session_id.as_deref(), &event, &mut after);
        self.settle(after);
    }

    /// Registers a stream of the children attached through `parent`, unless `parent` (or the
    /// connection) has ended: then it is ended at once.
    pub(crate) fn add_attach_sink(&self, sink: AttachSink) {
        let mut state = lock(&self.state);
        let ended = match &sink.parent {
            Some(parent) => state.sessions.ended(parent),
            None => None,
        };
        match ended.or_else(|| state.ended.as_ref().map(Error::duplicate)) {
            Some(err) => sink.queue.end(err),
            None => state.sessions.add_sink(sink),
        }
    }

    /// Notes that `session` is attached to `target`.
    pub(crate) fn note_attached(&self, session: &str, target: &str) {
        lock(&self.state).sessions.attached(session, target);
    }

    /// Why `session` ended, if it has.
    pub(crate) fn session_ended(&self, session: &str) -> Option<Error> {
        lock(&self.state).sessions.ended(session)
    }

    /// Does what a session event left to do, outside the lock.
    fn settle(&self, after: Aftermath) {
        for (done, error) in after.ended {
            done(Err(error));
        }
        for session in after.resume {
            self.resume(&session);
        }
    }
}

/// The connection's core, for the handles that cannot name the bounds of `Shared`'s methods
/// (their `Drop` cannot): a child let run when dropped, a reply given up when dropped.
pub(crate) trait Core: Send + Sync {
    /// Lets the child on `session`, which waits for a debugger, run
    /// (`Runtime.runIfWaitingForDebugger`), without waiting for the answer. A child that has
    /// gone meanwhile answers with an error, which nobody needs.
    fn resume(&self, session: &str);

    /// Forgets the request `id`: nobody waits for its answer any more.
    fn forget(&self, id: u64);
}

impl<E: EventSet + Send + 'static> Core for Shared<E> {
    fn resume(&self, session: &str) {
        let _ = self.send(
            Some(session),
            &runtime::RunIfWaitingForDebuggerParams::new(),
            RESUME_TIMEOUT,
            Box::new(|_| {}),
        );
    }

    fn forget(&self, id: u64) {
        Shared::forget(self, id);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::mpsc::{self, Receiver, Sender};
    use std::sync::Mutex;
    use std::time::Instant;

    use cdp_runtime::UnknownEvent;
    use serde_json::Value;

    use super::*;
    use crate::protocol::runtime::EvaluateParams;
    use crate::{Connection, RecvError, Transport};

    /// What the fake browser answers to a command: given its id, method and session.
    type Script = Box<dyn FnMut(u64, &str, Option<&str>) -> Vec<String> + Send>;

    /// The method and session of every command sent, in order.
    type Sent = Arc<Mutex<Vec<(String, Option<String>)>>>;

    /// A browser that is a script, plus messages the test sends when it likes.
    struct Fake {
        script: Script,
        inbox: VecDeque<String>,
        injected: Receiver<String>,
        sent: Sent,
    }

    impl Transport for Fake {
        fn send(&mut self, message: &str, _timeout: Duration) -> Result<(), Error> {
            let message: Value = serde_json::from_str(message).unwrap();
            let id = message["id"].as_u64().unwrap();
            let method = message["method"].as_str().unwrap().to_owned();
            let session = message["sessionId"].as_str().map(str::to_owned);
            self.inbox
                .extend((self.script)(id, &method, session.as_deref()));
            self.sent.lock().unwrap().push((method, session));
            Ok(())
        }

        fn receive(&mut self, timeout: Duration) -> Result<Option<String>, Error> {
            if let Some(message) = self.inbox.pop_front() {
                return Ok(Some(message));
            }
            Ok(self
                .injected
                .recv_timeout(timeout.min(Duration::from_millis(5)))
                .ok())
        }
    }

    /// A browser whose first attach answers `S1` (to `T1`), every other `S2` (to `T2`);
    /// `Runtime.evaluate` is answered on `S2` only, every other command at once.
    fn browser() -> (Connection<UnknownEvent>, Sender<String>, Sent) {
        let (inject, injected) = mpsc::channel();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let mut attaches = 0;
        let script: Script = Box::new(move |id, method, session| match method {
            "Target.attachToTarget" => {
                attaches += 1;
                let n = attaches.min(2);
                vec![
                    attached(None, &format!("S{n}"), &format!("T{n}"), false),
                    format!(r#"{{"id":{id},"result":{{"sessionId":"S{n}"}}}}"#),
                ]
            }
            "Runtime.evaluate" if session != Some("S2") => vec![],
            "Runtime.evaluate" => vec![format!(
                r#"{{"id":{id},"result":{{"result":{{"type":"number","value":2}}}},"sessionId":"S2"}}"#
            )],
            _ => vec![format!(r#"{{"id":{id},"result":{{}}}}"#)],
        });
        let mut connection = Connection::new(Fake {
            script,
            inbox: VecDeque::new(),
            injected,
            sent: Arc::clone(&sent),
        });
        connection.set_timeout(Duration::from_secs(10));
        (connection, inject, sent)
    }

    fn attached(parent: Option<&str>, session: &str, target: &str, waiting: bool) -> String {
        let on = parent.map_or(String::new(), |parent| {
            format!(r#","sessionId":"{parent}""#)
        });
        format!(
            r#"{{"method":"Target.attachedToTarget","params":{{"sessionId":"{session}","targetInfo":{{"targetId":"{target}","type":"worker","title":"","url":"","attached":true,"canAccessOpener":false}},"waitingForDebugger":{waiting}}}{on}}}"#
        )
    }

    /// Waits until `sent` holds `method` on `session`.
    fn wait_for_send(sent: &Mutex<Vec<(String, Option<String>)>>, method: &str, session: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        let wanted = (method.to_owned(), Some(session.to_owned()));
        while !sent.lock().unwrap().contains(&wanted) {
            assert!(
                Instant::now() < deadline,
                "{method} was not sent on {session}"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    fn target(id: &str) -> target::TargetId {
        target::TargetId(id.into())
    }

    #[test]
    fn a_crash_ends_the_session_s_calls_and_stream_after_its_events_and_no_other_session() {
        let (connection, inject, sent) = browser();
        let first = connection.attach(&target("T1")).unwrap();
        let second = connection.attach(&target("T2")).unwrap();
        let events = first.subscribe::<UnknownEvent>();
        let pending = {
            let first = first.clone();
            std::thread::spawn(move || first.call(&EvaluateParams::new("1 + 1")))
        };
        wait_for_send(&sent, "Runtime.evaluate", "S1");
        inject
            .send(r#"{"method":"Runtime.consoleAPICalled","params":{},"sessionId":"S1"}"#.into())
            .unwrap();
        inject
            .send(r#"{"method":"Inspector.targetCrashed","params":{},"sessionId":"S1"}"#.into())
            .unwrap();
        let err = pending.join().unwrap().unwrap_err();
        assert_eq!(
            err.to_string(),
            "the session S1 of target T1 ended: the target crashed"
        );
        assert_eq!(
            err.session_end(),
            Some(&SessionEnd::Crashed {
                status: None,
                error_code: None
            })
        );
        // The events before the end, then the end, every time.
        let methods: Vec<String> = (0..2)
            .map(|_| {
                events
                    .recv_timeout(Duration::from_secs(5))
                    .unwrap()
                    .method
                    .clone()
            })
            .collect();
        assert_eq!(
            methods,
            ["Runtime.consoleAPICalled", "Inspector.targetCrashed"]
        );
        for _ in 0..2 {
            match events.recv_timeout(Duration::from_secs(5)) {
                Err(RecvError::Ended(err)) => {
                    assert_eq!(
                        err.to_string(),
                        "the session S1 of target T1 ended: the target crashed"
                    );
                }
                other => panic!("expected the end, got {other:?}"),
            }
        }
        // A later call fails at once, without being sent.
        let evaluations = |sent: &Mutex<Vec<(String, Option<String>)>>| {
            sent.lock()
                .unwrap()
                .iter()
                .filter(|(method, _)| method == "Runtime.evaluate")
                .count()
        };
        let before = evaluations(&sent);
        assert!(first
            .call(&EvaluateParams::new("1"))
            .unwrap_err()
            .session_end()
            .is_some());
        assert_eq!(evaluations(&sent), before);
        assert!(first.ended().is_some());
        // The other session goes on.
        assert!(second.ended().is_none());
        let answer = second.call(&EvaluateParams::new("1 + 1")).unwrap();
        assert_eq!(answer.result.value, Some(Value::from(2)));
    }

    #[test]
    fn target_crashed_ends_every_session_of_the_target_and_says_how() {
        let (connection, inject, _) = browser();
        let first = connection.attach(&target("T1")).unwrap();
        let second = connection.attach(&target("T2")).unwrap();
        let events = first.subscribe::<UnknownEvent>();
        inject
            .send(
                r#"{"method":"Target.targetCrashed","params":{"targetId":"T1","status":"killed","errorCode":9}}"#
                    .into(),
            )
            .unwrap();
        match events.recv_timeout(Duration::from_secs(5)) {
            Err(RecvError::Ended(err)) => assert_eq!(
                err.to_string(),
                "the session S1 of target T1 ended: the target crashed (killed, code 9)"
            ),
            other => panic!("expected the end, got {other:?}"),
        }
        assert!(second.ended().is_none());
    }

    #[test]
    fn a_detached_session_ends_with_the_reason_given() {
        let (connection, inject, _) = browser();
        let first = connection.attach(&target("T1")).unwrap();
        let second = connection.attach(&target("T2")).unwrap();
        inject
            .send(r#"{"method":"Target.detachedFromTarget","params":{"sessionId":"S1"}}"#.into())
            .unwrap();
        inject
            .send(
                r#"{"method":"Inspector.detached","params":{"reason":"target_closed"},"sessionId":"S2"}"#
                    .into(),
            )
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while first.ended().is_none() || second.ended().is_none() {
            assert!(Instant::now() < deadline);
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(
            first.ended().unwrap().to_string(),
            "the session S1 of target T1 ended: the target was detached"
        );
        assert_eq!(
            second.ended().unwrap().to_string(),
            "the session S2 of target T2 ended: the target was detached (target_closed)"
        );
    }

    #[test]
    fn paused_children_are_handed_over_and_let_run_by_whoever_drops_them() {
        let (connection, inject, sent) = browser();
        let parent = connection.attach(&target("T1")).unwrap();
        let resumed = |session: &str| {
            sent.lock().unwrap().contains(&(
                "Runtime.runIfWaitingForDebugger".to_owned(),
                Some(session.to_owned()),
            ))
        };
        // Nobody asked for children: one that comes paused is let run.
        inject.send(attached(Some("S1"), "C0", "W0", true)).unwrap();
        wait_for_send(&sent, "Runtime.runIfWaitingForDebugger", "C0");

        let children = parent.auto_attach().unwrap();
        inject.send(attached(Some("S1"), "C1", "W1", true)).unwrap();
        inject.send(attached(Some("S2"), "X", "WX", false)).unwrap();
        inject.send(attached(Some("S1"), "C2", "W2", true)).unwrap();
        inject.send(attached(Some("S1"), "C3", "W3", true)).unwrap();
        let child = children.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!((child.id(), child.target_id().0.as_str()), ("C1", "W1"));
        assert!(child.is_paused());
        assert_eq!(child.target_type(), "worker");
        // Handed over paused: it runs when resumed.
        assert!(!resumed("C1"));
        let enabled = child
            .send(&crate::protocol::runtime::EnableParams::new())
            .unwrap();
        let session = child.resume().unwrap();
        enabled.wait().unwrap();
        assert!(resumed("C1"));
        let position = |method: &str| {
            sent.lock()
                .unwrap()
                .iter()
                .position(|sent| *sent == (method.to_owned(), Some("C1".to_owned())))
        };
        assert!(position("Runtime.enable") < position("Runtime.runIfWaitingForDebugger"));
        assert_eq!(session.id(), "C1");
        // Dropped without a resume: it runs.
        let child = children.recv_timeout(Duration::from_secs(5)).unwrap();
        assert_eq!(child.id(), "C2");
        drop(child);
        wait_for_send(&sent, "Runtime.runIfWaitingForDebugger", "C2");
        // The stream dropped with a child unread: it runs.
        drop(children);
        wait_for_send(&sent, "Runtime.runIfWaitingForDebugger", "C3");
        // A child of another session was none of these.
        assert!(!resumed("X"));
    }

    #[test]
    fn a_full_stream_of_children_lets_the_next_one_run_and_says_it_missed_it() {
        let (mut connection, inject, sent) = browser();
        connection.set_event_capacity(1);
        let parent = connection.attach(&target("T1")).unwrap();
        let children = parent.auto_attach().unwrap();
        inject.send(attached(Some("S1"), "C1", "W1", true)).unwrap();
        inject.send(attached(Some("S1"), "C2", "W2", true)).unwrap();
        wait_for_send(&sent, "Runtime.runIfWaitingForDebugger", "C2");
        assert!(matches!(
            children.try_recv(),
            Err(RecvError::Lagged { missed: 1 })
        ));
        assert_eq!(children.try_recv().unwrap().id(), "C1");
    }

    #[test]
    fn the_stream_of_children_ends_with_its_session() {
        let (connection, inject, _) = browser();
        let parent = connection.attach(&target("T1")).unwrap();
        let children = parent.auto_attach().unwrap();
        inject
            .send(r#"{"method":"Inspector.targetCrashed","params":{},"sessionId":"S1"}"#.into())
            .unwrap();
        match children.recv_timeout(Duration::from_secs(5)) {
            Err(RecvError::Ended(err)) => assert!(err.session_end().is_some(), "{err}"),
            other => panic!("expected the end, got {other:?}"),
        }
        assert_eq!(children.iter().count(), 1);
        // Asked again on a session that ended: it ends at once.
        assert!(parent.auto_attach().unwrap_err().session_end().is_some());
    }

    #[test]
    fn a_reply_waited_for_later_gets_its_answer_and_one_dropped_is_forgotten() {
        let (mut connection, _, _) = browser();
        connection.attach(&target("T1")).unwrap();
        let session = connection.attach(&target("T2")).unwrap();
        let dropped = session.send(&EvaluateParams::new("1 + 1")).unwrap();
        drop(dropped);
        let reply = session.send(&EvaluateParams::new("1 + 1")).unwrap();
        assert_eq!(reply.wait().unwrap().result.value, Some(Value::from(2)));
        // The dropped reply's answer came, and was dropped without a word.
        loop {
            match connection.next_event(Duration::from_millis(100)) {
                Ok(event) => assert_eq!(event.method, "Target.attachedToTarget"),
                Err(err) => {
                    assert!(err.is_timeout(), "{err}");
                    break;
                }
            }
        }
    }
}
