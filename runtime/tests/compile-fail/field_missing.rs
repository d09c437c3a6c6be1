// A field left out of the list: the struct literal `object!` builds the value with lacks it.
struct Missing {
    a: i64,
    b: Option<i64>,
}

cdp_runtime::__private::object!(Missing "a struct" { req 0 a "a" });

fn main() {
    let _ = Missing { a: 1, b: None }.b;
}
