//! `cdp-codegen update`: moves a project that ships the protocol as facts (this repository,
//! or a fork laid out like it) to another `devtools-protocol` version in one step.
//!
//! The project root holds:
//!
//! - `protocol/PINNED`: the version, on one line;
//! - `protocol/full_protocol.json`: the facts of that version, as `fetch --npm VERSION --facts`
//!   writes them;
//! - `protocol/outputs`: what is generated from the facts and checked in, a line each:
//!   `bindings OUTPUT SELECTION` (Rust bindings of the items the selection file lists, see
//!   [`crate::select`]), `features MANIFEST` (the domain features between the markers of
//!   [`cdp_codegen::features`]) and `feature-docs FILE` (the Markdown list of those features).
//!
//! [`update`] rewrites all of these and adds an entry to `CHANGELOG.md`; [`check`] says which
//! of them differ from what the pinned version gives, for CI.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use cdp_codegen::diff::Format;
use cdp_codegen::Config;

use crate::fetch::{self, FetchError};

/// Where the pinned version is, relative to the project root.
pub const PINNED: &str = "protocol/PINNED";
/// Where the facts are.
pub const FACTS: &str = "protocol/full_protocol.json";
/// Where the list of checked-in outputs is.
pub const OUTPUTS: &str = "protocol/outputs";
/// The changelog that [`update`] adds to.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// What went wrong, as a sentence that names the file or the step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// The protocol could not be fetched or turned into facts.
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// A file of the project is missing, unreadable, or not what it should be.
    #[error("{0}")]
    Project(String),
    /// The generator refused the facts or a selection.
    #[error("{what}: {source}")]
    Generate {
        /// What was being generated.
        what: String,
        /// The generator's error.
        source: cdp_codegen::Error,
    },
}

impl UpdateError {
    /// Whether a bad argument or a bad project file caused it (exit status 2), rather than a
    /// failure to fetch or write (1).
    pub fn is_bad_input(&self) -> bool {
        match self {
            UpdateError::Fetch(err) => err.is_bad_input(),
            UpdateError::Project(_) => true,
            UpdateError::Generate { source, .. } => {
                matches!(source, cdp_codegen::Error::Schema(_))
            }
        }
    }
}

/// One file the facts decide, with the text it should hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Its path, relative to the project root.
    pub path: PathBuf,
    /// What it should hold.
    pub text: String,
}

/// What [`update`] did.
#[derive(Debug, Clone)]
pub struct Updated {
    /// The version before.
    pub from: String,
    /// The version now pinned.
    pub to: String,
    /// The changes between the two, as `cdp-codegen diff` finds them.
    pub diff: cdp_codegen::diff::Diff,
    /// The files written (relative to the root), those whose bytes changed.
    pub written: Vec<PathBuf>,
}

fn read(root: &Path, path: impl AsRef<Path>) -> Result<String, UpdateError> {
    let path = root.join(path);
    std::fs::read_to_string(&path).map_err(|err| {
        UpdateError::Project(format!(
            "cannot read `{}`: {err} (is `{}` the root of a project that ships the protocol \
             as facts?)",
            path.display(),
            root.display()
        ))
    })
}

fn write(root: &Path, path: &Path, text: &str) -> Result<bool, UpdateError> {
    let full = root.join(path);
    if std::fs::read_to_string(&full).is_ok_and(|current| current == text) {
        return Ok(false);
    }
    std::fs::write(&full, text)
        .map_err(|err| UpdateError::Project(format!("cannot write `{}`: {err}", full.display())))?;
    Ok(true)
}

/// The facts of `version` of the `devtools-protocol` package (fetched with `npm pack` into
/// `cache_dir` unless there already), as `fetch --npm VERSION --facts` writes them.
pub fn facts(version: &str, cache_dir: &Path) -> Result<String, UpdateError> {
    let package = fetch::npm(version, cache_dir)?;
    let stable = package.to_stable_json()?;
    Ok(fetch::to_facts_json(&package.spec(), &stable)?)
}

/// The newest published version of the `devtools-protocol` package (`npm view`).
pub fn latest_version() -> Result<String, UpdateError> {
    let output = std::process::Command::new("npm")
        .args(["view", fetch::NPM_PACKAGE, "version"])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|source| FetchError::NpmMissing { source })?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !output.status.success() || version.is_empty() {
        return Err(UpdateError::Project(format!(
            "`npm view {} version` failed ({}): {}",
            fetch::NPM_PACKAGE,
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    fetch::validate_version(&version)?;
    Ok(version)
}

fn config_of(facts: &str) -> Config {
    let mut config = Config::new();
    config.protocol_text(cdp_schemas::FULL_PROTOCOL_NAME, facts);
    config
}

/// The files that `protocol/outputs` lists, as `facts` decides them.
pub fn outputs(root: &Path, facts: &str) -> Result<Vec<Output>, UpdateError> {
    let list = read(root, OUTPUTS)?;
    let model = config_of(facts)
        .model()
        .map_err(|source| UpdateError::Generate {
            what: format!("the facts for {OUTPUTS}"),
            source,
        })?;
    let mut outputs = Vec::new();
    for (index, line) in list.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let place = format!("{OUTPUTS}:{}", index + 1);
        match words[..] {
            ["bindings", output, selection] => {
                let mut config = config_of(facts);
                let text = read(root, selection)?;
                crate::select::apply(&text, selection, &mut config)
                    .map_err(UpdateError::Project)?;
                let code = config
                    .generate_string()
                    .map_err(|source| UpdateError::Generate {
                        what: format!("{output} (from {selection})"),
                        source,
                    })?;
                outputs.push(Output {
                    path: output.into(),
                    text: code,
                });
            }
            ["features", manifest] => {
                let table = cdp_codegen::features::feature_table(&model);
                let current = read(root, manifest)?;
                let text = cdp_codegen::features::splice_table(&current, &table)
                    .map_err(|reason| UpdateError::Project(format!("{manifest}: {reason}")))?;
                outputs.push(Output {
                    path: manifest.into(),
                    text,
                });
            }
            ["feature-docs", file] => outputs.push(Output {
                path: file.into(),
                text: feature_docs(&model),
            }),
            _ => {
                return Err(UpdateError::Project(format!(
                    "{place}: `{line}` is not an output; expected `bindings OUTPUT SELECTION`, \
                     `features MANIFEST` or `feature-docs FILE`"
                )))
            }
        }
    }
    Ok(outputs)
}

/// The Markdown list of the domain features, for a crate's docs.
pub fn feature_docs(model: &cdp_codegen::model::Model) -> String {
    let mut domains: Vec<(String, &str)> = model
        .domains
        .iter()
        .map(|domain| {
            (
                cdp_codegen::features::feature_name(&domain.name),
                domain.name.as_str(),
            )
        })
        .collect();
    domains.sort();
    let mut out = String::from(
        "<!-- Written by `cdp-codegen update` from the shipped protocol: do not edit. -->\n",
    );
    for (feature, domain) in domains {
        let _ = writeln!(
            out,
            "- `{feature}`: [`{domain}`](https://chromedevtools.github.io/devtools-protocol/tot/{domain}/)"
        );
    }
    out
}

/// Moves the project at `root` to `version`: its facts, `PINNED`, every output
/// `protocol/outputs` lists, and a `CHANGELOG.md` entry that lists the changes in both of
/// `diff`'s classes and the semver bump they imply (from the source class).
pub fn update(root: &Path, version: &str, cache_dir: &Path) -> Result<Updated, UpdateError> {
    fetch::validate_version(version)?;
    let from = read(root, PINNED)?.trim().to_owned();
    let old_facts = read(root, FACTS)?;
    let new_facts = facts(version, cache_dir)?;
    let model = |facts: &str, which: &str| {
        config_of(facts)
            .model()
            .map_err(|source| UpdateError::Generate {
                what: format!("the facts of {which}"),
                source,
            })
    };
    let diff = cdp_codegen::diff::diff(
        &model(&old_facts, &from)?,
        &model(&new_facts, version)?,
        &[],
    )
    .map_err(|err| UpdateError::Project(format!("cannot compare {from} with {version}: {err}")))?;
    // Every output is made before anything is written: a bad selection leaves the project as
    // it was.
    let outputs = outputs(root, &new_facts)?;
    let mut written = Vec::new();
    let mut put = |path: &Path, text: &str| -> Result<(), UpdateError> {
        if write(root, path, text)? {
            written.push(path.to_owned());
        }
        Ok(())
    };
    put(Path::new(FACTS), &new_facts)?;
    put(Path::new(PINNED), &format!("{version}\n"))?;
    for output in &outputs {
        put(&output.path, &output.text)?;
    }
    if from != version {
        let changelog = std::fs::read_to_string(root.join(CHANGELOG)).unwrap_or_default();
        put(
            Path::new(CHANGELOG),
            &with_entry(&changelog, &changelog_entry(&from, version, &diff)),
        )?;
    }
    Ok(Updated {
        from,
        to: version.to_owned(),
        diff,
        written,
    })
}

/// The `CHANGELOG.md` entry for a move from `from` to `to`: a heading, then the changes as
/// `cdp-codegen diff --format markdown` lists them, led by their counts in both classes and the
/// semver bump they imply.
pub fn changelog_entry(from: &str, to: &str, diff: &cdp_codegen::diff::Diff) -> String {
    format!(
        "## Protocol: devtools-protocol {from} -> {to}\n\n{}\n\n",
        diff.render(Format::Markdown).trim_end()
    )
}

/// `changelog` with `entry` added before the first entry (after the title, if there is one).
fn with_entry(changelog: &str, entry: &str) -> String {
    const TITLE: &str = "# Changelog\n\n";
    let body = changelog.strip_prefix(TITLE).unwrap_or(changelog);
    format!("{TITLE}{entry}{body}")
}

/// The files the pinned version decides that differ from it: the facts, then the outputs.
/// Empty when everything is current.
pub fn check(root: &Path, cache_dir: &Path) -> Result<Vec<PathBuf>, UpdateError> {
    let pinned = read(root, PINNED)?.trim().to_owned();
    let facts = facts(&pinned, cache_dir)?;
    let mut stale = Vec::new();
    if read(root, FACTS)? != facts {
        stale.push(PathBuf::from(FACTS));
    }
    for output in outputs(root, &facts)? {
        if std::fs::read_to_string(root.join(&output.path))
            .ok()
            .as_deref()
            != Some(&output.text)
        {
            stale.push(output.path);
        }
    }
    Ok(stale)
}
