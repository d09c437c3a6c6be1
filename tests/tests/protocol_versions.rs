//! The full protocol of several years of devtools-protocol releases, and the one the installed
//! Chromium serves, generates bindings that compile under `#![deny(warnings)]` with clippy and
//! rustdoc clean; every type of the pinned protocol round-trips random conforming values, and
//! every event of it also decodes through `decode_message`, as a whole message, into an equal
//! root `Event`; and bindings generated from an old protocol keep decoding what today's
//! Chromium sends.
//!
//! Everything is compiled in one scratch crate, `target/protocol-versions/`, with a module per
//! version (each behind a cargo feature of its own) and target directories of its own, so that
//! one cargo run checks all of them and a second run of the test reuses what the first compiled
//! (files are rewritten only when their bytes change). The round-trip property is a test of
//! that crate, generated here from the pinned protocol's model: `tests/roundtrip.rs` (a dispatch
//! function from type name to decode-and-encode, and for events to `decode_message` too; it
//! also checks the size of the root `Event`), `tests/roundtrip/schema.rs` (every type as
//! data) and `tests/roundtrip/harness.rs` (the strategies and the property, copied from
//! `protocol_versions/harness.rs` beside this file).
//!
//! # Old bindings, today's messages
//!
//! `bindings_of_old_protocols_decode_todays_chromium_messages_with_none_lost` takes the bindings
//! of devtools-protocol 0.0.818844 (late 2020, Chrome 88) and 0.0.1200039 (autumn 2023) and
//! decodes real messages of today's Chromium with them: the committed session
//! `fixtures/chromium_mix.jsonl` (288 messages of Chromium 156, see its README) and a session
//! captured from the installed Chromium at test time by `fixtures/capture_mix.py`. The decoding
//! is done by a binary of the scratch crate, `src/bin/decode_today.rs`, generated here from each
//! old model: it calls `cdp_runtime::decode_message::<vX::Event>` on every line, encodes every
//! known event again, and walks the typed value (a `Walk` impl per type that can hold an enum)
//! for the enum values that landed in a fallback variant. This test then checks, against the
//! old and today's models (`cdp_codegen::model`):
//!
//! - no message is lost: every message decodes, as a response, a typed event, or an
//!   `Event::Unknown`. The one exception is a field whose type or presence the protocol changed
//!   incompatibly since the old version (`cdp_codegen::diff` says so: a type change, a required
//!   field removed or made optional): no old binding can read it, and its message must come
//!   back as a `DecodeError` that names the method and the field and keeps the message whole.
//!   The committed session has none with 0.0.818844; with 0.0.1200039, 26 messages hit two
//!   experimental fields changed since (`Network.ClientSecurityState.privateNetworkRequestPolicy`
//!   removed, `Network.responseReceivedExtraInfo` `cookiePartitionKey` now an object);
//! - an event whose method the old protocol lacks is an `Event::Unknown` with the method and
//!   the params byte for byte (four such methods in the committed session);
//! - a known event carrying fields the old schema does not have decodes, and those fields are
//!   fields of today's protocol (`BackgroundService.BackgroundServiceEvent.storageKey`, ..);
//! - a string-enum value the old schema does not know lands in the generated fallback variant
//!   and encodes back to the same JSON string (`Network.ResourceType` `"Preflight"`, ..); the
//!   fallback variants found in the typed values are exactly the unknown values the old schema
//!   predicts;
//! - every decoded known event encodes back to its params minus the fields the old schema
//!   lacks (numbers compared as numbers; an explicit `null` in an optional field that is not
//!   `any` counts as absent, as it decodes).
//!
//! It prints a summary per old version and capture to stderr.
//!
//! Where npm or Chromium is missing the versions that need it print `SKIPPED: ...`, and so does
//! the live capture without Chromium or Python; under `CI` that fails the test instead.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use cdp_codegen::diff::ChangeKind;
use cdp_codegen::model::{Field, Model, Ty, TypeId, TypeKind};
use cdp_codegen::naming;
use cdp_codegen_cli::fetch;

/// The devtools-protocol version the project pins: the latest when it was pinned.
const PINNED: &str = include_str!("../../protocol/PINNED");

/// Older devtools-protocol versions. The number is Chromium's commit position: late 2020
/// (Chrome 88), mid 2022 (Chrome 103), autumn 2023 (Chrome 119) and early 2025 (Chrome 134).
const OLDER: &[&str] = &["0.0.818844", "0.0.999451", "0.0.1200039", "0.0.1402036"];

/// Older versions whose bindings are compiled to machine code to decode today's Chromium
/// messages: late 2020 and autumn 2023.
const DECODERS: &[&str] = &["0.0.818844", "0.0.1200039"];

/// The binary of the scratch crate that decodes messages with an old version's bindings.
const DECODE_BIN: &str = "decode-today";

/// A real multi-domain session of Chromium 156 (`tests/fixtures/capture_mix.py` made it).
const MIX: &str = include_str!("../fixtures/chromium_mix.jsonl");

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
    /// One of [`DECODERS`]: compiled to machine code to decode today's messages.
    decoder: bool,
}

/// An old version that decodes today's messages: its module and its model.
struct Decoder {
    module: String,
    title: String,
    model: Model,
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
    /// The versions of [`DECODERS`] that were available, for which `src/bin/decode_today.rs`
    /// was written.
    decoders: Vec<Decoder>,
    /// Today's protocol, to tell new fields from undocumented ones: the installed Chromium's,
    /// else the pinned version's. Its title and model.
    today: Option<(String, Model)>,
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
    // Only the pinned version is compiled to machine code: every version is behind a feature
    // of its own, and the default feature `all-versions`, which the clippy and rustdoc tests
    // check, turns them all on.
    let pinned = scratch.versions.iter().find(|v| v.pinned).expect("pinned");
    cargo(
        scratch,
        "test",
        &[
            "test",
            "--no-default-features",
            "--features",
            &pinned.module,
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
    let mut decoders = Vec::new();
    let (mut pinned_model, mut browser_model) = (None, None);
    let src = dir.join("src");
    for result in generated {
        match result {
            Ok(output) => {
                let version = &output.version;
                write_if_changed(&src.join(format!("{}.rs", version.module)), &output.code);
                if let Some(model) = output.model {
                    if version.pinned {
                        roundtrip = Some(roundtrip_files(&model, &version.module));
                        pinned_model = Some((version.title.clone(), model));
                    } else if version.decoder {
                        decoders.push(Decoder {
                            module: version.module.clone(),
                            title: version.title.clone(),
                            model,
                        });
                    } else {
                        browser_model = Some((version.title.clone(), model));
                    }
                }
                versions.push(output.version);
            }
            Err(failure) => failures.push(failure),
        }
    }
    write_if_changed(
        &dir.join("Cargo.toml"),
        &manifest(&workspace, &versions, &decoders),
    );
    write_if_changed(&src.join("lib.rs"), &lib_rs(&versions));
    let decode_bin = src.join("bin/decode_today.rs");
    if decoders.is_empty() {
        // One left from an earlier run would name modules that are not there.
        let _ = std::fs::remove_file(&decode_bin);
    } else {
        write_if_changed(&decode_bin, &decode_bin_rs(&decoders));
    }
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
        decoders,
        today: browser_model.or(pinned_model),
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
    /// The model, for the pinned version, the decoders and the browser's protocol.
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
                decoder: DECODERS.contains(&package.version.as_str()),
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
                decoder: false,
            }
        }
    };
    let code = config
        .generate_string()
        .map_err(|err| format!("{}: {err}", version.title))?;
    let model = if version.pinned || version.decoder || matches!(job, Job::Browser(_)) {
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

fn manifest(workspace: &Path, versions: &[Version], decoders: &[Decoder]) -> String {
    let runtime = workspace.join("runtime");
    let quoted = |modules: Vec<&str>| -> String {
        let quoted: Vec<String> = modules.iter().map(|m| format!("{m:?}")).collect();
        quoted.join(", ")
    };
    let all = quoted(versions.iter().map(|v| v.module.as_str()).collect());
    let mut features = String::new();
    for version in versions {
        let _ = writeln!(features, "{} = []", version.module);
    }
    let bin = if decoders.is_empty() {
        String::new()
    } else {
        let required = quoted(decoders.iter().map(|d| d.module.as_str()).collect());
        format!(
            r#"
# Decodes messages with the bindings of old versions; tests/protocol_versions.rs runs it.
[[bin]]
name = "{DECODE_BIN}"
path = "src/bin/decode_today.rs"
test = false
doc = false
required-features = [{required}]
"#
        )
    };
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
# A feature per version, so that a cargo run compiles only the versions it needs: the
# round-trip test the pinned one, the decoding test the old ones.
all-versions = [{all}]
{features}
[dependencies]
cdp-runtime = {{ path = {runtime:?} }}
{bin}
[dev-dependencies]
proptest = {{ version = "=1.12.0", default-features = false, features = ["std"] }}
# Floats must survive text exactly for the round trip to compare them.
serde_json = {{ version = "1", features = ["float_roundtrip"] }}

# Only the round-trip test and the decoding binary are compiled to machine code; they need no
# debugger.
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
        let _ = writeln!(lib, "#[cfg(feature = \"{}\")]", version.module);
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
    let limit = cdp_codegen::layout::BOX_EVENTS_OVER;
    let mut arms = String::new();
    let mut table = String::new();
    for domain in &model.domains {
        let path = format!(
            "protocol_versions::{module}::{}",
            naming::module(&domain.name)
        );
        let mut entry = |rust_name: String, shape: String, event: Option<&str>| {
            let key = format!("{}.{rust_name}", domain.name);
            let call = match event {
                // An event also goes through `decode_message`, as a whole message, into the
                // root `Event`.
                Some(name) => format!(
                    "ev::<{path}::{rust_name}>(json, \"{}.{name}\", |event| \
                     Event::{}({path}::Event::from(event)))",
                    domain.name,
                    naming::domain_variant(&domain.name)
                ),
                None => format!("rt::<{path}::{rust_name}>(json)"),
            };
            let _ = writeln!(arms, "        {key:?} => {call},");
            let _ = writeln!(table, "    ({key:?}, {shape}),");
        };
        for ty in &domain.types {
            let shape = match &ty.kind {
                TypeKind::Enum(values) => format!("Shape::Enum(&{values:?})"),
                TypeKind::Object(fields) => object_shape(fields),
                TypeKind::Alias { ty, .. } => format!("Shape::Alias({})", ty_expr(ty)),
            };
            entry(naming::type_name(&ty.id.name), shape, None);
        }
        for command in &domain.commands {
            entry(
                naming::params(&command.name),
                object_shape(&command.params),
                None,
            );
            entry(
                naming::returns(&command.name),
                object_shape(&command.returns),
                None,
            );
        }
        for event in &domain.events {
            entry(
                naming::event(&event.name),
                object_shape(&event.params),
                Some(&event.name),
            );
        }
    }
    let dispatch = format!(
        r#"//! Written by cdp-tests/tests/protocol_versions.rs: every type of {module} survives
//! decode -> encode of random values that conform to the schema, and every event also decodes
//! through `decode_message` into an equal root `Event`.

// Deprecated types are tested too.
#![allow(deprecated)]

#[path = "roundtrip/harness.rs"]
mod harness;
#[path = "roundtrip/schema.rs"]
mod schema;

use cdp_runtime::__private::serde::{{de::DeserializeOwned, Serialize}};
use cdp_runtime::{{decode_message, Message}};
use protocol_versions::{module}::Event;

#[test]
fn every_type_round_trips_random_conforming_values() {{
    harness::check_every_type(schema::TYPES, roundtrip);
}}

/// The events above {limit} bytes are held boxed, so the root `Event` that every decoded event
/// becomes is no larger than that and its tag: the generator's estimate of the layout holds.
#[test]
fn the_root_event_is_no_larger_than_the_largest_event_held_inline() {{
    let size = std::mem::size_of::<protocol_versions::{module}::Event>();
    assert!(size <= {limit} + 8, "size_of::<Event>() is {{size}} bytes");
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

/// [`rt`] for an event, which must also decode through `decode_message`, as the params of a
/// whole message on a session, into the root `Event` equal to `wrap` of what `rt` decoded.
fn ev<T: Serialize + DeserializeOwned>(
    json: &str,
    method: &str,
    wrap: fn(T) -> Event,
) -> Result<String, String> {{
    let value: T = serde_json::from_str(json).map_err(|err| err.to_string())?;
    let encoded = serde_json::to_string(&value).map_err(|err| err.to_string())?;
    let message = format!("{{{{\"method\":\"{{method}}\",\"params\":{{json}},\"sessionId\":\"S1\"}}}}");
    match decode_message::<Event>(&message) {{
        Ok(Message::Event {{ session_id, event }}) => {{
            let expected = wrap(value);
            if session_id.as_deref() != Some("S1") || event != expected {{
                return Err(format!(
                    "decode_message gave {{event:?}} on {{session_id:?}}, serde_json {{expected:?}}"
                ));
            }}
        }}
        other => return Err(format!("decode_message gave {{other:?}}")),
    }}
    Ok(encoded)
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

/// `src/bin/decode_today.rs`: decodes every line of the files it is given with the bindings of
/// one old version, through `cdp_runtime::decode_message`, and prints one JSON line per
/// message: `{"result": "response" | "event" | "unknown" | "error", ..}`. A known event comes
/// with its params encoded again and every enum value of it that landed in a fallback variant
/// (found by walking the typed value: a `Walk` impl is generated for every type that can hold an
/// enum); an unknown one with its params as `Event::Unknown` kept them.
fn decode_bin_rs(decoders: &[Decoder]) -> String {
    let mut arms = String::new();
    let mut modules = String::new();
    for decoder in decoders {
        let _ = writeln!(arms, "        {0:?} => {0}::inspect,", decoder.module);
        modules.push_str(&decoder_module(decoder));
    }
    format!(
        r#"//! Written by cdp-tests/tests/protocol_versions.rs: decodes protocol messages with the
//! bindings of an old protocol version and says, in one JSON line per message, what became of
//! it.
//!
//! Usage: `{DECODE_BIN} MODULE FILE..`, each FILE holding one message per line.

// Deprecated items are decoded too.
#![allow(deprecated)]

use std::io::Write as _;

use cdp_runtime::__private::serde::Serialize;
use cdp_runtime::serde_json::{{self, json, Value}};
use cdp_runtime::{{DecodeError, DriftReport, Response, UnknownEvent}};

fn main() {{
    let mut args = std::env::args().skip(1);
    let module = args.next().expect("usage: {DECODE_BIN} MODULE FILE..");
    let inspect: fn(&str, &mut DriftReport) -> Value = match module.as_str() {{
{arms}        other => panic!("no module {{other}}"),
    }};
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (file, path) in args.enumerate() {{
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {{path}}: {{err}}"));
        let mut drift = DriftReport::default();
        for (index, line) in text.lines().enumerate() {{
            let mut record = inspect(line, &mut drift);
            record["file"] = json!(file);
            record["line"] = json!(index + 1);
            writeln!(out, "{{record}}").expect("stdout");
        }}
        // What the drift report of the whole file says, last.
        let record = json!({{
            "result": "drift",
            "file": file,
            "messages": drift.messages,
            "unknown_methods": drift.unknown_methods.iter()
                .map(|(method, seen)| (method.clone(), seen.count)).collect::<std::collections::BTreeMap<_, _>>(),
            "unknown_fields": drift.unknown_fields.keys()
                .map(|(ty, field)| format!("{{ty}}.{{field}}")).collect::<Vec<_>>(),
            "fallback_values": drift.fallback_values.keys().collect::<Vec<_>>(),
            "failed_events": drift.failed_events.values().map(|seen| seen.count).sum::<u64>(),
            "text": drift.to_string(),
        }});
        writeln!(out, "{{record}}").expect("stdout");
    }}
    out.flush().expect("stdout");
}}

/// Collects the enum values of a decoded value that are in a fallback variant.
trait Walk {{
    /// Pushes a record for every fallback variant in `self`, which is at `path` in the params.
    fn walk(&self, path: &str, out: &mut Vec<Value>);
}}

impl<T: Walk> Walk for Vec<T> {{
    fn walk(&self, path: &str, out: &mut Vec<Value>) {{
        for (index, item) in self.iter().enumerate() {{
            item.walk(&format!("{{path}}[{{index}}]"), out);
        }}
    }}
}}

impl<T: Walk> Walk for Option<T> {{
    fn walk(&self, path: &str, out: &mut Vec<Value>) {{
        if let Some(value) = self {{
            value.walk(path, out);
        }}
    }}
}}

impl<T: Walk> Walk for Box<T> {{
    fn walk(&self, path: &str, out: &mut Vec<Value>) {{
        (**self).walk(path, out);
    }}
}}

/// The path of field `name` of the value at `path`.
fn field(path: &str, name: &str) -> String {{
    if path.is_empty() {{
        name.to_owned()
    }} else {{
        format!("{{path}}.{{name}}")
    }}
}}

/// Records that the enum `value` of type `type_id`, at `path`, is in its fallback variant,
/// with what it encodes to.
fn fallback<T: Serialize>(
    type_id: &str,
    path: &str,
    value: &str,
    whole: &T,
    out: &mut Vec<Value>,
) {{
    let encoded = serde_json::to_string(whole).expect("an enum encodes");
    out.push(json!({{"type": type_id, "path": path, "value": value, "encoded": encoded}}));
}}

/// Params encoded again, after walking them for fallback variants.
fn encode<T: Serialize + Walk>(params: &T, out: &mut Vec<Value>) -> String {{
    params.walk("", out);
    plain(params)
}}

/// Params encoded again.
fn plain<T: Serialize>(params: &T) -> String {{
    serde_json::to_string(params).expect("params encode")
}}

fn error(err: &DecodeError, text: &str) -> Value {{
    json!({{
        "result": "error",
        "error": err.to_string(),
        "kind": format!("{{:?}}", err.kind()),
        "method": err.method(),
        "path": err.path(),
        "raw_kept": err.raw() == text,
    }})
}}

fn response(response: &Response) -> Value {{
    json!({{"result": "response", "id": response.id, "session_id": response.session_id}})
}}

fn unknown(session_id: Option<String>, event: &UnknownEvent) -> Value {{
    json!({{
        "result": "unknown",
        "method": event.method,
        "params": event.params.get(),
        "session_id": session_id,
    }})
}}

fn known(
    session_id: Option<String>,
    method: &str,
    params: Option<String>,
    fallbacks: Vec<Value>,
) -> Value {{
    match params {{
        Some(params) => json!({{
            "result": "event",
            "method": method,
            "params": params,
            "session_id": session_id,
            "fallbacks": fallbacks,
        }}),
        None => json!({{"result": "error", "error": format!("no arm for {{method}}")}}),
    }}
}}
{modules}"#
    )
}

/// The module of `decode_today.rs` for one version: `inspect`, the dispatch from an event to
/// its encoded params, and the `Walk` impls.
fn decoder_module(decoder: &Decoder) -> String {
    let model = &decoder.model;
    let module = &decoder.module;
    let holds_enum = types_holding_enums(model);
    let holds = |ty: &Ty| ty_holds_enum(ty, &holds_enum);
    let rust_path = |id: &cdp_codegen::model::TypeId| {
        format!(
            "p::{}::{}",
            naming::module(&id.domain),
            naming::type_name(&id.name)
        )
    };
    let walk_fields = |fields: &[Field]| -> String {
        let mut body = String::new();
        for field in fields.iter().filter(|field| holds(&field.ty)) {
            let _ = writeln!(
                body,
                "            super::Walk::walk(&self.{}, &super::field(path, {:?}), out);",
                naming::ident(&naming::field(&field.name)),
                field.name
            );
        }
        body
    };
    let mut arms = String::new();
    let mut impls = String::new();
    for domain in &model.domains {
        let domain_module = naming::module(&domain.name);
        let domain_variant = naming::domain_variant(&domain.name);
        for event in &domain.events {
            let walked = event.params.iter().any(|field| holds(&field.ty));
            let _ = writeln!(
                arms,
                "            p::Event::{domain_variant}(p::{domain_module}::Event::{}(params)) => \
                 Some(super::{}),",
                naming::event_variant(&event.name),
                if walked {
                    "encode(params, out)"
                } else {
                    "plain(params)"
                }
            );
            if walked {
                let _ = write!(
                    impls,
                    "    impl super::Walk for p::{domain_module}::{} {{\n        \
                     fn walk(&self, path: &str, out: &mut Vec<Value>) {{\n\
                     {}        }}\n    }}\n\n",
                    naming::event(&event.name),
                    walk_fields(&event.params)
                );
            }
        }
        for ty in &domain.types {
            if !holds_enum.contains(&ty.id) {
                continue;
            }
            let body = match &ty.kind {
                TypeKind::Enum(values) => format!(
                    "            if let Self::{}(value) = self {{\n                \
                     super::fallback({:?}, path, value, self, out);\n            }}\n",
                    fallback_variant(values),
                    ty.id.to_string()
                ),
                TypeKind::Object(fields) => walk_fields(fields),
                TypeKind::Alias { .. } => {
                    "            super::Walk::walk(&self.0, path, out);\n".to_owned()
                }
            };
            let _ = write!(
                impls,
                "    impl super::Walk for {} {{\n        \
                 fn walk(&self, path: &str, out: &mut Vec<Value>) {{\n{body}        }}\n    }}\n\n",
                rust_path(&ty.id)
            );
        }
    }
    format!(
        r#"
/// The bindings of {title}.
mod {module} {{
    use cdp_runtime::serde_json::Value;
    use cdp_runtime::{{DriftReport, EventSet as _, Message}};
    use protocol_versions::{module} as p;

    pub fn inspect(text: &str, drift: &mut DriftReport) -> Value {{
        match drift.decode::<p::Event>(text) {{
            Err(err) => super::error(&err, text),
            Ok(Message::Response(response)) => super::response(&response),
            Ok(Message::Event {{
                session_id,
                event: p::Event::Unknown(event),
            }}) => super::unknown(session_id, &event),
            Ok(Message::Event {{ session_id, event }}) => {{
                let mut fallbacks = Vec::new();
                let params = known(&event, &mut fallbacks);
                super::known(session_id, event.method(), params, fallbacks)
            }}
        }}
    }}

    /// The params of a known event, encoded again; `None` for a variant this match lacks.
    fn known(event: &p::Event, out: &mut Vec<Value>) -> Option<String> {{
        match event {{
{arms}            _ => None,
        }}
    }}

{impls}}}
"#,
        title = decoder.title
    )
}

/// The name of the fallback variant of an enum with `values`, as the generator picks it.
fn fallback_variant(values: &[String]) -> String {
    let mut fallback = naming::FALLBACK_VARIANT.to_owned();
    while values
        .iter()
        .any(|value| naming::variant(value) == fallback)
    {
        fallback.push_str("Value");
    }
    fallback
}

/// The named types that are enums or can hold one, however deep.
fn types_holding_enums(model: &Model) -> BTreeSet<TypeId> {
    let mut holding: BTreeSet<TypeId> = BTreeSet::new();
    let types: Vec<&cdp_codegen::model::TypeDef> =
        model.domains.iter().flat_map(|d| &d.types).collect();
    loop {
        let before = holding.len();
        for ty in &types {
            let holds = match &ty.kind {
                TypeKind::Enum(_) => true,
                TypeKind::Object(fields) => fields
                    .iter()
                    .any(|field| ty_holds_enum(&field.ty, &holding)),
                TypeKind::Alias { ty, .. } => ty_holds_enum(ty, &holding),
            };
            if holds {
                holding.insert(ty.id.clone());
            }
        }
        if holding.len() == before {
            return holding;
        }
    }
}

fn ty_holds_enum(ty: &Ty, holding: &BTreeSet<TypeId>) -> bool {
    match ty {
        Ty::Named(id) => holding.contains(id),
        Ty::Array(item) => ty_holds_enum(item, holding),
        _ => false,
    }
}

/// What the committed capture must show for an old version: the events it does not know, a
/// field of today's protocol it does not have, and an enum value it does not know.
struct Expected {
    version: &'static str,
    unknown_events: &'static [&'static str],
    new_field: &'static str,
    /// The enum type (as the old model names it) and the value.
    fallback: (&'static str, &'static str),
    /// The messages that give a `DecodeError`, by the field whose type or presence today's
    /// protocol changed incompatibly, and how many.
    broken: &'static [(&'static str, usize)],
}

const EXPECTED: &[Expected] = &[
    Expected {
        version: "0.0.818844",
        unknown_events: &[
            "Inspector.workerScriptLoaded",
            "Network.policyUpdated",
            "Page.frameStartedNavigating",
            "Page.frameSubtreeWillBeDetached",
        ],
        new_field: "BackgroundService.BackgroundServiceEvent.storageKey",
        // A CORS preflight: `Network.responseReceived` `type`.
        fallback: ("Network.ResourceType", "Preflight"),
        // Every message decodes.
        broken: &[],
    },
    Expected {
        version: "0.0.1200039",
        unknown_events: &[
            "Inspector.workerScriptLoaded",
            "Network.policyUpdated",
            "Page.frameStartedNavigating",
            "Page.frameSubtreeWillBeDetached",
        ],
        new_field: "Debugger.scriptParsed.buildId",
        // `Page.frameRequestedNavigation` `reason` of the iframe's first navigation.
        fallback: ("Page.ClientNavigationReason", "initialFrameNavigation"),
        // Two experimental fields this version has were changed since: the decoder cannot
        // read them, and the message comes back as a `DecodeError` that keeps it whole.
        broken: &[
            (
                "Network.ClientSecurityState.privateNetworkRequestPolicy",
                12,
            ),
            (
                "Network.responseReceivedExtraInfo.parameters.cookiePartitionKey",
                14,
            ),
        ],
    },
];

#[test]
fn bindings_of_old_protocols_decode_todays_chromium_messages_with_none_lost() {
    let scratch = scratch();
    if !scratch.has_versions() || scratch.decoders.is_empty() {
        // npm or the old packages are missing: `unavailable` has said so.
        return;
    }
    let Some((today_title, today)) = &scratch.today else {
        unavailable(
            "today's protocol",
            "neither the pinned devtools-protocol nor the installed Chromium's",
        );
        return;
    };
    // The live capture runs while cargo builds.
    let live = std::thread::spawn(capture_live);
    let features: Vec<&str> = scratch.decoders.iter().map(|d| d.module.as_str()).collect();
    cargo(
        scratch,
        "decode",
        &[
            "build",
            "--no-default-features",
            "--features",
            &features.join(","),
            "--bin",
            DECODE_BIN,
        ],
        &[],
    );
    let live = live
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/chromium_mix.jsonl");
    let mut sources = vec![("committed chromium_mix.jsonl", committed, MIX.to_owned())];
    if let Some((path, text)) = live {
        sources.push(("live capture", path, text));
    }
    let exe = scratch
        .dir
        .join("target/decode/debug")
        .join(format!("{DECODE_BIN}{}", std::env::consts::EXE_SUFFIX));
    for decoder in &scratch.decoders {
        for (name, path, text) in &sources {
            let outcome = decode_with(&exe, decoder, today, path, text);
            let what = format!("{} decoding the {name}", decoder.title);
            outcome.check(&what, today_title);
            if *name == "committed chromium_mix.jsonl" {
                outcome.check_committed(decoder, &what);
            }
            let summary = outcome.summary(&what);
            let _ = std::io::Write::write_all(&mut std::io::stderr().lock(), summary.as_bytes());
        }
    }
}

/// Captures a session of the installed Chromium with `fixtures/capture_mix.py`: its path and
/// text, or `None` (having said why) without Chromium or Python.
fn capture_live() -> Option<(PathBuf, String)> {
    let Some(chromium) = find_chromium() else {
        unavailable(
            "chromium (live capture)",
            "no $CHROMIUM and no chromium on PATH (install chromium)",
        );
        return None;
    };
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|output| output.status.success()) {
        unavailable("python3 (live capture)", "`python3 --version` does not run");
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/capture_mix.py");
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("chromium_mix_live.jsonl");
    let started = Instant::now();
    let output = Command::new("python3")
        .arg(&script)
        .arg("--chromium")
        .arg(&chromium)
        .arg("--out")
        .arg(&out)
        .arg("--lenient")
        .output()
        .expect("python3 runs");
    // A browser that is there but cannot be driven is a failure, not a skip.
    assert!(
        output.status.success(),
        "{} failed ({}):\n{}\n{}",
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!(
        "live capture of {} took {:.1} s",
        chromium.display(),
        started.elapsed().as_secs_f64()
    );
    let text = std::fs::read_to_string(&out)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", out.display()));
    Some((out, text))
}

/// One line of a capture, as `serde_json` reads it: what the decoder must reproduce.
#[derive(serde::Deserialize)]
struct RawMessage<'a> {
    id: Option<u64>,
    method: Option<String>,
    #[serde(borrow)]
    params: Option<&'a serde_json::value::RawValue>,
    #[serde(rename = "sessionId")]
    session_id: Option<String>,
}

/// An enum value unknown to the old version: where it is and what it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Fallback {
    path: String,
    type_id: String,
    value: String,
}

/// What decoding one capture with one old version gave.
#[derive(Default)]
struct Outcome {
    messages: usize,
    responses: usize,
    typed: usize,
    /// Events kept as `Event::Unknown`, by method.
    unknown: BTreeMap<String, usize>,
    /// Fields of known events that the old version does not have, as `Owner.field`, and
    /// whether today's protocol has them.
    new_fields: BTreeMap<String, bool>,
    /// Enum values that landed in a fallback variant, by (type, value), with where.
    fallbacks: BTreeMap<(String, String), Vec<String>>,
    /// Methods unknown to the old version that today's protocol knows.
    unknown_known_today: BTreeSet<String>,
    /// Messages that gave a `DecodeError` at a field that today's protocol changed in a way
    /// the old bindings cannot read (a type change, a required field removed or made
    /// optional), by the field's schema path.
    broken: BTreeMap<String, usize>,
    /// Everything that went wrong, one line each.
    failures: Vec<String>,
}

/// Runs the decoding binary on `path` with `decoder`'s module and checks every message
/// against `text`, the same file.
fn decode_with(exe: &Path, decoder: &Decoder, today: &Model, path: &Path, text: &str) -> Outcome {
    let output = Command::new(exe)
        .arg(&decoder.module)
        .arg(path)
        .output()
        .unwrap_or_else(|err| panic!("cannot run {}: {err}", exe.display()));
    assert!(
        output.status.success(),
        "{} {} failed ({}):\n{}",
        exe.display(),
        decoder.module,
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let mut records: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON record"))
        .collect();
    let drift = records.pop().expect("the drift report comes last");
    assert_eq!(drift["result"], "drift", "{drift}");
    // The changes from the old version to today's after which a message may fail to decode
    // with the old bindings, by schema path (the kinds below, among the source-breaking ones).
    let breaking: BTreeMap<String, String> = cdp_codegen::diff::diff(&decoder.model, today, &[])
        .expect("the protocols compare")
        .breaking(cdp_codegen::diff::Class::Source)
        .filter(|change| {
            matches!(
                change.kind,
                ChangeKind::TypeChanged
                    | ChangeKind::FieldRemoved
                    | ChangeKind::FieldBecameOptional
            )
        })
        .map(|change| (change.path.clone(), change.message.clone()))
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        records.len(),
        lines.len(),
        "one record per message of {}",
        path.display()
    );
    let mut outcome = Outcome::default();
    for (index, (line, record)) in lines.iter().zip(&records).enumerate() {
        assert_eq!(record["line"], index + 1);
        outcome.messages += 1;
        if let Err(failure) = outcome.check_message(&decoder.model, today, &breaking, line, record)
        {
            outcome
                .failures
                .push(format!("line {}: {failure}", index + 1));
        }
    }
    outcome.check_drift(&drift, &decoder.model);
    outcome
}

impl Outcome {
    /// Checks that the drift report of the run (`cdp_runtime::DriftReport`) lists exactly the
    /// drift this test found by comparing every message with the schemas.
    fn check_drift(&mut self, drift: &serde_json::Value, old: &Model) {
        let methods: BTreeMap<String, u64> =
            serde_json::from_value(drift["unknown_methods"].clone()).expect("methods");
        let expected: BTreeMap<String, u64> = self
            .unknown
            .iter()
            .map(|(method, count)| (method.clone(), *count as u64))
            .collect();
        let fields: BTreeSet<String> =
            serde_json::from_value(drift["unknown_fields"].clone()).expect("fields");
        let expected_fields: BTreeSet<String> = self.new_fields.keys().cloned().collect();
        let values: BTreeSet<(String, String)> =
            serde_json::from_value(drift["fallback_values"].clone()).expect("values");
        // An enum the schema writes inline is reported by the field that holds it.
        let protocol_name = |type_id: &str| {
            old.domains
                .iter()
                .flat_map(|domain| &domain.types)
                .find(|ty| ty.id.to_string() == type_id)
                .and_then(|ty| ty.lifted_from.clone())
                .unwrap_or_else(|| type_id.to_owned())
        };
        let expected_values: BTreeSet<(String, String)> = self
            .fallbacks
            .keys()
            .map(|(type_id, value)| (protocol_name(type_id), value.clone()))
            .collect();
        let failed = drift["failed_events"].as_u64().unwrap_or_default();
        let broken: usize = self.broken.values().sum();
        let report = drift["text"].as_str().unwrap_or_default();
        if drift["messages"].as_u64() != Some(self.messages as u64) {
            self.failures.push(format!(
                "the drift report counted {} messages",
                drift["messages"]
            ));
        }
        if methods != expected {
            self.failures.push(format!(
                "drift report: unknown methods {methods:?}, expected {expected:?}\n{report}"
            ));
        }
        if fields != expected_fields {
            self.failures.push(format!(
                "drift report: unknown fields {fields:?}, expected {expected_fields:?}\n{report}"
            ));
        }
        if values != expected_values {
            self.failures.push(format!(
                "drift report: fallback values {values:?}, expected {expected_values:?}\n{report}"
            ));
        }
        if failed != broken as u64 {
            self.failures.push(format!(
                "drift report: {failed} undecodable events, expected {broken}\n{report}"
            ));
        }
    }

    /// Checks what became of one message (`record`, from the binary) against the message.
    fn check_message(
        &mut self,
        old: &Model,
        today: &Model,
        breaking: &BTreeMap<String, String>,
        line: &str,
        record: &serde_json::Value,
    ) -> Result<(), String> {
        let raw: RawMessage = serde_json::from_str(line).map_err(|err| err.to_string())?;
        let result = record["result"].as_str().unwrap_or_default();
        let session_id = record["session_id"].as_str();
        let method = raw.method.as_deref();
        let event = method.and_then(|method| find_event(old, method));
        match (result, method, event) {
            ("error", Some(method), Some(event)) => {
                // Lost, unless the protocol changed that very field incompatibly; even then
                // the error must name the method and the field and keep the message.
                let path = record["path"].as_str().unwrap_or_default();
                let changed = schema_paths(old, method, event, path)
                    .into_iter()
                    .find(|schema_path| breaking.contains_key(schema_path));
                match changed {
                    Some(schema_path)
                        if record["kind"] == "Data"
                            && record["method"] == method
                            && record["raw_kept"] == true =>
                    {
                        *self.broken.entry(schema_path).or_default() += 1;
                        Ok(())
                    }
                    _ => Err(format!("lost: {}", record["error"])),
                }
            }
            ("error", _, _) => Err(format!("lost: {}", record["error"])),
            ("response", None, _) if record["id"].as_u64() == raw.id => {
                self.responses += 1;
                Ok(())
            }
            ("unknown", Some(method), None) => {
                let params = raw.params.map(|params| params.get());
                if record["method"] != method
                    || record["params"].as_str() != params
                    || session_id != raw.session_id.as_deref()
                {
                    return Err(format!("Event::Unknown changed the message: {record}"));
                }
                *self.unknown.entry(method.to_owned()).or_default() += 1;
                if find_event(today, method).is_some() {
                    self.unknown_known_today.insert(method.to_owned());
                }
                Ok(())
            }
            ("event", Some(method), Some(event)) => {
                if record["method"] != method || session_id != raw.session_id.as_deref() {
                    return Err(format!("decoded as another event: {record}"));
                }
                self.typed += 1;
                let params: serde_json::Value = match raw.params {
                    Some(params) => serde_json::from_str(params.get()).expect("JSON params"),
                    None => serde_json::Value::Object(Default::default()),
                };
                let mut walk = SchemaWalk {
                    model: old,
                    unknown_fields: BTreeSet::new(),
                    fallbacks: Vec::new(),
                };
                let expected = walk.object(method, &event.params, &params, "");
                for field in walk.unknown_fields {
                    let in_today = has_field(today, &field);
                    self.new_fields.insert(field, in_today);
                }
                let encoded = record["params"].as_str().unwrap_or_default();
                let encoded: serde_json::Value =
                    serde_json::from_str(encoded).map_err(|err| err.to_string())?;
                if !same(&expected, &encoded) {
                    return Err(format!(
                        "{method}: encodes to {encoded}\nexpected (the message without the \
                         fields the old version lacks) {expected}"
                    ));
                }
                let mut found = Vec::new();
                for fallback in record["fallbacks"].as_array().into_iter().flatten() {
                    let value = fallback["value"].as_str().unwrap_or_default().to_owned();
                    // The fallback variant encodes back to the very value.
                    if fallback["encoded"].as_str() != Some(&serde_json::to_string(&value).unwrap())
                    {
                        return Err(format!(
                            "{method}: fallback encodes differently: {fallback}"
                        ));
                    }
                    found.push(Fallback {
                        path: fallback["path"].as_str().unwrap_or_default().to_owned(),
                        type_id: fallback["type"].as_str().unwrap_or_default().to_owned(),
                        value,
                    });
                }
                found.sort();
                walk.fallbacks.sort();
                if found != walk.fallbacks {
                    return Err(format!(
                        "{method}: enum values in fallback variants {found:?}, but the values \
                         the old version does not know are {:?}",
                        walk.fallbacks
                    ));
                }
                for fallback in found {
                    self.fallbacks
                        .entry((fallback.type_id, fallback.value))
                        .or_default()
                        .push(format!("{method} {}", fallback.path));
                }
                Ok(())
            }
            _ => Err(format!(
                "decoded as {result}, but the old version {} its method: {record}",
                if event.is_some() { "knows" } else { "lacks" }
            )),
        }
    }

    /// What every capture must show, with any old version.
    fn check(&self, what: &str, today_title: &str) {
        assert!(
            self.failures.is_empty(),
            "{what}: {} of {} messages went wrong:\n{}",
            self.failures.len(),
            self.messages,
            self.failures.join("\n")
        );
        assert!(
            self.messages >= 100 && self.responses > 0 && self.typed > 0,
            "{what}: too small a capture"
        );
        assert!(
            !self.unknown.is_empty(),
            "{what}: no event unknown to the old version"
        );
        let new: Vec<&String> = self.new_fields().collect();
        assert!(
            !new.is_empty(),
            "{what}: no decoded event has a field that {today_title} has and the old version lacks \
             (fields the old version lacks: {:?})",
            self.new_fields
        );
        assert!(
            !self.fallbacks.is_empty(),
            "{what}: no enum value unknown to the old version"
        );
    }

    /// What the committed capture shows: exact counts and named items.
    fn check_committed(&self, decoder: &Decoder, what: &str) {
        assert_eq!(
            (self.messages, self.responses),
            (288, 36),
            "{what}: messages and responses"
        );
        let Some(expected) = EXPECTED
            .iter()
            .find(|e| decoder.module == format!("v{}", e.version.replace('.', "_")))
        else {
            panic!("{what}: no expectations for {}", decoder.title);
        };
        let unknown: Vec<&str> = self.unknown.keys().map(String::as_str).collect();
        assert_eq!(unknown, expected.unknown_events, "{what}: unknown events");
        assert_eq!(
            self.unknown.values().sum::<usize>()
                + self.typed
                + self.responses
                + self.broken.values().sum::<usize>(),
            self.messages
        );
        let broken: Vec<(&str, usize)> = self
            .broken
            .iter()
            .map(|(path, count)| (path.as_str(), *count))
            .collect();
        assert_eq!(
            broken, expected.broken,
            "{what}: messages that do not decode, by the field today's protocol changed"
        );
        assert_eq!(
            self.new_fields.get(expected.new_field),
            Some(&true),
            "{what}: `{}` is a field of today's protocol that the old version lacks, and a \
             decoded event carries it",
            expected.new_field
        );
        let (type_id, value) = expected.fallback;
        assert!(
            self.fallbacks
                .contains_key(&(type_id.to_owned(), value.to_owned())),
            "{what}: `{type_id}` value {value:?} is unknown to the old version, so it lands in \
             the fallback variant and encodes back unchanged; fallbacks found: {:?}",
            self.fallbacks
        );
        // The events the old version lacks are new events of the protocol, not noise.
        assert_eq!(
            self.unknown_known_today.len(),
            self.unknown.len(),
            "{what}: {:?} are all events of today's protocol",
            self.unknown
        );
    }

    fn new_fields(&self) -> impl Iterator<Item = &String> {
        self.new_fields
            .iter()
            .filter(|(_, in_today)| **in_today)
            .map(|(field, _)| field)
    }

    fn summary(&self, what: &str) -> String {
        let unknown_events: usize = self.unknown.values().sum();
        let new: Vec<&str> = self.new_fields().map(String::as_str).collect();
        let fallbacks: Vec<String> = self
            .fallbacks
            .iter()
            .map(|((type_id, value), places)| {
                format!("{type_id} {value:?} ({} at {})", places.len(), places[0])
            })
            .collect();
        let broken = if self.broken.is_empty() {
            "none lost".to_owned()
        } else {
            let fields: Vec<String> = self
                .broken
                .iter()
                .map(|(path, count)| format!("{count} at {path}"))
                .collect();
            format!(
                "{} kept whole in a DecodeError at a field today's protocol changed \
                 incompatibly ({})",
                self.broken.values().sum::<usize>(),
                fields.join(", ")
            )
        };
        format!(
            "protocol_versions: {what}: {} messages, {broken}: {} responses, {} typed events, \
             {unknown_events} kept as Event::Unknown ({} methods: {}); {} fields unknown to it \
             skipped, {} of them in today's protocol (e.g. {}); {} enum values in fallback \
             variants: {}\n",
            self.messages,
            self.responses,
            self.typed,
            self.unknown.len(),
            self.unknown.keys().cloned().collect::<Vec<_>>().join(", "),
            self.new_fields.len(),
            new.len(),
            new.iter().take(3).copied().collect::<Vec<_>>().join(", "),
            self.fallbacks.values().map(Vec::len).sum::<usize>(),
            fallbacks.join(", ")
        )
    }
}

fn find_event<'m>(model: &'m Model, method: &str) -> Option<&'m cdp_codegen::model::Event> {
    let (domain, name) = method.split_once('.')?;
    model
        .domains
        .iter()
        .find(|d| d.name == domain)?
        .events
        .iter()
        .find(|e| e.name == name)
}

/// The schema paths, as `cdp_codegen::diff` writes them, of the field a `DecodeError` of
/// `event` points at (`params.clientSecurityState.privateNetworkRequestPolicy`), and of its
/// named type: `Network.ClientSecurityState.privateNetworkRequestPolicy`,
/// `Network.responseReceivedExtraInfo.parameters.cookiePartitionKey`.
fn schema_paths(
    model: &Model,
    method: &str,
    event: &cdp_codegen::model::Event,
    error_path: &str,
) -> Vec<String> {
    let Some(rest) = error_path.strip_prefix("params.") else {
        return Vec::new();
    };
    let mut fields: &[Field] = &event.params;
    let mut owner = format!("{method}.parameters");
    let mut paths = Vec::new();
    let names: Vec<&str> = rest
        .split('.')
        .map(|segment| segment.split('[').next().unwrap_or(segment))
        .collect();
    for (index, name) in names.iter().enumerate() {
        let Some(field) = fields.iter().find(|f| f.name == *name) else {
            break;
        };
        let field_path = format!("{owner}.{name}");
        let mut ty = &field.ty;
        let def = loop {
            match ty {
                Ty::Array(item) => ty = item,
                Ty::Named(id) => match model.type_def(id) {
                    Some(def) => match &def.kind {
                        TypeKind::Alias { ty: inner, .. } => ty = inner,
                        _ => break Some(def),
                    },
                    None => break None,
                },
                _ => break None,
            }
        };
        if index + 1 == names.len() {
            paths.push(field_path);
            if let Some(def) = def {
                paths.push(def.id.to_string());
            }
            break;
        }
        match def.map(|def| (def, &def.kind)) {
            Some((def, TypeKind::Object(inner))) => {
                // The fields of an inline object hang off the field's path.
                owner = if def.lifted_from.is_some() {
                    field_path
                } else {
                    def.id.to_string()
                };
                fields = inner;
            }
            _ => break,
        }
    }
    paths
}

/// Whether `model` has `field`, written `Domain.owner.name` where the owner is an event or a
/// type.
fn has_field(model: &Model, field: &str) -> bool {
    let Some((owner, name)) = field.rsplit_once('.') else {
        return false;
    };
    if let Some(event) = find_event(model, owner) {
        return event.params.iter().any(|f| f.name == name);
    }
    let Some((domain, type_name)) = owner.split_once('.') else {
        return false;
    };
    let id = TypeId {
        domain: domain.to_owned(),
        name: type_name.to_owned(),
    };
    match model.type_def(&id).map(|ty| &ty.kind) {
        Some(TypeKind::Object(fields)) => fields.iter().any(|f| f.name == name),
        _ => false,
    }
}

/// Walks a JSON value along an old version's schema: what its bindings keep of it, the fields
/// it does not have, and the enum values it does not know.
struct SchemaWalk<'m> {
    model: &'m Model,
    /// `Owner.field` for every field the schema does not have.
    unknown_fields: BTreeSet<String>,
    fallbacks: Vec<Fallback>,
}

impl SchemaWalk<'_> {
    /// The object `value` with the fields of `owner` (an event or a type) that the schema has.
    /// An explicit `null` in an optional field that is not `any` means absent, as it decodes.
    fn object(
        &mut self,
        owner: &str,
        fields: &[Field],
        value: &serde_json::Value,
        path: &str,
    ) -> serde_json::Value {
        let serde_json::Value::Object(map) = value else {
            return value.clone();
        };
        let mut kept = serde_json::Map::new();
        for (key, item) in map {
            let Some(field) = fields.iter().find(|f| f.name == *key) else {
                self.unknown_fields.insert(format!("{owner}.{key}"));
                continue;
            };
            if item.is_null() && field.optional && field.ty != Ty::Any {
                continue;
            }
            let path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            kept.insert(key.clone(), self.value(&field.ty, item, &path));
        }
        serde_json::Value::Object(kept)
    }

    fn value(&mut self, ty: &Ty, value: &serde_json::Value, path: &str) -> serde_json::Value {
        let model = self.model;
        match ty {
            Ty::Array(item) => match value {
                serde_json::Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(index, v)| self.value(item, v, &format!("{path}[{index}]")))
                    .collect(),
                _ => value.clone(),
            },
            Ty::Named(id) => {
                let def = model.type_def(id).expect("a resolved type");
                match &def.kind {
                    TypeKind::Enum(values) => {
                        if let Some(text) = value.as_str() {
                            if !values.iter().any(|known| known == text) {
                                self.fallbacks.push(Fallback {
                                    path: path.to_owned(),
                                    type_id: id.to_string(),
                                    value: text.to_owned(),
                                });
                            }
                        }
                        value.clone()
                    }
                    TypeKind::Object(fields) => self.object(&id.to_string(), fields, value, path),
                    TypeKind::Alias { ty, .. } => self.value(ty, value, path),
                }
            }
            _ => value.clone(),
        }
    }
}

/// JSON equality where numbers are equal when they are the same number: a `number` field sent
/// as `14386` encodes again as `14386.0`.
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        // Integers exactly; a float and anything as the same `f64`.
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            x.as_f64() == y.as_f64()
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| same(x, y)))
        }
        _ => a == b,
    }
}
