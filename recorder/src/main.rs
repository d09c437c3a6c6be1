//! `cdp-background-services`: records the Background Services events of a page, as the
//! DevTools "Background Services" panel does, and triggers what the Application panel's
//! buttons trigger (permissions, push messages, sync events), using only bindings generated
//! by cdp-codegen (see `build.rs`) and the project's transport.

#[allow(dead_code)]
mod cdp {
    include!(concat!(env!("OUT_DIR"), "/cdp.rs"));
}
mod cli;
mod output;
mod remote;
mod sink;
mod summary;
mod terminal;
mod workers;

use std::io::{self, Write};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use cdp_runtime::UnknownEvent;
use cdp_transport::protocol::{page, target};
use cdp_transport::{Connection, Error, KillHandle, LaunchOptions, RecvError, Subscription};
use serde::Deserialize;
use serde_json::value::RawValue;

use cdp::background_service::{
    ClearEventsParams, ServiceName, SetRecordingParams, StartObservingParams, StopObservingParams,
};
use cdp::browser::PermissionType;
use cdp::service_worker as sw;
use cli::Args;
use output::{Layout, Record};
use remote::{CallError, Remote, TICK};
use sink::{SendError, Sink, BATCH};
use summary::Summary;
use terminal::printable;
use workers::{Trigger, TriggerCommand, Workers};

/// How long the clean-up after recording may take, all its commands together.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the writers get, once the recording is over, to write what they hold.
const WRITE_GRACE: Duration = Duration::from_secs(1);

/// How many events of the page wait, unread, before the transport drops the oldest.
const EVENT_CAPACITY: usize = 8192;

/// How many warnings are printed; the rest are counted. A browser that sends nothing but bad
/// messages must not flood standard error (nor block on it).
const MAX_WARNINGS: usize = 20;

/// Held from a second Ctrl-C until the process exits with [`INTERRUPTED`]: killing the
/// browser makes the main thread fail at once, and it must not exit first, with another status.
static INTERRUPTING: Mutex<()> = Mutex::new(());

fn main() -> ExitCode {
    // clap exits with status 2 on bad arguments, and 0 for --help and --version.
    let args = Args::from_env();
    let mut summary = None;
    let result = run(&args, &mut summary);
    // Waits, for good, when a second Ctrl-C is being handled.
    drop(INTERRUPTING.lock().unwrap_or_else(PoisonError::into_inner));
    let mut stderr = io::stderr().lock();
    // Once connected, the summary is printed however the run ended.
    if let Some(summary) = &summary {
        let _ = write!(stderr, "{summary}");
    }
    let incomplete = summary.as_ref().is_some_and(Summary::output_incomplete);
    match result {
        Ok(()) if !incomplete => ExitCode::SUCCESS,
        Ok(()) => {
            let _ = writeln!(stderr, "error: not every event was written (see above)");
            ExitCode::FAILURE
        }
        Err(err) => {
            let _ = writeln!(stderr, "error: {}", printable(&err.to_string()));
            ExitCode::FAILURE
        }
    }
}

/// What can end a recording early.
#[derive(Debug)]
enum RunError {
    Browser(Error),
    /// An output failed: standard output was closed, or the disk is full.
    Output {
        name: String,
        error: io::Error,
    },
    Save {
        path: PathBuf,
        error: io::Error,
    },
    Signal(ctrlc::Error),
    Navigation {
        url: String,
        reason: String,
    },
    /// No service worker of the page's origin ran within --timeout.
    NoServiceWorker {
        origin: String,
        waited: Duration,
        triggers: String,
    },
    /// --duration was over before the service worker ran.
    NotTriggered {
        origin: String,
        triggers: String,
    },
    Trigger {
        flag: &'static str,
        error: Error,
    },
    /// A stop (Ctrl-C, SIGTERM, SIGHUP) ended the wait: not an error.
    Stopped,
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Browser(err) => err.fmt(f),
            RunError::Output { name, error } => write!(f, "cannot write to {name}: {error}"),
            RunError::Save { path, error } => {
                write!(f, "cannot create {}: {error}", path.display())
            }
            RunError::Signal(err) => write!(f, "cannot install the Ctrl-C handler: {err}"),
            RunError::Navigation { url, reason } => write!(f, "cannot open {url}: {reason}"),
            RunError::NoServiceWorker {
                origin,
                waited,
                triggers,
            } => write!(
                f,
                "waited {waited:?} (--timeout) for a service worker of {origin} to be \
                 registered, activated and running, to send it {triggers}: the page \
                 registered none that ran"
            ),
            RunError::NotTriggered { origin, triggers } => write!(
                f,
                "the recording ended (--duration) before a service worker of {origin} was \
                 registered, activated and running: {triggers} not sent"
            ),
            RunError::Trigger { flag, error } => {
                write!(f, "cannot send {flag} to the service worker: {error}")
            }
            RunError::Stopped => f.write_str("stopped"),
        }
    }
}

impl From<Error> for RunError {
    fn from(err: Error) -> Self {
        RunError::Browser(err)
    }
}

impl From<CallError> for RunError {
    fn from(err: CallError) -> Self {
        match err {
            CallError::Browser(err) => RunError::Browser(err),
            CallError::Stopped => RunError::Stopped,
        }
    }
}

/// The exit status after a second Ctrl-C: 128 + SIGINT, as shells report a death by SIGINT.
const INTERRUPTED: i32 = 130;

/// What a second Ctrl-C must deal with before the recorder exits.
enum Shutdown {
    /// A browser is being launched. It cannot be killed before the launch returns it, so a
    /// second Ctrl-C waits for that.
    Launching,
    /// A second Ctrl-C came during the launch: kill the browser as soon as it is there.
    Interrupted,
    /// Connected; holds the browser the recorder launched, if it did.
    Running(Option<KillHandle>),
}

/// Runs the whole recording: connect, record, clean up. `summary` is set once connected, and
/// holds what was recorded however the run ends.
fn run(args: &Args, summary: &mut Option<Summary>) -> Result<(), RunError> {
    // The first Ctrl-C (SIGINT), SIGTERM or SIGHUP stops the recording: the browser is left as
    // it was found, closed, and its temporary profile removed. A second one stops at once,
    // killing a browser the recorder launched (once the launch has returned it).
    let stop = Arc::new(AtomicBool::new(false));
    let shutdown = Arc::new(Mutex::new(match args.browser_url {
        Some(_) => Shutdown::Running(None),
        None => Shutdown::Launching,
    }));
    let handler_stop = Arc::clone(&stop);
    let handler_shutdown = Arc::clone(&shutdown);
    ctrlc::set_handler(move || {
        if !handler_stop.swap(true, Ordering::SeqCst) {
            eprintln!("stopping: cleaning up (press Ctrl-C again to stop at once)");
            return;
        }
        let mut shutdown = handler_shutdown
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &*shutdown {
            Shutdown::Launching => {
                eprintln!("interrupted: stopping as soon as the browser has started, to close it");
                *shutdown = Shutdown::Interrupted;
            }
            Shutdown::Interrupted => {}
            // The user does not want to wait for the clean-up. `exit` runs no destructors, so
            // the launched browser and its profile are dealt with here, or they would be left
            // behind.
            Shutdown::Running(browser) => interrupted(browser.as_ref()),
        }
    })
    .map_err(RunError::Signal)?;

    // Before the browser: a file that cannot be written stops the run before it starts.
    let save = match &args.save {
        Some(path) => {
            let file = std::fs::File::create(path).map_err(|error| RunError::Save {
                path: path.clone(),
                error,
            })?;
            Some(Sink::spawn(
                path.display().to_string(),
                file,
                Layout::JsonArray,
            ))
        }
        None => None,
    };

    let connected = connect(args, &stop);
    {
        let mut shutdown = shutdown.lock().unwrap_or_else(PoisonError::into_inner);
        let browser = connected
            .as_ref()
            .ok()
            .and_then(|connection| connection.browser().map(|browser| browser.kill_handle()));
        if let Shutdown::Interrupted = *shutdown {
            interrupted(browser.as_ref());
        }
        *shutdown = Shutdown::Running(browser);
    }
    let mut connection = match connected {
        Ok(connection) => connection,
        Err(err) => {
            // The saved file still gets its end: an empty array.
            if let Some(save) = save {
                save.finish(WRITE_GRACE);
            }
            if let RunError::Stopped = err {
                eprintln!("stopped before the browser was connected");
                return Ok(());
            }
            return Err(err);
        }
    };
    connection.set_event_capacity(EVENT_CAPACITY);
    let services = args.services();
    let summary = summary.insert(Summary::new(&services));
    if args.drift {
        summary.report_drift();
    }
    let mut recorder = Recorder {
        remote: Remote::new(connection, Arc::clone(&stop), args.timeout),
        args,
        filter: (!args.services.is_empty()).then_some(services.clone()),
        services,
        summary,
        deadline: None,
        stdout: None,
        save,
        page: None,
        observing: Vec::new(),
        service_workers_enabled: false,
        warnings: AtomicUsize::new(0),
    };
    let recorded = match recorder.record() {
        Err(RunError::Stopped) => {
            let before = if recorder.stdout.is_some() {
                "stopped"
            } else {
                "stopped before recording began"
            };
            eprintln!("{before}");
            Ok(())
        }
        other => other,
    };
    let cleaned = recorder.clean_up();
    let Recorder {
        remote,
        summary,
        stdout,
        save,
        ..
    } = recorder;
    let closed = remote.close();
    for sink in [stdout, save].into_iter().flatten() {
        summary.output(sink.finish(WRITE_GRACE));
    }
    recorded?;
    cleaned?;
    closed?;
    Ok(())
}

/// Exits at once with [`INTERRUPTED`], after killing the browser the recorder launched and
/// removing its profile.
fn interrupted(browser: Option<&KillHandle>) -> ! {
    // Never released: the process ends below.
    let _exiting = INTERRUPTING.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(browser) = browser {
        browser.kill_and_remove_profile();
    }
    eprintln!("interrupted: stopped without cleaning up the page");
    std::process::exit(INTERRUPTED);
}

/// Launches the browser, or connects to it; a stop ends a slow connection's wait.
fn connect(args: &Args, stop: &AtomicBool) -> Result<Connection<UnknownEvent>, RunError> {
    match &args.browser_url {
        Some(url) => {
            // A connection given up here owns no browser: left to finish, it is dropped.
            let (connected, connection) = mpsc::sync_channel(1);
            let url = url.clone();
            std::thread::spawn(move || {
                let _ = connected.send(Connection::connect(&url));
            });
            loop {
                match connection.recv_timeout(TICK) {
                    Ok(connected) => return Ok(connected?),
                    Err(RecvTimeoutError::Timeout) if stop.load(Ordering::SeqCst) => {
                        return Err(RunError::Stopped)
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => {
                        return Err(RunError::Browser(Error::Closed {
                            reason: "the connecting thread ended without an answer".into(),
                        }))
                    }
                }
            }
        }
        // Over the pipe, launching only starts the process: the first command's wait, which
        // a stop cuts short, covers the browser's start.
        None => {
            let mut options = LaunchOptions::new()
                .args(args.chromium_args.iter().cloned())
                .startup_timeout(args.timeout);
            options.binary.clone_from(&args.chromium);
            Ok(Connection::launch(&options)?)
        }
    }
}

/// The page the recorder opened.
struct OpenPage {
    target_id: target::TargetId,
    /// Its session, once attached.
    session: Option<String>,
}

/// One recording: the browser, what was set up in it (to undo), and the outputs.
struct Recorder<'a> {
    remote: Remote,
    args: &'a Args,
    services: Vec<ServiceName>,
    /// The services to keep events of, when --service named them; otherwise every event of
    /// the page's session is kept.
    filter: Option<Vec<ServiceName>>,
    summary: &'a mut Summary,
    /// When --duration ends the recording.
    deadline: Option<Instant>,
    stdout: Option<Sink>,
    save: Option<Sink>,
    page: Option<OpenPage>,
    /// The services observed and recorded, to turn off again.
    observing: Vec<ServiceName>,
    service_workers_enabled: bool,
    warnings: AtomicUsize,
}

impl Recorder<'_> {
    /// Opens the page, observes and records the services, navigates, and takes the events
    /// until the deadline or a stop, sending the triggers once the service worker runs.
    fn record(&mut self) -> Result<(), RunError> {
        let target_id = self
            .remote
            .call(None, target::CreateTargetParams::new("about:blank"))?
            .target_id;
        let page = self.page.insert(OpenPage {
            target_id: target_id.clone(),
            session: None,
        });
        let session = self
            .remote
            .call(
                None,
                target::AttachToTargetParams::new(target_id).flatten(true),
            )?
            .session_id
            .0;
        page.session = Some(session.clone());
        // Before any command of the session, so that none of its events is missed.
        let events = self.remote.subscribe_on(&session);

        let origin = self.args.origin();
        if self.args.grant {
            let origin = origin
                .clone()
                .expect("checked by Args: --grant needs an origin");
            // `grantPermissions` is marked deprecated in favour of `setPermission`, which takes
            // one permission per call, named by a free-form descriptor; this one takes every
            // typed `PermissionType` at once.
            #[allow(deprecated)]
            let grant = cdp::browser::GrantPermissionsParams::new(permissions_for(&self.services))
                .origin(origin);
            self.remote.call(None, grant)?;
        }
        let mut workers = None;
        if !self.args.triggers.is_empty() {
            self.remote.call(Some(&session), sw::EnableParams::new())?;
            self.service_workers_enabled = true;
            let origin = origin.expect("checked by Args: triggers need an origin");
            workers = Some(Workers::new(origin));
        }
        for service in self.services.clone() {
            self.remote
                .call(Some(&session), StartObservingParams::new(service.clone()))?;
            self.observing.push(service.clone());
            if self.args.clear {
                self.remote
                    .call(Some(&session), ClearEventsParams::new(service.clone()))?;
            }
            self.remote
                .call(Some(&session), SetRecordingParams::new(true, service))?;
        }
        let navigated = self.remote.call(
            Some(&session),
            page::NavigateParams::new(self.args.url.clone()),
        )?;
        if let Some(reason) = navigated.error_text.filter(|text| !text.is_empty()) {
            return Err(RunError::Navigation {
                url: self.args.url.clone(),
                reason,
            });
        }
        let navigated_at = Instant::now();
        let names: Vec<&str> = self.services.iter().map(ServiceName::as_str).collect();
        let until = match self.args.duration {
            Some(duration) => format!("for {duration:?}"),
            None => "until Ctrl-C".to_owned(),
        };
        eprintln!(
            "recording {} on {} {until}",
            names.join(", "),
            self.args.url
        );
        self.deadline = self.args.duration.map(|duration| navigated_at + duration);
        self.stdout = Some(stdout_sink(self.args)?);
        self.take_events(&events, &session, workers, navigated_at)
    }

    /// The event loop: every event of the page's session until the deadline or a stop.
    fn take_events(
        &mut self,
        events: &Subscription<UnknownEvent>,
        session: &str,
        mut workers: Option<Workers>,
        navigated_at: Instant,
    ) -> Result<(), RunError> {
        let worker_deadline = navigated_at + self.args.timeout;
        loop {
            if self.remote.stopped() {
                return Ok(());
            }
            let now = Instant::now();
            let mut wait = TICK;
            if let Some(deadline) = self.deadline {
                match deadline.checked_duration_since(now) {
                    Some(left) if !left.is_zero() => wait = wait.min(left),
                    _ => {
                        return match &workers {
                            Some(workers) => Err(RunError::NotTriggered {
                                origin: workers.origin().to_owned(),
                                triggers: self.trigger_flags(),
                            }),
                            None => Ok(()),
                        }
                    }
                }
            }
            if let Some(waiting) = &workers {
                if let Some(registration) = waiting.ready().cloned() {
                    let origin = waiting.origin().to_owned();
                    self.send_triggers(session, &origin, &registration)?;
                    workers = None;
                    continue;
                }
                match worker_deadline.checked_duration_since(now) {
                    Some(left) if !left.is_zero() => wait = wait.min(left),
                    _ => {
                        return Err(RunError::NoServiceWorker {
                            origin: waiting.origin().to_owned(),
                            waited: self.args.timeout,
                            triggers: self.trigger_flags(),
                        })
                    }
                }
            }
            // What has arrived, up to a batch, then handed to the outputs at once.
            let mut batch = Vec::new();
            let mut received = events.recv_timeout(wait);
            let ended = loop {
                match received {
                    Ok(event) => {
                        if let Some(record) = self.take(event.event, workers.as_mut()) {
                            batch.push(record);
                        }
                    }
                    Err(RecvError::Timeout(_)) => break None,
                    Err(RecvError::Lagged { missed }) => self.summary.missed(missed),
                    Err(RecvError::BadMessage(err)) => {
                        self.warn(&format!("skipped a message: {err}"));
                    }
                    Err(RecvError::Ended(err)) => break Some(err),
                    Err(other) => self.warn(&format!("skipped a message: {other}")),
                }
                if batch.len() >= BATCH {
                    break None;
                }
                received = events.try_recv();
            };
            let went_on = self.output(batch)?;
            if let Some(err) = ended {
                return Err(err.into());
            }
            if !went_on {
                return Ok(());
            }
        }
    }

    /// Takes one event of the page's session: the record to output, if it is one.
    fn take(&mut self, event: UnknownEvent, workers: Option<&mut Workers>) -> Option<Arc<Record>> {
        let params = event.params.get();
        self.summary.note_drift(&event.method, params);
        match event.method.as_str() {
            "BackgroundService.backgroundServiceEventReceived" => {
                let record = match decode_received(params) {
                    Ok(record) => record,
                    Err(err) => {
                        self.summary.undecodable();
                        self.warn(&format!(
                            "skipped a `{}` that does not decode: {err}",
                            event.method
                        ));
                        return None;
                    }
                };
                if self
                    .filter
                    .as_ref()
                    .is_some_and(|services| !services.contains(&record.event.service))
                {
                    return None;
                }
                self.summary.recorded(&record.event.service);
                return Some(Arc::new(record));
            }
            "ServiceWorker.workerRegistrationUpdated" => {
                if let Some(workers) = workers {
                    match serde_json::from_str(params) {
                        Ok(updated) => workers.registrations_updated(&updated),
                        Err(err) => self.warn(&format!("skipped a `{}`: {err}", event.method)),
                    }
                }
            }
            "ServiceWorker.workerVersionUpdated" => {
                if let Some(workers) = workers {
                    match serde_json::from_str(params) {
                        Ok(updated) => workers.versions_updated(&updated),
                        Err(err) => self.warn(&format!("skipped a `{}`: {err}", event.method)),
                    }
                }
            }
            _ => {}
        }
        None
    }

    /// Hands records to every output. Returns false when an output kept the recording
    /// waiting until its end.
    fn output(&mut self, records: Vec<Arc<Record>>) -> Result<bool, RunError> {
        if records.is_empty() {
            return Ok(true);
        }
        let deadline = self.deadline;
        let stop = &self.remote;
        let keep_waiting =
            || !stop.stopped() && deadline.is_none_or(|deadline| Instant::now() < deadline);
        for sink in [self.stdout.as_mut(), self.save.as_mut()]
            .into_iter()
            .flatten()
        {
            match sink.send(records.clone(), keep_waiting) {
                Ok(()) => {}
                Err(SendError::GaveUp) => return Ok(false),
                Err(SendError::Failed(error)) => {
                    return Err(RunError::Output {
                        name: sink.name().to_owned(),
                        error,
                    })
                }
            }
        }
        Ok(true)
    }

    /// Sends --push, --sync and --periodic-sync, in their order, to `registration`.
    fn send_triggers(
        &mut self,
        session: &str,
        origin: &str,
        registration: &sw::RegistrationId,
    ) -> Result<(), RunError> {
        for trigger in &self.args.triggers {
            let sent = match TriggerCommand::new(trigger, origin, registration) {
                TriggerCommand::Push(params) => self.remote.call(Some(session), params).map(drop),
                TriggerCommand::Sync(params) => self.remote.call(Some(session), params).map(drop),
                TriggerCommand::PeriodicSync(params) => {
                    self.remote.call(Some(session), params).map(drop)
                }
            };
            match sent {
                Ok(()) => {}
                Err(CallError::Stopped) => return Err(RunError::Stopped),
                Err(CallError::Browser(error)) => {
                    return Err(RunError::Trigger {
                        flag: trigger.flag(),
                        error,
                    })
                }
            }
            let value = match trigger {
                Trigger::Push(value) | Trigger::Sync(value) | Trigger::PeriodicSync(value) => value,
            };
            eprintln!(
                "sent {} {} to the service worker of {origin} (registration {})",
                trigger.flag(),
                printable(value),
                printable(&registration.0)
            );
        }
        Ok(())
    }

    /// The trigger options given, for messages: `--push, --sync`.
    fn trigger_flags(&self) -> String {
        let mut flags: Vec<&str> = self.args.triggers.iter().map(Trigger::flag).collect();
        flags.dedup();
        flags.join(", ")
    }

    /// Prints a warning, made printable; after [`MAX_WARNINGS`], counts it only.
    fn warn(&self, warning: &str) {
        let count = self.warnings.fetch_add(1, Ordering::Relaxed);
        if count < MAX_WARNINGS {
            eprintln!("warning: {}", printable(warning));
        } else if count == MAX_WARNINGS {
            eprintln!("warning: more warnings follow; they are not printed");
        }
    }

    /// Turns recording and observing off again and closes the page, within
    /// [`CLEANUP_TIMEOUT`] in all. A browser that stopped answering (a call was given up at
    /// the stop) is not asked anything more.
    ///
    /// A command that used up what was left of the budget fails the clean-up with a timeout
    /// that names the budget, and the command it was waiting for.
    fn clean_up(&mut self) -> Result<(), Error> {
        self.clean_up_within_budget()
            .map_err(|err| over_budget(err, CLEANUP_TIMEOUT))
    }

    fn clean_up_within_budget(&mut self) -> Result<(), Error> {
        let Some(page) = self.page.take() else {
            return Ok(());
        };
        if self.remote.abandoned() {
            eprintln!("warning: the browser did not answer before the stop; nothing cleaned up");
            return Ok(());
        }
        let deadline = Instant::now() + CLEANUP_TIMEOUT;
        let left = || deadline.saturating_duration_since(Instant::now());
        if let Some(session) = &page.session {
            for service in std::mem::take(&mut self.observing) {
                let session = Some(session.as_str());
                self.remote.call_after_stop(
                    session,
                    SetRecordingParams::new(false, service.clone()),
                    left(),
                )?;
                self.remote
                    .call_after_stop(session, StopObservingParams::new(service), left())?;
            }
            if self.service_workers_enabled {
                self.remote
                    .call_after_stop(Some(session), sw::DisableParams::new(), left())?;
            }
        }
        self.remote.call_after_stop(
            None,
            target::CloseTargetParams::new(page.target_id),
            left(),
        )?;
        Ok(())
    }
}

/// The clean-up's error: a command that timed out ran out of the clean-up's `budget`, which is
/// what the timeout names; the command's own wait was only the budget's rest.
fn over_budget(err: Error, budget: Duration) -> Error {
    match err {
        Error::Timeout { waiting_for, .. } => Error::Timeout {
            waiting_for: format!(
                "the clean-up after recording (its budget, for all its commands): \
                 {waiting_for} did not come"
            ),
            after: budget,
        },
        err => err,
    }
}

/// The permissions the services need to work: a push message is shown as a notification.
fn permissions_for(services: &[ServiceName]) -> Vec<PermissionType> {
    let mut permissions = Vec::new();
    for service in services {
        let permission = match service {
            ServiceName::BackgroundFetch => PermissionType::BackgroundFetch,
            ServiceName::BackgroundSync => PermissionType::BackgroundSync,
            ServiceName::PushMessaging | ServiceName::Notifications => {
                PermissionType::Notifications
            }
            ServiceName::PaymentHandler => PermissionType::PaymentHandler,
            ServiceName::PeriodicBackgroundSync => PermissionType::PeriodicBackgroundSync,
            _ => continue,
        };
        if !permissions.contains(&permission) {
            permissions.push(permission);
        }
    }
    permissions
}

/// The params of `BackgroundService.backgroundServiceEventReceived`, the event kept as text.
#[derive(Deserialize)]
struct Received<'a> {
    #[serde(rename = "backgroundServiceEvent", borrow)]
    event: &'a RawValue,
}

/// The event in `params` as the browser sent it, and decoded.
fn decode_received(params: &str) -> Result<Record, serde_json::Error> {
    let received: Received<'_> = serde_json::from_str(params)?;
    Record::decode(received.event.get())
}

/// The writer of standard output. It writes to a descriptor of its own, so that the
/// process's own `stdout` never holds events: at exit, std flushes that one, which would block
/// on a reader that does not read.
fn stdout_sink(args: &Args) -> Result<Sink, RunError> {
    let output = |error| RunError::Output {
        name: "standard output".into(),
        error,
    };
    let fd = io::stdout().as_fd().try_clone_to_owned().map_err(output)?;
    let layout = if args.json {
        Layout::JsonLines
    } else {
        Layout::Table
    };
    Ok(Sink::spawn(
        "standard output",
        std::fs::File::from(fd),
        layout,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_service_gets_the_permission_it_needs_once() {
        assert_eq!(
            permissions_for(ServiceName::KNOWN),
            [
                PermissionType::BackgroundFetch,
                PermissionType::BackgroundSync,
                PermissionType::Notifications,
                PermissionType::PaymentHandler,
                PermissionType::PeriodicBackgroundSync,
            ]
        );
        assert_eq!(permissions_for(&[ServiceName::Unknown("x".into())]), []);
    }

    #[test]
    fn a_clean_up_that_times_out_names_its_budget() {
        let err = over_budget(
            Error::Timeout {
                waiting_for: "the response to `Target.closeTarget` (id 9)".into(),
                after: Duration::from_millis(925),
            },
            Duration::from_secs(5),
        );
        assert_eq!(
            err.to_string(),
            "timed out after 5s waiting for the clean-up after recording (its budget, for all \
             its commands): the response to `Target.closeTarget` (id 9) did not come"
        );
        let err = over_budget(
            Error::Closed {
                reason: "the browser closed the pipe".into(),
            },
            Duration::from_secs(5),
        );
        assert_eq!(
            err.to_string(),
            "the connection is closed: the browser closed the pipe"
        );
    }

    #[test]
    fn a_received_event_keeps_its_text_and_decodes() {
        let params = r#"{"backgroundServiceEvent":{"timestamp":1,"origin":"o","serviceWorkerRegistrationId":"0","service":"paymentHandler","eventName":"Payment request","instanceId":"i","eventMetadata":[],"storageKey":"o","extra":[1]}}"#;
        let record = decode_received(params).unwrap();
        assert_eq!(record.event.service, ServiceName::PaymentHandler);
        assert_eq!(record.event.event_name, "Payment request");
        assert!(record.raw.starts_with(r#"{"timestamp":1,"#));
        assert!(record.raw.ends_with(r#","extra":[1]}"#));
        assert!(decode_received(r#"{"backgroundServiceEvent":{"timestamp":1}}"#).is_err());
    }
}
