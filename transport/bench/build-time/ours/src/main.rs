//! Launches Chromium, opens a page, loads a URL, saves a screenshot: with cdp-transport.

use cdp_transport::protocol::Event;
use cdp_transport::tokio::Connection;
use cdp_transport::LaunchOptions;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data:text/html,<h1>Hello</h1>".into());
    let browser = Connection::<Event>::launch(&LaunchOptions::new()).await?;
    let page = browser.new_page().await?;
    page.goto(&url).await?;
    let png = page.screenshot().await?;
    std::fs::write("screenshot.png", &png)?;
    println!("screenshot.png: {} bytes", png.len());
    browser.close().await?;
    Ok(())
}
