//! A diff as text for a terminal, Markdown for a pull request, or JSON for tools.

use std::fmt::Write as _;

use serde::ser::{Serialize, SerializeStruct as _, Serializer};

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

// The JSON document is written through serde's traits by hand, as serde's derive would: its
// keys stay in this order (a `serde_json::Value` would sort them), and no proc macro is built.

struct JsonDiff<'a>(&'a Diff);

impl Serialize for JsonDiff<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let breaking = self.0.breaking().count();
        let mut document = serializer.serialize_struct("JsonDiff", 3)?;
        document.serialize_field("format_version", &1u32)?;
        document.serialize_field(
            "summary",
            &JsonSummary {
                breaking,
                non_breaking: self.0.changes.len() - breaking,
            },
        )?;
        let changes: Vec<_> = self.0.changes.iter().map(JsonChange).collect();
        document.serialize_field("changes", &changes)?;
        document.end()
    }
}

struct JsonSummary {
    breaking: usize,
    non_breaking: usize,
}

impl Serialize for JsonSummary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut summary = serializer.serialize_struct("JsonSummary", 2)?;
        summary.serialize_field("breaking", &self.breaking)?;
        summary.serialize_field("non_breaking", &self.non_breaking)?;
        summary.end()
    }
}

struct JsonChange<'a>(&'a Change);

impl Serialize for JsonChange<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let change = self.0;
        let mut object = serializer.serialize_struct("JsonChange", 6)?;
        object.serialize_field("kind", change.kind.as_str())?;
        object.serialize_field("item", change.item.as_str())?;
        object.serialize_field("path", &change.path)?;
        object.serialize_field("breaking", &change.breaking)?;
        object.serialize_field("message", &change.message)?;
        object.serialize_field("reason", change.reason)?;
        object.end()
    }
}

fn json(diff: &Diff) -> String {
    let mut out = serde_json::to_string_pretty(&JsonDiff(diff))
        .expect("a diff is plain strings, numbers and booleans");
    out.push('\n');
    out
}
