//! A diff as text for a terminal, Markdown for a pull request, or JSON for tools.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Change, Diff};

/// How [`Diff::render`] writes the changes. Each lists breaking changes first, then the others,
/// each group in the diff's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// For a terminal: a summary line, then one block per change (path, kind, sentence, reason).
    #[default]
    Text,
    /// For a pull request: a `## Protocol changes` heading, a summary, and a table per group.
    Markdown,
    /// For tools; stable, pretty-printed, ending in a newline:
    ///
    /// ```json
    /// {
    ///   "format_version": 1,
    ///   "summary": { "breaking": 1, "non_breaking": 0 },
    ///   "changes": [
    ///     {
    ///       "kind": "field_removed",
    ///       "item": "field",
    ///       "path": "BackgroundService.BackgroundServiceEvent.origin",
    ///       "breaking": true,
    ///       "message": "Field `origin` was removed from type `BackgroundService.BackgroundServiceEvent`.",
    ///       "reason": "the Rust field disappears, with its `new` argument or setter"
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// `changes` keeps the diff's order (not grouped). `kind` is a
    /// [`ChangeKind`](super::ChangeKind) name and `item` an [`Item`](super::Item) name. A new
    /// key may be added within `format_version` 1; a key is never removed or changed in meaning
    /// without raising it.
    Json,
}

pub(super) fn render(diff: &Diff, format: Format) -> String {
    match format {
        Format::Text => text(diff),
        Format::Markdown => markdown(diff),
        Format::Json => json(diff),
    }
}

fn summary(diff: &Diff) -> String {
    let breaking = diff.breaking().count();
    let total = diff.changes.len();
    format!(
        "{total} change{}: {breaking} breaking, {} not breaking.",
        plural(total),
        total - breaking
    )
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

fn text(diff: &Diff) -> String {
    if diff.is_empty() {
        return "No changes.\n".to_owned();
    }
    let mut out = format!("{}\n", summary(diff));
    let groups = [
        ("BREAKING", diff.breaking().collect::<Vec<_>>()),
        ("NOT BREAKING", diff.non_breaking().collect()),
    ];
    for (title, changes) in groups {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title} ({})", changes.len());
        for change in changes {
            let _ = writeln!(out, "  {}  [{}]", change.path, change.kind);
            let _ = writeln!(out, "    {}", change.message);
            let _ = writeln!(out, "    why: {}", change.reason);
        }
    }
    out
}

fn markdown(diff: &Diff) -> String {
    let mut out = String::from("## Protocol changes\n\n");
    if diff.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    let breaking = diff.breaking().count();
    let _ = writeln!(
        out,
        "**{breaking} breaking** change{} and {} other{} for the generated Rust bindings.",
        plural(breaking),
        diff.changes.len() - breaking,
        plural(diff.changes.len() - breaking)
    );
    let groups = [
        (
            "Breaking",
            "Why it breaks",
            diff.breaking().collect::<Vec<_>>(),
        ),
        (
            "Not breaking",
            "Why it does not",
            diff.non_breaking().collect(),
        ),
    ];
    for (title, why, changes) in groups {
        if changes.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n### {title} ({})\n", changes.len());
        let _ = writeln!(out, "| Path | Change | What | {why} |");
        out.push_str("|---|---|---|---|\n");
        for change in changes {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} |",
                change.path,
                change.kind,
                cell(&change.message),
                cell(change.reason)
            );
        }
    }
    out
}

/// Text that cannot end a Markdown table cell early.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[derive(Serialize)]
struct JsonDiff<'a> {
    format_version: u32,
    summary: JsonSummary,
    changes: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct JsonSummary {
    breaking: usize,
    non_breaking: usize,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    kind: &'static str,
    item: &'static str,
    path: &'a str,
    breaking: bool,
    message: &'a str,
    reason: &'static str,
}

impl<'a> From<&'a Change> for JsonChange<'a> {
    fn from(change: &'a Change) -> Self {
        JsonChange {
            kind: change.kind.as_str(),
            item: change.item.as_str(),
            path: &change.path,
            breaking: change.breaking,
            message: &change.message,
            reason: change.reason,
        }
    }
}

fn json(diff: &Diff) -> String {
    let breaking = diff.breaking().count();
    let document = JsonDiff {
        format_version: 1,
        summary: JsonSummary {
            breaking,
            non_breaking: diff.changes.len() - breaking,
        },
        changes: diff.changes.iter().map(JsonChange::from).collect(),
    };
    let mut out = serde_json::to_string_pretty(&document)
        .expect("a diff is plain strings, numbers and booleans");
    out.push('\n');
    out
}
