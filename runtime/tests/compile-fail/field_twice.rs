// A field listed twice: the struct literal `object!` builds the value with names it twice.
struct Twice {
    a: i64,
    b: i64,
}

cdp_runtime::__private::object!(Twice "a struct" { req 0 a "a", req 1 a "b" });

fn main() {
    let _ = Twice { a: 1, b: 2 }.b;
}
