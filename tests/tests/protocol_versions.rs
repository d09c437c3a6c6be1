//! The full protocol of several years of devtools-protocol releases, and the one the installed
//! Chromium serves, generates bindings that compile under `#![deny(warnings)]` with clippy and
//! rustdoc clean; and every type of the pinned protocol round-trips random conforming values.
//!
//! Everything is compiled in one scratch crate, `target/protocol-versions/`, with a module per
//! version and target directories of its own, so that one cargo run checks all of them and a
//! second run of the test reuses what the first compiled (files are rewritten only when their
//! bytes change). The round-trip property is a test of that crate, generated here from the
//! pinned protocol's model: `tests/roundtrip.rs` (a dispatch function from type name to
//! decode-and-encode), `tests/roundtrip/schema.rs` (every type as data) and
//! `tests/roundtrip/harness.rs` (the strategies and the property, copied from
//! `protocol_versions/harness.rs` beside this file).
//!
//! Where npm or Chromium is missing the versions that need it print `SKIPPED: ...`; under `CI`
//! that fails the test instead.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use cdp_codegen::model::{Field, Model, Ty, TypeKind};
use cdp_codegen::{fetch, naming};

/// The devtools-protocol version the project pins: the latest when it was pinned.
const PINNED: &str = include_str!("../../protocol/PINNED");

/// Older devtools-protocol versions. The number is Chromium's commit position: late 2020
/// (Chrome 88), mid 2022 (Chrome 103), autumn 2023 (Chrome 119) and early 2025 (Chrome 134).
const OLDER: &[&str] = &["0.0.818844", "0.0.999451", "0.0.1200039", "0.0.1402036"];

/// The strategies and the property, written into the scratch crate.
const HARNESS: &str = include_str!("protocol_versions/harness.rs");

/// How long Chromium may take to start and serve its protocol.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(60);

fn pinned() -> &'static str {
    PINNED.trim()
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false" && value != "0")
}

/// Reports a source that cannot be had: `SKIPPED` on a developer's machine, a failure in CI.
fn unavailable(what: &str, why: &str) {
    assert!(!in_ci(), "{what} is needed under CI: {why}");
    // Straight to the stderr handle: the test harness captures `eprintln!` of passing tests.
    let line = format!("SKIPPED: protocol_versions: {what}: {why}\n");
    let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), line.as_bytes());
}

/// One protocol to compile: a module of the scratch crate.
struct Version {
    /// The module name, e.g. `v0_0_818844` or `chromium`.
    module: String,
    /// Where it came from, for the module's docs and for messages.
    title: String,
    /// Compiled by `cargo test` too (the round-trip test needs it), not only checked.
    pinned: bool,
}

/// The scratch crate, once written, and which versions it holds.
struct Scratch {
    /// Held while this process lives: another run of these tests (another `cargo test` in the
    /// same workspace) waits for it rather than rewrite the crate under our feet.
    _lock: std::fs::File,
    dir: PathBuf,
    versions: Vec<Version>,
    /// Whether `tests/roundtrip.rs` was written (the pinned version was available).
    roundtrip: bool,
    /// Generation failures, by version.
    failures: Vec<String>,
}

/// The scratch crate is written once per test run and shared by the three tests.
fn scratch() -> &'static Scratch {
    static SCRATCH: OnceLock<Scratch> = OnceLock::new();
    SCRATCH.get_or_init(write_scratch)
}

// The three tests run cargo on the scratch crate at the same time, each with a target directory
// of its own: rustc checks a crate on one core, so sharing one directory (and its lock) would
// leave the second core idle for minutes.

#[test]
fn every_protocol_version_generates_code_that_is_clippy_clean() {
    let scratch = scratch();
    if !scratch.has_versions() {
        return;
    }
    println!("clippy on {}", scratch.titles());
    cargo(
        scratch,
        "clippy",
        &["clippy", "--all-targets", "--", "-D", "warnings"],
        &[],
    );
}

#[test]
fn every_protocol_version_generates_code_that_is_rustdoc_clean() {
    let scratch = scratch();
    if !scratch.has_versions() {
        return;
    }
    println!("rustdoc on {}", scratch.titles());
    cargo(
        scratch,
        "doc",
        &["doc", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    );
}

#[test]
fn every_type_of_the_pinned_protocol_round_trips_random_values() {
    let scratch = scratch();
    if !scratch.has_versions() || !scratch.roundtrip {
        return;
    }
    // Only the pinned version is compiled to machine code: the others are behind the default
    // feature `all-versions`, which the clippy and rustdoc tests check.
    cargo(
        scratch,
        "test",
        &[
            "test",
            "--no-default-features",
            "--test",
            "roundtrip",
            "--",
            "--nocapture",
        ],
        &[],
    );
}

impl Scratch {
    /// Whether any version was generated; fails the test on versions that were not.
    fn has_versions(&self) -> bool {
        assert!(
            self.failures.is_empty(),
            "generation failed:\n{}",
            self.failures.join("\n")
        );
        !self.versions.is_empty()
    }

    fn titles(&self) -> String {
        let titles: Vec<&str> = self.versions.iter().map(|v| v.title.as_str()).collect();
        titles.join(", ")
    }
}

/// Runs `cargo ARGS` on the scratch crate, in `target/<target>/` of it, and fails the test
/// with cargo's output if it fails.
fn cargo(scratch: &Scratch, target: &str, args: &[&str], env: &[(&str, &str)]) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(args)
        .current_dir(&scratch.dir)
        .env("CARGO_TARGET_DIR", scratch.dir.join("target").join(target))
        .env("CARGO_TERM_COLOR", "never");
    for (name, value) in env {
        command.env(name, value);
    }
    let started = Instant::now();
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("cannot run cargo {}: {err}", args.join(" ")));
    println!(
        "cargo {} took {:.1} s",
        args.join(" "),
        started.elapsed().as_secs_f64()
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    print!("{stdout}");
    assert!(
        output.status.success(),
        "`cargo {}` failed in {} ({}):\n{stderr}",
        args.join(" "),
        scratch.dir.display(),
        output.status
    );
}

/// Fetches every version, generates its bindings, and writes the scratch crate.
fn write_scratch() -> Scratch {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .to_owned();
    let dir = target.join("protocol-versions");
    let lock = lock_scratch(&target.join("protocol-versions.lock"));
    let started = Instant::now();
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("npm-cache");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_owned();

    let mut jobs: Vec<Job> = Vec::new();
    let npm_found = Command::new("npm").arg("--version").output();
    if npm_found
        .as_ref()
        .is_ok_and(|output| output.status.success())
    {
        for version in std::iter::once(pinned()).chain(OLDER.iter().copied()) {
            match fetch::npm(version, &cache) {
                Ok(package) => jobs.push(Job::Npm(package)),
                Err(err) => unavailable(&format!("devtools-protocol@{version}"), &err.to_string()),
            }
        }
    } else {
        unavailable("npm", "`npm --version` does not run");
    }
    match find_chromium() {
        Some(binary) => match fetch::browser(&binary, BROWSER_TIMEOUT) {
            Ok(json) => jobs.push(Job::Browser(json)),
            // A browser that is there but cannot serve its protocol is a failure, not a skip.
            Err(err) => panic!("cannot fetch the protocol of {}: {err}", binary.display()),
        },
        None => unavailable(
            "chromium",
            "no $CHROMIUM and no chromium on PATH (install chromium)",
        ),
    }
    println!("fetched in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let generated = generate_all(jobs);
    println!("generated in {:.1} s", started.elapsed().as_secs_f64());

    let mut versions = Vec::new();
    let mut failures = Vec::new();
    let mut roundtrip = None;
    let src = dir.join("src");
    for result in generated {
        match result {
            Ok(output) => {
                write_if_changed(
                    &src.join(format!("{}.rs", output.version.module)),
                    &output.code,
                );
                if let Some(model) = &output.model {
                    roundtrip = Some(roundtrip_files(model, &output.version.module));
                }
                versions.push(output.version);
            }
            Err(failure) => failures.push(failure),
        }
    }
    write_if_changed(&dir.join("Cargo.toml"), &manifest(&workspace));
    write_if_changed(&src.join("lib.rs"), &lib_rs(&versions));
    let lock_file = dir.join("Cargo.lock");
    if !lock_file.exists() {
        // The workspace's lock file pins the versions the runtime is tested with; cargo adds
        // what the scratch crate needs beyond them, once, and keeps the result.
        std::fs::copy(workspace.join("Cargo.lock"), &lock_file).expect("copy Cargo.lock");
    }
    let has_roundtrip = roundtrip.is_some();
    let tests = dir.join("tests");
    match roundtrip {
        Some((dispatch, schema)) => {
            write_if_changed(&tests.join("roundtrip.rs"), &dispatch);
            write_if_changed(&tests.join("roundtrip/schema.rs"), &schema);
            write_if_changed(&tests.join("roundtrip/harness.rs"), HARNESS);
        }
        // A round-trip test left from an earlier run would name a module that is not there.
        None => {
            let _ = std::fs::remove_dir_all(&tests);
        }
    }
    // Resolve and download now, once: the tests then run cargo side by side, and would
    // otherwise each write the lock file.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let fetched = Command::new(cargo)
        .arg("fetch")
        .current_dir(&dir)
        .output()
        .expect("cargo fetch runs");
    assert!(
        fetched.status.success(),
        "`cargo fetch` failed in {}:\n{}",
        dir.display(),
        String::from_utf8_lossy(&fetched.stderr)
    );
    Scratch {
        _lock: lock,
        dir,
        versions,
        roundtrip: has_roundtrip,
        failures,
    }
}

/// Takes the lock on the scratch crate, waiting (and saying so) while another process has it.
fn lock_scratch(path: &Path) -> std::fs::File {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .unwrap_or_else(|err| panic!("cannot open {}: {err}", path.display()));
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            println!(
                "waiting for another run of these tests ({})",
                path.display()
            );
            file.lock()
                .unwrap_or_else(|err| panic!("cannot lock {}: {err}", path.display()));
        }
        Err(std::fs::TryLockError::Error(err)) => {
            panic!("cannot lock {}: {err}", path.display())
        }
    }
    file
}

enum Job {
    Npm(fetch::NpmProtocol),
    /// The stable JSON of the browser's `/json/protocol`.
    Browser(String),
}

struct Generated {
    version: Version,
    code: String,
    /// The model, for the pinned version only.
    model: Option<Model>,
}

/// Generates every job, on as many threads as there are cores.
fn generate_all(jobs: Vec<Job>) -> Vec<Result<Generated, String>> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let queue = Mutex::new(jobs.into_iter().enumerate().collect::<Vec<_>>());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let next = queue.lock().expect("queue").pop();
                let Some((index, job)) = next else {
                    return;
                };
                let result = generate(job);
                results.lock().expect("results").push((index, result));
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

fn generate(job: Job) -> Result<Generated, String> {
    let mut config = cdp_codegen::Config::new();
    let version = match &job {
        Job::Npm(package) => {
            config
                .protocol(&package.browser_protocol)
                .protocol(&package.js_protocol);
            let pinned = package.version == pinned();
            Version {
                module: format!("v{}", package.version.replace('.', "_")),
                title: format!(
                    "{}{}",
                    package.spec(),
                    if pinned { " (pinned)" } else { "" }
                ),
                pinned,
            }
        }
        Job::Browser(json) => {
            let value: serde_json::Value = serde_json::from_str(json).expect("stable JSON");
            let product = value["source"]["browser"].as_str().unwrap_or("a browser");
            config.protocol_text("chromium.json", json.as_str());
            Version {
                module: "chromium".into(),
                title: format!("{product} (/json/protocol of the installed Chromium)"),
                pinned: false,
            }
        }
    };
    let code = config
        .generate_string()
        .map_err(|err| format!("{}: {err}", version.title))?;
    let model = if version.pinned {
        Some(
            config
                .model()
                .map_err(|err| format!("{}: {err}", version.title))?,
        )
    } else {
        None
    };
    Ok(Generated {
        version,
        code,
        model,
    })
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(binary) = std::env::var_os("CHROMIUM").filter(|binary| !binary.is_empty()) {
        return Some(PathBuf::from(binary));
    }
    let paths = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&paths).map(move |dir| dir.join(name)))
        .find(|path| path.is_file())
}

/// Writes `text` unless the file already holds it, so cargo sees unchanged files as unchanged.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read(path).is_ok_and(|current| current == text.as_bytes()) {
        return;
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("scratch directory");
    }
    std::fs::write(path, text).unwrap_or_else(|err| panic!("cannot write {path:?}: {err}"));
}

fn manifest(workspace: &Path) -> String {
    let runtime = workspace.join("runtime");
    format!(
        r#"# Written by cdp-tests/tests/protocol_versions.rs: the full protocol of several versions.
[package]
name = "protocol-versions"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
test = false
doctest = false

[features]
default = ["all-versions"]
# Every version but the pinned one, which the round-trip test compiles alone.
all-versions = []

[dependencies]
cdp-runtime = {{ path = {runtime:?} }}

[dev-dependencies]
proptest = {{ version = "=1.12.0", default-features = false, features = ["std"] }}
# Floats must survive text exactly for the round trip to compare them.
serde_json = {{ version = "1", features = ["float_roundtrip"] }}

# Only the round-trip test is compiled to machine code; it needs no debugger.
[profile.dev]
debug = 0

# A workspace of its own, not a member of the one it sits in.
[workspace]
"#
    )
}

fn lib_rs(versions: &[Version]) -> String {
    let mut lib = String::from(
        "//! Written by cdp-tests/tests/protocol_versions.rs: the full protocol (browser + js) \
         of several\n//! versions, a module each.\n\n#![deny(warnings, missing_docs)]\n",
    );
    for version in versions {
        let _ = write!(lib, "\n/// Bindings for {}.\n", version.title);
        if !version.pinned {
            lib.push_str("#[cfg(feature = \"all-versions\")]\n");
        }
        let _ = writeln!(
            lib,
            "pub mod {0} {{\n    include!(\"{0}.rs\");\n}}",
            version.module
        );
    }
    lib
}

/// `tests/roundtrip.rs` and `tests/roundtrip/schema.rs` for every type of `model`, whose
/// bindings are the module `module` of the scratch crate.
fn roundtrip_files(model: &Model, module: &str) -> (String, String) {
    let mut arms = String::new();
    let mut table = String::new();
    for domain in &model.domains {
        let path = format!(
            "protocol_versions::{module}::{}",
            naming::module(&domain.name)
        );
        let mut entry = |rust_name: String, shape: String| {
            let key = format!("{}.{rust_name}", domain.name);
            let _ = writeln!(arms, "        {key:?} => rt::<{path}::{rust_name}>(json),");
            let _ = writeln!(table, "    ({key:?}, {shape}),");
        };
        for ty in &domain.types {
            let shape = match &ty.kind {
                TypeKind::Enum(values) => format!("Shape::Enum(&{values:?})"),
                TypeKind::Object(fields) => object_shape(fields),
                TypeKind::Alias { ty, .. } => format!("Shape::Alias({})", ty_expr(ty)),
            };
            entry(naming::type_name(&ty.id.name), shape);
        }
        for command in &domain.commands {
            entry(naming::params(&command.name), object_shape(&command.params));
            entry(
                naming::returns(&command.name),
                object_shape(&command.returns),
            );
        }
        for event in &domain.events {
            entry(naming::event(&event.name), object_shape(&event.params));
        }
    }
    let dispatch = format!(
        r#"//! Written by cdp-tests/tests/protocol_versions.rs: every type of {module} survives
//! decode -> encode of random values that conform to the schema.

// Deprecated types are tested too.
#![allow(deprecated)]

#[path = "roundtrip/harness.rs"]
mod harness;
#[path = "roundtrip/schema.rs"]
mod schema;

use cdp_runtime::codegen::serde::{{de::DeserializeOwned, Serialize}};

#[test]
fn every_type_round_trips_random_conforming_values() {{
    harness::check_every_type(schema::TYPES, roundtrip);
}}

/// Decodes `json` as the type named `type_id` (`Domain.RustName`) and encodes it again.
fn roundtrip(type_id: &str, json: &str) -> Result<String, String> {{
    match type_id {{
{arms}        _ => Err(format!("no type {{type_id}}")),
    }}
}}

fn rt<T: Serialize + DeserializeOwned>(json: &str) -> Result<String, String> {{
    let value: T = serde_json::from_str(json).map_err(|err| err.to_string())?;
    serde_json::to_string(&value).map_err(|err| err.to_string())
}}
"#
    );
    let schema = format!(
        "//! Written by cdp-tests/tests/protocol_versions.rs: every type of {module} as data.\n\n\
         use super::harness::{{Field, Shape, Ty}};\n\n\
         /// Every type, keyed `Domain.RustName`.\n\
         pub static TYPES: &[(&str, Shape)] = &[\n{table}];\n"
    );
    (dispatch, schema)
}

fn object_shape(fields: &[Field]) -> String {
    let mut shape = String::from("Shape::Object(&[");
    for field in fields {
        let _ = write!(
            shape,
            "Field {{ name: {:?}, optional: {}, ty: {} }}, ",
            field.name,
            field.optional,
            ty_expr(&field.ty)
        );
    }
    shape.push_str("])");
    shape
}

fn ty_expr(ty: &Ty) -> String {
    match ty {
        Ty::String => "Ty::String".into(),
        Ty::Integer => "Ty::Integer".into(),
        Ty::Number => "Ty::Number".into(),
        Ty::Boolean => "Ty::Boolean".into(),
        Ty::Any => "Ty::Any".into(),
        Ty::Map => "Ty::Map".into(),
        Ty::Binary => "Ty::Binary".into(),
        Ty::Array(item) => format!("Ty::Array(&{})", ty_expr(item)),
        Ty::Named(id) => format!(
            "Ty::Named({:?})",
            format!("{}.{}", id.domain, naming::type_name(&id.name))
        ),
    }
}
