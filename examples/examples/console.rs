//! Prints a page's console messages and network requests as they happen, until the page has
//! loaded and been quiet for a second: `cargo run --example console -- URL`.
//!
//! ```text
//! GET 200 http://127.0.0.1:8000/
//! console.log: hello 42
//! GET 200 http://127.0.0.1:8000/data.txt
//! ```

use std::collections::HashMap;
use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use cdp_examples::{network, runtime, Event};
use cdp_runtime::serde_json::Value;
use cdp_transport::tokio::Connection;
use cdp_transport::{LaunchOptions, RecvError, SessionEvent};
use tokio::time::{sleep, Instant};

/// How long the page must stay quiet after it has loaded before the example stops.
const QUIET: Duration = Duration::from_secs(1);

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url] = args.as_slice() else {
        eprintln!("usage: console URL");
        return ExitCode::from(2);
    };
    match watch(url).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn watch(url: &str) -> Result<(), Box<dyn Error>> {
    let browser = Connection::<Event>::launch(&LaunchOptions::new()).await?;
    let page = browser.new_page().await?;
    // Subscribed before the page loads, so that none of its events is missed.
    let mut console = page.subscribe::<runtime::ConsoleApiCalledEvent>();
    let mut requests = page.subscribe::<network::RequestWillBeSentEvent>();
    let mut responses = page.subscribe::<network::ResponseReceivedEvent>();
    let mut failures = page.subscribe::<network::LoadingFailedEvent>();
    page.call(&runtime::EnableParams::new()).await?;
    page.call(&network::EnableParams::new()).await?;

    // The method and URL of each request, by id: responses and failures name only the id.
    let mut sent: HashMap<String, (String, String)> = HashMap::new();
    let goto = page.goto(url);
    tokio::pin!(goto);
    let mut loaded = false;
    let quiet = sleep(QUIET);
    tokio::pin!(quiet);
    loop {
        tokio::select! {
            // In this order: a request's response is never handled before the request.
            biased;
            Some(item) = requests.recv() => {
                if let Some(event) = received(item, "request")? {
                    sent.insert(event.request_id.0, (event.request.method, event.request.url));
                }
            }
            Some(item) = responses.recv() => {
                if let Some(event) = received(item, "response")? {
                    let method = sent.get(&event.request_id.0).map_or("?", |(method, _)| method);
                    println!("{method} {} {}", event.response.status, event.response.url);
                }
            }
            Some(item) = failures.recv() => {
                if let Some(event) = received(item, "failed request")? {
                    let (method, url) = sent.get(&event.request_id.0).cloned().unwrap_or_default();
                    println!("{method} failed {url}: {}", event.error_text);
                }
            }
            Some(item) = console.recv() => {
                if let Some(event) = received(item, "console message")? {
                    println!("console.{}: {}", event.r#type, text(&event.args));
                }
            }
            loading = &mut goto, if !loaded => {
                loading?;
                loaded = true;
            }
            () = &mut quiet, if loaded => break,
        }
        quiet.as_mut().reset(Instant::now() + QUIET);
    }
    browser.close().await?;
    Ok(())
}

/// The event of one item of a stream; `None` after saying what was lost in its place.
fn received<T>(
    item: Result<SessionEvent<T>, RecvError>,
    what: &str,
) -> Result<Option<T>, RecvError> {
    match item {
        Ok(event) => Ok(Some(event.event)),
        Err(RecvError::Lagged { missed }) => {
            println!("(missed {missed} {what} event(s): this program fell behind)");
            Ok(None)
        }
        Err(RecvError::BadMessage(err)) => {
            eprintln!("warning: skipped a {what} event: {err}");
            Ok(None)
        }
        // The connection ended.
        Err(err) => Err(err),
    }
}

/// The arguments of a console call, as DevTools shows them: strings bare, numbers as written,
/// other values by their description.
fn text(args: &[runtime::RemoteObject]) -> String {
    let shown: Vec<String> = args
        .iter()
        .map(
            |arg| match (&arg.value, &arg.unserializable_value, &arg.description) {
                (Some(Value::String(text)), _, _) => text.clone(),
                (Some(value), _, _) => value.to_string(),
                (None, Some(number), _) => number.0.clone(),
                (None, None, Some(description)) => description.clone(),
                // Every object but `null` has a description.
                (None, None, None) if arg.r#type == runtime::RemoteObjectType::Object => {
                    "null".into()
                }
                (None, None, None) => arg.r#type.to_string(),
            },
        )
        .collect();
    shown.join(" ")
}
