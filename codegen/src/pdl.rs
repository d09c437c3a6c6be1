//! Stage 1, from PDL: Chromium's protocol definition language, read into the same
//! [`Schema`] its JSON gives.
//!
//! PDL is line-oriented and indented by two spaces a level:
//!
//! ```text
//! version
//!   major 1
//!   minor 3
//!
//! include domains/Example.pdl
//!
//! # The comment block right above a domain, type, command, event or field is its description.
//! experimental domain Example
//!   depends on Runtime
//!   type Id extends string
//!   type Kind extends string
//!     enum
//!       first
//!       second-one
//!   deprecated type Thing extends object
//!     properties
//!       optional array of Id ids
//!       binary payload
//!       enum state
//!         on
//!         off
//!   command doIt
//!     redirect Other
//!     parameters
//!       Runtime.RemoteObject object
//!     returns
//!       Thing thing
//!   event done
//!     parameters
//!       integer count
//! ```
//!
//! The result equals what Chromium's JSON says, with one deliberate difference: a `binary` value
//! keeps the kind `"binary"` where the JSON flattens it to `"string"`. Its description gets the
//! same base64 note the JSON appends, so the two stay word for word alike. As in Chromium, a
//! description is trimmed as a whole, and a comment that a blank line separates from the next
//! line (a licence header, a note) is no description.
//!
//! Mistakes are reported as `file:line:column` with what was expected there, and reading goes
//! on at the next line of the same level, so one pass lists them all.

use std::iter::Peekable;
use std::path::PathBuf;
use std::vec::IntoIter;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::parse::{Command, Domain, Event, Property, Schema, Shape, TypeDef, Version};

/// The note Chromium's JSON appends to the description of a `binary` value.
const BINARY_NOTE: &str = " (Encoded as a base64 string when passed over JSON)";

/// The built-in types; any other type name is a reference to a named type.
const PRIMITIVES: [&str; 7] = [
    "integer", "number", "boolean", "string", "object", "any", "binary",
];

/// How deep `include`s may nest before the reader assumes a loop it cannot see by name.
const MAX_INCLUDE_DEPTH: usize = 32;

/// Maps the path of an `include` line to the included file's name (for diagnostics) and text,
/// or says why it cannot.
pub type Include<'a> = dyn FnMut(&str) -> Result<(String, String), String> + 'a;

/// Reads a schema from PDL text. `origin` names the text in diagnostics.
///
/// `include` maps the path of an `include` line to the included text and the name it goes by
/// in diagnostics. The path it gets is relative to the directory of the first file: an
/// `include b.pdl` inside `domains/a.pdl` asks for `domains/b.pdl`. [`file_includes`] is the
/// callback for files on disk.
pub fn parse_pdl(
    text: &str,
    origin: &str,
    include: &mut Include<'_>,
) -> Result<Schema, Diagnostics> {
    let mut reader = Reader {
        include,
        stack: Vec::new(),
        diagnostics: Diagnostics::default(),
        schema: Schema {
            version: None,
            domains: Vec::new(),
        },
    };
    reader.read(text, origin, "");
    let Reader {
        diagnostics,
        schema,
        ..
    } = reader;
    diagnostics.into_result(schema)
}

/// An `include` callback for [`parse_pdl`] that reads files relative to `dir` (the directory
/// of the file being read) and records each path it reads in `read`, so a build script can
/// ask to be rerun when any of them changes.
pub fn file_includes(
    dir: impl Into<PathBuf>,
    read: &mut Vec<PathBuf>,
) -> impl FnMut(&str) -> Result<(String, String), String> + '_ {
    let dir: PathBuf = dir.into();
    move |path| {
        let file = dir.join(path);
        read.push(file.clone());
        let text = std::fs::read_to_string(&file)
            .map_err(|err| format!("cannot read `{}`: {err}", file.display()))?;
        Ok((file.display().to_string(), text))
    }
}

/// What all files of one [`parse_pdl`] call share.
struct Reader<'c> {
    include: &'c mut Include<'c>,
    /// The include paths being read, outermost first, to catch include loops.
    stack: Vec<String>,
    diagnostics: Diagnostics,
    schema: Schema,
}

impl Reader<'_> {
    /// Reads one file into the schema. `dir` is the directory part of its include path.
    fn read(&mut self, text: &str, origin: &str, dir: &str) {
        let lines = lex(text, origin, &mut self.diagnostics);
        let mut file = File {
            origin,
            dir,
            lines: lines.into_iter().peekable(),
            reader: self,
        };
        file.top_level();
    }
}

/// One word of a line and where it starts.
#[derive(Debug, Clone, Copy)]
struct Word<'t> {
    text: &'t str,
    /// 1-based, in characters.
    column: usize,
}

/// A line that holds more than a comment.
#[derive(Debug)]
struct Line<'t> {
    /// 1-based.
    number: usize,
    /// Leading spaces.
    indent: usize,
    /// Never empty.
    words: Vec<Word<'t>>,
    /// The comment block right above, joined with `\n` as the JSON joins it.
    description: Option<String>,
}

impl Line<'_> {
    fn first(&self) -> &str {
        self.words.first().map_or("", |word| word.text)
    }

    /// The column just past the last word, where a missing word was expected.
    fn end_column(&self) -> usize {
        self.words.last().map_or(self.indent + 1, |word| {
            word.column + word.text.chars().count()
        })
    }
}

/// `; did you mean `x`?` when `found` looks like a typo of the keyword `x`, else nothing.
fn did_you_mean(found: &str, keywords: &[&str]) -> String {
    crate::diagnostics::closest(found, keywords.iter().copied())
        .filter(|&keyword| keyword != found)
        .map(|keyword| format!("; did you mean `{keyword}`?"))
        .unwrap_or_default()
}

/// Splits text into code lines, each carrying the comment block right above it.
fn lex<'t>(text: &'t str, origin: &str, diagnostics: &mut Diagnostics) -> Vec<Line<'t>> {
    let mut lines = Vec::new();
    let mut comment: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            // A blank line detaches a comment from what follows (licence headers, notes).
            comment = None;
            continue;
        }
        if let Some(body) = trimmed.strip_prefix('#') {
            let body = body.strip_prefix(' ').unwrap_or(body);
            match &mut comment {
                None => comment = Some(body.to_owned()),
                Some(block) => {
                    block.push('\n');
                    block.push_str(body);
                }
            }
            continue;
        }
        // Chromium's JSON trims each description as a whole, and leaves out an empty one.
        let description = comment
            .take()
            .map(|block| block.trim().to_owned())
            .filter(|block| !block.is_empty());
        let indent = raw.chars().take_while(|c| *c == ' ').count();
        if raw.chars().nth(indent).is_some_and(char::is_whitespace) {
            diagnostics.push(
                format!("{origin}:{number}:{}", indent + 1),
                "expected spaces for indentation, found a tab or another blank",
            );
            continue;
        }
        lines.push(Line {
            number,
            indent,
            words: words(raw),
            description,
        });
    }
    lines
}

fn words(line: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut start: Option<(usize, usize)> = None;
    let mut column = 0;
    for (byte, c) in line.char_indices() {
        column += 1;
        match (c.is_whitespace(), start) {
            (false, None) => start = Some((byte, column)),
            (true, Some((from, at))) => {
                words.push(Word {
                    text: &line[from..byte],
                    column: at,
                });
                start = None;
            }
            _ => {}
        }
    }
    if let Some((from, at)) = start {
        words.push(Word {
            text: &line[from..],
            column: at,
        });
    }
    words
}

/// The words of one line, read left to right.
struct Cursor<'l, 't> {
    origin: &'l str,
    line: &'l Line<'t>,
    next: usize,
}

/// The leading flags of a line.
#[derive(Debug, Default)]
struct Flags {
    experimental: bool,
    deprecated: bool,
    optional: bool,
}

impl<'l, 't> Cursor<'l, 't> {
    fn new(origin: &'l str, line: &'l Line<'t>) -> Self {
        Cursor {
            origin,
            line,
            next: 0,
        }
    }

    fn peek(&self) -> Option<&'t str> {
        self.line.words.get(self.next).map(|word| word.text)
    }

    fn error_here(&self, message: String) -> Diagnostic {
        let column = self
            .line
            .words
            .get(self.next)
            .map_or_else(|| self.line.end_column(), |word| word.column);
        Diagnostic::new(
            format!("{}:{}:{column}", self.origin, self.line.number),
            message,
        )
    }

    /// `experimental`, `deprecated` and, where `optional_allowed`, `optional`, in any order.
    fn flags(&mut self, optional_allowed: bool) -> Result<Flags, Diagnostic> {
        let mut flags = Flags::default();
        while let Some(word) = self.peek() {
            let flag = match word {
                "experimental" => &mut flags.experimental,
                "deprecated" => &mut flags.deprecated,
                "optional" if optional_allowed => &mut flags.optional,
                "optional" => {
                    return Err(self.error_here(
                        "`optional` applies only to a field, parameter or return value".into(),
                    ))
                }
                _ => break,
            };
            if *flag {
                return Err(self.error_here(format!("`{word}` is given twice")));
            }
            *flag = true;
            self.next += 1;
        }
        Ok(flags)
    }

    /// The next word, which must be `keyword`.
    fn keyword(&mut self, keyword: &str, after: &str) -> Result<(), Diagnostic> {
        match self.peek() {
            Some(word) if word == keyword => {
                self.next += 1;
                Ok(())
            }
            Some(word) => Err(self.error_here(format!(
                "expected `{keyword}` after {after}, found `{word}`"
            ))),
            None => Err(self.error_here(format!("expected `{keyword}` after {after}"))),
        }
    }

    /// The next word, which must be there; `what` names it for the message.
    fn word(&mut self, what: &str, after: &str) -> Result<&'t str, Diagnostic> {
        match self.peek() {
            Some(word) => {
                self.next += 1;
                Ok(word)
            }
            None => Err(self.error_here(format!("expected {what} after {after}"))),
        }
    }

    /// Whether the next word is `keyword`, consuming it if so.
    fn accept(&mut self, keyword: &str) -> bool {
        let found = self.peek() == Some(keyword);
        if found {
            self.next += 1;
        }
        found
    }

    fn end(&self, after: &str) -> Result<(), Diagnostic> {
        match self.peek() {
            None => Ok(()),
            Some(word) => Err(self.error_here(format!(
                "expected the end of the line after {after}, found `{word}`"
            ))),
        }
    }
}

/// One file being read.
struct File<'f, 't, 'c> {
    origin: &'f str,
    /// The directory part of this file's include path, ending in `/` unless empty.
    dir: &'f str,
    lines: Peekable<IntoIter<Line<'t>>>,
    reader: &'f mut Reader<'c>,
}

/// The levels of indentation.
const TOP: usize = 0;
const DOMAIN: usize = 2;
const ITEM: usize = 4;
const MEMBER: usize = 6;
const MEMBER_ENUM: usize = 8;

impl<'t> File<'_, 't, '_> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.reader.diagnostics.0.push(diagnostic);
    }

    fn place(&self, line: &Line<'_>, column: usize) -> String {
        format!("{}:{}:{column}", self.origin, line.number)
    }

    /// The next line of the block indented by `indent`, or `None` where the block ends. A line
    /// indented deeper is reported with `expected` (what the block holds) and skipped, with
    /// whatever hangs below it.
    fn child(&mut self, indent: usize, expected: &str) -> Option<Line<'t>> {
        loop {
            let found = self.lines.peek()?.indent;
            if found < indent {
                return None;
            }
            let line = self.lines.next()?;
            if found == indent {
                return Some(line);
            }
            let message = format!(
                "expected {expected} indented by {indent} spaces (or less, to end the block), \
                 found `{}` indented by {found}",
                line.first()
            );
            self.report(Diagnostic::new(self.place(&line, found + 1), message));
            self.skip_below(found);
        }
    }

    /// Skips the lines indented deeper than `indent`: the body of a line that was rejected.
    fn skip_below(&mut self, indent: usize) {
        while self.lines.next_if(|line| line.indent > indent).is_some() {}
    }

    /// Reports a rejected line and skips its body.
    fn reject(&mut self, line: &Line<'_>, diagnostic: Diagnostic) {
        self.report(diagnostic);
        self.skip_below(line.indent);
    }

    fn top_level(&mut self) {
        let expected = "`version`, `include` or a `domain`";
        while let Some(line) = self.child(TOP, expected) {
            let result = match line.first() {
                "version" => self.version(&line),
                "include" => self.include(&line),
                _ => self.domain(&line, expected),
            };
            if let Err(diagnostic) = result {
                self.reject(&line, diagnostic);
            }
        }
    }

    fn version(&mut self, line: &Line<'_>) -> Result<(), Diagnostic> {
        let origin = self.origin;
        let mut cursor = Cursor::new(origin, line);
        cursor.keyword("version", "the start of the line")?;
        cursor.end("`version`")?;
        let (mut major, mut minor) = (None, None);
        let mut broken = false;
        let expected = "`major` or `minor`";
        while let Some(part) = self.child(DOMAIN, expected) {
            let mut cursor = Cursor::new(origin, &part);
            let result = match part.first() {
                "major" => version_number(&mut cursor, &mut major),
                "minor" => version_number(&mut cursor, &mut minor),
                other => Err(cursor.error_here(format!(
                    "expected {expected}, found `{other}`{}",
                    did_you_mean(other, &["major", "minor"])
                ))),
            };
            if let Err(diagnostic) = result {
                broken = true;
                self.reject(&part, diagnostic);
            }
        }
        let (Some(major), Some(minor)) = (major, minor) else {
            if broken {
                return Ok(()); // Already reported, and more would only repeat it.
            }
            return Err(Diagnostic::new(
                self.place(line, 1),
                "expected `major` and `minor` below `version`",
            ));
        };
        let version = Version { major, minor };
        match &self.reader.schema.version {
            None => self.reader.schema.version = Some(version),
            Some(known) if *known == version => {}
            Some(known) => {
                return Err(Diagnostic::new(
                    self.place(line, 1),
                    format!(
                        "version {}.{} contradicts version {}.{} read before",
                        version.major, version.minor, known.major, known.minor
                    ),
                ))
            }
        }
        Ok(())
    }

    fn include(&mut self, line: &Line<'_>) -> Result<(), Diagnostic> {
        let mut cursor = Cursor::new(self.origin, line);
        cursor.keyword("include", "the start of the line")?;
        let path = cursor.word("a file path", "`include`")?;
        cursor.end("the included path")?;
        let place = self.place(line, line.words.get(1).map_or(1, |word| word.column));
        let full = if path.starts_with('/') {
            path.to_owned()
        } else {
            format!("{}{path}", self.dir)
        };
        if self.reader.stack.contains(&full) || self.reader.stack.len() >= MAX_INCLUDE_DEPTH {
            let mut chain = self.reader.stack.clone();
            chain.push(full);
            return Err(Diagnostic::new(
                place,
                format!("the includes loop: {}", chain.join(" -> ")),
            ));
        }
        let (origin, text) = (self.reader.include)(&full).map_err(|reason| {
            Diagnostic::new(place, format!("cannot include `{path}`: {reason}"))
        })?;
        let dir = match full.rfind('/') {
            Some(slash) => full[..=slash].to_owned(),
            None => String::new(),
        };
        self.reader.stack.push(full);
        self.reader.read(&text, &origin, &dir);
        self.reader.stack.pop();
        Ok(())
    }

    /// `[experimental] [deprecated] domain Name` and its body.
    fn domain(&mut self, line: &Line<'_>, expected_here: &str) -> Result<(), Diagnostic> {
        let mut cursor = Cursor::new(self.origin, line);
        let flags = cursor.flags(false)?;
        if cursor.peek() != Some("domain") {
            let found = cursor.peek().unwrap_or_default();
            let known = ["version", "include", "domain", "experimental", "deprecated"];
            return Err(cursor.error_here(format!(
                "expected {expected_here}, found `{found}`{}",
                did_you_mean(found, &known)
            )));
        }
        cursor.keyword("domain", "the flags")?;
        let name = cursor.word("the domain's name", "`domain`")?;
        cursor.end("the domain's name")?;
        let mut domain = Domain {
            domain: name.to_owned(),
            description: line.description.clone(),
            experimental: flags.experimental,
            deprecated: flags.deprecated,
            dependencies: Vec::new(),
            types: Vec::new(),
            commands: Vec::new(),
            events: Vec::new(),
        };
        let expected = "`depends on`, `type`, `command` or `event`";
        while let Some(item) = self.child(DOMAIN, expected) {
            if let Err(diagnostic) = self.domain_item(&item, &mut domain, expected) {
                self.reject(&item, diagnostic);
            }
        }
        self.reader.schema.domains.push(domain);
        Ok(())
    }

    fn domain_item(
        &mut self,
        line: &Line<'_>,
        domain: &mut Domain,
        expected: &str,
    ) -> Result<(), Diagnostic> {
        let mut cursor = Cursor::new(self.origin, line);
        if cursor.accept("depends") {
            cursor.keyword("on", "`depends`")?;
            let other = cursor.word("a domain name", "`depends on`")?;
            cursor.end("the domain name")?;
            domain.dependencies.push(other.to_owned());
            return Ok(());
        }
        let flags = cursor.flags(false)?;
        match cursor.peek() {
            Some("type") => {
                let ty = self.type_def(line, cursor, flags)?;
                domain.types.push(ty);
            }
            Some("command") => {
                let command = self.command(line, cursor, flags)?;
                domain.commands.push(command);
            }
            Some("event") => {
                let event = self.event(line, cursor, flags)?;
                domain.events.push(event);
            }
            other => {
                let found = other.unwrap_or_default();
                let known = [
                    "depends",
                    "type",
                    "command",
                    "event",
                    "experimental",
                    "deprecated",
                ];
                return Err(cursor.error_here(format!(
                    "expected {expected}, found `{found}`{}",
                    did_you_mean(found, &known)
                )));
            }
        }
        Ok(())
    }

    /// `type Name extends [array of] Kind`, then `properties` or `enum` below.
    fn type_def(
        &mut self,
        line: &Line<'_>,
        mut cursor: Cursor<'_, '_>,
        flags: Flags,
    ) -> Result<TypeDef, Diagnostic> {
        cursor.keyword("type", "the flags")?;
        let id = cursor.word("the type's name", "`type`")?;
        cursor.keyword("extends", "the type's name")?;
        let array = cursor.accept("array");
        if array {
            cursor.keyword("of", "`array`")?;
        }
        let base_column = cursor
            .line
            .words
            .get(cursor.next)
            .map_or(0, |word| word.column);
        let base = cursor.word("the type it extends", "`extends`")?;
        cursor.end("the type it extends")?;
        if base == "enum" || base == "array" {
            return Err(Diagnostic::new(
                self.place(line, base_column),
                format!(
                    "expected a type after `extends`, found `{base}`; an enum extends `string` \
                     and lists its values in an `enum` block, an array is `array of <type>`"
                ),
            ));
        }
        let mut description = line.description.clone();
        let shape = shape(base, array, &mut description);
        let mut ty = TypeDef {
            id: id.to_owned(),
            description,
            experimental: flags.experimental,
            deprecated: flags.deprecated,
            shape,
        };
        let kind = ty.shape.kind.clone();
        while let Some(part) = self.child(ITEM, "`properties` or `enum`") {
            let result = match (part.first(), kind.as_deref()) {
                ("properties", Some("object")) if ty.shape.properties.is_none() => {
                    self.block_header(&part, "properties").map(|()| {
                        ty.shape.properties = Some(self.members());
                    })
                }
                ("enum", Some("string")) if ty.shape.values.is_none() => {
                    self.block_header(&part, "enum").map(|()| {
                        // Chromium accepts these values one level deeper too, and uses it
                        // (`Input.MouseButton`): the first value decides for the block.
                        let deeper = self.lines.peek().map(|line| line.indent);
                        let indent = if deeper == Some(MEMBER_ENUM) {
                            MEMBER_ENUM
                        } else {
                            MEMBER
                        };
                        ty.shape.values = Some(self.enum_values(indent));
                    })
                }
                ("properties" | "enum", _) => Err(Diagnostic::new(
                    self.place(&part, part.indent + 1),
                    format!(
                        "unexpected `{}`: `properties` belong to a type that extends `object`, \
                         `enum` to one that extends `string`, once each",
                        part.first()
                    ),
                )),
                (other, _) => Err(Diagnostic::new(
                    self.place(&part, part.indent + 1),
                    format!(
                        "expected `properties` or `enum`, found `{other}`{}",
                        did_you_mean(other, &["properties", "enum"])
                    ),
                )),
            };
            if let Err(diagnostic) = result {
                self.reject(&part, diagnostic);
            }
        }
        Ok(ty)
    }

    /// `command name`, then `redirect`, `parameters` and `returns` below.
    fn command(
        &mut self,
        line: &Line<'_>,
        mut cursor: Cursor<'_, '_>,
        flags: Flags,
    ) -> Result<Command, Diagnostic> {
        cursor.keyword("command", "the flags")?;
        let name = cursor.word("the command's name", "`command`")?;
        cursor.end("the command's name")?;
        let mut command = Command {
            name: name.to_owned(),
            description: line.description.clone(),
            experimental: flags.experimental,
            deprecated: flags.deprecated,
            redirect: None,
            parameters: Vec::new(),
            returns: Vec::new(),
        };
        let (mut parameters, mut returns) = (false, false);
        let expected = "`parameters`, `returns` or `redirect`";
        while let Some(part) = self.child(ITEM, expected) {
            let result = match part.first() {
                "parameters" if !parameters => self.block_header(&part, "parameters").map(|()| {
                    parameters = true;
                    command.parameters = self.members();
                }),
                "returns" if !returns => self.block_header(&part, "returns").map(|()| {
                    returns = true;
                    command.returns = self.members();
                }),
                "redirect" if command.redirect.is_none() => self
                    .redirect(&part)
                    .map(|target| command.redirect = Some(target)),
                "parameters" | "returns" | "redirect" => Err(Diagnostic::new(
                    self.place(&part, part.indent + 1),
                    format!("`{}` is given twice for this command", part.first()),
                )),
                other => Err(Diagnostic::new(
                    self.place(&part, part.indent + 1),
                    format!(
                        "expected {expected}, found `{other}`{}",
                        did_you_mean(other, &["parameters", "returns", "redirect"])
                    ),
                )),
            };
            if let Err(diagnostic) = result {
                self.reject(&part, diagnostic);
            }
        }
        Ok(command)
    }

    /// `redirect Domain`: the domain that really implements a command.
    fn redirect(&self, line: &Line<'_>) -> Result<String, Diagnostic> {
        let mut cursor = Cursor::new(self.origin, line);
        cursor.keyword("redirect", "the start of the line")?;
        let target = cursor.word("a domain name", "`redirect`")?;
        cursor.end("the domain name")?;
        Ok(target.to_owned())
    }

    /// `event name`, then `parameters` below.
    fn event(
        &mut self,
        line: &Line<'_>,
        mut cursor: Cursor<'_, '_>,
        flags: Flags,
    ) -> Result<Event, Diagnostic> {
        cursor.keyword("event", "the flags")?;
        let name = cursor.word("the event's name", "`event`")?;
        cursor.end("the event's name")?;
        let mut event = Event {
            name: name.to_owned(),
            description: line.description.clone(),
            experimental: flags.experimental,
            deprecated: flags.deprecated,
            parameters: Vec::new(),
        };
        let mut parameters = false;
        while let Some(part) = self.child(ITEM, "`parameters`") {
            let result = match part.first() {
                "parameters" if !parameters => self.block_header(&part, "parameters").map(|()| {
                    parameters = true;
                    event.parameters = self.members();
                }),
                "parameters" => Err(Diagnostic::new(
                    self.place(&part, part.indent + 1),
                    "`parameters` is given twice for this event",
                )),
                other => Err(Diagnostic::new(
                    self.place(&part, part.indent + 1),
                    format!(
                        "expected `parameters` (an event has no other block), found `{other}`{}",
                        did_you_mean(other, &["parameters"])
                    ),
                )),
            };
            if let Err(diagnostic) = result {
                self.reject(&part, diagnostic);
            }
        }
        Ok(event)
    }

    /// A line that is only `keyword`, opening a block.
    fn block_header(&self, line: &Line<'_>, keyword: &str) -> Result<(), Diagnostic> {
        let mut cursor = Cursor::new(self.origin, line);
        cursor.keyword(keyword, "the start of the line")?;
        cursor.end(&format!("`{keyword}`"))
    }

    /// The fields of a `properties`, `parameters` or `returns` block.
    fn members(&mut self) -> Vec<Property> {
        let mut members = Vec::new();
        while let Some(line) = self.child(MEMBER, "a field (`[optional] <type> <name>`)") {
            match self.member(&line) {
                Ok(member) => members.push(member),
                Err(diagnostic) => self.reject(&line, diagnostic),
            }
        }
        members
    }

    /// `[experimental] [deprecated] [optional] [array of] <type> <name>`; an `enum` field lists
    /// its values below.
    fn member(&mut self, line: &Line<'_>) -> Result<Property, Diagnostic> {
        let mut cursor = Cursor::new(self.origin, line);
        let flags = cursor.flags(true)?;
        let array = cursor.accept("array");
        if array {
            cursor.keyword("of", "`array`")?;
        }
        let ty = cursor.word("a type", "the flags")?;
        if ty == "array" || (array && ty == "enum") {
            cursor.next -= 1;
            return Err(cursor.error_here(format!(
                "expected a type, found `{ty}`; an array is `array of <type>` and its items \
                 cannot be an inline enum (declare a named enum type)"
            )));
        }
        let name = cursor.word("the field's name", &format!("the type `{ty}`"))?;
        cursor.end("the field's name")?;
        let mut description = line.description.clone();
        let shape = if ty == "enum" {
            Shape {
                kind: Some("string".to_owned()),
                values: Some(self.enum_values(MEMBER_ENUM)),
                ..Shape::default()
            }
        } else {
            shape(ty, array, &mut description)
        };
        Ok(Property {
            name: name.to_owned(),
            description,
            optional: flags.optional,
            experimental: flags.experimental,
            deprecated: flags.deprecated,
            shape,
        })
    }

    /// The values of an enum, one a line.
    fn enum_values(&mut self, indent: usize) -> Vec<String> {
        let mut values = Vec::new();
        while let Some(line) = self.child(indent, "an enum value") {
            let mut cursor = Cursor::new(self.origin, &line);
            cursor.next = 1;
            match cursor.end("the enum value") {
                Ok(()) => values.push(line.first().to_owned()),
                Err(diagnostic) => self.reject(&line, diagnostic),
            }
        }
        values
    }
}

fn version_number(
    cursor: &mut Cursor<'_, '_>,
    slot: &mut Option<String>,
) -> Result<(), Diagnostic> {
    let part = cursor.word("`major` or `minor`", "the start of the line")?;
    if slot.is_some() {
        cursor.next -= 1;
        return Err(cursor.error_here(format!("`{part}` is given twice")));
    }
    let number = cursor.word("a number", &format!("`{part}`"))?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        cursor.next -= 1;
        return Err(cursor.error_here(format!(
            "expected a number after `{part}`, found `{number}`"
        )));
    }
    cursor.end("the number")?;
    *slot = Some(number.to_owned());
    Ok(())
}

/// The shape of `[array of] ty`. A `binary` value's description gets the note the JSON adds.
fn shape(ty: &str, array: bool, description: &mut Option<String>) -> Shape {
    if array {
        return Shape {
            kind: Some("array".to_owned()),
            items: Some(Box::new(shape(ty, false, &mut None))),
            ..Shape::default()
        };
    }
    if ty == "binary" {
        if let Some(description) = description {
            description.push_str(BINARY_NOTE);
        }
    }
    if PRIMITIVES.contains(&ty) {
        Shape {
            kind: Some(ty.to_owned()),
            ..Shape::default()
        }
    } else {
        Shape {
            reference: Some(ty.to_owned()),
            ..Shape::default()
        }
    }
}

#[cfg(test)]
mod tests;
