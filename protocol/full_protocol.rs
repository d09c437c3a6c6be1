// Where build scripts find the full protocol, which is not committed. Shared with `include!` by
// the build scripts of the crates that need it and keep their own workspace (runtime/fuzz,
// runtime/bench); `protocol/npm-package.sh` fetches what it looks for.
//
// Looked for, first to last:
//
// 1. `env_var`: schema files separated like `PATH` (`:` on Unix), JSON or PDL;
// 2. the unpacked `devtools-protocol` npm package at the version in `protocol/PINNED`, where
//    the workspace's tests and `protocol/npm-package.sh` cache it:
//    `target/devtools-protocol/<version>/package/json/{browser,js}_protocol.json`;
// 3. `protocol/full/devtools-protocol-<version>.json`, written by `protocol/fetch-full.sh npm`.
//
// It prints the `cargo:rerun-if-*` lines that make the build notice a change in any of these,
// the package's arrival included. Nothing is downloaded here.

/// The full protocol's schema files, or `None` when none of the places above has them.
/// `root` is the repository's root.
fn full_protocol(root: &std::path::Path, env_var: &str) -> Option<Vec<std::path::PathBuf>> {
    println!("cargo:rerun-if-env-changed={env_var}");
    if let Some(paths) = std::env::var_os(env_var).filter(|paths| !paths.is_empty()) {
        return Some(std::env::split_paths(&paths).collect());
    }
    let pinned = root.join("protocol/PINNED");
    println!("cargo:rerun-if-changed={}", pinned.display());
    let version = std::fs::read_to_string(pinned).ok()?.trim().to_owned();
    let cache = root.join("target/devtools-protocol");
    let package = cache.join(&version).join("package/json");
    let files = [
        package.join("browser_protocol.json"),
        package.join("js_protocol.json"),
    ];
    if files.iter().all(|file| file.is_file()) {
        return Some(files.to_vec());
    }
    let fetched = root
        .join("protocol/full")
        .join(format!("devtools-protocol-{version}.json"));
    if fetched.is_file() {
        return Some(vec![fetched]);
    }
    // Notice the package when it arrives.
    if cache.is_dir() {
        println!("cargo:rerun-if-changed={}", cache.display());
    }
    None
}
