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
    /// Compare two protocols and class each change as breaking or not for generated code.
    Diff(diff_command::DiffArgs),
}

#[derive(Args)]
struct Selection {
    /// A protocol JSON file; repeat to merge files (browser_protocol.json + js_protocol.json).
    #[arg(long = "protocol", value_name = "FILE")]
    protocols: Vec<PathBuf>,
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
    /// Give up on the browser (--browser, --url) after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    timeout: u64,
    /// Where unpacked npm packages are kept [default: $XDG_CACHE_HOME/cdp-codegen/npm].
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
}

impl Selection {
    fn config(&self) -> cdp_codegen::Config {
        let mut config = cdp_codegen::Config::new();
        for path in &self.protocols {
            config.protocol(path);
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
        config
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Fetch(args) => fetch(&args),
        Command::Diff(args) => diff_command::run(&args),
        Command::Generate(args) => {
            let config = args.selection.config();
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
            let code = match args.selection.config().generate_string() {
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
