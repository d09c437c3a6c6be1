//! The command line: what to record, how to print it, and which browser to use.

use std::path::PathBuf;
use std::time::Duration;

use cdp_bindings::background_service::ServiceName;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::Parser;

/// Records the Background Services events of a page, as the DevTools "Background Services"
/// panel does: background fetch, background sync, notifications, payment handler, push
/// messaging and periodic background sync.
///
/// Launches a headless Chromium (or connects to a running one with --browser-url), opens URL in
/// a new tab, starts observing and recording the chosen services, and prints each event as it
/// arrives, until --duration has passed or Ctrl-C.
#[derive(Debug, Parser)]
#[command(name = "cdp-background-services", version)]
pub struct Args {
    /// The page to open, an absolute URL (e.g. http://127.0.0.1:8000/).
    #[arg(value_parser = parse_page_url)]
    pub url: String,

    /// A service to record; repeat for more. Default: all six.
    #[arg(short, long = "service", value_name = "SERVICE", value_parser = service_parser())]
    pub services: Vec<ServiceName>,

    /// Print JSON lines, one `BackgroundServiceEvent` each, instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Stop after this long: seconds (`30`, `2.5`) or with a unit (`500ms`, `30s`, `2m`).
    /// Default: until Ctrl-C.
    #[arg(short, long, value_parser = parse_duration)]
    pub duration: Option<Duration>,

    /// Clear the events the browser has stored for the services before recording.
    #[arg(long)]
    pub clear: bool,

    /// Connect to a running browser instead of launching one:
    /// ws://HOST:PORT/devtools/browser/.. or http://HOST:PORT.
    #[arg(long, alias = "url", value_name = "URL", value_parser = parse_browser_url)]
    pub browser_url: Option<String>,

    /// The browser to launch. Default: $CHROMIUM, else chromium (or chromium-browser,
    /// google-chrome) on PATH.
    #[arg(long, value_name = "PATH", conflicts_with = "browser_url")]
    pub chromium: Option<PathBuf>,

    /// One more argument for the launched browser; repeat for more.
    #[arg(
        long = "chromium-arg",
        value_name = "ARG",
        allow_hyphen_values = true,
        conflicts_with = "browser_url"
    )]
    pub chromium_args: Vec<String>,

    /// How long to wait for the browser to start and for each of its answers.
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = parse_duration)]
    pub timeout: Duration,
}

impl Args {
    /// The services to record: those given, else all six.
    pub fn services(&self) -> Vec<ServiceName> {
        if self.services.is_empty() {
            ServiceName::KNOWN.to_vec()
        } else {
            let mut services = Vec::new();
            for service in &self.services {
                if !services.contains(service) {
                    services.push(service.clone());
                }
            }
            services
        }
    }
}

/// Accepts exactly the services the bindings know, by their protocol names.
fn service_parser() -> impl TypedValueParser<Value = ServiceName> {
    PossibleValuesParser::new(ServiceName::KNOWN.iter().map(ServiceName::as_str))
        .map(ServiceName::from)
}

/// An absolute URL: a scheme, then `:`.
fn parse_page_url(url: &str) -> Result<String, String> {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if valid {
        Ok(url.to_owned())
    } else {
        Err(format!(
            "expected an absolute URL such as http://127.0.0.1:8000/, got {url:?}"
        ))
    }
}

/// A DevTools endpoint: `ws://..` or `http://..`.
fn parse_browser_url(url: &str) -> Result<String, String> {
    if url.starts_with("ws://") || url.starts_with("http://") {
        Ok(url.to_owned())
    } else {
        Err(format!(
            "expected ws://HOST:PORT/devtools/browser/.. or http://HOST:PORT, got {url:?}"
        ))
    }
}

/// `30`, `2.5` (seconds), `500ms`, `30s`, `2m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit_secs) = if let Some(number) = text.strip_suffix("ms") {
        (number, 0.001)
    } else if let Some(number) = text.strip_suffix('s') {
        (number, 1.0)
    } else if let Some(number) = text.strip_suffix('m') {
        (number, 60.0)
    } else {
        (text, 1.0)
    };
    let expected =
        || format!("expected a duration such as 30, 2.5, 500ms, 30s or 2m, got {text:?}");
    let value: f64 = number.trim().parse().map_err(|_| expected())?;
    if !value.is_finite() || value < 0.0 {
        return Err(expected());
    }
    Duration::try_from_secs_f64(value * unit_secs).map_err(|_| expected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn durations_take_seconds_or_a_unit() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        for bad in ["", "-1", "soon", "1h", "NaN", "inf"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn services_default_to_all_six_and_repeats_count_once() {
        let args = Args::try_parse_from(["x", "http://127.0.0.1/"]).unwrap();
        assert_eq!(args.services(), ServiceName::KNOWN.to_vec());
        let args = Args::try_parse_from([
            "x",
            "-s",
            "backgroundSync",
            "--service",
            "backgroundSync",
            "http://127.0.0.1/",
        ])
        .unwrap();
        assert_eq!(args.services(), vec![ServiceName::BackgroundSync]);
    }

    #[test]
    fn unknown_services_and_relative_urls_are_refused() {
        assert!(Args::try_parse_from(["x", "-s", "someFutureService", "http://a/"]).is_err());
        assert!(Args::try_parse_from(["x", "127.0.0.1:8000"]).is_err());
        assert!(Args::try_parse_from(["x", "--browser-url", "9222", "http://a/"]).is_err());
    }
}
