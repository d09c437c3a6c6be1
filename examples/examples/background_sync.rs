//! Records a page's background sync events, as DevTools' Background Services panel does:
//! `cargo run --example background_sync -- URL [--duration SECS]` (default 5 seconds, counted
//! from when the page has loaded). The recorder, `cdp-background-services`, does the same for
//! every service with the blocking API.
//!
//! ```text
//! Registered sync: origin http://127.0.0.1:8000/, tag my-tag
//! Dispatched sync event: origin http://127.0.0.1:8000/, tag my-tag, Last Chance: No
//! Sync completed: origin http://127.0.0.1:8000/, tag my-tag, Status: succeeded
//! ```

use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use cdp_examples::background_service::{
    BackgroundServiceEvent, BackgroundServiceEventReceivedEvent, ServiceName, SetRecordingParams,
    StartObservingParams, StopObservingParams,
};
use cdp_examples::Event;
use cdp_transport::tokio::Connection;
use cdp_transport::{LaunchOptions, RecvError};

const USAGE: &str = "usage: background_sync URL [--duration SECS]";

#[tokio::main]
async fn main() -> ExitCode {
    let (url, duration) = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(err) => {
            eprintln!("error: {err}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match record(&url, duration).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The URL and how long to record.
fn parse(mut args: impl Iterator<Item = String>) -> Result<(String, Duration), String> {
    let mut url = None;
    let mut duration = Duration::from_secs(5);
    while let Some(arg) = args.next() {
        if arg == "--duration" {
            let value = args.next().ok_or("--duration needs a number of seconds")?;
            duration = value
                .parse()
                .ok()
                .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
                .ok_or(format!("--duration: `{value}` is not a number of seconds"))?;
        } else if arg.starts_with('-') || url.is_some() {
            return Err(format!("unexpected argument `{arg}`"));
        } else {
            url = Some(arg);
        }
    }
    Ok((url.ok_or("no URL given")?, duration))
}

async fn record(url: &str, duration: Duration) -> Result<(), Box<dyn Error>> {
    let service = ServiceName::BackgroundSync;
    let browser = Connection::<Event>::launch(&LaunchOptions::new()).await?;
    let page = browser.new_page().await?;
    let mut events = page.subscribe::<BackgroundServiceEventReceivedEvent>();
    page.call(&StartObservingParams::new(service.clone()))
        .await?;
    page.call(&SetRecordingParams::new(true, service.clone()))
        .await?;
    page.goto(url).await?;
    eprintln!("recording background sync on {url} for {duration:?}");

    let deadline = tokio::time::sleep(duration);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            Some(item) = events.recv() => match item {
                Ok(received) => print(&received.event.background_service_event),
                Err(RecvError::Lagged { missed }) => println!("(missed {missed} event(s))"),
                Err(RecvError::BadMessage(err)) => eprintln!("warning: skipped an event: {err}"),
                // The connection ended.
                Err(err) => return Err(err.into()),
            },
            () = &mut deadline => break,
        }
    }
    page.call(&SetRecordingParams::new(false, service.clone()))
        .await?;
    page.call(&StopObservingParams::new(service)).await?;
    browser.close().await?;
    Ok(())
}

/// One line per event; a sync's tag is its instance id.
fn print(event: &BackgroundServiceEvent) {
    let mut line = format!(
        "{}: origin {}, tag {}",
        event.event_name, event.origin, event.instance_id
    );
    for metadata in &event.event_metadata {
        line.push_str(&format!(", {}: {}", metadata.key, metadata.value));
    }
    println!("{line}");
}
