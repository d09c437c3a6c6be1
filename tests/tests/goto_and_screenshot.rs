//! Navigations that wait as asked and screenshots as asked (issue 23), against a real
//! Chromium: network idle on a page that fetches for a second after its load, a timeout of the
//! navigation's own on a page that never loads, PNG, JPEG and WebP images read back from their
//! headers, the full page and clips; and the launched Chromium dying with the program that
//! launched it.
//!
//! Without a `chromium` binary these tests print `SKIPPED: ..` and return; under `CI=true`
//! they fail (see `common::chromium`).

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cdp_test_support::{self as common, PageServer, Route, WAIT};
use cdp_transport::protocol::Event;
use cdp_transport::{
    Clip, Connection, Error, GotoOptions, ImageFormat, LaunchOptions, Page, ScreenshotOptions,
    WaitUntil,
};

/// A page that, once loaded, fetches `/slow`, which answers after a second.
const FETCHES_AFTER_LOAD: &str = r#"<!doctype html><html><head><title>idle</title></head><body>
<script>
addEventListener('load', () => {
  fetch('/slow').then((answer) => answer.text()).then((text) => { window.fetched = text; });
});
</script></body></html>"#;

/// A page 3000 px tall, with a canvas of noise at its top (so that a JPEG's quality shows in
/// its size).
const TALL: &str = r#"<!doctype html><html><head><title>tall</title>
<style>html, body { margin: 0; } #tall { height: 3000px; background: linear-gradient(#08f, #f80); }</style>
</head><body><canvas id="noise" width="400" height="300"></canvas><div id="tall"></div>
<script>
const context = document.getElementById('noise').getContext('2d');
const image = context.createImageData(400, 300);
let seed = 1;
for (let i = 0; i < image.data.length; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  image.data[i] = i % 4 === 3 ? 255 : seed % 256;
}
context.putImageData(image, 0, 0);
</script></body></html>"#;

fn site() -> PageServer {
    PageServer::serving(vec![
        Route::html("/idle.html", FETCHES_AFTER_LOAD),
        Route::new("/slow", "text/plain", "done").delayed(Duration::from_secs(1)),
        Route::html("/tall.html", TALL),
        // Never answered within any test's time.
        Route::html("/never.html", "never").delayed(Duration::from_secs(120)),
        Route::html(
            "/stuck.html",
            "<!doctype html><html><body><img src='/never.png'></body></html>",
        ),
        Route::new("/never.png", "image/png", "").delayed(Duration::from_secs(120)),
    ])
}

fn launch(options: &LaunchOptions) -> Connection<Event> {
    let mut connection = Connection::launch(options).expect("Chromium launches");
    connection.set_timeout(WAIT);
    connection
}

/// What the page's `window.fetched` holds: `None` while the fetch has not finished.
fn fetched(page: &Page<Event>) -> Option<String> {
    page.evaluate("window.fetched ?? null").unwrap()
}

#[test]
fn goto_with_network_idle_waits_for_what_the_page_fetches_after_its_load() {
    let Some(options) =
        common::chromium("goto_with_network_idle_waits_for_what_the_page_fetches_after_its_load")
    else {
        return;
    };
    let site = site();
    let url = site.url_of("/idle.html");
    let connection = launch(&options);

    // Waiting for `load` alone returns before the fetch is done: the test can tell.
    let page = connection.new_page().unwrap();
    page.goto(&url).unwrap();
    assert_eq!(fetched(&page), None);

    let page = connection.new_page().unwrap();
    let quiet = Duration::from_millis(500);
    let options = GotoOptions::new()
        .wait_until(WaitUntil::NetworkIdle(quiet))
        .timeout(WAIT);
    let started = Instant::now();
    page.goto_with(&url, &options).unwrap();
    let took = started.elapsed();
    assert_eq!(fetched(&page).as_deref(), Some("done"));
    // The fetch takes a second after the load, then the network must stay quiet for 500 ms.
    assert!(took >= Duration::from_secs(1) + quiet, "it took {took:?}");
    assert!(took < Duration::from_secs(10), "it took {took:?}");

    // DOMContentLoaded comes first of all.
    let page = connection.new_page().unwrap();
    let options = GotoOptions::new().wait_until(WaitUntil::DomContentLoaded);
    page.goto_with(&url, &options).unwrap();
    assert_eq!(fetched(&page), None);
    connection.close().unwrap();
}

#[test]
fn goto_with_a_timeout_ends_a_navigation_that_never_loads_at_its_own_timeout() {
    let Some(options) = common::chromium(
        "goto_with_a_timeout_ends_a_navigation_that_never_loads_at_its_own_timeout",
    ) else {
        return;
    };
    let site = site();
    // The connection's timeout stays the default 30 s: the navigation's own is what counts.
    let connection = Connection::<Event>::launch(&options).unwrap();
    let page = connection.new_page().unwrap();
    let timeout = Duration::from_secs(1);
    for (path, wait_until) in [
        // The document never comes: `Page.navigate` itself is never answered.
        ("/never.html", WaitUntil::Load),
        // The document comes, an image of it never does: no `load`.
        ("/stuck.html", WaitUntil::Load),
        (
            "/stuck.html",
            WaitUntil::NetworkIdle(Duration::from_millis(200)),
        ),
    ] {
        let url = site.url_of(path);
        let options = GotoOptions::new().wait_until(wait_until).timeout(timeout);
        let started = Instant::now();
        let err = page.goto_with(&url, &options).unwrap_err();
        let took = started.elapsed();
        let Error::Timeout { waiting_for, after } = &err else {
            panic!("{path}: expected a timeout, got {err:?}");
        };
        assert_eq!(*after, timeout, "{err}");
        assert!(
            waiting_for.starts_with(&format!("{url} to load")),
            "{path}: {err}"
        );
        assert!(
            took >= timeout && took < timeout * 3,
            "{path}: it took {took:?}: {err}"
        );
    }
    // The page goes on: a navigation that loads still does.
    page.goto_with(
        &site.url_of("/tall.html"),
        &GotoOptions::new().timeout(WAIT),
    )
    .unwrap();
    let title: String = page.evaluate("document.title").unwrap();
    assert_eq!(title, "tall");

    // A navigation that fails says to where, and why.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = format!("http://127.0.0.1:{port}/");
    let options = GotoOptions::new().wait_until(WaitUntil::NetworkIdle(Duration::from_millis(100)));
    let err = page.goto_with(&refused, &options).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("the navigation to {refused} failed: net::ERR_CONNECTION_REFUSED")
    );
    connection.close().unwrap();
}

/// The width and height a PNG's header gives (its IHDR chunk, which comes first).
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "not a PNG: {:?}",
        &png[..8.min(png.len())]
    );
    assert_eq!(&png[12..16], b"IHDR", "the first chunk is not IHDR");
    let number = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

#[test]
fn screenshots_come_as_png_jpeg_or_webp_of_the_viewport_the_full_page_or_a_clip() {
    let Some(options) = common::chromium(
        "screenshots_come_as_png_jpeg_or_webp_of_the_viewport_the_full_page_or_a_clip",
    ) else {
        return;
    };
    let site = site();
    let connection = launch(&options);
    let page = connection.new_page().unwrap();
    page.goto(&site.url_of("/tall.html")).unwrap();
    let measure = |expression: &str| -> f64 { page.evaluate(expression).unwrap() };
    let ratio = measure("devicePixelRatio");
    let pixels = |css: f64| (css * ratio).round() as u32;
    let viewport = (
        pixels(measure("innerWidth")),
        pixels(measure("innerHeight")),
    );
    let document = (
        pixels(measure("document.documentElement.scrollWidth")),
        pixels(measure("document.documentElement.scrollHeight")),
    );
    assert!(document.1 >= pixels(3000.0), "{document:?}");

    // The default: a PNG of the viewport, as `screenshot` gives.
    let png = page.screenshot().unwrap();
    assert_eq!(png_size(&png), viewport);
    let png = page.screenshot_with(&ScreenshotOptions::new()).unwrap();
    assert_eq!(png_size(&png), viewport);

    // The full page: as tall as the document, taller than the viewport.
    let full = page
        .screenshot_with(&ScreenshotOptions::new().full_page(true))
        .unwrap();
    let (width, height) = png_size(&full);
    assert_eq!((width, height), document);
    assert!(height >= pixels(3000.0) && height > viewport.1, "{height}");

    // A clip, below the fold too, at scale 1 and 2.
    let clip = Clip::new(10.0, 2500.0, 100.0, 50.0);
    let clipped = page
        .screenshot_with(&ScreenshotOptions::new().clip(clip))
        .unwrap();
    assert_eq!(png_size(&clipped), (pixels(100.0), pixels(50.0)));
    let doubled = page
        .screenshot_with(&ScreenshotOptions::new().clip(clip.scale(2.0)))
        .unwrap();
    assert_eq!(png_size(&doubled), (pixels(200.0), pixels(100.0)));

    // JPEG: its magic, and a quality that shows in the size.
    let jpeg = |quality: u8| {
        page.screenshot_with(
            &ScreenshotOptions::new()
                .format(ImageFormat::Jpeg)
                .quality(quality),
        )
        .unwrap()
    };
    let (low, high) = (jpeg(10), jpeg(95));
    for image in [&low, &high] {
        assert!(
            image.starts_with(b"\xff\xd8\xff"),
            "not a JPEG: {:?}",
            &image[..3]
        );
    }
    assert!(
        low.len() * 2 < high.len(),
        "quality 10: {} bytes, 95: {} bytes",
        low.len(),
        high.len()
    );

    // WebP: a RIFF file of WEBP, of the full page too.
    let webp = page
        .screenshot_with(
            &ScreenshotOptions::new()
                .format(ImageFormat::Webp)
                .quality(80)
                .full_page(true),
        )
        .unwrap();
    assert_eq!(&webp[..4], b"RIFF");
    assert_eq!(&webp[8..12], b"WEBP");
    let riff_len = u32::from_le_bytes(webp[4..8].try_into().unwrap()) as usize;
    assert_eq!(riff_len + 8, webp.len());

    // Options that cannot go together: an error that says why, nothing sent.
    let err = page
        .screenshot_with(&ScreenshotOptions::new().quality(50))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidOptions { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("invalid options: a PNG screenshot has no quality"),
        "{err}"
    );
    connection.close().unwrap();
}

#[test]
fn the_async_page_navigates_and_captures_as_asked() {
    let Some(options) = common::chromium("the_async_page_navigates_and_captures_as_asked") else {
        return;
    };
    let site = site();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let browser = cdp_transport::tokio::Connection::<Event>::launch(&options)
            .await
            .unwrap();
        let page = browser.new_page().await.unwrap();
        let quiet = Duration::from_millis(300);
        let started = Instant::now();
        page.goto_with(
            &site.url_of("/idle.html"),
            &GotoOptions::new()
                .wait_until(WaitUntil::NetworkIdle(quiet))
                .timeout(WAIT),
        )
        .await
        .unwrap();
        let took = started.elapsed();
        let fetched: Option<String> = page.evaluate("window.fetched ?? null").await.unwrap();
        assert_eq!(fetched.as_deref(), Some("done"));
        assert!(took >= Duration::from_secs(1) + quiet, "it took {took:?}");

        let timeout = Duration::from_millis(800);
        let started = Instant::now();
        let err = page
            .goto_with(
                &site.url_of("/stuck.html"),
                &GotoOptions::new().timeout(timeout),
            )
            .await
            .unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert!(started.elapsed() < timeout * 3, "{:?}", started.elapsed());

        page.goto(&site.url_of("/tall.html")).await.unwrap();
        let jpeg = page
            .screenshot_with(&ScreenshotOptions::new().format(ImageFormat::Jpeg))
            .await
            .unwrap();
        assert!(jpeg.starts_with(b"\xff\xd8\xff"));
        let full = page
            .screenshot_with(&ScreenshotOptions::new().full_page(true))
            .await
            .unwrap();
        assert!(png_size(&full).1 >= 3000, "{:?}", png_size(&full));
        browser.close().await.unwrap();
    });
}

/// The environment variable that makes [`program_that_launches_chromium`] launch Chromium and
/// wait, rather than return.
const LAUNCHER: &str = "CDP_TESTS_LAUNCH_AND_WAIT";

/// Not a test: a program that launches Chromium, says which, and waits to be killed.
#[test]
fn program_that_launches_chromium() {
    if std::env::var_os(LAUNCHER).is_none() {
        return;
    }
    let options = LaunchOptions::new().startup_timeout(WAIT);
    let connection = Connection::<Event>::launch(&options).unwrap();
    // A page, so that a renderer runs too.
    connection.new_page().unwrap().goto("about:blank").unwrap();
    let browser = connection.browser().unwrap();
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "browser {} {}",
        browser.pid(),
        browser.user_data_dir().display()
    );
    let _ = stdout.flush();
    drop(stdout);
    std::thread::sleep(Duration::from_secs(120));
}

/// The processes of the process group `group` that live (zombies aside).
fn group_members(group: u32) -> Vec<String> {
    let mut members = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        // `state ppid pgrp ..`
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() > 2 && fields[0] != "Z" && fields[2] == group.to_string() {
            members.push(stat);
        }
    }
    members
}

#[test]
#[cfg(target_os = "linux")]
fn a_launched_chromium_dies_with_the_program_that_launched_it() {
    let Some(options) =
        common::chromium("a_launched_chromium_dies_with_the_program_that_launched_it")
    else {
        return;
    };
    let mut program = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "program_that_launches_chromium",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(LAUNCHER, "1")
        .env(
            "CHROMIUM",
            options.find_binary().expect("the binary chromium() found"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(program.stdout.take().unwrap());
    let (browser, profile) = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            let (_, rest) = line.split_once("browser ")?;
            let (pid, profile) = rest.split_once(' ')?;
            Some((pid.parse::<u32>().ok()?, PathBuf::from(profile)))
        })
        .expect("the program says which browser it launched");
    assert!(!group_members(browser).is_empty());
    // SIGKILL: no destructor and no handler of the program runs.
    program.kill().unwrap();
    program.wait().unwrap();
    let deadline = Instant::now() + WAIT;
    let mut left = group_members(browser);
    while !left.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        left = group_members(browser);
    }
    // The program could not remove its profile: that is the signal handler's job.
    if let Some(root) = profile.parent() {
        let _ = std::fs::remove_dir_all(root);
    }
    if !left.is_empty() {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{browser}")])
            .status();
    }
    assert!(
        left.is_empty(),
        "Chromium outlived the program that launched it:\n{}",
        left.join("\n")
    );
}
