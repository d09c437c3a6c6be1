// Field indices that do not count 0, 1, 2.. in order: `read_field` would read a key into
// another field, so the compile-time check refuses them.
struct Pair {
    a: i64,
    b: i64,
}

cdp_runtime::__private::object!(Pair "a struct" { req 1 a "a", req 0 b "b" });

fn main() {
    let _ = Pair { a: 1, b: 2 }.b;
}
