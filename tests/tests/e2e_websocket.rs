//! End to end over WebSocket, against a Chromium started with `--remote-debugging-port=0`:
//! the same typed API and the same scenario as over the pipe.
//!
//! Without a `chromium` binary these tests print `SKIPPED: ..` and return; under `CI=true`
//! they fail instead (see `common::chromium`).

use cdp_test_support as common;

use cdp_bindings::background_service::{ServiceName, StartObservingParams};
use cdp_bindings::Event;
use cdp_transport::protocol::browser::GetVersionParams;
use cdp_transport::{resolve_endpoint, BrowserProcess, Connection, Error};

use common::WAIT;

#[test]
fn an_http_endpoint_resolves_through_json_version_and_get_version_decodes() {
    let Some(options) =
        common::chromium("an_http_endpoint_resolves_through_json_version_and_get_version_decodes")
    else {
        return;
    };
    let (browser, ws_url) = BrowserProcess::launch_with_port(&options).unwrap();
    assert!(
        ws_url.starts_with("ws://127.0.0.1:") && ws_url.contains("/devtools/browser/"),
        "{ws_url}"
    );
    let http_url = ws_url
        .replace("ws://", "http://")
        .split("/devtools/")
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(resolve_endpoint(&http_url, WAIT).unwrap(), ws_url);

    for endpoint in [&http_url, &ws_url] {
        let mut connection = Connection::<Event>::connect(endpoint).unwrap();
        connection.set_timeout(WAIT);
        let version = connection.call(&GetVersionParams::new()).unwrap();
        assert_eq!(version.protocol_version, "1.3");
        assert!(version.product.starts_with("Chrome/"), "{version:?}");
        // Not the owner: closing the connection leaves the browser running.
        connection.close().unwrap();
    }
    browser.close().unwrap();
}

#[test]
fn background_sync_scenario_over_websocket() {
    let Some(options) = common::chromium("background_sync_scenario_over_websocket") else {
        return;
    };
    let tag = common::unique_tag("websocket");
    let server = common::PageServer::start(&tag);
    let mut connection = Connection::<Event>::launch_websocket(&options).unwrap();
    connection.set_timeout(WAIT);

    let page = connection.new_page().unwrap();
    let err = connection
        .call_on(
            page.id(),
            &StartObservingParams::new(ServiceName::Unknown("someFutureService".into())),
        )
        .unwrap_err();
    let error = err.protocol_error().expect("a protocol error");
    assert_eq!(
        (error.code, error.message.as_str()),
        (-32602, "Invalid service name")
    );

    let events = common::background_sync_events(&mut connection, &server, &tag);
    common::assert_sync_events(&events, &server.origin(), &tag);
    connection.close().unwrap();
}

#[test]
fn the_browser_exiting_closes_the_websocket_with_a_clear_error() {
    let Some(options) =
        common::chromium("the_browser_exiting_closes_the_websocket_with_a_clear_error")
    else {
        return;
    };
    let mut connection = Connection::<Event>::launch_websocket(&options).unwrap();
    connection.set_timeout(WAIT);
    let pid = connection.browser().unwrap().pid() as libc::pid_t;
    // SAFETY: `kill` takes no pointers; the pid is the browser's, which is not reaped yet.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGKILL) }, 0);
    let err = connection.call(&GetVersionParams::new()).unwrap_err();
    assert!(
        matches!(
            err,
            Error::BrowserExited {
                status: Some(_),
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn connecting_where_nothing_listens_is_a_clear_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    for endpoint in [
        format!("http://127.0.0.1:{port}"),
        format!("ws://127.0.0.1:{port}/devtools/browser/x"),
    ] {
        let err = Connection::<Event>::connect(&endpoint).unwrap_err();
        assert!(matches!(err, Error::Endpoint { .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with(&format!("cannot connect to {endpoint}: ")),
            "{err}"
        );
    }
}
