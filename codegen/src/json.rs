//! A JSON reader for schema and patch files, into a tree of [`Value`]s.
//!
//! Build scripts compile this crate for the machine they run on. Reading JSON here rather than
//! through serde_json keeps serde out of that build: cargo compiles the build script's
//! dependencies separately from the crate's own (they are built for the host, with another
//! profile), so a serde-based reader meant compiling serde and serde_json twice before the
//! bindings, and compiling the generator only after them. This reader holds only what the
//! schema needs: a tree, the place of every key (for a key given twice), and syntax errors in
//! serde_json's words and at its positions (`line:column`, columns counted in bytes).

use std::fmt;

/// The deepest nesting of arrays and objects read, as serde_json's limit.
const DEPTH_LIMIT: usize = 128;

/// A JSON value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    /// A number, as written.
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Object),
}

/// A number as the text wrote it; only its kind and its value matter to the messages.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Number(String);

impl Number {
    /// Whether serde_json would read it as a float rather than an integer.
    pub(crate) fn is_float(&self) -> bool {
        self.0.contains(['.', 'e', 'E'])
            || (self.0.parse::<u64>().is_err() && self.0.parse::<i64>().is_err())
    }
}

impl fmt::Display for Number {
    /// As serde writes a number in its messages: a float always with a decimal point.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.is_float() {
            return f.write_str(&self.0);
        }
        let value: f64 = self.0.parse().unwrap_or(f64::NAN);
        let text = value.to_string();
        if value.is_finite() && !text.contains(['.', 'e']) {
            write!(f, "{text}.0")
        } else {
            f.write_str(&text)
        }
    }
}

/// An object's keys and values in file order, a key given twice kept twice.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Object {
    pub(crate) entries: Vec<Entry>,
}

/// One key of an object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub(crate) key: String,
    /// The byte offset just past the key's closing quote ([`position`] makes it a place).
    pub(crate) end_of_key: usize,
    pub(crate) value: Value,
}

impl Object {
    /// The value of `key` (the last one, when it is given twice).
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .rev()
            .find(|entry| entry.key == key)
            .map(|entry| &entry.value)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|entry| entry.key == key)
    }

    /// The keys, sorted, each once.
    #[cfg(feature = "patch")]
    pub(crate) fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self
            .entries
            .iter()
            .map(|entry| entry.key.as_str())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        keys
    }
}

impl Value {
    /// The value of `key` when this is an object.
    #[cfg(feature = "patch")]
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(object) => object.get(key),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    #[cfg(feature = "patch")]
    pub(crate) fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// A place in the text: line from 1, column in bytes from 1 (0 at the end of a text that ends
/// with a newline, as serde_json says it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// Text that is not JSON: what is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) reason: &'static str,
    pub(crate) at: Position,
}

/// Reads one JSON value, with nothing but whitespace after it.
pub(crate) fn parse(text: &str) -> Result<Value, SyntaxError> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        index: 0,
        depth: 0,
    };
    let value = reader.value()?;
    match reader.whitespace_then_peek() {
        None => Ok(value),
        Some(_) => Err(reader.peek_error("trailing characters")),
    }
}

/// The place of the byte before `end` (the end of what was read), as serde_json gives it.
pub(crate) fn position(text: &str, end: usize) -> Position {
    let before = &text.as_bytes()[..end.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&byte| byte == b'\n')
        .map_or(0, |newline| newline + 1);
    Position {
        line: before.iter().filter(|&&byte| byte == b'\n').count() + 1,
        column: before.len() - line_start,
    }
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    index: usize,
    depth: usize,
}

impl Reader<'_> {
    /// Only for an error: it reads the text from its start.
    fn position_of(&self, end: usize) -> Position {
        position(self.text, end)
    }

    /// An error placed at the last byte read.
    fn error(&self, reason: &'static str) -> SyntaxError {
        SyntaxError {
            reason,
            at: self.position_of(self.index),
        }
    }

    /// An error placed at the next byte.
    fn peek_error(&self, reason: &'static str) -> SyntaxError {
        SyntaxError {
            reason,
            at: self.position_of((self.index + 1).min(self.bytes.len())),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.index).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.index += 1;
        Some(byte)
    }

    fn whitespace_then_peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.index += 1;
        }
        self.peek()
    }

    fn value(&mut self) -> Result<Value, SyntaxError> {
        match self.whitespace_then_peek() {
            None => Err(self.peek_error("EOF while parsing a value")),
            Some(b'n') => self.word("null", Value::Null),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'"') => {
                self.index += 1;
                self.string().map(Value::String)
            }
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(b'[') => self.nested(Self::array),
            Some(b'{') => self.nested(Self::object),
            Some(_) => Err(self.peek_error("expected value")),
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        self.index += 1;
        for &expected in &word.as_bytes()[1..] {
            match self.next() {
                None => return Err(self.error("EOF while parsing a value")),
                Some(byte) if byte != expected => return Err(self.error("expected ident")),
                Some(_) => {}
            }
        }
        Ok(value)
    }

    /// An array or object: `read` starts at its opening bracket.
    fn nested(
        &mut self,
        read: fn(&mut Self) -> Result<Value, SyntaxError>,
    ) -> Result<Value, SyntaxError> {
        self.depth += 1;
        if self.depth >= DEPTH_LIMIT {
            return Err(self.peek_error("recursion limit exceeded"));
        }
        self.index += 1;
        let value = read(self)?;
        self.depth -= 1;
        Ok(value)
    }

    fn array(&mut self) -> Result<Value, SyntaxError> {
        let mut items = Vec::new();
        match self.whitespace_then_peek() {
            Some(b']') => {
                self.index += 1;
                return Ok(Value::Array(items));
            }
            None => return Err(self.peek_error("EOF while parsing a list")),
            Some(_) => {}
        }
        loop {
            items.push(self.value()?);
            match self.whitespace_then_peek() {
                Some(b']') => {
                    self.index += 1;
                    return Ok(Value::Array(items));
                }
                Some(b',') => {
                    self.index += 1;
                    match self.whitespace_then_peek() {
                        Some(b']') => return Err(self.peek_error("trailing comma")),
                        None => return Err(self.peek_error("EOF while parsing a value")),
                        Some(_) => {}
                    }
                }
                Some(_) => return Err(self.peek_error("expected `,` or `]`")),
                None => return Err(self.peek_error("EOF while parsing a list")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, SyntaxError> {
        let mut object = Object::default();
        let mut next = match self.whitespace_then_peek() {
            Some(b'}') => {
                self.index += 1;
                return Ok(Value::Object(object));
            }
            None => return Err(self.peek_error("EOF while parsing an object")),
            next => next,
        };
        loop {
            match next {
                Some(b'"') => self.index += 1,
                Some(b'}') => return Err(self.peek_error("trailing comma")),
                Some(_) => return Err(self.peek_error("key must be a string")),
                None => return Err(self.peek_error("EOF while parsing a value")),
            }
            let key = self.string()?;
            let end_of_key = self.index;
            match self.whitespace_then_peek() {
                Some(b':') => self.index += 1,
                Some(_) => return Err(self.peek_error("expected `:`")),
                None => return Err(self.peek_error("EOF while parsing an object")),
            }
            let value = self.value()?;
            object.entries.push(Entry {
                key,
                end_of_key,
                value,
            });
            match self.whitespace_then_peek() {
                Some(b'}') => {
                    self.index += 1;
                    return Ok(Value::Object(object));
                }
                Some(b',') => {
                    self.index += 1;
                    next = self.whitespace_then_peek();
                }
                Some(_) => return Err(self.peek_error("expected `,` or `}`")),
                None => return Err(self.peek_error("EOF while parsing an object")),
            }
        }
    }

    /// The rest of a string whose opening quote was read.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let mut text = Vec::new();
        loop {
            let start = self.index;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.index += 1;
            }
            text.extend_from_slice(&self.bytes[start..self.index]);
            match self.next() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => break,
                Some(b'\\') => self.escape(&mut text)?,
                Some(_) => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
            }
        }
        // The text is a `&str` and escapes write whole characters: the bytes are UTF-8.
        String::from_utf8(text).map_err(|_| self.error("invalid unicode code point"))
    }

    fn escape(&mut self, text: &mut Vec<u8>) -> Result<(), SyntaxError> {
        let byte = match self.next() {
            None => return Err(self.error("EOF while parsing a string")),
            Some(byte) => byte,
        };
        let unescaped = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let character = self.unicode_escape()?;
                let mut buffer = [0; 4];
                text.extend_from_slice(character.encode_utf8(&mut buffer).as_bytes());
                return Ok(());
            }
            _ => return Err(self.error("invalid escape")),
        };
        text.push(unescaped);
        Ok(())
    }

    /// The character of a `\u` escape whose `u` was read, with its low surrogate if it needs one.
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.next() != Some(b'\\') || self.next() != Some(b'u') {
                    return Err(self.error("unexpected end of hex escape"));
                }
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            code => code,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = match self.next() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(byte) => (byte as char)
                    .to_digit(16)
                    .ok_or_else(|| self.error("invalid escape"))?,
            };
            code = code * 16 + digit;
        }
        Ok(code)
    }

    fn number(&mut self) -> Result<Number, SyntaxError> {
        let start = self.index;
        if self.peek() == Some(b'-') {
            self.index += 1;
        }
        match self.next() {
            Some(b'0') => {
                if let Some(b'0'..=b'9') = self.peek() {
                    return Err(self.peek_error("invalid number"));
                }
            }
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.index += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.peek_error("invalid number"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.index += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.index += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.peek_error("invalid number"));
            }
            self.digits();
        }
        let text = String::from_utf8_lossy(&self.bytes[start..self.index]).into_owned();
        Ok(Number(text))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.index += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> (usize, usize, &'static str) {
        let err = parse(text).unwrap_err();
        (err.at.line, err.at.column, err.reason)
    }

    #[test]
    fn reads_every_kind_of_value() {
        let value =
            parse(r#" {"a": [null, true, false, -1.5e3, 7, "x\n\u00e9\ud83d\ude00"], "a": {}} "#)
                .unwrap();
        let Value::Object(object) = &value else {
            panic!("an object: {value:?}");
        };
        assert_eq!(object.entries.len(), 2);
        assert_eq!(object.keys(), ["a"]);
        assert_eq!(value.get("a"), Some(&Value::Object(Object::default())));
        let Value::Array(items) = &object.entries[0].value else {
            panic!("an array");
        };
        assert_eq!(items[0], Value::Null);
        assert_eq!(items[1], Value::Bool(true));
        assert_eq!(items[2], Value::Bool(false));
        let Value::Number(float) = &items[3] else {
            panic!("a number");
        };
        assert!(float.is_float());
        assert_eq!(float.to_string(), "-1500.0");
        let Value::Number(integer) = &items[4] else {
            panic!("a number");
        };
        assert!(!integer.is_float());
        assert_eq!(integer.to_string(), "7");
        assert_eq!(items[5], Value::String("x\n\u{e9}\u{1f600}".to_owned()));
        assert_eq!(object.entries[1].end_of_key, 67);
        assert_eq!(
            position("{\n  \"a\": 1}", 8),
            Position { line: 2, column: 6 }
        );
    }

    #[test]
    fn syntax_errors_say_what_and_where_as_serde_json_does() {
        assert_eq!(error("[1, 2,]"), (1, 7, "trailing comma"));
        assert_eq!(error("{\"a\": 1,}"), (1, 9, "trailing comma"));
        assert_eq!(error("[1,\n"), (2, 0, "EOF while parsing a value"));
        assert_eq!(error("[1\n"), (2, 0, "EOF while parsing a list"));
        assert_eq!(error("{\"a\": [\n"), (2, 0, "EOF while parsing a list"));
        assert_eq!(error("{\"a\" 1}"), (1, 6, "expected `:`"));
        assert_eq!(error("{\"a\": 1 \"b\": 2}"), (1, 9, "expected `,` or `}`"));
        assert_eq!(error("[1 2]"), (1, 4, "expected `,` or `]`"));
        assert_eq!(error("{1: 2}"), (1, 2, "key must be a string"));
        assert_eq!(error("nul"), (1, 3, "EOF while parsing a value"));
        assert_eq!(error("nulL"), (1, 4, "expected ident"));
        assert_eq!(error("x"), (1, 1, "expected value"));
        assert_eq!(error("{}\n}"), (2, 1, "trailing characters"));
        assert_eq!(error("\"a\\x\""), (1, 4, "invalid escape"));
        assert_eq!(
            error("\"a\tb\""),
            (
                1,
                3,
                "control character (\\u0000-\\u001F) found while parsing a string"
            )
        );
        assert_eq!(error("\"ab"), (1, 3, "EOF while parsing a string"));
        assert_eq!(error("01"), (1, 2, "invalid number"));
        assert_eq!(error("-"), (1, 1, "invalid number"));
        assert_eq!(
            error("\"\\ud800x\""),
            (1, 8, "unexpected end of hex escape")
        );
        let deep = "[".repeat(200);
        assert_eq!(error(&deep), (1, 128, "recursion limit exceeded"));
        assert!(parse(&format!("{}{}", "[".repeat(127), "]".repeat(127))).is_ok());
    }
}
