use cdp_bindings::{runtime, Event};
use cdp_transport::tokio::Connection;
use cdp_transport::LaunchOptions;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Headless, with a temporary profile; dropping the connection kills the browser.
    let browser = Connection::<Event>::launch(&LaunchOptions::new()).await?;
    let page = browser.new_page().await?;

    // Subscribe before the command whose events you want: none is missed.
    let mut console = page.subscribe::<runtime::ConsoleApiCalledEvent>();
    page.call(&runtime::EnableParams::new()).await?;

    page.goto("https://example.com/").await?; // waits for this navigation's own `load`
    let title: String = page.evaluate("document.title").await?;
    std::fs::write("page.png", page.screenshot().await?)?;

    page.evaluate::<()>("console.log('hello')").await?;
    if let Some(Ok(message)) = console.recv().await {
        let kind = message.event.r#type;
        println!(
            "{title}: console.{kind} with {} argument(s)",
            message.event.args.len()
        );
    }
    browser.close().await?;
    Ok(())
}
