//! Generates the recorder's own bindings, selected from the full protocol that cdp-schemas
//! ships: the BackgroundService domain, the ServiceWorker commands and events DevTools' Service
//! Workers pane uses (its triggers among them), and the permission grant.

fn main() -> Result<(), cdp_codegen::Error> {
    cdp_codegen::Config::new()
        .full_protocol()
        .domain("BackgroundService")
        .command("ServiceWorker.enable")
        .command("ServiceWorker.disable")
        .command("ServiceWorker.deliverPushMessage")
        .command("ServiceWorker.dispatchSyncEvent")
        .command("ServiceWorker.dispatchPeriodicSyncEvent")
        .event("ServiceWorker.workerRegistrationUpdated")
        .event("ServiceWorker.workerVersionUpdated")
        .command("Browser.grantPermissions")
        .generate()?;
    Ok(())
}
