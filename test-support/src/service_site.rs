//! A site on 127.0.0.1 whose service worker does the real work of each background service:
//! a page per service (its tag or id taken from the query, `?tag=..`), a page that exercises
//! them all, a page that only registers the worker (for the recorder's `--push`, `--sync`
//! and `--periodic-sync`), and one that registers none. Served by threads of the test until
//! dropped.
//!
//! | page | what it does | needs |
//! |---|---|---|
//! | `/worker.html` | registers `/sw.js` | |
//! | `/sync.html?tag=T` | `registration.sync.register(T)` | |
//! | `/periodic-sync.html?tag=T` | `registration.periodicSync.register(T, {minInterval: 1000})` | the `periodicBackgroundSync` permission |
//! | `/notification.html?tag=T` | `registration.showNotification("Hello T", {tag: T, body: "Body of T"})` | the `notifications` permission |
//! | `/fetch.html?tag=T` | `registration.backgroundFetch.fetch(T, ["/fetched.txt"])` | |
//! | `/payment.html` | a `PaymentRequest` for the site's own payment method, `/pay`, whose handler (the same worker, installed just in time from `/manifest.json`) answers it | |
//! | `/all.html?tag=T` | all of the above | the permissions above |
//! | `/no-worker.html` | nothing | |
//!
//! The worker shows a notification for each push message (`"Push: " + data`), which needs the
//! `notifications` permission: without it the push event's `waitUntil` is rejected. Each page
//! sets `document.title` to `done`, or to `error: ..` with what failed.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// The site; see the module's documentation for its pages.
pub struct ServiceSite {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// One resource of the site.
struct Resource {
    path: &'static str,
    content_type: &'static str,
    headers: Vec<String>,
    body: String,
}

impl ServiceSite {
    /// Serves the site on a free port of 127.0.0.1.
    pub fn start() -> ServiceSite {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let address = listener.local_addr().expect("local address");
        let resources = Arc::new(resources(&format!("http://{address}")));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let Ok(stream) = stream else { continue };
                    let resources = Arc::clone(&resources);
                    // One thread per connection: the browser may open one it never uses.
                    std::thread::spawn(move || answer(stream, &resources));
                }
            })
        };
        ServiceSite {
            address,
            stop,
            thread: Some(thread),
        }
    }

    /// The URL of `path` (with its query) on this site.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// The origin, as the protocol's commands take it: `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The origin as Chromium reports it in events, with a trailing slash.
    pub fn event_origin(&self) -> String {
        format!("http://{}/", self.address)
    }
}

impl Drop for ServiceSite {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.address);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

const HTML: &str = "text/html; charset=utf-8";
const JSON: &str = "application/json";

/// The service worker: every event a background service delivers, answered.
const SERVICE_WORKER: &str = r#"self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('sync', (event) => event.waitUntil(Promise.resolve()));
self.addEventListener('periodicsync', (event) => event.waitUntil(Promise.resolve()));
self.addEventListener('push', (event) => event.waitUntil(
  self.registration.showNotification('Push: ' + (event.data ? event.data.text() : ''))));
self.addEventListener('backgroundfetchsuccess', (event) => event.waitUntil(
  event.updateUI({title: 'Fetched ' + event.registration.id})));
self.addEventListener('backgroundfetchfail', (event) => event.waitUntil(
  event.updateUI({title: 'Failed ' + event.registration.id})));
self.addEventListener('canmakepayment', (event) => event.respondWith(true));
self.addEventListener('paymentrequest', (event) => event.respondWith({
  methodName: event.methodData[0].supportedMethods,
  details: {paid: event.total.value},
}));
"#;

/// The script each page runs: registers the worker, then `steps` (statements that may use
/// `registration` and `tag`, and `await`), then sets the title.
fn page(title: &str, steps: &str) -> String {
    format!(
        r#"<!doctype html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body>
<script>
(async () => {{
  const tag = new URLSearchParams(location.search).get('tag') || 'tag';
  const failures = [];
  const step = async (name, run) => {{
    try {{ await run(); }} catch (e) {{ failures.push(name + ': ' + e); }}
  }};
  await navigator.serviceWorker.register('/sw.js');
  const registration = await navigator.serviceWorker.ready;
{steps}
  document.title = failures.length ? 'error: ' + failures.join('; ') : 'done';
}})().catch((e) => {{ document.title = 'error: ' + e; }});
</script>
</body></html>
"#
    )
}

const SYNC: &str = "  await step('sync', () => registration.sync.register(tag));\n";
const PERIODIC_SYNC: &str = "  await step('periodic sync', () => \
     registration.periodicSync.register(tag, {minInterval: 1000}));\n";
const NOTIFICATION: &str = "  await step('notification', () => registration.showNotification(\
     'Hello ' + tag, {tag, body: 'Body of ' + tag}));\n";
const FETCH: &str = "  await step('background fetch', () => registration.backgroundFetch.fetch(\
     tag, ['/fetched.txt'], {title: 'Fetching ' + tag}));\n";
/// `show()` needs no user activation the first time a page calls it; with a single payment
/// app and nothing to ask the user, Chromium skips its sheet and installs the handler just in
/// time from the method's manifest.
const PAYMENT: &str = "  await step('payment', async () => {
    const request = new PaymentRequest([{supportedMethods: location.origin + '/pay'}],
      {total: {label: 'Total', amount: {currency: 'USD', value: '1.00'}}});
    const response = await request.show();
    await response.complete('success');
  });\n";

fn resources(origin: &str) -> Vec<Resource> {
    let html = |path, body: String| Resource {
        path,
        content_type: HTML,
        headers: Vec::new(),
        body,
    };
    let all = [SYNC, PERIODIC_SYNC, NOTIFICATION, FETCH, PAYMENT].concat();
    vec![
        html("/worker.html", page("service worker", "")),
        html("/sync.html", page("background sync", SYNC)),
        html("/periodic-sync.html", page("periodic sync", PERIODIC_SYNC)),
        html("/notification.html", page("notification", NOTIFICATION)),
        html("/fetch.html", page("background fetch", FETCH)),
        html("/payment.html", page("payment", PAYMENT)),
        html("/all.html", page("every background service", &all)),
        html(
            "/no-worker.html",
            "<!doctype html><title>no service worker</title><p>No service worker here.</p>\n"
                .into(),
        ),
        Resource {
            path: "/sw.js",
            content_type: "text/javascript; charset=utf-8",
            headers: Vec::new(),
            body: SERVICE_WORKER.into(),
        },
        Resource {
            path: "/fetched.txt",
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body: "fetched in the background\n".into(),
        },
        // The payment method: its identifier URL points at its manifest, which names the
        // payment app, whose web app manifest names the worker that handles payments.
        Resource {
            path: "/pay",
            content_type: HTML,
            headers: vec![format!(
                "Link: <{origin}/pay-manifest.json>; rel=\"payment-method-manifest\""
            )],
            body: "<!doctype html><title>payment method</title>\n".into(),
        },
        Resource {
            path: "/pay-manifest.json",
            content_type: JSON,
            headers: Vec::new(),
            body: format!(
                r#"{{"default_applications": ["{origin}/manifest.json"], "supported_origins": ["{origin}"]}}"#
            ),
        },
        Resource {
            path: "/manifest.json",
            content_type: JSON,
            headers: Vec::new(),
            body: r#"{"name": "Test Pay", "icons": [{"src": "/icon.svg", "sizes": "any", "type": "image/svg+xml"}], "serviceworker": {"src": "/sw.js", "scope": "/", "use_cache": false}}"#.into(),
        },
        Resource {
            path: "/icon.svg",
            content_type: "image/svg+xml",
            headers: Vec::new(),
            body: r#"<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" fill="teal"/></svg>"#.into(),
        },
    ]
}

/// Answers one request: its resource, else 404. A HEAD request gets the headers only.
fn answer(stream: TcpStream, resources: &[Resource]) {
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
    let found = resources.iter().find(|resource| resource.path == path);
    let (status, content_type, headers, body) = match found {
        Some(resource) => (
            "200 OK",
            resource.content_type,
            resource.headers.as_slice(),
            resource.body.as_str(),
        ),
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
