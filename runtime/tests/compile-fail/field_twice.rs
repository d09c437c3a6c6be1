// A field listed twice: the struct literal `object!` builds the value with names it twice.
struct Twice {
    a: u8,
    b: u8,
}

cdp_runtime::__private::object!(Twice "a struct" { req a "a", req a "b" });

fn main() {
    let _ = Twice { a: 1, b: 2 }.b;
}
