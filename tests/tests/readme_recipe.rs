//! The README's "From build.rs" section, followed literally by a crate outside the workspace:
//! its dependency lines, its `build.rs`, its `lib.rs` and its `main.rs`, taken from the README
//! itself, with `[patch.crates-io]` path dependencies standing in for the registry. The recipe
//! generates from the full protocol that cdp-codegen ships, so nothing is fetched. The crate
//! must build with no warning, and its build script must compile none of the command's
//! dependencies.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Crates a build script that follows the README must not compile: the CLI's parser and the
/// pretty-printer, `syn`, which any proc macro (serde's derive, thiserror) brings in, token
/// streams (`proc-macro2`, with a build script of its own, and `quote`: the emitter writes
/// text), and serde itself, which the crate's own code already compiles once (for the target,
/// where a build script's copy would be a second one, for the host).
const NOT_IN_A_BUILD_SCRIPT: &[&str] = &[
    "serde",
    "serde_core",
    "serde_json",
    "clap",
    "syn",
    "prettyplease",
    "proc-macro2",
    "quote",
    "serde_derive",
    "similar",
    "tar",
    "flate2",
];

/// The published packages the recipe may reach, by the folder that holds each.
const PATCHED: &[(&str, &str)] = &[
    ("cdp-codegen", "codegen"),
    ("cdp-runtime", "runtime"),
    ("cdp-schemas", "protocol"),
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_owned()
}

/// The code blocks of the README's "From build.rs" section, with their language.
fn recipe_blocks() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string(workspace().join("README.md")).expect("README.md");
    let start = readme
        .find("\n## From build.rs\n")
        .expect("the README has a \"From build.rs\" section");
    let section = &readme[start + 1..];
    let end = section[3..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 3);
    let mut blocks = Vec::new();
    let mut lines = section[..end].lines();
    while let Some(line) = lines.next() {
        if let Some(language) = line.strip_prefix("```").filter(|l| !l.is_empty()) {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "```").collect();
            blocks.push((language.to_owned(), body.join("\n") + "\n"));
        }
    }
    blocks
}

/// The Rust block that starts with `// NAME`.
fn rust_file<'a>(blocks: &'a [(String, String)], name: &str) -> &'a str {
    blocks
        .iter()
        .find(|(language, body)| language == "rust" && body.starts_with(&format!("// {name}\n")))
        .map(|(_, body)| body.as_str())
        .unwrap_or_else(|| {
            panic!("the README's \"From build.rs\" section has no `// {name}` block")
        })
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// `cargo build --offline` of the crate in `dir`, into `target`, with `args` besides.
fn build(dir: &Path, target: &Path, args: &[&str]) -> std::process::Output {
    cargo()
        .args(["build", "--offline", "--message-format", "short"])
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

#[test]
fn the_readme_build_rs_recipe_builds_without_warnings_and_its_build_script_stays_lean() {
    let blocks = recipe_blocks();
    let toml = blocks
        .iter()
        .find(|(language, _)| language == "toml")
        .map(|(_, body)| body.as_str())
        .expect("the section has the Cargo.toml lines");

    let root = workspace();
    let dir = root.join("target/readme-recipe");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let mut manifest = String::from(
        "[package]\nname = \"readme-recipe\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n",
    );
    manifest.push_str(toml);
    manifest.push_str("\n[patch.crates-io]\n");
    for (name, folder) in PATCHED {
        let path = root.join(folder);
        manifest.push_str(&format!(
            "{name} = {{ path = {:?} }}\n",
            path.display().to_string()
        ));
    }
    // Its own workspace: it lives under this one's target/, and must not join it.
    manifest.push_str("\n[workspace]\n");
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("build.rs"), rust_file(&blocks, "build.rs")).unwrap();
    std::fs::write(dir.join("src/lib.rs"), rust_file(&blocks, "lib.rs")).unwrap();
    std::fs::write(dir.join("src/main.rs"), rust_file(&blocks, "main.rs")).unwrap();
    // The versions this workspace builds with, so that the build needs nothing new.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let target = dir.join("target");
    let build = build(&dir, &target, &["--all-targets"]);
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(
        build.status.success(),
        "the README's recipe does not build:\n{stderr}"
    );
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(
        warnings.is_empty(),
        "the README's recipe builds with warnings:\n{stderr}"
    );

    // It runs: the binary of the recipe prints the request it encodes.
    let run = Command::new(target.join("debug/readme-recipe"))
        .output()
        .expect("the recipe's binary runs");
    assert_eq!(
        String::from_utf8_lossy(&run.stdout).trim(),
        r#"{"id":1,"method":"Page.navigate","params":{"url":"https://example.com/"}}"#
    );

    // What the build script compiles: cdp-codegen is a build dependency only, so its tree, as
    // this crate resolves it, is what the build script builds.
    let tree = cargo()
        .args([
            "tree",
            "--offline",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "-p",
            "cdp-codegen",
        ])
        .current_dir(&dir)
        .output()
        .expect("cargo tree runs");
    let tree = String::from_utf8_lossy(&tree.stdout);
    assert!(
        tree.lines().any(|line| line.starts_with("cdp-codegen ")),
        "cargo tree shows no cdp-codegen:\n{tree}"
    );
    for line in tree.lines() {
        let name = line.split_whitespace().next().unwrap_or_default();
        assert!(
            !NOT_IN_A_BUILD_SCRIPT.contains(&name),
            "the README's build script compiles `{name}`:\n{tree}"
        );
    }
}

/// A build script that gives a PDL schema or a patch to a cdp-codegen without the `pdl` and
/// `patch` features (the README's lines) fails, and the error names the feature to turn on and
/// the file that needs it.
#[test]
fn a_build_script_without_the_pdl_and_patch_features_is_told_which_to_turn_on() {
    let root = workspace();
    // The README recipe's target directory: cdp-codegen is built there with the same features.
    let target = root.join("target/readme-recipe/target");
    let dir = root.join("target/features-off");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"features-off\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
             publish = false\n\n[build-dependencies]\ncdp-codegen = {{ path = {:?} }}\n\n\
             [workspace]\n",
            root.join("codegen").display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("build.rs"),
        "fn main() -> Result<(), cdp_codegen::Error> {\n    \
         cdp_codegen::Config::new()\n        \
         .protocol(\"schema.pdl\")\n        \
         .patch(\"fixes.json\")\n        \
         .generate()?;\n    \
         Ok(())\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), "").unwrap();
    std::fs::write(dir.join("schema.pdl"), "version\n  major 1\n  minor 3\n").unwrap();
    std::fs::write(dir.join("fixes.json"), r#"{"patches": []}"#).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();

    let build = build(&dir, &target, &[]);
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(
        !build.status.success(),
        "the build script passed:\n{stderr}"
    );
    assert!(
        stderr.contains(
            "schema.pdl: a PDL schema is read by cdp-codegen's `pdl` feature, which is off: add \
             `features = [\"pdl\"]` to the cdp-codegen dependency"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "fixes.json: schema patches are applied by cdp-codegen's `patch` feature, which is \
             off: add `features = [\"patch\"]` to the cdp-codegen dependency"
        ),
        "{stderr}"
    );
}
