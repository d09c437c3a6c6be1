//! `cdp-background-services`: records the Background Services events of a page, as the
//! DevTools "Background Services" panel does, using only the generated bindings and the
//! runtime's transports.

mod cli;
mod output;

use std::io;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use cdp_bindings::background_service::{
    self as bs, ClearEventsParams, ServiceName, SetRecordingParams, StartObservingParams,
    StopObservingParams,
};
use cdp_bindings::Event;
use cdp_transport::protocol::{page, target};
use cdp_transport::{Connection, Error, KillHandle, LaunchOptions, Page};
use clap::Parser;

use cli::Args;
use output::{Format, Printer};

/// How often the event loop looks at Ctrl-C and the deadline.
const TICK: Duration = Duration::from_millis(100);

/// How long the clean-up after recording may wait for each answer.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Held from a second Ctrl-C until the process exits with [`INTERRUPTED`]: killing the
/// browser makes the main thread fail at once, and it must not exit first, with another status.
static INTERRUPTING: Mutex<()> = Mutex::new(());

fn main() -> ExitCode {
    // clap exits with status 2 on bad arguments, and 0 for --help and --version.
    let args = Args::parse();
    let result = run(&args);
    // Waits, for good, when a second Ctrl-C is being handled.
    drop(INTERRUPTING.lock().unwrap_or_else(PoisonError::into_inner));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// What can stop a recording early.
#[derive(Debug)]
enum RunError {
    Browser(Error),
    Output(io::Error),
    Signal(ctrlc::Error),
    Navigation { url: String, reason: String },
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Browser(err) => err.fmt(f),
            RunError::Output(err) => write!(f, "cannot write the events: {err}"),
            RunError::Signal(err) => write!(f, "cannot install the Ctrl-C handler: {err}"),
            RunError::Navigation { url, reason } => write!(f, "cannot open {url}: {reason}"),
        }
    }
}

impl From<Error> for RunError {
    fn from(err: Error) -> Self {
        RunError::Browser(err)
    }
}

impl From<io::Error> for RunError {
    fn from(err: io::Error) -> Self {
        RunError::Output(err)
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

fn run(args: &Args) -> Result<(), RunError> {
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

    let connected = connect(args);
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
    let mut connection = connected?;
    connection.set_timeout(args.timeout);
    let services = args.services();
    let page = connection.new_page()?;
    let recorded = record(&mut connection, &page, args, &services, &stop);
    // Leave a browser we connected to as we found it; a launched one is closed anyway.
    let cleaned = stop_recording(&mut connection, &page, &services);
    let closed = connection.close();
    let count = recorded?;
    cleaned?;
    closed?;
    eprintln!("recorded {count} event(s)");
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

fn connect(args: &Args) -> Result<Connection<Event>, Error> {
    match &args.browser_url {
        Some(url) => Connection::connect(url),
        None => {
            let mut options = LaunchOptions::new()
                .args(args.chromium_args.iter().cloned())
                .startup_timeout(args.timeout);
            options.binary.clone_from(&args.chromium);
            Connection::launch(&options)
        }
    }
}

/// Observes and records the services, opens the page, and prints events until the deadline
/// or Ctrl-C. Returns how many events were printed.
fn record(
    connection: &mut Connection<Event>,
    page: &Page<Event>,
    args: &Args,
    services: &[ServiceName],
    stop: &AtomicBool,
) -> Result<usize, RunError> {
    let session = page.id();
    for service in services {
        connection.call_on(session, &StartObservingParams::new(service.clone()))?;
        if args.clear {
            connection.call_on(session, &ClearEventsParams::new(service.clone()))?;
        }
        connection.call_on(session, &SetRecordingParams::new(true, service.clone()))?;
    }
    let navigated = connection.call_on(session, &page::NavigateParams::new(args.url.clone()))?;
    if let Some(reason) = navigated.error_text {
        return Err(RunError::Navigation {
            url: args.url.clone(),
            reason,
        });
    }
    let names: Vec<&str> = services.iter().map(ServiceName::as_str).collect();
    let until = match args.duration {
        Some(duration) => format!("for {duration:?}"),
        None => "until Ctrl-C".to_owned(),
    };
    eprintln!("recording {} on {} {until}", names.join(", "), args.url);

    let format = if args.json {
        Format::JsonLines
    } else {
        Format::Table
    };
    let mut printer = Printer::new(format, io::stdout().lock());
    printer.header()?;
    let deadline = args.duration.map(|duration| Instant::now() + duration);
    let mut count = 0;
    while !stop.load(Ordering::SeqCst) {
        let wait = match deadline {
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => left.min(TICK),
                _ => break,
            },
            None => TICK,
        };
        let received = match connection.next_event(wait) {
            Ok(received) => received,
            Err(err) if err.is_timeout() => continue,
            // One bad message (it does not decode, or it answers no request): say so, read on.
            Err(err) if err.is_bad_message() => {
                eprintln!("warning: skipped a message: {err}");
                continue;
            }
            Err(err) => return Err(err.into()),
        };
        if received.session_id.as_deref() != Some(session) {
            continue;
        }
        if let Event::BackgroundService(bs::Event::BackgroundServiceEventReceived(event)) =
            received.event
        {
            printer.event(&event.background_service_event)?;
            count += 1;
        }
    }
    Ok(count)
}

/// Turns recording and observing off again and closes the page.
fn stop_recording(
    connection: &mut Connection<Event>,
    page: &Page<Event>,
    services: &[ServiceName],
) -> Result<(), Error> {
    connection.set_timeout(CLEANUP_TIMEOUT);
    for service in services {
        connection.call_on(page.id(), &SetRecordingParams::new(false, service.clone()))?;
        connection.call_on(page.id(), &StopObservingParams::new(service.clone()))?;
    }
    connection.call(&target::CloseTargetParams::new(page.target_id().clone()))?;
    Ok(())
}
