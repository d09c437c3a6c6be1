//! The `cdp-codegen` command: generate bindings, check that generated bindings are current, or
//! fetch the protocol a browser or an npm package version speaks.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Args, Parser, Subcommand};
use similar::TextDiff;

mod diff_command;

/// Generates Rust bindings for the Chrome DevTools Protocol.
///
/// Without --protocol, the embedded BackgroundService schema is used.
#[derive(Parser)]
#[command(name = "cdp-codegen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate bindings and print them, or write them to --out.
    Generate(GenerateArgs),
    /// Exit with status 1 and a short diff when --out is not what `generate` would write.
    Check(CheckArgs),
    /// Write the protocol of a browser or of a devtools-protocol version to --out, as stable
    /// JSON that records where it came from.
    Fetch(FetchArgs),
    /// Compare two protocols and class each change twice: on the wire (do bindings generated
    /// from OLD still fit NEW?) and in source (does code written against them still compile?).
    Diff(diff_command::DiffArgs),
    /// Move this project (protocol/PINNED, the shipped facts, every checked-in output listed
    /// in protocol/outputs, CHANGELOG.md) to another devtools-protocol version; or, with
    /// --check, fail when any of them differs from what the pinned version gives.
    Update(UpdateArgs),
}

#[derive(Args)]
#[command(group(ArgGroup::new("what").required(true).args(["version", "check"])))]
struct UpdateArgs {
    /// The devtools-protocol version to move to, e.g. 0.0.1734725, or `latest`.
    #[arg(value_name = "VERSION")]
    version: Option<String>,
    /// Change nothing: exit with status 1, naming the stale files, when the facts or an
    /// output differ from what the pinned version gives.
    #[arg(long)]
    check: bool,
    /// The project root (holding protocol/PINNED).
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Where unpacked npm packages are kept [default: $XDG_CACHE_HOME/cdp-codegen/npm].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

#[derive(Args)]
struct Selection {
    /// A protocol file, JSON or PDL; repeat to merge files (browser_protocol.json +
    /// js_protocol.json). A browser's /json/protocol, or what `fetch` writes, is one file.
    #[arg(long = "protocol", value_name = "FILE")]
    protocols: Vec<PathBuf>,
    /// Generate from the full protocol cdp-codegen ships (facts at its pinned devtools-protocol
    /// version, no descriptions) rather than from --protocol files.
    #[arg(long, conflicts_with = "protocols")]
    full_protocol: bool,
    /// A file that lists what to generate, a line each: `domain NAME`, `command DOMAIN.NAME`
    /// or `event DOMAIN.NAME` (`#` starts a comment). Adds to --domain, --command and --event.
    #[arg(long = "select", value_name = "FILE")]
    select: Option<PathBuf>,
    /// A domain to generate whole; repeat for several. Default: every domain.
    #[arg(long = "domain", value_name = "NAME")]
    domains: Vec<String>,
    /// A command to generate, as `Domain.command` (`Page.navigate`), with the types it uses;
    /// repeat for several. Combines with --domain and --event.
    #[arg(long = "command", value_name = "DOMAIN.COMMAND")]
    commands: Vec<String>,
    /// An event to generate, as `Domain.event` (`Page.loadEventFired`), with the types it
    /// uses; repeat for several. Combines with --domain and --command.
    #[arg(long = "event", value_name = "DOMAIN.EVENT")]
    events: Vec<String>,
    /// A patch file applied to the schema before generating (see the README's "Schema
    /// patches"); repeat to apply several, in order. A stale patch is an error (status 2).
    #[arg(long = "patch", value_name = "FILE")]
    patches: Vec<PathBuf>,
    /// Leave out items flagged experimental (types that kept items use are kept).
    #[arg(long)]
    no_experimental: bool,
    /// Leave out items flagged deprecated.
    #[arg(long)]
    no_deprecated: bool,
}

#[derive(Args)]
struct GenerateArgs {
    #[command(flatten)]
    selection: Selection,
    /// The file to write; without it the bindings go to standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    selection: Selection,
    /// The generated file to check.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

#[derive(Args)]
#[command(group(ArgGroup::new("from").required(true).args(["browser", "url", "npm"])))]
struct FetchArgs {
    /// Launch this browser binary headless and read its /json/protocol.
    #[arg(long, value_name = "PATH")]
    browser: Option<PathBuf>,
    /// Ask a browser already running with --remote-debugging-port, e.g. http://127.0.0.1:9222.
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// The devtools-protocol npm package at this version (browser + js protocol, merged).
    #[arg(long, value_name = "VERSION")]
    npm: Option<String>,
    /// The JSON file to write.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Write the facts only: every name, type, value and flag, without the descriptions, a
    /// field a line (the form cdp-schemas ships the full protocol in).
    #[arg(long)]
    facts: bool,
    /// Give up on the browser (--browser, --url) after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    timeout: u64,
    /// Where unpacked npm packages are kept [default: $XDG_CACHE_HOME/cdp-codegen/npm].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

impl Selection {
    /// The generator's settings; fails (with the message to print) when the --select file
    /// cannot be read or has a line that is not a selection.
    fn config(&self) -> Result<cdp_codegen::Config, String> {
        let mut config = cdp_codegen::Config::new();
        if self.full_protocol {
            config.full_protocol();
        }
        for path in &self.protocols {
            config.protocol(path);
        }
        if let Some(path) = &self.select {
            let text = std::fs::read_to_string(path)
                .map_err(|err| format!("cannot read the selection `{}`: {err}", path.display()))?;
            cdp_codegen_cli::select::apply(&text, &path.display().to_string(), &mut config)?;
        }
        for domain in &self.domains {
            config.domain(domain);
        }
        for command in &self.commands {
            config.command(command);
        }
        for event in &self.events {
            config.event(event);
        }
        for patch in &self.patches {
            config.patch(patch);
        }
        config
            .experimental(!self.no_experimental)
            .deprecated(!self.no_deprecated);
        Ok(config)
    }
}

/// The exit status for a generator error: 2 for a bad schema or patch (bad input), 1 for I/O.
fn fail(err: &cdp_codegen::Error) -> ExitCode {
    eprintln!("error: {err}");
    match err {
        cdp_codegen::Error::Schema(_) => ExitCode::from(2),
        _ => ExitCode::from(1),
    }
}

/// Exit status 2, for an argument that cannot be used as given.
fn bad_argument(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Fetch(args) => fetch(&args),
        Command::Diff(args) => diff_command::run(&args),
        Command::Update(args) => update(&args),
        Command::Generate(args) => {
            let config = match args.selection.config() {
                Ok(config) => config,
                Err(message) => return bad_argument(&message),
            };
            let code = match config.generate_string() {
                Ok(code) => code,
                Err(err) => return fail(&err),
            };
            match args.out {
                None => {
                    use std::io::Write;
                    let mut stdout = std::io::stdout().lock();
                    if let Err(err) = stdout
                        .write_all(code.as_bytes())
                        .and_then(|()| stdout.flush())
                    {
                        // A closed pipe (`| head`) is the reader's choice, not a failure.
                        if err.kind() != std::io::ErrorKind::BrokenPipe {
                            eprintln!("error: cannot write to standard output: {err}");
                            return ExitCode::from(1);
                        }
                    }
                }
                Some(path) => {
                    let mut config = config;
                    if let Err(err) = config.out_file(&path).generate() {
                        return fail(&err);
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Command::Check(args) => {
            let config = match args.selection.config() {
                Ok(config) => config,
                Err(message) => return bad_argument(&message),
            };
            let code = match config.generate_string() {
                Ok(code) => code,
                Err(err) => return fail(&err),
            };
            let current = match std::fs::read_to_string(&args.out) {
                Ok(current) => current,
                Err(err) => {
                    eprintln!("error: cannot read `{}`: {err}", args.out.display());
                    return ExitCode::from(1);
                }
            };
            if current == code {
                println!("{} is up to date", args.out.display());
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "{} is stale: run `cdp-codegen generate` with the same arguments to update it",
                args.out.display()
            );
            eprint!(
                "{}",
                short_diff(&current, &code, &args.out.display().to_string())
            );
            ExitCode::from(1)
        }
    }
}

/// `cdp-codegen update`: exit 2 for a bad argument or project file, 1 when fetching or writing
/// fails or (with --check) something is stale.
fn update(args: &UpdateArgs) -> ExitCode {
    use cdp_codegen_cli::{fetch, update};
    let cache_dir = args
        .cache_dir
        .clone()
        .unwrap_or_else(fetch::default_cache_dir);
    let failed = |err: update::UpdateError| {
        eprintln!("error: {err}");
        ExitCode::from(if err.is_bad_input() { 2 } else { 1 })
    };
    if args.check {
        return match update::check(&args.root, &cache_dir) {
            Ok(stale) if stale.is_empty() => {
                println!(
                    "the shipped protocol and every output in {} are current",
                    update::OUTPUTS
                );
                ExitCode::SUCCESS
            }
            Ok(stale) => {
                for path in &stale {
                    eprintln!("stale: {}", path.display());
                }
                eprintln!(
                    "run `cdp-codegen update $(cat {})` to rewrite them from the pinned version",
                    update::PINNED
                );
                ExitCode::from(1)
            }
            Err(err) => failed(err),
        };
    }
    let requested = args.version.as_deref().unwrap_or_default();
    let version = if requested == "latest" {
        match update::latest_version() {
            Ok(version) => version,
            Err(err) => return failed(err),
        }
    } else {
        requested.to_owned()
    };
    match update::update(&args.root, &version, &cache_dir) {
        Ok(updated) => {
            println!(
                "devtools-protocol {} -> {}: {} change{}, semver {}",
                updated.from,
                updated.to,
                updated.diff.changes.len(),
                if updated.diff.changes.len() == 1 {
                    ""
                } else {
                    "s"
                },
                updated.diff.semver_bump().as_str()
            );
            for path in &updated.written {
                println!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(err) => failed(err),
    }
}

/// `cdp-codegen fetch`: exit 2 for a bad argument, 1 when fetching or writing fails.
fn fetch(args: &FetchArgs) -> ExitCode {
    use cdp_codegen_cli::fetch;
    if args.cache_dir.is_some() && args.npm.is_none() {
        eprintln!("error: --cache-dir applies to --npm only");
        return ExitCode::from(2);
    }
    let timeout = std::time::Duration::from_secs(args.timeout);
    let fetched = if let Some(binary) = &args.browser {
        fetch::browser(binary, timeout)
    } else if let Some(url) = &args.url {
        fetch::url(url, timeout)
    } else if let Some(version) = &args.npm {
        let cache_dir = args
            .cache_dir
            .clone()
            .unwrap_or_else(fetch::default_cache_dir);
        fetch::npm(version, &cache_dir).and_then(|package| package.to_stable_json())
    } else {
        // clap's group already demands one of them.
        eprintln!("error: give one of --browser, --url, --npm");
        return ExitCode::from(2);
    };
    let fetched = if args.facts {
        fetched.and_then(|json| fetch::to_facts_json("the fetched protocol", &json))
    } else {
        fetched
    };
    let json = match fetched {
        Ok(json) => json,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(if err.is_bad_input() { 2 } else { 1 });
        }
    };
    if let Err(err) = write_atomically(&args.out, json.as_bytes()) {
        eprintln!("error: cannot write `{}`: {err}", args.out.display());
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// Writes `bytes` to a temporary file beside `path` and renames it over `path`, so a reader
/// never sees half a file; leaves `path` alone when it already holds `bytes`.
fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|current| current == bytes) {
        return Ok(());
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => std::path::Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// A unified diff of at most 40 lines.
fn short_diff(current: &str, expected: &str, name: &str) -> String {
    const MAX_LINES: usize = 40;
    let diff = TextDiff::from_lines(current, expected)
        .unified_diff()
        .context_radius(2)
        .header(name, "generated")
        .to_string();
    let total = diff.lines().count();
    let mut short: String = diff
        .lines()
        .take(MAX_LINES)
        .flat_map(|line| [line, "\n"])
        .collect();
    if total > MAX_LINES {
        short.push_str(&format!("... ({} more diff lines)\n", total - MAX_LINES));
    }
    short
}
