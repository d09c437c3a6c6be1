// A field left out of the list: the struct literal `object!` builds the value with lacks it.
struct Missing {
    a: u8,
    b: Option<u8>,
}

cdp_runtime::__private::object!(Missing "a struct" { req a "a" });

fn main() {
    let _ = Missing { a: 1, b: None }.b;
}
