//! `cdp-codegen update`, in a scratch copy of this repository: back to devtools-protocol
//! 0.0.1200039, then forward to the pinned version. Every file it rewrites comes back to what is
//! committed, the changelog lists what `diff` lists with the semver bump, and the workspace
//! still builds. `update --check` passes on the repository itself and names what is stale in a
//! copy that is not current.
//!
//! The packages come from `npm pack`, cached in the workspace's `target/npm-cache` (the cache
//! `.ci/run` uses too); without npm and without the cache, the tests fail (they are not
//! skipped: the shipped protocol's freshness gate rests on them).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{run, stderr, stdout};

const OLD: &str = "0.0.1200039";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is inside the workspace")
        .to_owned()
}

fn pinned() -> String {
    std::fs::read_to_string(workspace().join("protocol/PINNED"))
        .unwrap()
        .trim()
        .to_owned()
}

fn cache_dir() -> String {
    workspace().join("target/npm-cache").display().to_string()
}

/// The repository's files (tracked, and new ones git does not ignore) copied to `dir`.
fn scratch_copy(dir: &Path) {
    let root = workspace();
    let _ = std::fs::remove_dir_all(dir);
    let listed = Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(&root)
        .output()
        .expect("git runs");
    assert!(listed.status.success(), "git ls-files failed");
    for name in listed.stdout.split(|&byte| byte == 0) {
        let name = std::str::from_utf8(name).unwrap();
        let from = root.join(name);
        if name.is_empty() || !from.is_file() {
            continue;
        }
        let to = dir.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|err| panic!("{path}: {err}"))
}

/// The files `update` rewrites.
const REWRITTEN: &[&str] = &[
    "protocol/PINNED",
    "protocol/full_protocol.json",
    "transport/src/protocol.rs",
    "generated/Cargo.toml",
    "generated/features.md",
];

#[test]
fn update_back_and_forth_restores_every_output_and_logs_the_changes() {
    let pinned = pinned();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("update-scratch");
    scratch_copy(&dir);
    let root = dir.display().to_string();
    let _ = std::fs::remove_file(dir.join("CHANGELOG.md"));

    let back = run(&["update", OLD, "--root", &root, "--cache-dir", &cache_dir()]);
    assert!(back.status.success(), "{}", stderr(&back));
    assert_eq!(read(&dir, "protocol/PINNED"), format!("{OLD}\n"));
    assert!(
        read(&dir, "protocol/full_protocol.json")
            .contains(&format!("\"npm\": \"devtools-protocol@{OLD}\"")),
        "the facts are not those of {OLD}"
    );
    assert_ne!(
        read(&dir, "transport/src/protocol.rs"),
        read(&workspace(), "transport/src/protocol.rs"),
        "three years of changes left the transport's bindings as they were"
    );
    assert!(
        stdout(&back).contains(&format!("devtools-protocol {pinned} -> {OLD}: ")),
        "{}",
        stdout(&back)
    );

    let forth = run(&[
        "update",
        &pinned,
        "--root",
        &root,
        "--cache-dir",
        &cache_dir(),
    ]);
    assert!(forth.status.success(), "{}", stderr(&forth));
    for path in REWRITTEN {
        assert!(
            read(&dir, path) == read(&workspace(), path),
            "{path} differs from the committed one after updating back to {pinned}"
        );
    }

    // The newest entry first, and it lists what `diff` lists between the two facts.
    let changelog = read(&dir, "CHANGELOG.md");
    let forward = format!("## Protocol: devtools-protocol {OLD} -> {pinned}\n");
    let backward = format!("## Protocol: devtools-protocol {pinned} -> {OLD}\n");
    assert!(
        changelog.starts_with(&format!("# Changelog\n\n{forward}")),
        "{changelog}"
    );
    let forward_at = changelog.find(&forward).unwrap();
    let backward_at = changelog.find(&backward).expect("the first entry is kept");
    let entry = &changelog[forward_at..backward_at];
    assert!(
        entry.contains("semver bump: **major**"),
        "three years of changes break source: {entry}"
    );

    let old_facts = dir.join("old-facts.json");
    let fetched = run(&[
        "fetch",
        "--npm",
        OLD,
        "--facts",
        "--cache-dir",
        &cache_dir(),
        "--out",
        old_facts.to_str().unwrap(),
    ]);
    assert!(fetched.status.success(), "{}", stderr(&fetched));
    let diff = run(&[
        "diff",
        "--format",
        "markdown",
        old_facts.to_str().unwrap(),
        dir.join("protocol/full_protocol.json").to_str().unwrap(),
    ]);
    let listed = stdout(&diff);
    assert!(listed.lines().count() > 100, "{listed}");
    assert!(
        entry.contains(listed.trim_end()),
        "the changelog entry does not list what diff lists:\n--- entry\n{entry}\n--- diff\n{listed}"
    );

    // The workspace, as update left it, builds.
    let check = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args([
            "check",
            "--workspace",
            "--offline",
            "--message-format",
            "short",
        ])
        .current_dir(&dir)
        .env(
            "CARGO_TARGET_DIR",
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("update-scratch-target"),
        )
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        check.status.success(),
        "the updated workspace does not build:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn check_passes_here_and_names_what_is_stale_in_a_copy() {
    let root = workspace().display().to_string();
    let output = run(&[
        "update",
        "--check",
        "--root",
        &root,
        "--cache-dir",
        &cache_dir(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("update-stale");
    let _ = std::fs::remove_dir_all(&dir);
    for path in REWRITTEN
        .iter()
        .chain(&["protocol/outputs", "transport/protocol.select"])
    {
        let to = dir.join(path);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(workspace().join(path), to).unwrap();
    }
    // A hand edit of the facts and of the transport's bindings.
    let facts = read(&dir, "protocol/full_protocol.json").replacen(
        "\"domain\": \"Page\"",
        "\"domain\": \"Page\",\n      \"experimental\": true",
        1,
    );
    std::fs::write(dir.join("protocol/full_protocol.json"), facts).unwrap();
    let bindings = read(&dir, "transport/src/protocol.rs") + "// edited\n";
    std::fs::write(dir.join("transport/src/protocol.rs"), bindings).unwrap();
    let output = run(&[
        "update",
        "--check",
        "--root",
        dir.to_str().unwrap(),
        "--cache-dir",
        &cache_dir(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "stale: protocol/full_protocol.json\nstale: transport/src/protocol.rs\n\
         run `cdp-codegen update $(cat protocol/PINNED)` to rewrite them from the pinned version\n"
    );

    // Not a project root: the error says which file is missing.
    let output = run(&["update", "--check", "--root", "/nonexistent"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("cannot read `/nonexistent/protocol/PINNED`"),
        "{}",
        stderr(&output)
    );
    // Neither a version nor --check: clap says what is expected.
    let output = run(&["update"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("<VERSION|--check>"),
        "{}",
        stderr(&output)
    );
}
