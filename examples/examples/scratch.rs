use cdp_examples::Event;
use cdp_transport::tokio::Connection;
use cdp_transport::LaunchOptions;
use std::time::Duration;

#[tokio::main]
async fn main() {
    let url = std::env::args().nth(1).unwrap();
    let mode = std::env::args().nth(2).unwrap();
    let browser = Connection::<Event>::launch(&LaunchOptions::new()).await.unwrap();
    let page = browser.new_page().await.unwrap();
    if mode == "sleep" { tokio::time::sleep(Duration::from_millis(500)).await; }
    if mode == "eval" { println!("eval {:?}", page.evaluate::<i64>("1+1").await); }
    page.goto(&url).await.unwrap();
    println!("after goto: {:?}", page.screenshot().await.map(|p| p.len()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    println!("after sleep: {:?}", page.screenshot().await.map(|p| p.len()));
    let b = cdp_transport::Connection::<Event>::launch(&LaunchOptions::new()).unwrap();
    let p = b.new_page().unwrap();
    p.goto(&url).unwrap();
    println!("blocking after goto: {:?}", p.screenshot().map(|p| p.len()));
}
