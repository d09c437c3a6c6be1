mod console {
    #![allow(dead_code, clippy::all)]
    include!(concat!(env!("OUT_DIR"), "/console.rs"));
}
fn main() {}
