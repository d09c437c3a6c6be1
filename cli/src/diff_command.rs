//! `cdp-codegen diff`: what changed between two protocols, and what of it breaks generated code.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use cdp_codegen::diff::{self, Format};
use clap::{Args, ValueEnum};

/// The arguments of `cdp-codegen diff`; the help text below is what `--help` prints after them.
#[derive(Args)]
#[command(after_help = "\
Give the two versions as OLD NEW, or as --old FILE.. --new FILE.. to merge several files per
version (browser_protocol.json + js_protocol.json); not both. Files ending in .pdl are read as
PDL, others as JSON. Each change is classed as breaking or not for Rust code that uses the
bindings cdp-codegen generates (see the cdp_codegen::diff docs for the rules).

Exit status: 0 when the diff was printed, breaking changes included unless --fail-on-breaking;
1 with --fail-on-breaking when any change is breaking; 2 for bad arguments, an unreadable or
invalid protocol, or a --domain in neither protocol.")]
pub struct DiffArgs {
    /// The old protocol file.
    #[arg(
        value_name = "OLD",
        required_unless_present = "old",
        conflicts_with = "old"
    )]
    old_file: Option<PathBuf>,
    /// The new protocol file.
    #[arg(
        value_name = "NEW",
        required_unless_present = "new",
        conflicts_with = "new"
    )]
    new_file: Option<PathBuf>,
    /// A file of the old protocol, instead of OLD; repeat to merge files.
    #[arg(long = "old", value_name = "FILE", requires = "new")]
    old: Vec<PathBuf>,
    /// A file of the new protocol, instead of NEW; repeat to merge files.
    #[arg(long = "new", value_name = "FILE", requires = "old")]
    new: Vec<PathBuf>,
    /// Compare only this domain, and the types it uses from others; repeat for several.
    #[arg(long = "domain", value_name = "NAME")]
    domains: Vec<String>,
    /// text for a terminal, markdown for a pull request, json for tools (schema: see the
    /// cdp_codegen::diff::Format docs).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Exit with status 1 when any change is breaking.
    #[arg(long)]
    fail_on_breaking: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
}

impl From<DiffFormat> for Format {
    fn from(format: DiffFormat) -> Self {
        match format {
            DiffFormat::Text => Format::Text,
            DiffFormat::Markdown => Format::Markdown,
            DiffFormat::Json => Format::Json,
        }
    }
}

/// Bad input of any kind: the diff cannot be made.
const BAD_INPUT: u8 = 2;

/// Runs `cdp-codegen diff`.
pub fn run(args: &DiffArgs) -> ExitCode {
    let old_files: Vec<PathBuf> = args.old_file.iter().chain(&args.old).cloned().collect();
    let new_files: Vec<PathBuf> = args.new_file.iter().chain(&args.new).cloned().collect();
    let (old, new) = match (model(&old_files), model(&new_files)) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            for (version, result) in [("old", old), ("new", new)] {
                if let Err(err) = result {
                    let message = err.to_string();
                    eprintln!("error: in the {version} protocol: {}", message.trim_end());
                }
            }
            return ExitCode::from(BAD_INPUT);
        }
    };
    let diff = match diff::diff(&old, &new, &args.domains) {
        Ok(diff) => diff,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(BAD_INPUT);
        }
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout
        .write_all(diff.render(args.format.into()).as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to standard output: {err}");
            return ExitCode::from(BAD_INPUT);
        }
    }
    if args.fail_on_breaking && diff.has_breaking() {
        eprintln!(
            "error: {} breaking change(s) (--fail-on-breaking)",
            diff.breaking().count()
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// The model of one version, with every item kept so that flag changes show as such.
fn model(files: &[PathBuf]) -> Result<cdp_codegen::model::Model, cdp_codegen::Error> {
    let mut config = cdp_codegen::Config::new();
    for file in files {
        config.protocol(file);
    }
    config.model()
}
