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

use crate::browser::{PageServer, Route};

/// The site; see the module's documentation for its pages.
pub struct ServiceSite {
    server: PageServer,
}

impl ServiceSite {
    /// Serves the site on a free port of 127.0.0.1.
    pub fn start() -> ServiceSite {
        ServiceSite {
            server: PageServer::serving_at(routes),
        }
    }

    /// The URL of `path` (with its query) on this site.
    pub fn url(&self, path: &str) -> String {
        self.server.url_of(path)
    }

    /// The origin, as the protocol's commands take it: `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> String {
        self.server.url_of("")
    }

    /// The origin as Chromium reports it in events, with a trailing slash.
    pub fn event_origin(&self) -> String {
        self.server.origin()
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

fn routes(origin: &str) -> Vec<Route> {
    let html = |path, body: String| Route::new(path, HTML, &body);
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
                .to_owned(),
        ),
        Route::new("/sw.js", "text/javascript; charset=utf-8", SERVICE_WORKER),
        Route::new(
            "/fetched.txt",
            "text/plain; charset=utf-8",
            "fetched in the background\n",
        ),
        // The payment method: its identifier URL points at its manifest, which names the
        // payment app, whose web app manifest names the worker that handles payments.
        Route::new(
            "/pay",
            HTML,
            "<!doctype html><title>payment method</title>\n",
        )
        .header(format!(
            "Link: <{origin}/pay-manifest.json>; rel=\"payment-method-manifest\""
        )),
        Route::new(
            "/pay-manifest.json",
            JSON,
            &format!(
                r#"{{"default_applications": ["{origin}/manifest.json"], "supported_origins": ["{origin}"]}}"#
            ),
        ),
        Route::new(
            "/manifest.json",
            JSON,
            r#"{"name": "Test Pay", "icons": [{"src": "/icon.svg", "sizes": "any", "type": "image/svg+xml"}], "serviceworker": {"src": "/sw.js", "scope": "/", "use_cache": false}}"#,
        ),
        Route::new(
            "/icon.svg",
            "image/svg+xml",
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32"><rect width="32" height="32" fill="teal"/></svg>"#,
        ),
    ]
}
