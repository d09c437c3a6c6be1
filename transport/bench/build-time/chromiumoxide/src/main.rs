//! Launches Chromium, opens a page, loads a URL, saves a screenshot: with chromiumoxide.

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::page::CaptureScreenshotFormat;
use chromiumoxide::page::ScreenshotParams;
use futures::StreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "data:text/html,<h1>Hello</h1>".into());
    let mut config = BrowserConfig::builder();
    if let Some(binary) = std::env::var_os("CHROMIUM") {
        config = config.chrome_executable(binary);
    }
    // Chromium refuses to start as root with its sandbox.
    if unsafe { libc_geteuid() } == 0 {
        config = config.no_sandbox();
    }
    let (mut browser, mut handler) = Browser::launch(config.build()?).await?;
    let handler = tokio::spawn(async move { while handler.next().await.is_some() {} });
    let page = browser.new_page(url.as_str()).await?;
    let png = page
        .screenshot(ScreenshotParams::builder().format(CaptureScreenshotFormat::Png).build())
        .await?;
    std::fs::write("screenshot.png", &png)?;
    println!("screenshot.png: {} bytes", png.len());
    browser.close().await?;
    let _ = browser.wait().await;
    handler.abort();
    Ok(())
}

extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}
