// The program of issue #22: with the field tables, a union passed `object!`'s check and was read
// as a bool it did not hold. `object!` reads fields in safe code, and a union's need `unsafe`.
#![forbid(unsafe_code)]

#[derive(Clone, Copy)]
union U {
    flag: bool,
    byte: u8,
}

cdp_runtime::__private::object!(U "a union" { req 0 flag "flag" });

fn main() {
    let u = U { byte: 3 };
    println!("{}", cdp_runtime::serde_json::to_string(&u).unwrap());
}
