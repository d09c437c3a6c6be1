//! A diff as text for a terminal, Markdown for a pull request or a changelog, or JSON for tools.

use std::fmt::Write as _;

use serde::ser::{Serialize, SerializeStruct as _, Serializer};

use super::{Change, Class, Diff, Verdict};

/// How [`Diff::render`] writes the changes.
///
/// Text and Markdown are led by one [`Class`] (source for [`Diff::render`], the one given to
/// [`Diff::render_led_by`]): the summary counts its breaking changes first, and the changes are
/// grouped by it, breaking first, each group in the diff's order. Every change shows both
/// verdicts, the lead's first, and the wire verdict says which way the value travels where that
/// decides it: `(sent)` by the bindings, `(received)` from the browser, `(both ways)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// For a terminal: a summary line, a line that states both questions, then one block per
    /// change (path, kind, sentence, and a line per class with its reason).
    #[default]
    Text,
    /// For a pull request or a changelog: a `### Protocol changes` heading (level 3, so that
    /// the text fits under a changelog's `## version` heading), a summary with the SemVer bump,
    /// what each class means, then a `####` section per group with one list item per change and
    /// a sub-item per class.
    Markdown,
    /// For tools; stable, pretty-printed, ending in a newline, the same whatever the lead:
    ///
    /// ```json
    /// {
    ///   "format_version": 1,
    ///   "summary": {
    ///     "breaking": 1,
    ///     "non_breaking": 0,
    ///     "changes": 1,
    ///     "wire_breaking": 0,
    ///     "source_breaking": 1,
    ///     "semver_bump": "major"
    ///   },
    ///   "changes": [
    ///     {
    ///       "kind": "required_field_added",
    ///       "item": "field",
    ///       "path": "BackgroundService.BackgroundServiceEvent.storageKey",
    ///       "breaking": true,
    ///       "message": "Required field `storageKey` was added to type `BackgroundService.BackgroundServiceEvent`.",
    ///       "reason": "`new` gains an argument for the required field",
    ///       "direction": "received",
    ///       "wire": {
    ///         "breaking": false,
    ///         "reason": "the old bindings' decoders skip the key they do not know"
    ///       },
    ///       "source": {
    ///         "breaking": true,
    ///         "reason": "`new` gains an argument for the required field"
    ///       }
    ///     }
    ///   ]
    /// }
    /// ```
    ///
    /// `changes` keeps the diff's order (not grouped). `kind` is a
    /// [`ChangeKind`](super::ChangeKind) name, `item` an [`Item`](super::Item) name,
    /// `direction` a [`Direction`](super::Direction) name or `null`, and `semver_bump` a
    /// [`Bump`](super::Bump) name. Each change has both classes, `wire` and `source`, each with
    /// `breaking` and `reason`. The top-level `breaking` and `reason` of a change, and
    /// `breaking` and `non_breaking` in the summary, are the source class's: they are the keys
    /// of this format from before it had two classes, and they keep their meaning (breaking
    /// for Rust code that uses the bindings). A new key may be added within `format_version` 1;
    /// a key is never removed or changed in meaning without raising it.
    Json,
}

pub(super) fn render(diff: &Diff, format: Format, lead: Class) -> String {
    match format {
        Format::Text => text(diff, lead),
        Format::Markdown => markdown(diff, lead),
        Format::Json => json(diff),
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// What a breaking change of `class` means, as a sentence.
fn meaning(class: Class) -> &'static str {
    match class {
        Class::Wire => {
            "bindings generated from the old protocol may fail to decode what a browser that \
             speaks the new one sends, or send what it rejects."
        }
        Class::Source => {
            "code written against the old bindings may not compile once they are regenerated \
             from the new protocol."
        }
    }
}

/// `Wire`, `wire (received)`: the name of a class in a change's block, with the direction
/// where the wire verdict depends on it.
fn label(change: &Change, class: Class, capital: bool) -> String {
    let name = match (class, capital) {
        (Class::Wire, false) => "wire",
        (Class::Wire, true) => "Wire",
        (Class::Source, false) => "source",
        (Class::Source, true) => "Source",
    };
    match change.direction {
        Some(direction) if class == Class::Wire => {
            let way = match direction {
                super::Direction::Sent => "sent",
                super::Direction::Received => "received",
                super::Direction::Both => "both ways",
            };
            format!("{name} ({way})")
        }
        _ => name.to_owned(),
    }
}

fn verdict_word(verdict: &Verdict) -> &'static str {
    if verdict.breaking {
        "breaking"
    } else {
        "compatible"
    }
}

/// The changes grouped by `lead`: breaking, then not, each with its title.
fn groups(diff: &Diff, lead: Class) -> [(bool, Vec<&Change>); 2] {
    [
        (true, diff.breaking(lead).collect()),
        (false, diff.non_breaking(lead).collect()),
    ]
}

fn text(diff: &Diff, lead: Class) -> String {
    if diff.is_empty() {
        return "No changes.\n".to_owned();
    }
    let total = diff.changes.len();
    let other = lead.other();
    let mut out = format!(
        "{total} change{}: {} {lead}-breaking, {} {other}-breaking; semver bump: {}.\n",
        plural(total),
        diff.breaking(lead).count(),
        diff.breaking(other).count(),
        diff.semver_bump(),
    );
    for class in [lead, other] {
        let _ = writeln!(out, "{class}-breaking: {}", meaning(class));
    }
    for (breaking, changes) in groups(diff, lead) {
        if changes.is_empty() {
            continue;
        }
        let not = if breaking { "" } else { "NOT " };
        let name = lead.as_str().to_uppercase();
        let _ = writeln!(out, "\n{not}{name}-BREAKING ({})", changes.len());
        for change in changes {
            let _ = writeln!(out, "  {}  [{}]", change.path, change.kind);
            let _ = writeln!(out, "    {}", change.message);
            for class in [lead, other] {
                let verdict = change.verdict(class);
                let _ = writeln!(
                    out,
                    "    {}: {}: {}",
                    label(change, class, false),
                    verdict_word(verdict),
                    verdict.reason
                );
            }
        }
    }
    out
}

fn markdown(diff: &Diff, lead: Class) -> String {
    let mut out = String::from("### Protocol changes\n\n");
    if diff.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    let total = diff.changes.len();
    let other = lead.other();
    let _ = writeln!(
        out,
        "{total} change{}: **{} {lead}-breaking**, **{} {other}-breaking**; semver bump: \
         **{}**.\n",
        plural(total),
        diff.breaking(lead).count(),
        diff.breaking(other).count(),
        diff.semver_bump(),
    );
    for class in [lead, other] {
        let _ = writeln!(
            out,
            "- *{}-breaking*: {}",
            capitalized(class),
            meaning(class)
        );
    }
    for (breaking, changes) in groups(diff, lead) {
        if changes.is_empty() {
            continue;
        }
        let title = if breaking {
            format!("{}-breaking", capitalized(lead))
        } else {
            format!("Not {lead}-breaking")
        };
        let _ = writeln!(out, "\n#### {title} ({})\n", changes.len());
        for change in changes {
            let _ = writeln!(
                out,
                "- `{}` (`{}`): {}",
                change.path,
                change.kind,
                inline(&change.message)
            );
            for class in [lead, other] {
                let verdict = change.verdict(class);
                let word = if verdict.breaking {
                    "**breaking**"
                } else {
                    "compatible"
                };
                let _ = writeln!(
                    out,
                    "  - {}: {word}: {}.",
                    label(change, class, true),
                    inline(verdict.reason)
                );
            }
        }
    }
    out
}

fn capitalized(class: Class) -> &'static str {
    match class {
        Class::Wire => "Wire",
        Class::Source => "Source",
    }
}

/// Text that stays on its list item's line.
fn inline(text: &str) -> String {
    text.replace('\n', " ")
}

// The JSON document is written through serde's traits by hand, as serde's derive would: its
// keys stay in this order (a `serde_json::Value` would sort them), and no proc macro is built.

struct JsonDiff<'a>(&'a Diff);

impl Serialize for JsonDiff<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let diff = self.0;
        let mut document = serializer.serialize_struct("JsonDiff", 3)?;
        document.serialize_field("format_version", &1u32)?;
        document.serialize_field("summary", &JsonSummary(diff))?;
        let changes: Vec<_> = diff.changes.iter().map(JsonChange).collect();
        document.serialize_field("changes", &changes)?;
        document.end()
    }
}

struct JsonSummary<'a>(&'a Diff);

impl Serialize for JsonSummary<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let diff = self.0;
        let source = diff.breaking(Class::Source).count();
        let mut summary = serializer.serialize_struct("JsonSummary", 6)?;
        // The keys from before there were two classes: the source class.
        summary.serialize_field("breaking", &source)?;
        summary.serialize_field("non_breaking", &(diff.changes.len() - source))?;
        summary.serialize_field("changes", &diff.changes.len())?;
        summary.serialize_field("wire_breaking", &diff.breaking(Class::Wire).count())?;
        summary.serialize_field("source_breaking", &source)?;
        summary.serialize_field("semver_bump", diff.semver_bump().as_str())?;
        summary.end()
    }
}

struct JsonChange<'a>(&'a Change);

impl Serialize for JsonChange<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let change = self.0;
        let mut object = serializer.serialize_struct("JsonChange", 9)?;
        object.serialize_field("kind", change.kind.as_str())?;
        object.serialize_field("item", change.item.as_str())?;
        object.serialize_field("path", &change.path)?;
        // The keys from before there were two classes: the source class.
        object.serialize_field("breaking", &change.source.breaking)?;
        object.serialize_field("message", &change.message)?;
        object.serialize_field("reason", change.source.reason)?;
        object.serialize_field("direction", &change.direction.map(|d| d.as_str()))?;
        object.serialize_field("wire", &JsonVerdict(&change.wire))?;
        object.serialize_field("source", &JsonVerdict(&change.source))?;
        object.end()
    }
}

struct JsonVerdict<'a>(&'a Verdict);

impl Serialize for JsonVerdict<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut object = serializer.serialize_struct("JsonVerdict", 2)?;
        object.serialize_field("breaking", &self.0.breaking)?;
        object.serialize_field("reason", self.0.reason)?;
        object.end()
    }
}

fn json(diff: &Diff) -> String {
    let mut out = serde_json::to_string_pretty(&JsonDiff(diff))
        .expect("a diff is plain strings, numbers and booleans");
    out.push('\n');
    out
}
