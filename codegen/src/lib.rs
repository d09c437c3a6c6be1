//! Generates documented Rust bindings from the Chrome DevTools Protocol schema.
//!
//! Use it from `build.rs`, like `prost-build`. [`Config::full_protocol`] reads the whole
//! protocol this crate ships (the `devtools-protocol` package at [`PINNED_PROTOCOL_VERSION`],
//! as facts: names, types, values and flags, no descriptions), so nothing is installed or
//! fetched; select what your program uses:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), cdp_codegen::Error> {
//!     cdp_codegen::Config::new()
//!         .full_protocol()
//!         .command("Page.navigate")
//!         .event("Page.loadEventFired")
//!         .domain("Runtime")
//!         .generate()?; // writes $OUT_DIR/cdp.rs
//!     Ok(())
//! }
//! ```
//!
//! and include the output in `lib.rs` with
//! `include!(concat!(env!("OUT_DIR"), "/cdp.rs"));`. The crate that includes it depends on
//! `cdp-runtime` alone. Every generated item links to its page in the protocol reference.
//!
//! For Chromium's descriptions in the docs, give [`Config::protocol`] a schema you fetched
//! instead: one file, whether `cdp-codegen fetch` wrote it or a browser served it at
//! `/json/protocol` (files that split the protocol, browser and JavaScript, merge when you give
//! each). With neither, the embedded BackgroundService schema is used; and
//! [`Config::generate_string`] returns the code rather than writing it:
//!
//! ```
//! let code = cdp_codegen::Config::new().generate_string()?;
//! assert!(code.contains("pub mod background_service"));
//! # Ok::<(), cdp_codegen::Error>(())
//! ```
//!
//! # Features
//!
//! None is on by default: a build script that reads the JSON schema needs none, and compiles
//! only this crate, `heck` and the schemas it ships (`cdp-schemas`): no serde, no `syn`.
//!
//! - `pdl`: schemas in PDL, Chromium's source format (a `.pdl` file given to
//!   [`Config::protocol`]);
//! - `patch`: schema patches ([`Config::patch`]);
//! - `format`: the output laid out by prettyplease, as rustfmt would;
//! - `diff`: `cdp_codegen::diff`, what changed between two protocol versions.
//!
//! Without `pdl` or `patch`, a PDL schema or a patch is an [`Error::Schema`] that names the
//! feature to turn on. The `cdp-codegen` command has them all.
//!
//! # The pipeline
//!
//! One module per stage, each handing its result to the next and none reaching back:
//!
//! 1. parse: [`parse`] reads JSON into structs that mirror it, `pdl` reads PDL into the same;
//! 2. `patch`: the user's patch files ([`Config::patch`]) change what was parsed, in order;
//! 3. [`model`]: every type gets its id, every `$ref` is resolved and every problem reported;
//! 4. the passes, in the order `run_passes` lists them, none calling another:
//!    `select` keeps what the [`Config`] asks for, [`naming`] checks that names stay
//!    distinct in Rust, `cycles` boxes the fields that close a cycle of the type graph,
//!    [`layout`] boxes the large events, and [`derives`] finds the optional traits each type
//!    derives;
//! 5. `emit`: source text, laid out a line per attribute, field and statement, one unit per
//!    item kind;
//! 6. `format`: with the `format` feature, prettyplease; without, the text as it was written;
//! 7. `write`: only when the bytes changed.
//!
//! [`Config::model`] stops after the passes. With the `diff` feature (the `cdp-codegen` command
//! has it), `diff` compares two such models; build scripts leave it out.

#![deny(missing_docs)]

// Build scripts compile this crate, so its compile time is its users' too. A `BTreeMap` or
// `BTreeSet` is filled with `insert` or `extend` rather than `collect`: `collect` sorts the
// items first, with a sort instantiated for each call site (some 5,000 lines of LLVM IR each in
// a debug build), and lookups of types by id share one map (`model::types_by_id`).

mod cycles;
pub mod derives;
pub mod diagnostics;
#[cfg(feature = "diff")]
pub mod diff;
mod emit;
pub mod features;
mod format;
mod json;
pub mod layout;
pub mod model;
pub mod naming;
pub mod parse;
#[cfg(feature = "patch")]
pub mod patch;
#[cfg(feature = "pdl")]
pub mod pdl;
mod select;
mod write;

use std::fmt;
use std::path::{Path, PathBuf};

pub use diagnostics::{Diagnostic, Diagnostics};

/// The embedded default schema: the BackgroundService domain and the two types it uses.
pub const EMBEDDED_SCHEMA: &str = cdp_schemas::BACKGROUND_SERVICE;

/// The name the embedded schema goes by in diagnostics and in the output header.
pub const EMBEDDED_SCHEMA_NAME: &str = cdp_schemas::BACKGROUND_SERVICE_NAME;

/// The `devtools-protocol` npm version of the full protocol that [`Config::full_protocol`]
/// generates from.
pub const PINNED_PROTOCOL_VERSION: &str = cdp_schemas::PINNED_VERSION;

/// The file name written in the output directory when no `out_file` is given.
pub const DEFAULT_OUT_FILE: &str = "cdp.rs";

/// Why generation failed.
#[non_exhaustive]
pub enum Error {
    /// A protocol file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A patch file could not be read.
    ReadPatch {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The output could not be written.
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The schema has problems; every one is listed.
    Schema(Diagnostics),
    /// Neither `out_dir`, `out_file` nor the `OUT_DIR` variable says where to write.
    NoOutDir,
    /// The generator produced tokens that do not parse. This is a bug in cdp-codegen.
    Internal(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Read { path, source } => write!(
                f,
                "cannot read the protocol file `{}`: {source}",
                path.display()
            ),
            Error::ReadPatch { path, source } => write!(
                f,
                "cannot read the patch file `{}`: {source}",
                path.display()
            ),
            Error::Write { path, source } => {
                write!(f, "cannot write `{}`: {source}", path.display())
            }
            Error::Schema(diagnostics) => write!(f, "{diagnostics}"),
            Error::NoOutDir => f.write_str(
                "no output location: OUT_DIR is not set (outside build.rs, call out_dir or out_file)",
            ),
            Error::Internal(reason) => write!(
                f,
                "internal error: the generated code does not parse ({reason}); please report this"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Read { source, .. }
            | Error::ReadPatch { source, .. }
            | Error::Write { source, .. } => Some(source),
            Error::Schema(_) | Error::NoOutDir | Error::Internal(_) => None,
        }
    }
}

// `fn main() -> Result<(), Error>` in build.rs prints the error with `Debug`: make that the
// readable message rather than a struct dump.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Error {
    /// The schema's problems, for a [`Error::Schema`].
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            Error::Schema(diagnostics) => Some(diagnostics),
            _ => None,
        }
    }
}

/// Runs the passes on a model that [`model::Model::build`] made, in order; as bindgen's
/// `BindgenContext::gen` does, this list is the only place that knows the order. Each pass
/// reads what the ones before it left on the model, and none calls another.
///
/// `diagnostics` are the model's own problems. Names are checked even then, on what did
/// convert, so that one run lists every problem.
fn run_passes(
    mut model: model::Model,
    mut diagnostics: Diagnostics,
    selection: &model::Selection,
) -> Result<model::Model, Diagnostics> {
    select::apply(&mut model, selection);
    diagnostics.0.extend(naming::check(&model).0);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    // Boxes break cycles before sizes are estimated and traits found: both look through them.
    cycles::mark_boxes(&mut model);
    layout::mark_boxed_events(&mut model);
    model.derives = derives::analyse(&model);
    Ok(model)
}

/// Emits and formats every unit of the output, the domain modules on all cores.
///
/// Each thread emits and formats the domains it takes. The output is the same whatever the
/// number of threads: units are put back in model order.
fn render(model: &model::Model, header: &str) -> Result<String, Error> {
    use std::sync::atomic::{AtomicUsize, Ordering};

    let emitter = emit::Emitter::new(model);
    let domains = &model.domains;
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(domains.len())
        .max(1);
    let mut modules: Vec<Option<Result<String, String>>> = Vec::new();
    modules.resize_with(domains.len(), || None);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(domain) = domains.get(index) else {
                            return done;
                        };
                        done.push((index, format::format_items(emitter.domain(domain))));
                    }
                })
            })
            .collect();
        for worker in workers {
            let done = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (index, module) in done {
                modules[index] = Some(module);
            }
        }
    });
    let internal = Error::Internal;
    let mut out = String::with_capacity(header.len() + 1);
    out.push_str(header);
    out.push('\n');
    out.push_str(&format::format_items(emitter.prelude()).map_err(internal)?);
    for module in modules {
        out.push_str(
            &module
                .expect("every domain was formatted")
                .map_err(internal)?,
        );
    }
    out.push_str(&format::format_items(emitter.root()).map_err(internal)?);
    Ok(out)
}

impl From<Diagnostics> for Error {
    fn from(diagnostics: Diagnostics) -> Self {
        Error::Schema(diagnostics)
    }
}

#[derive(Debug, Clone)]
enum Source {
    File(PathBuf),
    Text {
        name: String,
        text: String,
    },
    /// A schema this crate ships (`cdp-schemas`), read in place.
    Shipped {
        name: &'static str,
        text: &'static str,
    },
}

impl Source {
    /// How the source is named in a message: a file by its path.
    #[cfg(not(feature = "patch"))]
    fn place(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Text { name, .. } => name.clone(),
            Source::Shipped { name, .. } => (*name).to_owned(),
        }
    }

    /// Its name and text. A file that cannot be read is `read_error`; text that is not UTF-8
    /// is a bad input (its problem joins `diagnostics`, and there is no text), not a failed read.
    fn read(
        &self,
        diagnostics: &mut Diagnostics,
        read_error: impl FnOnce(PathBuf, std::io::Error) -> Error,
    ) -> Result<Option<(String, std::borrow::Cow<'_, str>)>, Error> {
        match self {
            Source::File(path) => {
                let bytes =
                    std::fs::read(path).map_err(|source| read_error(path.clone(), source))?;
                let name = path.display().to_string();
                match parse::utf8_text(bytes, &name) {
                    Ok(text) => Ok(Some((name, text.into()))),
                    Err(found) => {
                        diagnostics.0.extend(found.0);
                        Ok(None)
                    }
                }
            }
            // Text given or shipped is read in place, not copied.
            Source::Text { name, text } => Ok(Some((name.clone(), text.as_str().into()))),
            Source::Shipped { name, text } => Ok(Some(((*name).to_owned(), (*text).into()))),
        }
    }
}

/// The generator's settings: which schemas, which domains, where to write.
///
/// Setters take `&mut self` and return `&mut Self`, so both a chain and a loop work.
#[derive(Debug, Clone)]
pub struct Config {
    sources: Vec<Source>,
    patches: Vec<Source>,
    selection: model::Selection,
    out_dir: Option<PathBuf>,
    out_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

impl Config {
    /// Settings for the embedded BackgroundService schema, all domains, experimental and
    /// deprecated items included, written to `$OUT_DIR/cdp.rs`.
    pub fn new() -> Self {
        Config {
            sources: Vec::new(),
            patches: Vec::new(),
            selection: model::Selection::default(),
            out_dir: None,
            out_file: None,
        }
    }

    /// Adds the full protocol that `cdp-schemas` ships: every domain, browser and JavaScript, of
    /// the `devtools-protocol` npm package at [`PINNED_PROTOCOL_VERSION`], as facts (names,
    /// types, values and flags; no descriptions, so the generated docs carry the flags and a
    /// link to each item's page in the protocol reference). Nothing is fetched.
    ///
    /// Combine it with [`Config::domain`], [`Config::command`] and [`Config::event`] to compile
    /// only what a program uses:
    ///
    /// ```no_run
    /// // build.rs
    /// fn main() -> Result<(), cdp_codegen::Error> {
    ///     cdp_codegen::Config::new()
    ///         .full_protocol()
    ///         .command("Page.navigate")
    ///         .event("Page.loadEventFired")
    ///         .domain("Runtime")
    ///         .generate()?;
    ///     Ok(())
    /// }
    /// ```
    ///
    /// For Chromium's descriptions in the docs, give a schema with descriptions to
    /// [`Config::protocol`] instead (a browser's `/json/protocol`, or the npm package's files).
    pub fn full_protocol(&mut self) -> &mut Self {
        self.sources.push(Source::Shipped {
            name: cdp_schemas::FULL_PROTOCOL_NAME,
            text: cdp_schemas::FULL_PROTOCOL,
        });
        self
    }

    /// Adds a protocol file: PDL when its name ends in `.pdl` (its `include`s read relative to
    /// its directory; this needs the `pdl` feature), JSON otherwise. Repeat it to merge files
    /// (`browser_protocol.json` and `js_protocol.json`); a domain may be defined in one of them
    /// only.
    pub fn protocol(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.sources.push(Source::File(path.as_ref().to_owned()));
        self
    }

    /// Adds protocol JSON given as text, or PDL when `name` ends in `.pdl` (its `include`s read
    /// relative to the directory part of `name`; this needs the `pdl` feature); `name` stands
    /// for it in messages and in the header.
    pub fn protocol_text(&mut self, name: impl Into<String>, json: impl Into<String>) -> &mut Self {
        self.sources.push(Source::Text {
            name: name.into(),
            text: json.into(),
        });
        self
    }

    /// Adds a patch file (the `patch` module describes its format), applied to the schemas
    /// after they are read and before anything else; repeat it to apply several, in order. A
    /// patch whose target is missing, or that changes nothing, is an [`Error::Schema`]. In a
    /// build script, [`Config::generate`] prints `cargo:rerun-if-changed` for it.
    ///
    /// Patches are applied by the `patch` feature; without it, a patch is an
    /// [`Error::Schema`] that says so.
    pub fn patch(&mut self, path: impl AsRef<Path>) -> &mut Self {
        self.patches.push(Source::File(path.as_ref().to_owned()));
        self
    }

    /// Adds a patch file given as text; `name` stands for it in messages and notes. Like
    /// [`Config::patch`], it needs the `patch` feature.
    pub fn patch_text(&mut self, name: impl Into<String>, json: impl Into<String>) -> &mut Self {
        self.patches.push(Source::Text {
            name: name.into(),
            text: json.into(),
        });
        self
    }

    /// Keeps a domain whole: its types, commands and events. Repeatable; with none, every
    /// domain is kept. Types the kept domains use from other domains are pulled in, and only
    /// those.
    pub fn domain(&mut self, name: impl Into<String>) -> &mut Self {
        self.selection.domains.push(name.into());
        self
    }

    /// Keeps one command, `Domain.command` (`Page.navigate`), and the types it uses; its
    /// domain's other commands, events and types are left out unless selected too. Repeatable,
    /// and combines with [`Config::domain`] and [`Config::event`]: a program that uses 20
    /// commands and 10 events compiles only those.
    pub fn command(&mut self, name: impl Into<String>) -> &mut Self {
        self.selection.commands.push(name.into());
        self
    }

    /// Keeps one event, `Domain.event` (`Page.loadEventFired`), and the types it uses; see
    /// [`Config::command`].
    pub fn event(&mut self, name: impl Into<String>) -> &mut Self {
        self.selection.events.push(name.into());
        self
    }

    /// Whether to keep items flagged experimental (default `true`). An experimental type that a
    /// kept item uses is kept all the same.
    pub fn experimental(&mut self, keep: bool) -> &mut Self {
        self.selection.experimental = keep;
        self
    }

    /// Whether to keep items flagged deprecated (default `true`).
    pub fn deprecated(&mut self, keep: bool) -> &mut Self {
        self.selection.deprecated = keep;
        self
    }

    /// The directory to write [`DEFAULT_OUT_FILE`] to (default: `$OUT_DIR`).
    pub fn out_dir(&mut self, dir: impl AsRef<Path>) -> &mut Self {
        self.out_dir = Some(dir.as_ref().to_owned());
        self
    }

    /// The file to write, overriding [`Config::out_dir`].
    pub fn out_file(&mut self, file: impl AsRef<Path>) -> &mut Self {
        self.out_file = Some(file.as_ref().to_owned());
        self
    }

    /// Generates the bindings and writes them, only if their bytes changed. In a build script
    /// it also prints `cargo:rerun-if-changed` for every protocol file, PDL includes too, and
    /// every patch file. Returns the path written.
    pub fn generate(&self) -> Result<PathBuf, Error> {
        let in_build_script = std::env::var_os("OUT_DIR").is_some();
        if in_build_script {
            for source in self.sources.iter().chain(&self.patches) {
                if let Source::File(path) = source {
                    println!("cargo:rerun-if-changed={}", path.display());
                }
            }
        }
        let mut included = Vec::new();
        let code = self.generate_code(&mut included);
        if in_build_script {
            for path in &included {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
        let code = code?;
        let path = self.out_path()?;
        write::write_if_changed(&path, &code).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        Ok(path)
    }

    /// Generates the bindings and returns them as text, writing nothing.
    pub fn generate_string(&self) -> Result<String, Error> {
        self.generate_code(&mut Vec::new())
    }

    /// [`Config::generate_string`], recording in `included` the PDL files that sources include.
    fn generate_code(&self, included: &mut Vec<PathBuf>) -> Result<String, Error> {
        let model = self.build_model(included)?;
        let names: Vec<String> = self.source_names();
        let patched = if self.patches.is_empty() {
            String::new()
        } else {
            format!(", patched by {}", names_of(&self.patches).join(" + "))
        };
        let header = format!(
            "// @generated by cdp-codegen {} from {}{patched}. Do not edit: regenerate instead.",
            env!("CARGO_PKG_VERSION"),
            names.join(" + ")
        );
        render(&model, &header)
    }

    /// Reads the schemas and builds the checked model that would be generated, every pass run.
    pub fn model(&self) -> Result<model::Model, Error> {
        self.build_model(&mut Vec::new())
    }

    /// [`Config::model`], recording in `included` the PDL files that sources include.
    fn build_model(&self, included: &mut Vec<PathBuf>) -> Result<model::Model, Error> {
        let schemas = self.read_schemas(included)?;
        let (model, diagnostics) = model::Model::build(&schemas, &self.selection);
        run_passes(model, diagnostics, &self.selection).map_err(Error::Schema)
    }

    /// The names of the domains the schemas define, in schema order: what [`Config::domain`]
    /// can select. The schemas are read and parsed, and patched, but not checked further: a
    /// build script that picks domains by name this way reads them once more, in full, only
    /// when it generates.
    pub fn domain_names(&self) -> Result<Vec<String>, Error> {
        let schemas = self.read_schemas(&mut Vec::new())?;
        Ok(schemas
            .iter()
            .flat_map(|schema| &schema.domains)
            .map(|domain| domain.domain.clone())
            .collect())
    }

    /// Reads and parses the schemas (the embedded one when none is given) and applies the
    /// patches, recording in `included` the PDL files that sources include.
    fn read_schemas(&self, included: &mut Vec<PathBuf>) -> Result<Vec<parse::Schema>, Error> {
        let mut schemas = Vec::new();
        let mut diagnostics = Diagnostics::default();
        let embedded = [Source::Shipped {
            name: EMBEDDED_SCHEMA_NAME,
            text: EMBEDDED_SCHEMA,
        }];
        let sources = if self.sources.is_empty() {
            &embedded[..]
        } else {
            &self.sources[..]
        };
        for source in sources {
            let read_error = |path, source| Error::Read { path, source };
            let Some((name, text)) = source.read(&mut diagnostics, read_error)? else {
                continue;
            };
            let parsed = if name.ends_with(".pdl") {
                read_pdl(&text, &name, included)
            } else {
                parse::parse_json(&text, &name)
            };
            match parsed {
                Ok(schema) => schemas.push(schema),
                Err(found) => diagnostics.0.extend(found.0),
            }
        }
        self.apply_patches(&mut schemas, &mut diagnostics)?;
        if !diagnostics.is_empty() {
            return Err(Error::Schema(diagnostics));
        }
        Ok(schemas)
    }

    /// Reads the patch files and applies them to `schemas` in order, adding every problem to
    /// `diagnostics` (the patches apply only if all of them read and parse).
    #[cfg(feature = "patch")]
    fn apply_patches(
        &self,
        schemas: &mut [parse::Schema],
        diagnostics: &mut Diagnostics,
    ) -> Result<(), Error> {
        let mut files = Vec::new();
        for source in &self.patches {
            let read_error = |path, source| Error::ReadPatch { path, source };
            let Some((name, text)) = source.read(diagnostics, read_error)? else {
                continue;
            };
            match patch::PatchFile::parse(&text, &name) {
                Ok(file) => files.push(file),
                Err(found) => diagnostics.0.extend(found.0),
            }
        }
        if diagnostics.is_empty() {
            for file in &files {
                if let Err(found) = file.apply(schemas) {
                    diagnostics.0.extend(found.0);
                }
            }
        }
        Ok(())
    }

    /// Without the `patch` feature, a patch is a problem that says how to turn the feature on.
    #[cfg(not(feature = "patch"))]
    fn apply_patches(
        &self,
        _schemas: &mut [parse::Schema],
        diagnostics: &mut Diagnostics,
    ) -> Result<(), Error> {
        for source in &self.patches {
            let place = source.place();
            diagnostics.push(
                place,
                "schema patches are applied by cdp-codegen's `patch` feature, which is off: \
                 add `features = [\"patch\"]` to the cdp-codegen dependency",
            );
        }
        Ok(())
    }

    fn source_names(&self) -> Vec<String> {
        if self.sources.is_empty() {
            return vec![EMBEDDED_SCHEMA_NAME.to_owned()];
        }
        names_of(&self.sources)
    }

    fn out_path(&self) -> Result<PathBuf, Error> {
        if let Some(file) = &self.out_file {
            return Ok(file.clone());
        }
        let dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or(Error::NoOutDir)?,
        };
        Ok(dir.join(DEFAULT_OUT_FILE))
    }
}

/// Parses a PDL schema, following its `include`s (relative to `name`'s directory) and
/// recording them in `included`.
#[cfg(feature = "pdl")]
fn read_pdl(
    text: &str,
    name: &str,
    included: &mut Vec<PathBuf>,
) -> Result<parse::Schema, Diagnostics> {
    let dir = Path::new(name).parent().unwrap_or(Path::new(""));
    pdl::parse_pdl(text, name, &mut pdl::file_includes(dir, included))
}

/// Without the `pdl` feature, a PDL schema is a problem that says how to turn the feature on.
#[cfg(not(feature = "pdl"))]
fn read_pdl(
    _text: &str,
    name: &str,
    _included: &mut Vec<PathBuf>,
) -> Result<parse::Schema, Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    diagnostics.push(
        name,
        "a PDL schema is read by cdp-codegen's `pdl` feature, which is off: add \
         `features = [\"pdl\"]` to the cdp-codegen dependency (or give the JSON schema)",
    );
    Err(diagnostics)
}

/// The names of sources for the output header: only the file name of a file, so that the
/// header does not depend on where the checkout is.
fn names_of(sources: &[Source]) -> Vec<String> {
    sources
        .iter()
        .map(|source| match source {
            Source::File(path) => path.file_name().map_or_else(
                || path.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            ),
            Source::Text { name, .. } => name.clone(),
            Source::Shipped { name, .. } => (*name).to_owned(),
        })
        .collect()
}
