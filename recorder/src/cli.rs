//! The command line: what to record, how to print it, and which browser to use.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser};

use crate::cdp::background_service::ServiceName;
use crate::workers::Trigger;

/// Records the Background Services events of a page, as the DevTools "Background Services"
/// panel does: background fetch, background sync, notifications, payment handler, push
/// messaging and periodic background sync.
///
/// Launches a headless Chromium (or connects to a running one with --browser-url), opens URL in
/// a new tab, starts observing and recording the chosen services, and prints each event as it
/// arrives, until --duration has passed or Ctrl-C. At the end, a summary of the events per
/// service goes to standard error.
///
/// As DevTools' Application panel does, it can grant the page's origin the permissions the
/// services need (--grant), and make the page's service worker receive a push message, a sync
/// or a periodic sync once it runs (--push, --sync, --periodic-sync).
#[derive(Debug, Parser)]
#[command(name = "cdp-background-services", version)]
pub struct Args {
    /// The page to open, an absolute URL (e.g. http://127.0.0.1:8000/).
    #[arg(value_parser = parse_page_url)]
    pub url: String,

    /// A service to record; repeat for more. Default: all six.
    #[arg(short, long = "service", value_name = "SERVICE", value_parser = service_parser())]
    pub services: Vec<ServiceName>,

    /// Print JSON lines, one `BackgroundServiceEvent` each as the browser sent it, instead of a
    /// table.
    #[arg(long)]
    pub json: bool,

    /// At the end, report on standard error what the browser sent that the recorder's
    /// bindings do not know: unknown events, fields and enum values, events that do not decode.
    #[arg(long)]
    pub drift: bool,

    /// Also write every recorded event to FILE, as a JSON array of the `BackgroundServiceEvent`
    /// objects the browser sent.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Before the page loads, grant its origin the permissions the chosen services need
    /// (notifications for pushMessaging and notifications, and each of backgroundFetch,
    /// backgroundSync, periodicBackgroundSync and paymentHandler for itself). The origin's
    /// other permissions are denied, as `Browser.grantPermissions` does.
    #[arg(long)]
    pub grant: bool,

    /// Once the page's service worker runs, deliver it a push message with DATA, as DevTools'
    /// Push button does. Repeat for more; triggers are sent in the order given.
    #[arg(long, value_name = "DATA")]
    pub push: Vec<String>,

    /// Once the page's service worker runs, dispatch it a sync event with TAG, as DevTools'
    /// Sync button does (its last chance). Repeatable.
    #[arg(long, value_name = "TAG")]
    pub sync: Vec<String>,

    /// Once the page's service worker runs, dispatch it a periodic sync event with TAG, as
    /// DevTools' Periodic Sync button does. Repeatable.
    #[arg(long = "periodic-sync", value_name = "TAG")]
    pub periodic_sync: Vec<String>,

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

    /// How long to wait for the browser to start, for each of its answers, and for the page's
    /// service worker to run when --push, --sync or --periodic-sync asks for it.
    #[arg(long, value_name = "DURATION", default_value = "20s", value_parser = parse_duration)]
    pub timeout: Duration,

    /// --push, --sync and --periodic-sync, in the order given.
    #[arg(skip)]
    pub triggers: Vec<Trigger>,
}

impl Args {
    /// The arguments of this process; exits as clap does (status 2) when they are wrong.
    pub fn from_env() -> Args {
        Self::checked(Args::command().get_matches()).unwrap_or_else(|err| err.exit())
    }

    /// The arguments in `args` (the program's name first), for tests.
    #[cfg(test)]
    pub fn try_from<I, T>(args: I) -> Result<Args, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        Self::checked(Args::command().try_get_matches_from(args)?)
    }

    /// The arguments of `matches`, with the triggers in order, checked against each other.
    fn checked(matches: ArgMatches) -> Result<Args, clap::Error> {
        let mut args = Args::from_arg_matches(&matches)?;
        args.triggers = ordered_triggers(&matches);
        let needs_origin = if args.grant {
            Some("--grant")
        } else {
            args.triggers.first().map(Trigger::flag)
        };
        if let Some(flag) = needs_origin {
            if origin_of(&args.url).is_none() {
                return Err(Args::command().error(
                    clap::error::ErrorKind::ArgumentConflict,
                    format!(
                        "{flag} needs a page with an origin (http://.. or https://..), got {:?}",
                        args.url
                    ),
                ));
            }
        }
        Ok(args)
    }

    /// The page's origin, `scheme://host[:port]`; `None` for a URL without one
    /// (`about:blank`, `data:..`).
    pub fn origin(&self) -> Option<String> {
        origin_of(&self.url)
    }

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

/// Makes a trigger of an option's value.
type MakeTrigger = fn(String) -> Trigger;

/// The triggers given, in the order they were given.
fn ordered_triggers(matches: &ArgMatches) -> Vec<Trigger> {
    let mut found: Vec<(usize, Trigger)> = Vec::new();
    let kinds: [(&str, MakeTrigger); 3] = [
        ("push", Trigger::Push),
        ("sync", Trigger::Sync),
        ("periodic_sync", Trigger::PeriodicSync),
    ];
    for (id, make) in kinds {
        let (Some(indices), Some(values)) =
            (matches.indices_of(id), matches.get_many::<String>(id))
        else {
            continue;
        };
        found.extend(indices.zip(values.cloned().map(make)));
    }
    found.sort_by_key(|(index, _)| *index);
    found.into_iter().map(|(_, trigger)| trigger).collect()
}

/// The origin of an `http` or `https` URL: `scheme://host[:port]`, as
/// `Browser.grantPermissions` and the service worker commands take it.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // Credentials are not part of the origin.
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if host.is_empty() {
        return None;
    }
    Some(format!("{scheme}://{}", host.to_ascii_lowercase()))
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
        let args = Args::try_from(["x", "http://127.0.0.1/"]).unwrap();
        assert_eq!(args.services(), ServiceName::KNOWN.to_vec());
        let args = Args::try_from([
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
        assert!(Args::try_from(["x", "-s", "someFutureService", "http://a/"]).is_err());
        assert!(Args::try_from(["x", "127.0.0.1:8000"]).is_err());
        assert!(Args::try_from(["x", "--browser-url", "9222", "http://a/"]).is_err());
    }

    #[test]
    fn triggers_keep_the_order_they_were_given_in() {
        let args = Args::try_from([
            "x",
            "--sync",
            "s1",
            "--push",
            "p1",
            "--periodic-sync",
            "ps",
            "--sync",
            "s2",
            "http://127.0.0.1:8000/",
        ])
        .unwrap();
        assert_eq!(
            args.triggers,
            [
                Trigger::Sync("s1".into()),
                Trigger::Push("p1".into()),
                Trigger::PeriodicSync("ps".into()),
                Trigger::Sync("s2".into()),
            ]
        );
    }

    #[test]
    fn grant_and_triggers_need_a_page_with_an_origin() {
        for flags in [&["--grant"][..], &["--push", "x"], &["--sync", "t"]] {
            let err =
                Args::try_from(["x"].iter().chain(flags).chain(&["about:blank"])).unwrap_err();
            assert!(
                err.to_string().contains("needs a page with an origin"),
                "{err}"
            );
        }
        assert!(Args::try_from(["x", "--grant", "http://127.0.0.1:8000/"]).is_ok());
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        assert_eq!(
            origin_of("http://127.0.0.1:8000/index.html?a#b").as_deref(),
            Some("http://127.0.0.1:8000")
        );
        assert_eq!(
            origin_of("HTTPS://user:pw@Example.COM?x").as_deref(),
            Some("https://example.com")
        );
        for none in [
            "about:blank",
            "data:text/html,x",
            "file:///tmp/x",
            "http:///x",
        ] {
            assert_eq!(origin_of(none), None, "{none}");
        }
    }
}
