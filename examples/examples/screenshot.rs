//! Saves a PNG of a page: `cargo run --example screenshot -- URL OUT.png`.

use std::error::Error;
use std::process::ExitCode;

use cdp_transport::protocol::Event;
use cdp_transport::tokio::Connection;
use cdp_transport::LaunchOptions;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, out] = args.as_slice() else {
        eprintln!("usage: screenshot URL OUT.png");
        return ExitCode::from(2);
    };
    match screenshot(url, out).await {
        Ok(bytes) => {
            println!("wrote {out}: {bytes} bytes of PNG");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn screenshot(url: &str, out: &str) -> Result<usize, Box<dyn Error>> {
    // Headless, with a temporary profile; dropping the connection on an error kills the browser.
    let browser = Connection::<Event>::launch(&LaunchOptions::new()).await?;
    let page = browser.new_page().await?;
    page.goto(url).await?;
    let png = page.screenshot().await?;
    std::fs::write(out, &png).map_err(|err| format!("cannot write {out}: {err}"))?;
    browser.close().await?;
    Ok(png.len())
}
