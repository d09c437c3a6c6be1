//! The JSON reader that protocol messages decode through.
//!
//! [`decode_message`](crate::decode_message) and the generated types read protocol messages
//! with this reader rather than through serde: a struct decodes with a non-generic function of
//! its own ([`Decode::decode`]) that hands each field to the one loop all structs share, so a
//! program that decodes every event compiles that loop once, not a copy of it per struct and per
//! deserializer. It reads `&str` text only, borrows strings without escapes, and checks the whole
//! JSON grammar as it goes: what it accepts is what serde_json accepts.
//!
//! Everything here is safe code, and nothing here recurses on its own: the depth of what it
//! reads is bounded by [`MAX_NESTING_DEPTH`](crate::MAX_NESTING_DEPTH) for values decoded into
//! types, and values it skips or keeps raw are walked with a stack on the heap.

use std::borrow::Cow;
use std::fmt;

use crate::error::DecodeErrorKind;

/// A position in a JSON text, and the reading of it.
pub struct Reader<'de> {
    text: &'de str,
    at: usize,
    depth: usize,
}

/// Why a text could not be read: the kind, the reason (in serde_json's words where it has
/// them), and the byte offset in the text where reading stopped.
pub struct ReadError(Box<Fault>);

pub struct Fault {
    pub(crate) kind: DecodeErrorKind,
    pub(crate) reason: String,
    pub(crate) at: usize,
}

impl ReadError {
    pub(crate) fn into_fault(self) -> Fault {
        *self.0
    }

    /// Why reading failed.
    pub fn reason(&self) -> &str {
        &self.0.reason
    }

    /// The byte offset where reading stopped.
    pub fn offset(&self) -> usize {
        self.0.at
    }
}

impl fmt::Debug for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.0.reason, self.0.at)
    }
}

/// What reading returns.
pub type Read<T> = Result<T, ReadError>;

/// A value that the reader decodes: every generated type, and the types their fields hold.
///
/// `object!`, `string_enum!` and `newtype!` implement it for generated types.
pub trait Decode: Sized {
    /// Reads one value.
    fn decode(reader: &mut Reader<'_>) -> Read<Self>;

    /// A value that stands in for a required field until its key is read: a struct decodes
    /// into a value made of these, so that each field needs no slot of its own. Cheap, and never
    /// seen by users: a required field whose key does not come is an error.
    fn placeholder() -> Self;
}

impl<'de> Reader<'de> {
    /// A reader at the start of `text`.
    pub fn new(text: &'de str) -> Self {
        Reader {
            text,
            at: 0,
            depth: 0,
        }
    }

    /// The text being read.
    pub fn text(&self) -> &'de str {
        self.text
    }

    /// The byte offset reached.
    pub fn offset(&self) -> usize {
        self.at
    }

    /// The next byte that is not whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        let bytes = self.text.as_bytes();
        while let Some(&byte) = bytes.get(self.at) {
            match byte {
                b' ' | b'\n' | b'\t' | b'\r' => self.at += 1,
                _ => return Some(byte),
            }
        }
        None
    }

    #[cold]
    #[inline(never)]
    fn fault(&self, kind: DecodeErrorKind, reason: String, at: usize) -> ReadError {
        ReadError(Box::new(Fault { kind, reason, at }))
    }

    #[cold]
    fn syntax(&self, reason: &str) -> ReadError {
        self.fault(DecodeErrorKind::Syntax, reason.to_owned(), self.at)
    }

    #[cold]
    fn eof(&self, what: &str) -> ReadError {
        self.fault(
            DecodeErrorKind::Truncated,
            format!("EOF while parsing {what}"),
            self.at,
        )
    }

    /// A data error at the offset reached: the value has the wrong shape.
    #[cold]
    pub fn data_error(&self, reason: String) -> ReadError {
        self.fault(DecodeErrorKind::Data, reason, self.at)
    }

    /// The error for a value of another type than `expected` (serde's words: `invalid type:
    /// integer `5`, expected a string`), or the syntax error the value holds.
    #[cold]
    #[inline(never)]
    pub fn invalid_type(&mut self, expected: &str) -> ReadError {
        let unexpected = match self.peek() {
            None => return self.eof("a value"),
            Some(b'"') => match self.string_body() {
                Ok(text) => format!("string {text:?}"),
                Err(err) => return err,
            },
            Some(b'-' | b'0'..=b'9') => match self.number() {
                Ok(Number::Int(value)) => format!("integer `{value}`"),
                Ok(Number::Uint(value)) => format!("integer `{value}`"),
                Ok(Number::Float(value)) => format!("floating point `{}`", FloatText(value)),
                Err(err) => return err,
            },
            Some(b't') => match self.literal(b"true") {
                Ok(()) => "boolean `true`".to_owned(),
                Err(err) => return err,
            },
            Some(b'f') => match self.literal(b"false") {
                Ok(()) => "boolean `false`".to_owned(),
                Err(err) => return err,
            },
            Some(b'n') => match self.literal(b"null") {
                Ok(()) => "null".to_owned(),
                Err(err) => return err,
            },
            Some(b'{') => {
                self.at += 1;
                "map".to_owned()
            }
            Some(b'[') => {
                self.at += 1;
                "sequence".to_owned()
            }
            Some(_) => return self.syntax("expected value"),
        };
        self.data_error(format!("invalid type: {unexpected}, expected {expected}"))
    }

    /// Checks that only whitespace follows.
    pub fn end(&mut self) -> Read<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.syntax("trailing characters")),
        }
    }

    fn literal(&mut self, word: &[u8]) -> Read<()> {
        let bytes = self.text.as_bytes();
        for &expected in word {
            match bytes.get(self.at) {
                Some(&byte) if byte == expected => self.at += 1,
                Some(_) => {
                    self.at += 1;
                    return Err(self.syntax("expected ident"));
                }
                None => return Err(self.eof("a value")),
            }
        }
        Ok(())
    }

    /// Reads `null` when it comes next, and says whether it did.
    #[inline]
    pub fn null(&mut self) -> Read<bool> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            Ok(true)
        } else {
            Ok(false)
        }
    }

    /// Reads a boolean.
    pub fn bool(&mut self) -> Read<bool> {
        match self.peek() {
            Some(b't') => self.literal(b"true").map(|()| true),
            Some(b'f') => self.literal(b"false").map(|()| false),
            _ => Err(self.invalid_type("a boolean")),
        }
    }

    /// Reads a string, borrowed from the text unless it holds escapes.
    #[inline]
    pub fn str(&mut self) -> Read<Cow<'de, str>> {
        match self.peek() {
            Some(b'"') => self.string_body(),
            _ => Err(self.invalid_type("a string")),
        }
    }

    /// The string that starts at the opening quote under the reader.
    fn string_body(&mut self) -> Read<Cow<'de, str>> {
        let start = self.at + 1;
        let bytes = self.text.as_bytes();
        let end = skip_plain(bytes, start);
        match bytes.get(end) {
            Some(b'"') => {
                self.at = end + 1;
                Ok(Cow::Borrowed(&self.text[start..end]))
            }
            Some(b'\\') => {
                let mut out = String::with_capacity(end - start + 16);
                out.push_str(&self.text[start..end]);
                self.at = end;
                self.unescape(&mut out)?;
                Ok(Cow::Owned(out))
            }
            Some(_) => {
                self.at = end + 1;
                Err(self.syntax("control character (\\u0000-\\u001F) found while parsing a string"))
            }
            None => {
                self.at = end;
                Err(self.eof("a string"))
            }
        }
    }

    /// Reads the rest of a string from the backslash under the reader into `out`, up to and
    /// past its closing quote.
    fn unescape(&mut self, out: &mut String) -> Read<()> {
        let bytes = self.text.as_bytes();
        loop {
            match bytes.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.at += 1;
                    let Some(&escape) = bytes.get(self.at) else {
                        return Err(self.eof("a string"));
                    };
                    self.at += 1;
                    let decoded = match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.syntax("invalid escape")),
                    };
                    out.push(decoded);
                }
                Some(_) => {
                    let end = skip_plain(bytes, self.at);
                    out.push_str(&self.text[self.at..end]);
                    self.at = end;
                    match bytes.get(end) {
                        Some(b'"' | b'\\') => {}
                        Some(_) => {
                            self.at += 1;
                            return Err(self.syntax(
                                "control character (\\u0000-\\u001F) found while parsing a string",
                            ));
                        }
                        None => return Err(self.eof("a string")),
                    }
                }
                None => return Err(self.eof("a string")),
            }
        }
    }

    fn hex4(&mut self) -> Read<u16> {
        let bytes = self.text.as_bytes();
        let mut value = 0u16;
        for _ in 0..4 {
            let Some(&byte) = bytes.get(self.at) else {
                return Err(self.eof("a string"));
            };
            self.at += 1;
            let digit = match byte {
                b'0'..=b'9' => byte - b'0',
                b'a'..=b'f' => byte - b'a' + 10,
                b'A'..=b'F' => byte - b'A' + 10,
                _ => return Err(self.syntax("invalid escape")),
            };
            value = value * 16 + u16::from(digit);
        }
        Ok(value)
    }

    /// The character of a `\u` escape whose `u` was just read, with the low half of a
    /// surrogate pair when the first is a high half.
    fn unicode_escape(&mut self) -> Read<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                let bytes = self.text.as_bytes();
                if bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                    if self.at + 2 > bytes.len() {
                        self.at = bytes.len();
                        return Err(self.eof("a string"));
                    }
                    return Err(self.syntax("lone leading surrogate in hex escape"));
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.syntax("lone leading surrogate in hex escape"));
                }
                0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(second) - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.syntax("lone leading surrogate in hex escape")),
            _ => u32::from(first),
        };
        char::from_u32(code).ok_or_else(|| self.syntax("invalid unicode code point"))
    }

    /// Reads a number, checking JSON's grammar for it.
    fn number(&mut self) -> Read<Number> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut at = start;
        let negative = bytes.get(at) == Some(&b'-');
        if negative {
            at += 1;
        }
        match bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => {
                at += 1;
                while let Some(b'0'..=b'9') = bytes.get(at) {
                    at += 1;
                }
            }
            Some(_) => {
                self.at = at + 1;
                return Err(self.syntax("invalid number"));
            }
            None => {
                self.at = at;
                return Err(self.eof("a value"));
            }
        }
        let mut integer = true;
        if bytes.get(at) == Some(&b'.') {
            integer = false;
            at = self.digits(at + 1)?;
        }
        if let Some(b'e' | b'E') = bytes.get(at) {
            integer = false;
            at += 1;
            if let Some(b'+' | b'-') = bytes.get(at) {
                at += 1;
            }
            at = self.digits(at)?;
        }
        self.at = at;
        let token = &self.text[start..at];
        if integer {
            if negative {
                // serde_json reads `-0` as the float -0.0.
                match token.parse::<i64>() {
                    Ok(0) => return Ok(Number::Float(-0.0)),
                    Ok(value) => return Ok(Number::Int(value)),
                    Err(_) => {}
                }
            } else if let Ok(value) = token.parse::<u64>() {
                return Ok(Number::Uint(value));
            }
        }
        // Integers beyond 64 bits are read as floating point, as serde_json does.
        match token.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(Number::Float(value)),
            _ => Err(self.fault(
                DecodeErrorKind::Syntax,
                "number out of range".to_owned(),
                start,
            )),
        }
    }

    /// The end of the one or more digits from `at`, which a fraction and an exponent need.
    fn digits(&mut self, start: usize) -> Read<usize> {
        let bytes = self.text.as_bytes();
        let mut at = start;
        while let Some(b'0'..=b'9') = bytes.get(at) {
            at += 1;
        }
        if at == start {
            self.at = at;
            return Err(match bytes.get(at) {
                Some(_) => self.syntax("invalid number"),
                None => self.eof("a value"),
            });
        }
        Ok(at)
    }

    /// Reads a number, for a value of type `expected`: anything else is an invalid type.
    fn number_for(&mut self, expected: &str) -> Read<Number> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.invalid_type(expected)),
        }
    }

    /// The error for a number that does not fit the integer type `expected`.
    #[cold]
    fn out_of_type(&self, number: Number, expected: &str) -> ReadError {
        self.data_error(match number {
            Number::Int(value) => format!("invalid value: integer `{value}`, expected {expected}"),
            Number::Uint(value) => format!("invalid value: integer `{value}`, expected {expected}"),
            Number::Float(value) => format!(
                "invalid type: floating point `{}`, expected {expected}",
                FloatText(value)
            ),
        })
    }

    /// Reads an integer that fits an `i64`.
    pub fn i64(&mut self) -> Read<i64> {
        match self.number_for("i64")? {
            Number::Int(value) => Ok(value),
            Number::Uint(value) if value <= i64::MAX as u64 => Ok(value as i64),
            other => Err(self.out_of_type(other, "i64")),
        }
    }

    /// Reads an integer that fits a `u64`.
    pub fn u64(&mut self) -> Read<u64> {
        match self.number_for("u64")? {
            Number::Uint(value) => Ok(value),
            other => Err(self.out_of_type(other, "u64")),
        }
    }

    /// Reads a number as an `f64`.
    pub fn f64(&mut self) -> Read<f64> {
        Ok(match self.number_for("f64")? {
            Number::Int(value) => value as f64,
            Number::Uint(value) => value as f64,
            Number::Float(value) => value,
        })
    }

    /// Enters a container, checking the depth.
    fn enter(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth > crate::MAX_NESTING_DEPTH {
            return Err(self.fault(
                DecodeErrorKind::TooDeep,
                format!(
                    "arrays and objects nest deeper than the limit of {}",
                    crate::MAX_NESTING_DEPTH
                ),
                self.at,
            ));
        }
        Ok(())
    }

    /// Reads `open`, the first byte of an object or an array, and enters it; `expected` says what
    /// the value should be, for the error when it is something else.
    #[inline]
    fn begin(&mut self, open: u8, expected: &str) -> Read<()> {
        match self.peek() {
            Some(byte) if byte == open => {
                self.at += 1;
                self.enter()
            }
            _ => Err(self.invalid_type(expected)),
        }
    }

    /// Reads the `{` of an object; `expected` says what it is, for the error when it is not one.
    #[inline]
    pub fn begin_object(&mut self, expected: &str) -> Read<()> {
        self.begin(b'{', expected)
    }

    /// The next key of the object being read and its `:`, or `None` past the object's `}`.
    /// `first` is true until the first call for the object has returned.
    #[inline]
    pub fn next_key(&mut self, first: &mut bool) -> Read<Option<Cow<'de, str>>> {
        match self.peek() {
            Some(b'}') => {
                self.at += 1;
                self.depth -= 1;
                return Ok(None);
            }
            Some(b',') if !*first => {
                self.at += 1;
                match self.peek() {
                    Some(b'"') => {}
                    Some(b'}') => return Err(self.syntax("trailing comma")),
                    Some(_) => return Err(self.syntax("key must be a string")),
                    None => return Err(self.eof("an object")),
                }
            }
            Some(b'"') if *first => {}
            Some(_) if *first => return Err(self.syntax("key must be a string")),
            Some(_) => return Err(self.syntax("expected `,` or `}`")),
            None => return Err(self.eof("an object")),
        }
        *first = false;
        let key = self.string_body()?;
        self.colon()?;
        Ok(Some(key))
    }

    /// Reads the `[` of an array; `expected` says what it is, for the error when it is not one.
    #[inline]
    pub fn begin_array(&mut self, expected: &str) -> Read<()> {
        self.begin(b'[', expected)
    }

    /// Whether another element of the array being read follows (its `,` read), or `false` past
    /// the array's `]`. `first` is true until the first call for the array has returned.
    #[inline]
    pub fn next_element(&mut self, first: &mut bool) -> Read<bool> {
        match self.peek() {
            Some(b']') => {
                self.at += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !*first => {
                self.at += 1;
                if self.peek() == Some(b']') {
                    return Err(self.syntax("trailing comma"));
                }
                Ok(true)
            }
            Some(_) if *first => {
                *first = false;
                Ok(true)
            }
            Some(_) => Err(self.syntax("expected `,` or `]`")),
            None => Err(self.eof("a list")),
        }
    }

    /// Skips one value of any shape, checking its grammar. Nested values are walked with a
    /// stack on the heap, so any depth costs no call stack.
    pub fn skip(&mut self) -> Read<()> {
        // The closing byte of each container open.
        let mut open: Vec<u8> = Vec::new();
        loop {
            // A value.
            match self.peek() {
                Some(b'{') => {
                    self.at += 1;
                    match self.peek() {
                        Some(b'}') => self.at += 1,
                        Some(b'"') => {
                            self.string_body()?;
                            self.colon()?;
                            open.push(b'}');
                            continue;
                        }
                        Some(_) => return Err(self.syntax("key must be a string")),
                        None => return Err(self.eof("an object")),
                    }
                }
                Some(b'[') => {
                    self.at += 1;
                    match self.peek() {
                        Some(b']') => self.at += 1,
                        Some(_) => {
                            open.push(b']');
                            continue;
                        }
                        None => return Err(self.eof("a list")),
                    }
                }
                Some(b'"') => {
                    self.skip_string()?;
                }
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                }
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                Some(_) => {
                    self.at += 1;
                    return Err(self.syntax("expected value"));
                }
                None => return Err(self.eof("a value")),
            }
            // What follows a value: the end of containers, or a `,` and the next value.
            loop {
                let Some(&close) = open.last() else {
                    return Ok(());
                };
                match self.peek() {
                    Some(b',') => {
                        self.at += 1;
                        if close == b'}' {
                            match self.peek() {
                                Some(b'"') => {
                                    self.skip_string()?;
                                    self.colon()?;
                                }
                                Some(b'}') => return Err(self.syntax("trailing comma")),
                                Some(_) => return Err(self.syntax("key must be a string")),
                                None => return Err(self.eof("an object")),
                            }
                        } else if self.peek() == Some(b']') {
                            return Err(self.syntax("trailing comma"));
                        }
                        break;
                    }
                    Some(byte) if byte == close => {
                        self.at += 1;
                        open.pop();
                    }
                    Some(_) if close == b'}' => return Err(self.syntax("expected `,` or `}`")),
                    Some(_) => return Err(self.syntax("expected `,` or `]`")),
                    None if close == b'}' => return Err(self.eof("an object")),
                    None => return Err(self.eof("a list")),
                }
            }
        }
    }

    fn colon(&mut self) -> Read<()> {
        match self.peek() {
            Some(b':') => {
                self.at += 1;
                Ok(())
            }
            Some(_) => Err(self.syntax("expected `:`")),
            None => Err(self.eof("an object")),
        }
    }

    /// Skips the string under the reader, checking its escapes.
    fn skip_string(&mut self) -> Read<()> {
        let bytes = self.text.as_bytes();
        let end = skip_plain(bytes, self.at + 1);
        if bytes.get(end) == Some(&b'"') {
            self.at = end + 1;
            return Ok(());
        }
        self.string_body().map(drop)
    }

    /// Skips one value and returns its text.
    pub fn raw(&mut self) -> Read<&'de str> {
        self.peek();
        let start = self.at;
        self.skip()?;
        Ok(&self.text[start..self.at])
    }
}

/// The index of the first byte from `at` that ends the plain part of a string: a quote, a
/// backslash or a control character (or the text's length). Eight bytes at a time.
#[inline]
fn skip_plain(bytes: &[u8], mut at: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        // A byte is flagged when it is below 0x20, or equal to `"` or `\`.
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let flags = (word.wrapping_sub(ONES * 0x20)
            | quote.wrapping_sub(ONES)
            | backslash.wrapping_sub(ONES))
            & !word
            & HIGH;
        if flags != 0 {
            return at + (flags.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte < 0x20 || byte == b'"' || byte == b'\\' {
            return at;
        }
        at += 1;
    }
    at
}

enum Number {
    Int(i64),
    Uint(u64),
    Float(f64),
}

/// A float as serde prints it in an error: with a decimal point.
struct FloatText(f64);

impl fmt::Display for FloatText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.fract() == 0.0 && self.0.abs() < 1e16 {
            write!(f, "{:.1}", self.0)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

impl Decode for bool {
    fn decode(reader: &mut Reader<'_>) -> Read<Self> {
        reader.bool()
    }
    fn placeholder() -> Self {
        false
    }
}

impl Decode for i64 {
    fn decode(reader: &mut Reader<'_>) -> Read<Self> {
        reader.i64()
    }
    fn placeholder() -> Self {
        0
    }
}

impl Decode for u64 {
    fn decode(reader: &mut Reader<'_>) -> Read<Self> {
        reader.u64()
    }
    fn placeholder() -> Self {
        0
    }
}

impl Decode for f64 {
    fn decode(reader: &mut Reader<'_>) -> Read<Self> {
        reader.f64()
    }
    fn placeholder() -> Self {
        0.0
    }
}

impl Decode for String {
    fn decode(reader: &mut Reader<'_>) -> Read<Self> {
        reader.str().map(Cow::into_owned)
    }
    fn placeholder() -> Self {
        String::new()
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn decode(reader: &mut Reader<'_>) -> Read<Self> {
        reader.begin_array("a sequence")?;
        let mut items = Vec::new();
        let mut first = true;
        while reader.next_element(&mut first)? {
            items.push(T::decode(reader)?);
        }
        Ok(items)
    }
    fn placeholder() -> Self {
        Vec::new()
    }
}

impl<T: Decode> Decode for Box<T> {
    fn decode(reader: &mut Reader<'_>) -> Read<Self> {
        T::decode(reader).map(Box::new)
    }
    fn placeholder() -> Self {
        Box::new(T::placeholder())
    }
}

impl Decode for serde_json::Value {
    fn decode(reader: &mut Reader<'_>) -> Read<Self> {
        reader.json_value()
    }
    fn placeholder() -> Self {
        serde_json::Value::Null
    }
}

impl Decode for serde_json::Map<String, serde_json::Value> {
    fn decode(reader: &mut Reader<'_>) -> Read<Self> {
        if reader.peek() != Some(b'{') {
            return Err(reader.invalid_type("a map"));
        }
        match reader.json_value()? {
            serde_json::Value::Object(map) => Ok(map),
            _ => unreachable_value(reader),
        }
    }
    fn placeholder() -> Self {
        serde_json::Map::new()
    }
}

#[cold]
fn unreachable_value<T>(reader: &Reader<'_>) -> Read<T> {
    Err(reader.data_error("invalid type: expected a map".to_owned()))
}

impl Reader<'_> {
    /// Reads any JSON value as serde_json's `Value`, counting its depth with the rest.
    fn json_value(&mut self) -> Read<serde_json::Value> {
        use serde_json::Value;
        Ok(match self.peek() {
            Some(b'{') => {
                self.begin(b'{', "a map")?;
                let mut map = serde_json::Map::new();
                let mut first = true;
                while let Some(key) = self.next_key(&mut first)? {
                    let value = self.json_value()?;
                    map.insert(key.into_owned(), value);
                }
                Value::Object(map)
            }
            Some(b'[') => {
                self.begin(b'[', "a sequence")?;
                let mut items = Vec::new();
                let mut first = true;
                while self.next_element(&mut first)? {
                    items.push(self.json_value()?);
                }
                Value::Array(items)
            }
            Some(b'"') => Value::String(self.string_body()?.into_owned()),
            Some(b'-' | b'0'..=b'9') => match self.number()? {
                Number::Int(value) => Value::from(value),
                Number::Uint(value) => Value::from(value),
                Number::Float(value) => Value::from(value),
            },
            Some(b't') => self.literal(b"true").map(|()| Value::Bool(true))?,
            Some(b'f') => self.literal(b"false").map(|()| Value::Bool(false))?,
            Some(b'n') => self.literal(b"null").map(|()| Value::Null)?,
            Some(_) => {
                self.at += 1;
                return Err(self.syntax("expected value"));
            }
            None => return Err(self.eof("a value")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read<T: Decode>(text: &str) -> Result<T, (String, usize)> {
        let mut reader = Reader::new(text);
        T::decode(&mut reader)
            .and_then(|value| reader.end().map(|()| value))
            .map_err(|err| (err.reason().to_owned(), err.offset()))
    }

    #[test]
    fn strings_borrow_unless_escaped() {
        let mut reader = Reader::new(r#" "plain" "#);
        assert!(matches!(reader.str(), Ok(Cow::Borrowed("plain"))));
        assert_eq!(
            read::<String>(r#""a\"b\\c\/\b\f\n\r\t\u00e9\ud83d\ude00 long enough to chunk""#),
            Ok("a\"b\\c/\u{8}\u{c}\n\r\té😀 long enough to chunk".to_owned())
        );
        assert_eq!(
            read::<String>("\"a\u{1}b\"").unwrap_err().0,
            "control character (\\u0000-\\u001F) found while parsing a string"
        );
        assert_eq!(
            read::<String>(r#""\ud800x""#).unwrap_err().0,
            "lone leading surrogate in hex escape"
        );
        assert_eq!(read::<String>(r#""\q""#).unwrap_err().0, "invalid escape");
        assert_eq!(
            read::<String>(r#""abc"#).unwrap_err(),
            ("EOF while parsing a string".to_owned(), 4)
        );
        // Each byte position of the eight-byte scan finds a quote, a backslash and a control.
        for at in 0..17 {
            let mut text = "x".repeat(at);
            text.push_str("\\n\"");
            assert_eq!(
                read::<String>(&format!("\"{text}")).map(|s| s.len()),
                Ok(at + 1)
            );
            let plain = format!("\"{}\"", "y".repeat(at));
            assert_eq!(read::<String>(&plain).map(|s| s.len()), Ok(at));
            let control = format!("\"{}\u{1f}\"", "y".repeat(at));
            assert!(read::<String>(&control).is_err(), "{control:?}");
        }
    }

    #[test]
    fn numbers_follow_json_and_serde_json() {
        assert_eq!(read::<i64>("-12"), Ok(-12));
        assert_eq!(read::<i64>("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(
            read::<i64>("9223372036854775808").unwrap_err().0,
            "invalid value: integer `9223372036854775808`, expected i64"
        );
        assert_eq!(
            read::<i64>("1.5").unwrap_err().0,
            "invalid type: floating point `1.5`, expected i64"
        );
        assert_eq!(read::<f64>("1"), Ok(1.0));
        assert_eq!(
            read::<i64>("-0").unwrap_err().0,
            "invalid type: floating point `-0.0`, expected i64",
            "as serde_json reads it"
        );
        assert_eq!(read::<f64>("-0.5e-3"), Ok(-0.0005));
        assert_eq!(
            read::<f64>("9.688587974097215e-131"),
            Ok(9.688587974097215e-131)
        );
        assert_eq!(read::<f64>("1e400").unwrap_err().0, "number out of range");
        for bad in ["01", "1.", "-", "1e", ".5", "+1", "1.e3"] {
            assert!(read::<f64>(bad).is_err(), "{bad}");
        }
        assert_eq!(
            read::<String>("5").unwrap_err().0,
            "invalid type: integer `5`, expected a string"
        );
    }

    #[test]
    fn skipping_checks_the_grammar_at_any_depth() {
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        let mut reader = Reader::new(&deep);
        assert_eq!(reader.raw().map(str::len).ok(), Some(deep.len()));
        for (text, reason) in [
            ("[1,]", "trailing comma"),
            ("{\"a\":1,}", "trailing comma"),
            ("{\"a\" 1}", "expected `:`"),
            ("{1:1}", "key must be a string"),
            ("[1 2]", "expected `,` or `]`"),
            ("[tru]", "expected ident"),
            ("[1", "EOF while parsing a list"),
            ("{\"a\":[{\"b\":", "EOF while parsing a value"),
        ] {
            let mut reader = Reader::new(text);
            assert_eq!(
                reader.skip().map_err(|err| err.reason().to_owned()),
                Err(reason.to_owned()),
                "{text}"
            );
        }
    }

    #[test]
    fn values_and_maps_read_as_serde_json_does() {
        assert_eq!(
            read::<serde_json::Value>(r#" {"a":[1,-2,3.5,"x",null,true]} "#),
            Ok(serde_json::json!({"a": [1, -2, 3.5, "x", null, true]}))
        );
        for text in [
            r#"{"a":{"b":[1e300,-0,0,-5,18446744073709551615,"\u00e9"]},"a":2}"#,
            "-0",
        ] {
            assert_eq!(
                read::<serde_json::Value>(text).map_err(|err| err.0),
                Ok(serde_json::from_str::<serde_json::Value>(text).unwrap()),
                "{text}"
            );
        }
        assert!(read::<serde_json::Map<String, serde_json::Value>>("[1]").is_err());
        assert_eq!(read::<Vec<bool>>("[true, false]"), Ok(vec![true, false]));
        assert_eq!(
            read::<Vec<bool>>("{}").unwrap_err().0,
            "invalid type: map, expected a sequence"
        );
    }

    #[test]
    fn depth_is_bounded_for_decoded_values() {
        let ok = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(read::<Vec<serde_json::Value>>(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
        let err = read::<Vec<serde_json::Value>>(&deep).unwrap_err();
        assert_eq!(err.1, 128, "{err:?}");
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        type Deep = Vec<Vec<Vec<Vec<bool>>>>;
        assert!(read::<Deep>(&nested(4)).is_ok());
        let mut reader = Reader::new("[[[[]]]]");
        reader.depth = crate::MAX_NESTING_DEPTH - 3;
        let err = Deep::decode(&mut reader).unwrap_err();
        assert!(err.reason().contains("nest deeper"), "{err:?}");
    }
}
