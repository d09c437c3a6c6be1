//! `cdp-codegen diff`: what changed between two protocols, and what of it breaks generated code,
//! on the wire and in source.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use cdp_codegen::diff::{self, Class, Format};
use cdp_codegen_cli::fetch;
use clap::{ArgGroup, Args, ValueEnum};

/// The arguments of `cdp-codegen diff`; the help text below is what `--help` prints after them.
#[derive(Args)]
#[command(group(ArgGroup::new("old_side").required(true).args(["old_file", "old"])))]
#[command(group(
    ArgGroup::new("new_side").required(true).args(["new_file", "new", "browser", "url"])
))]
#[command(after_help = "\
Give the two versions as OLD NEW, or as --old FILE.. --new FILE.. to merge several files per
version (browser_protocol.json + js_protocol.json); not both. In place of NEW, --browser PATH
launches a browser headless and --url asks one already running, for the protocol it speaks
(what `cdp-codegen fetch` would write). Files ending in .pdl are read as PDL, others as JSON.
--patch applies a patch file to the old version, the one your bindings were generated from
(with the same patches); --patch-new applies one to the new version.

Each change is classed twice (see the cdp_codegen::diff docs for the rules):
  wire    do bindings generated from OLD still decode what NEW sends, and send what NEW
          accepts? (a command removed, a required parameter added: breaking; a required
          field added to an event: not)
  source  does code written against OLD's bindings still compile once they are regenerated
          from NEW? (a required field added to an object type gives `new` an argument:
          breaking)
With --browser or --url the question is whether your bindings fit that browser: the report
leads with the wire class (counted first, changes grouped by it); otherwise it leads with the
source class. Either way every change shows both, and the summary gives the SemVer bump the
regenerated bindings need (major when any change is source-breaking, minor when API is added).

Exit status: 0 when the diff was printed, breaking changes included unless --fail-on; 1 with
--fail-on CLASS when a change breaks in that class; 2 for bad arguments, an unreadable or
invalid protocol or patch, a browser that could not be asked, or a --domain in neither
protocol.")]
pub struct DiffArgs {
    /// The old protocol file.
    #[arg(value_name = "OLD")]
    old_file: Option<PathBuf>,
    /// The new protocol file.
    #[arg(value_name = "NEW")]
    new_file: Option<PathBuf>,
    /// A file of the old protocol, instead of OLD; repeat to merge files.
    #[arg(long = "old", value_name = "FILE")]
    old: Vec<PathBuf>,
    /// A file of the new protocol, instead of NEW; repeat to merge files.
    #[arg(long = "new", value_name = "FILE")]
    new: Vec<PathBuf>,
    /// Instead of NEW: launch this browser binary headless and compare with its protocol (do
    /// bindings generated from OLD fit this browser? the wire question).
    #[arg(long, value_name = "PATH")]
    browser: Option<PathBuf>,
    /// Instead of NEW: the protocol of a browser already running with
    /// --remote-debugging-port, e.g. http://127.0.0.1:9222 (the wire question, as --browser).
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// Give up on the browser (--browser, --url) after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    timeout: u64,
    /// A patch file applied to the old protocol, as to the bindings generated from it; repeat
    /// to apply several, in order.
    #[arg(long = "patch", value_name = "FILE")]
    patches: Vec<PathBuf>,
    /// A patch file applied to the new protocol; repeat to apply several, in order.
    #[arg(long = "patch-new", value_name = "FILE")]
    new_patches: Vec<PathBuf>,
    /// Compare only this domain, and the types it uses from others; repeat for several.
    #[arg(long = "domain", value_name = "NAME")]
    domains: Vec<String>,
    /// text for a terminal, markdown for a pull request, json for tools (schema: see the
    /// cdp_codegen::diff::Format docs).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Exit with status 1 when a change breaks in this class: wire (bindings generated from OLD
    /// no longer fit NEW) or source (code written against them no longer compiles after
    /// regenerating); repeat, or separate with commas, for both.
    #[arg(long, value_enum, value_name = "CLASS", value_delimiter = ',')]
    fail_on: Vec<FailOn>,
    /// The same as --fail-on source.
    #[arg(long)]
    fail_on_breaking: bool,
}

/// The classes `--fail-on` takes.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Bindings generated from OLD no longer decode what NEW sends, or send what it accepts.
    Wire,
    /// Code written against OLD's bindings no longer compiles after regenerating from NEW.
    Source,
}

impl From<FailOn> for Class {
    fn from(class: FailOn) -> Self {
        match class {
            FailOn::Wire => Class::Wire,
            FailOn::Source => Class::Source,
        }
    }
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
    let old = model(&Protocol::Files(old_files), &args.patches);
    let new = model(&new_protocol(args), &args.new_patches);
    let (old, new) = match (old, new) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            for (version, result) in [("old", old), ("new", new)] {
                if let Err(message) = result {
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
    // A browser is asked whether the bindings fit it; two files, what regenerating changes.
    let lead = if args.browser.is_some() || args.url.is_some() {
        Class::Wire
    } else {
        Class::Source
    };
    let mut stdout = std::io::stdout().lock();
    if let Err(err) = stdout
        .write_all(diff.render_led_by(args.format.into(), lead).as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to standard output: {err}");
            return ExitCode::from(BAD_INPUT);
        }
    }
    let mut failed = false;
    for class in [Class::Wire, Class::Source] {
        let asked = args
            .fail_on
            .iter()
            .any(|&fail_on| Class::from(fail_on) == class);
        let alias = class == Class::Source && args.fail_on_breaking;
        if !(asked || alias) || !diff.has_breaking(class) {
            continue;
        }
        let flag = if asked {
            format!("--fail-on {class}")
        } else {
            "--fail-on-breaking".to_owned()
        };
        eprintln!(
            "error: {} {class}-breaking change(s) ({flag})",
            diff.breaking(class).count()
        );
        failed = true;
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Where a version of the protocol comes from.
enum Protocol<'a> {
    /// Files to merge.
    Files(Vec<PathBuf>),
    /// A browser binary to launch.
    Browser(&'a std::path::Path, Duration),
    /// A browser that runs, at its `http://HOST:PORT`.
    Url(&'a str, Duration),
}

/// The new version, as the arguments give it (clap makes sure exactly one way is given).
fn new_protocol(args: &DiffArgs) -> Protocol<'_> {
    let timeout = Duration::from_secs(args.timeout);
    if let Some(binary) = &args.browser {
        Protocol::Browser(binary, timeout)
    } else if let Some(url) = &args.url {
        Protocol::Url(url, timeout)
    } else {
        Protocol::Files(args.new_file.iter().chain(&args.new).cloned().collect())
    }
}

/// The model of one version, patched, with every item kept so that flag changes show as
/// such; or the message that says why there is none.
fn model(protocol: &Protocol, patches: &[PathBuf]) -> Result<cdp_codegen::model::Model, String> {
    let mut config = cdp_codegen::Config::new();
    match protocol {
        Protocol::Files(files) => {
            for file in files {
                config.protocol(file);
            }
        }
        // What `fetch` would write, read as that file would be.
        Protocol::Browser(binary, timeout) => {
            let json = fetch::browser(binary, *timeout).map_err(|err| err.to_string())?;
            config.protocol_text(format!("{} /json/protocol", binary.display()), json);
        }
        Protocol::Url(url, timeout) => {
            let json = fetch::url(url, *timeout).map_err(|err| err.to_string())?;
            config.protocol_text(format!("{}/json/protocol", url.trim_end_matches('/')), json);
        }
    }
    for patch in patches {
        config.patch(patch);
    }
    config.model().map_err(|err| err.to_string())
}
