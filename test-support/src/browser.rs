//! Finding Chromium or skipping, the page that registers a background sync, served from the
//! test itself, and the sync scenario both transports run.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use cdp_bindings::background_service::{
    self as bs, BackgroundServiceEvent, EventMetadata, ServiceName, SetRecordingParams,
    StartObservingParams,
};
use cdp_bindings::Event;
use cdp_transport::protocol::page;
use cdp_transport::{Connection, Error, LaunchOptions, Page};

/// The longest any single wait in these tests may take.
pub const WAIT: Duration = Duration::from_secs(20);

/// Whether this is CI, where a missing browser fails the tests instead of skipping them.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false" && value != "0")
}

/// Launch options for the browser the tests use, or `None` when there is none and the test
/// is to be skipped: it then says so on stderr. Use it as
/// `let Some(options) = common::chromium("test_name") else { return };`. Under `CI=true` a missing browser fails the
/// test instead, so CI never passes without having run it.
pub fn chromium(test: &str) -> Option<LaunchOptions> {
    match LaunchOptions::new().find_binary() {
        Ok(binary) => Some(LaunchOptions::new().binary(binary).startup_timeout(WAIT)),
        Err(err @ Error::BrowserNotFound { .. }) => {
            assert!(!in_ci(), "{test}: CI=true but {err}");
            skipped(
                test,
                "chromium not found (set CHROMIUM=/path or install chromium)",
            );
            None
        }
        // CHROMIUM names a binary that is not there: a broken setup, never a skip.
        Err(err) => panic!("{test}: {err}"),
    }
}

/// Says on stderr that `test` is skipped, and why. Written to the stderr handle rather than
/// with `eprintln!`, which the test harness captures and shows for failed tests only.
pub fn skipped(test: &str, reason: &str) {
    // One write of the whole line, so that lines of parallel tests do not interleave.
    let line = format!("SKIPPED: {test}: {reason}\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

/// A page on 127.0.0.1 that registers a service worker and a one-shot background sync with
/// `tag`, served by a thread of the test until dropped.
pub struct PageServer {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// One resource a [`PageServer`] serves.
#[derive(Debug, Clone)]
pub struct Route {
    /// Its path, without the query: `/index.html`.
    pub path: String,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its body.
    pub body: String,
    /// Headers besides `Content-Type`, `Content-Length`, `Cache-Control` and `Connection`,
    /// each a whole line without its line ending: `Link: </manifest.json>; rel="payment-method-manifest"`.
    pub headers: Vec<String>,
    /// How long the server waits before it answers.
    pub delay: Duration,
}

impl Route {
    /// An HTML page at `path`, served at once.
    pub fn html(path: &str, body: &str) -> Route {
        Route::new(path, "text/html; charset=utf-8", body)
    }

    /// A resource of `content_type` at `path`, served at once.
    pub fn new(path: &str, content_type: &'static str, body: &str) -> Route {
        Route {
            path: path.to_owned(),
            content_type,
            body: body.to_owned(),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// The same resource, with one more header line.
    pub fn header(mut self, line: impl Into<String>) -> Route {
        self.headers.push(line.into());
        self
    }

    /// The same resource, served after `delay`.
    pub fn delayed(mut self, delay: Duration) -> Route {
        self.delay = delay;
        self
    }
}

impl PageServer {
    /// The page that registers a background sync with `tag`, and its service worker.
    pub fn start(tag: &str) -> PageServer {
        let index = index_html(tag);
        PageServer::serving(vec![
            Route::html("/", &index),
            Route::html("/index.html", &index),
            Route::new("/sw.js", "text/javascript; charset=utf-8", SW_JS),
        ])
    }

    /// A server of `routes` on 127.0.0.1; any other path is a 404.
    pub fn serving(routes: Vec<Route>) -> PageServer {
        PageServer::serving_at(|_| routes)
    }

    /// A server of the routes `routes` makes from the server's own origin
    /// (`http://127.0.0.1:PORT`), for pages that name it.
    pub fn serving_at(routes: impl FnOnce(&str) -> Vec<Route>) -> PageServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let routes = Arc::new(routes(&format!("http://{address}")));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    let routes = Arc::clone(&routes);
                    // One thread per connection: the browser may open one it never uses.
                    std::thread::spawn(move || serve(stream, &routes));
                }
            })
        };
        PageServer {
            address,
            stop,
            thread: Some(thread),
        }
    }

    /// The page's URL.
    pub fn url(&self) -> String {
        self.url_of("/index.html")
    }

    /// The URL of `path` on this server.
    pub fn url_of(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The origin as Chromium reports it in events, with a trailing slash.
    pub fn origin(&self) -> String {
        format!("http://{}/", self.address)
    }
}

impl Drop for PageServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.address);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn index_html(tag: &str) -> String {
    format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>background sync</title></head>
<body>
<script>
(async () => {{
  try {{
    await navigator.serviceWorker.register('/sw.js');
    const registration = await navigator.serviceWorker.ready;
    await registration.sync.register('{tag}');
    document.title = 'registered';
  }} catch (e) {{
    document.title = 'error: ' + e;
  }}
}})();
</script>
</body></html>
"#
    )
}

const SW_JS: &str = "self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('sync', (event) => event.waitUntil(Promise.resolve()));
";

/// Answers one request: the route of its path, else 404; a `HEAD` request gets the headers.
fn serve(stream: TcpStream, routes: &[Route]) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header.trim_end().is_empty() => break,
            Ok(_) => {}
        }
    }
    let mut words = request_line.split_whitespace();
    let method = words.next().unwrap_or("GET");
    let path = words.next().unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let (status, content_type, headers, body) = match routes.iter().find(|route| route.path == path)
    {
        Some(route) => {
            std::thread::sleep(route.delay);
            (
                "200 OK",
                route.content_type,
                route.headers.as_slice(),
                route.body.as_str(),
            )
        }
        None => ("404 Not Found", "text/plain", &[][..], ""),
    };
    let mut answer = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n",
        body.len()
    );
    for header in headers {
        answer.push_str(header);
        answer.push_str("\r\n");
    }
    answer.push_str("\r\n");
    if method != "HEAD" {
        answer.push_str(body);
    }
    let _ = (&stream).write_all(answer.as_bytes());
}

/// A tag no other test uses.
pub fn unique_tag(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    format!("{test}-{}-{nanos}", std::process::id())
}

/// Opens a page session with backgroundSync observed and recorded.
pub fn record_background_sync(connection: &mut Connection<Event>) -> Page<Event> {
    let page = connection.new_page().expect("a page session");
    connection
        .call_on(
            page.id(),
            &StartObservingParams::new(ServiceName::BackgroundSync),
        )
        .expect("startObserving");
    connection
        .call_on(
            page.id(),
            &SetRecordingParams::new(true, ServiceName::BackgroundSync),
        )
        .expect("setRecording");
    page
}

/// Runs the page that registers a background sync with `tag` and returns the
/// `backgroundServiceEventReceived` events of the session, up to "Sync completed".
pub fn background_sync_events(
    connection: &mut Connection<Event>,
    server: &PageServer,
    tag: &str,
) -> Vec<BackgroundServiceEvent> {
    let page = record_background_sync(connection);
    connection
        .call_on(page.id(), &page::EnableParams::new())
        .expect("Page.enable");
    let navigated = connection
        .call_on(page.id(), &page::NavigateParams::new(server.url()))
        .expect("Page.navigate");
    assert_eq!(navigated.error_text, None, "navigating to {}", server.url());

    let deadline = Instant::now() + WAIT;
    let mut events = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let received = connection.next_event(left).unwrap_or_else(|err| {
            panic!("waiting for the sync events of {tag}: {err}; got so far: {events:#?}")
        });
        if received.session_id.as_deref() != Some(page.id()) {
            continue;
        }
        if let Event::BackgroundService(bs::Event::BackgroundServiceEventReceived(received)) =
            received.event
        {
            let event = received.background_service_event;
            let done = event.event_name == "Sync completed" && event.instance_id == tag;
            events.push(event);
            if done {
                return events;
            }
        }
    }
}

/// Checks what Chromium reports for a one-shot sync: registered, dispatched, completed, for
/// the page's origin and the tag, with their metadata.
pub fn assert_sync_events(events: &[BackgroundServiceEvent], origin: &str, tag: &str) {
    let named = |name: &str| {
        events
            .iter()
            .find(|event| event.event_name == name)
            .unwrap_or_else(|| panic!("no {name:?} event among {events:#?}"))
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs_f64();
    for event in events {
        assert_eq!(event.service, ServiceName::BackgroundSync);
        assert_eq!(event.origin, origin);
        assert_eq!(event.storage_key, origin);
        assert_eq!(event.instance_id, tag);
        assert!(
            (event.timestamp.0 - now).abs() < 600.0,
            "timestamp {} is not now ({now})",
            event.timestamp.0
        );
    }
    assert_eq!(named("Registered sync").event_metadata, vec![]);
    assert_eq!(
        named("Dispatched sync event").event_metadata,
        vec![EventMetadata::new("Last Chance", "No")]
    );
    assert_eq!(
        named("Sync completed").event_metadata,
        vec![EventMetadata::new("Status", "succeeded")]
    );
}

/// The processes still running (zombies aside) with `needle` in their command line.
pub fn processes_mentioning(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let dir: PathBuf = entry.path();
        let Ok(cmdline) = std::fs::read(dir.join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        // The state follows the parenthesized command name in `stat`; `Z` is a zombie, dead
        // and waiting for its parent (or init) to reap it.
        let state = std::fs::read_to_string(dir.join("stat"))
            .ok()
            .and_then(|stat| stat.rsplit_once(')')?.1.trim_start().chars().next())
            .unwrap_or('?');
        if cmdline.contains(needle) && state != 'Z' {
            found.push(format!("{} (state {state}): {cmdline}", dir.display()));
        }
    }
    found
}
