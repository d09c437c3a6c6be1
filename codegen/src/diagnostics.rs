//! Problems found in a schema, each with the place it was found.

use std::fmt;

/// One problem in a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where: `file:line:column` for syntax, a schema path such as
    /// `BackgroundService.BackgroundServiceEvent.timestamp` for meaning.
    pub place: String,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl Diagnostic {
    /// A problem at `place`.
    pub fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            place: place.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.place, self.message)
        }
    }
}

/// Every problem found, not only the first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds a problem.
    pub fn push(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.0.push(Diagnostic::new(place, message));
    }

    /// Whether no problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when no problem was found.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.0.len();
        writeln!(
            f,
            "{count} problem{} in the protocol schema:",
            if count == 1 { "" } else { "s" }
        )?;
        for diagnostic in &self.0 {
            writeln!(f, "  {diagnostic}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// The known name closest to `wanted`, when one is close enough to be a likely typo: a few
/// letters apart (a third of its length at most), or else the only known name it abbreviates
/// (`int` for `integer`).
pub fn closest<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    closest_in(wanted, &mut known.into_iter())
}

/// [`closest`], compiled once rather than for every kind of list its callers pass.
fn closest_in<'a>(wanted: &str, known: &mut dyn Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wanted.len() / 3).max(1);
    let mut nearest: Option<(usize, &str)> = None;
    let mut abbreviated: Vec<&str> = Vec::new();
    let lowercase = wanted.to_lowercase();
    for name in known {
        let distance = edit_distance(wanted, name);
        if distance <= limit && nearest.is_none_or(|best| (distance, name) < best) {
            nearest = Some((distance, name));
        }
        if wanted.len() >= 3
            && name.len() > wanted.len()
            && name.to_lowercase().starts_with(&lowercase)
        {
            abbreviated.push(name);
        }
    }
    match (nearest, abbreviated.as_slice()) {
        (Some((_, name)), _) => Some(name),
        (None, [only]) => Some(only),
        (None, _) => None,
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_a_typo_and_ignores_strangers() {
        let known = ["Network.TimeSinceEpoch", "Network.Headers"];
        assert_eq!(
            closest("Network.TimeSinceEpok", known),
            Some("Network.TimeSinceEpoch")
        );
        assert_eq!(closest("Page.FrameId", known), None);
    }

    #[test]
    fn closest_finds_the_one_name_an_abbreviation_stands_for() {
        let kinds = ["string", "integer", "number", "boolean"];
        assert_eq!(closest("int", kinds), Some("integer"));
        assert_eq!(closest("bool", kinds), Some("boolean"));
        assert_eq!(closest("Strin", kinds), Some("string"));
        // Too short, or standing for several names: no guess.
        assert_eq!(closest("in", kinds), None);
        assert_eq!(
            closest("Network.Req", ["Network.Request", "Network.RequestId"]),
            None
        );
    }
}
