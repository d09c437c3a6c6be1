//! The error for a message that cannot be decoded.

use std::fmt;

use crate::json_path::path_at;
use crate::message::ProtocolError;

/// What kind of problem a [`DecodeError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The text is not valid JSON.
    Syntax,
    /// The text ends in the middle of a value.
    Truncated,
    /// The JSON is well formed, but a value does not have the shape the protocol defines
    /// (a missing field, a wrong type).
    Data,
    /// The JSON is not a protocol message: neither a response nor an event.
    Envelope,
    /// The message is larger than [`MAX_MESSAGE_LEN`](crate::MAX_MESSAGE_LEN).
    TooLarge,
    /// A value to decode nests arrays and objects deeper than
    /// [`MAX_NESTING_DEPTH`](crate::MAX_NESTING_DEPTH).
    TooDeep,
    /// The browser answered the request with an error; see [`DecodeError::protocol_error`].
    Protocol,
}

/// A message that could not be decoded.
///
/// It names the protocol method (when the message has one), the path of the field at fault
/// (`params.backgroundServiceEvent.eventMetadata[0].key`), the reason, and keeps the raw
/// message, so nothing is dropped silently.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError(Box<Inner>);

// Boxed so that `Result<Message<E>, DecodeError>` stays the size of a message: errors are rare.
#[derive(Debug, Clone, PartialEq)]
struct Inner {
    kind: DecodeErrorKind,
    method: Option<String>,
    path: String,
    reason: String,
    raw: String,
    protocol: Option<ProtocolError>,
}

impl DecodeError {
    pub(crate) fn new(
        kind: DecodeErrorKind,
        method: Option<String>,
        path: String,
        reason: String,
        raw: &str,
    ) -> Self {
        DecodeError(Box::new(Inner {
            kind,
            method,
            path,
            reason,
            raw: raw.to_owned(),
            protocol: None,
        }))
    }

    /// Builds the error from `serde_json`'s, finding the field path from the error's position
    /// in `text`. `prefix` is the path of `text` inside the message (`params`, `result`).
    pub(crate) fn from_json(
        err: serde_json::Error,
        text: &str,
        method: Option<String>,
        prefix: &str,
    ) -> Self {
        let mut kind = match err.classify() {
            serde_json::error::Category::Syntax => DecodeErrorKind::Syntax,
            serde_json::error::Category::Eof => DecodeErrorKind::Truncated,
            _ => DecodeErrorKind::Data,
        };
        let full = err.to_string();
        let position = format!(" at line {} column {}", err.line(), err.column());
        let mut reason = full.strip_suffix(&position).unwrap_or(&full).to_owned();
        // serde_json files its depth limit under syntax and names it only in its message.
        if reason == "recursion limit exceeded" {
            kind = DecodeErrorKind::TooDeep;
            reason = format!(
                "arrays and objects nest deeper than the limit of {}",
                crate::MAX_NESTING_DEPTH
            );
        }
        let mut path = String::from(prefix);
        if err.line() > 0 {
            let inner = path_at(text, offset_of(text, err.line(), err.column()));
            join(&mut path, &inner);
        }
        if let Some(field) = missing_field(&reason) {
            join(&mut path, field);
        }
        DecodeError::new(kind, method, path, reason, text)
    }

    /// Builds the error from the protocol reader's, finding the field path from where reading
    /// stopped in `text`. `prefix` is the path of `text` inside the message (`params`,
    /// `result`).
    pub(crate) fn from_fault(
        fault: crate::read::Fault,
        text: &str,
        method: Option<String>,
        prefix: &str,
    ) -> Self {
        let mut path = String::from(prefix);
        join(&mut path, &path_at(text, fault.at));
        if let Some(field) = missing_field(&fault.reason) {
            join(&mut path, field);
        }
        DecodeError::new(fault.kind, method, path, fault.reason, text)
    }

    /// The error for one message that arrived as bytes that are not UTF-8 text: of kind
    /// [`Syntax`](DecodeErrorKind::Syntax) (JSON text is UTF-8), keeping the message with each
    /// invalid sequence replaced by U+FFFD, and naming its method when that is readable.
    /// For transports, which receive bytes.
    pub fn not_utf8(bytes: &[u8]) -> Self {
        let text = String::from_utf8_lossy(bytes);
        DecodeError::new(
            DecodeErrorKind::Syntax,
            crate::Envelope::probe(&text).method,
            String::new(),
            format!(
                "the message is not UTF-8 ({} bytes; shown with U+FFFD for each invalid sequence)",
                bytes.len()
            ),
            &text,
        )
    }

    pub(crate) fn protocol(method: &str, error: ProtocolError) -> Self {
        DecodeError(Box::new(Inner {
            kind: DecodeErrorKind::Protocol,
            method: Some(method.to_owned()),
            path: String::new(),
            reason: error.to_string(),
            raw: String::new(),
            protocol: Some(error),
        }))
    }

    pub(crate) fn too_large(text: &str, limit: usize) -> Self {
        DecodeError::new(
            DecodeErrorKind::TooLarge,
            None,
            String::new(),
            format!(
                "the message is {} bytes, more than the limit of {limit}",
                text.len()
            ),
            // Keeping a message this large twice would double the damage; keep its start.
            &text[..text.floor_char_boundary_compat(1024)],
        )
    }

    pub(crate) fn with_raw(mut self, raw: &str) -> Self {
        raw.clone_into(&mut self.0.raw);
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> DecodeErrorKind {
        self.0.kind
    }

    /// The protocol method of the message, when it has one.
    pub fn method(&self) -> Option<&str> {
        self.0.method.as_deref()
    }

    /// The path of the field at fault, e.g. `params.service`; empty for the message as a whole.
    pub fn path(&self) -> &str {
        &self.0.path
    }

    /// Why the value could not be decoded.
    pub fn reason(&self) -> &str {
        &self.0.reason
    }

    /// The message as it arrived (only its start for a [`DecodeErrorKind::TooLarge`] message).
    pub fn raw(&self) -> &str {
        &self.0.raw
    }

    /// The browser's error, for a [`DecodeErrorKind::Protocol`] error.
    pub fn protocol_error(&self) -> Option<&ProtocolError> {
        self.0.protocol.as_ref()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.method {
            Some(method) => write!(f, "cannot decode `{method}`")?,
            None => f.write_str("cannot decode message")?,
        }
        if !self.0.path.is_empty() {
            write!(f, " at `{}`", self.0.path)?;
        }
        write!(f, ": {}", self.0.reason)
    }
}

impl std::error::Error for DecodeError {}

/// The byte offset of serde_json's one-based line and column (a column counts bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(index, _)| index + 1)
    };
    (line_start + column).min(text.len())
}

fn missing_field(reason: &str) -> Option<&str> {
    reason.strip_prefix("missing field `")?.strip_suffix('`')
}

fn join(path: &mut String, segment: &str) {
    if segment.is_empty() {
        return;
    }
    if !path.is_empty() && !segment.starts_with('[') {
        path.push('.');
    }
    path.push_str(segment);
}

trait FloorCharBoundary {
    fn floor_char_boundary_compat(&self, index: usize) -> usize;
}

impl FloorCharBoundary for str {
    fn floor_char_boundary_compat(&self, index: usize) -> usize {
        let mut index = index.min(self.len());
        while !self.is_char_boundary(index) {
            index -= 1;
        }
        index
    }
}
