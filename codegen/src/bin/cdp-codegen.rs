//! The `cdp-codegen` command: generate bindings, or check that generated bindings are current.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use similar::TextDiff;

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
}

#[derive(Args)]
struct Selection {
    /// A protocol JSON file; repeat to merge files (browser_protocol.json + js_protocol.json).
    #[arg(long = "protocol", value_name = "FILE")]
    protocols: Vec<PathBuf>,
    /// A domain to generate whole; repeat for several. Default: every domain.
    #[arg(long = "domain", value_name = "NAME")]
    domains: Vec<String>,
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

impl Selection {
    fn config(&self) -> cdp_codegen::Config {
        let mut config = cdp_codegen::Config::new();
        for path in &self.protocols {
            config.protocol(path);
        }
        for domain in &self.domains {
            config.domain(domain);
        }
        config
            .experimental(!self.no_experimental)
            .deprecated(!self.no_deprecated);
        config
    }
}

/// The exit status for a generator error: 2 for a bad schema (bad input), 1 for I/O.
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
