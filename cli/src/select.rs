//! Selection files: what a checked-in output holds of a protocol, a line each.
//!
//! ```text
//! # The commands cdp-transport sends.
//! command Page.navigate
//! event Page.loadEventFired
//! domain Runtime
//! ```
//!
//! `domain NAME` keeps a domain whole ([`Config::domain`]); `command DOMAIN.NAME` and
//! `event DOMAIN.NAME` keep one command or event and the types it uses ([`Config::command`],
//! [`Config::event`]). `#` starts a comment; blank lines are skipped.

use cdp_codegen::Config;

/// Adds the selections in `text` to `config`. `name` names the text in errors, which give the
/// line and what was expected there.
///
/// ```
/// let mut config = cdp_codegen::Config::new();
/// cdp_codegen_cli::select::apply("command Page.navigate # the one we need\n", "x.select", &mut config)?;
/// let err = cdp_codegen_cli::select::apply("page Page.navigate\n", "x.select", &mut config).unwrap_err();
/// assert_eq!(
///     err,
///     "x.select:1: `page Page.navigate` is not a selection; expected `domain NAME`, \
///      `command DOMAIN.NAME` or `event DOMAIN.NAME`"
/// );
/// # Ok::<(), String>(())
/// ```
pub fn apply(text: &str, name: &str, config: &mut Config) -> Result<(), String> {
    for (index, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let (kind, item, rest) = (words.next(), words.next(), words.next());
        let qualified = item.is_some_and(|item| {
            item.split_once('.')
                .is_some_and(|(domain, name)| !domain.is_empty() && !name.is_empty())
        });
        match (kind, item, rest) {
            (Some("domain"), Some(domain), None) if !domain.contains('.') => {
                config.domain(domain);
            }
            (Some("command"), Some(command), None) if qualified => {
                config.command(command);
            }
            (Some("event"), Some(event), None) if qualified => {
                config.event(event);
            }
            _ => {
                return Err(format!(
                    "{name}:{}: `{line}` is not a selection; expected `domain NAME`, \
                     `command DOMAIN.NAME` or `event DOMAIN.NAME`",
                    index + 1
                ))
            }
        }
    }
    Ok(())
}
