use super::*;
use crate::parse::parse_json;

fn no_includes(path: &str) -> Result<(String, String), String> {
    Err(format!("no file `{path}` in this test"))
}

fn read(text: &str) -> Result<Schema, Diagnostics> {
    parse_pdl(text, "test.pdl", &mut no_includes)
}

fn errors(text: &str) -> Vec<String> {
    match read(text) {
        Ok(schema) => panic!("expected errors, read {schema:#?}"),
        Err(diagnostics) => diagnostics.0.iter().map(ToString::to_string).collect(),
    }
}

const EVERY_CONSTRUCT: &str = "\
# Copyright: not a description, a blank line follows.

version
  major 1
  minor 3

# The example domain.
#
# Second paragraph.
experimental deprecated domain Example
  depends on Runtime
  depends on Other

  # An id.
  type Id extends string

  type Ids extends array of Id

  # Raw bytes.
  type Blob extends binary

  experimental type Kind extends string
    enum
      first
      second-one
      Self

  deprecated type Thing extends object
    properties
      # Several ids.
      optional array of Id ids
      # The payload.
      binary payload
      experimental deprecated optional array of binary chunks
      # The state.
      enum state
        on
        off
      Runtime.RemoteObject object
      object extra
      any anything
      integer count
      number ratio
      boolean flag

  type Empty extends object
    properties

  type Map extends object

  # Does it.
  experimental command doIt
    redirect Other
    parameters
      optional string text
    returns
      Thing thing

  command bare

  # Done.
  deprecated event done
    parameters
      integer count
";

const EVERY_CONSTRUCT_AS_JSON: &str = r#"{
  "version": {"major": "1", "minor": "3"},
  "domains": [{
    "domain": "Example",
    "description": "The example domain.\n\nSecond paragraph.",
    "experimental": true,
    "deprecated": true,
    "dependencies": ["Runtime", "Other"],
    "types": [
      {"id": "Id", "description": "An id.", "type": "string"},
      {"id": "Ids", "type": "array", "items": {"$ref": "Id"}},
      {"id": "Blob", "description": "Raw bytes. (Encoded as a base64 string when passed over JSON)",
       "type": "binary"},
      {"id": "Kind", "experimental": true, "type": "string",
       "enum": ["first", "second-one", "Self"]},
      {"id": "Thing", "deprecated": true, "type": "object", "properties": [
        {"name": "ids", "description": "Several ids.", "optional": true,
         "type": "array", "items": {"$ref": "Id"}},
        {"name": "payload",
         "description": "The payload. (Encoded as a base64 string when passed over JSON)",
         "type": "binary"},
        {"name": "chunks", "experimental": true, "deprecated": true, "optional": true,
         "type": "array", "items": {"type": "binary"}},
        {"name": "state", "description": "The state.", "type": "string", "enum": ["on", "off"]},
        {"name": "object", "$ref": "Runtime.RemoteObject"},
        {"name": "extra", "type": "object"},
        {"name": "anything", "type": "any"},
        {"name": "count", "type": "integer"},
        {"name": "ratio", "type": "number"},
        {"name": "flag", "type": "boolean"}
      ]},
      {"id": "Empty", "type": "object", "properties": []},
      {"id": "Map", "type": "object"}
    ],
    "commands": [
      {"name": "doIt", "description": "Does it.", "experimental": true, "redirect": "Other",
       "parameters": [{"name": "text", "optional": true, "type": "string"}],
       "returns": [{"name": "thing", "$ref": "Thing"}]},
      {"name": "bare"}
    ],
    "events": [
      {"name": "done", "description": "Done.", "deprecated": true,
       "parameters": [{"name": "count", "type": "integer"}]}
    ]
  }]
}"#;

#[test]
fn every_construct_reads_as_the_json_chromium_generates_from_it() {
    let from_pdl = read(EVERY_CONSTRUCT).unwrap();
    let from_json = parse_json(EVERY_CONSTRUCT_AS_JSON, "expected.json").unwrap();
    assert_eq!(from_pdl, from_json);
}

#[test]
fn windows_line_endings_read_the_same() {
    let crlf = EVERY_CONSTRUCT.replace('\n', "\r\n");
    assert_eq!(read(&crlf).unwrap(), read(EVERY_CONSTRUCT).unwrap());
}

#[test]
fn a_comment_cut_off_by_a_blank_line_or_above_a_non_item_is_no_description() {
    let schema = read(
        "\
# Not the domain's: a blank line follows.

domain A
  # Above `depends on`: dropped.
  depends on B
  # Above an enum value: dropped.
  type T extends string
    enum
      # Dropped too.
      x
  #
  #  The block is trimmed as a whole, as in Chromium's JSON,
  #   but inner lines keep their extra spaces.
  #no space after the hash
  #
  type U extends integer
  #
  type V extends integer
",
    )
    .unwrap();
    let domain = &schema.domains[0];
    assert_eq!(domain.description, None);
    assert_eq!(
        domain.types[0].description.as_deref(),
        Some("Above an enum value: dropped.")
    );
    assert_eq!(domain.types[0].shape.values, Some(vec!["x".to_owned()]));
    assert_eq!(
        domain.types[1].description.as_deref(),
        Some(
            "The block is trimmed as a whole, as in Chromium's JSON,\n  but inner lines keep \
             their extra spaces.\nno space after the hash"
        )
    );
    assert_eq!(domain.types[2].description, None);
}

#[test]
fn includes_resolve_relative_to_the_first_file_and_merge_in_place() {
    let mut asked = Vec::new();
    let mut include = |path: &str| {
        asked.push(path.to_owned());
        match path {
            "domains/A.pdl" => Ok((
                "/root/domains/A.pdl".to_owned(),
                "domain A\n\ninclude B.pdl\n".to_owned(),
            )),
            "domains/B.pdl" => Ok(("/root/domains/B.pdl".to_owned(), "domain B\n".to_owned())),
            other => Err(format!("unexpected `{other}`")),
        }
    };
    let schema = parse_pdl(
        "version\n  major 1\n  minor 3\n\ndomain First\ninclude domains/A.pdl\ndomain Last\n",
        "/root/browser.pdl",
        &mut include,
    )
    .unwrap();
    let names: Vec<&str> = schema.domains.iter().map(|d| d.domain.as_str()).collect();
    assert_eq!(names, ["First", "A", "B", "Last"]);
    assert_eq!(asked, ["domains/A.pdl", "domains/B.pdl"]);
}

#[test]
fn an_include_that_fails_or_loops_is_reported_at_its_line() {
    let mut include = |path: &str| match path {
        "loop.pdl" => Ok(("loop.pdl".to_owned(), "include loop.pdl\n".to_owned())),
        _ => Err("no such file".to_owned()),
    };
    let found = parse_pdl(
        "include missing.pdl\ninclude loop.pdl\n",
        "root.pdl",
        &mut include,
    )
    .unwrap_err();
    let messages: Vec<String> = found.0.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "root.pdl:1:9: cannot include `missing.pdl`: no such file",
            "loop.pdl:1:9: the includes loop: loop.pdl -> loop.pdl",
        ]
    );
}

#[test]
fn syntax_errors_say_where_and_what_was_expected() {
    let cases: &[(&str, &str)] = &[
        (
            "domain\n",
            "test.pdl:1:7: expected the domain's name after `domain`",
        ),
        (
            "domian A\n",
            "test.pdl:1:1: expected `version`, `include` or a `domain`, found `domian`; did you \
             mean `domain`?",
        ),
        (
            "domain A\n  type T string\n",
            "test.pdl:2:10: expected `extends` after the type's name, found `string`",
        ),
        (
            "domain A\n  type T extends array Id\n",
            "test.pdl:2:24: expected `of` after `array`, found `Id`",
        ),
        (
            "domain A\n  command c\n    parameters\n      optional string\n",
            "test.pdl:4:22: expected the field's name after the type `string`",
        ),
        (
            "domain A\n  command c\n      string x\n",
            "test.pdl:3:7: expected `parameters`, `returns` or `redirect` indented by 4 spaces \
             (or less, to end the block), found `string` indented by 6",
        ),
        (
            "domain A\n  optional command c\n",
            "test.pdl:2:3: `optional` applies only to a field, parameter or return value",
        ),
        (
            "domain A\n  event e\n    returns\n",
            "test.pdl:3:5: expected `parameters` (an event has no other block), found `returns`",
        ),
        (
            "domain A\n  type T extends integer\n    enum\n      a\n",
            "test.pdl:3:5: unexpected `enum`: `properties` belong to a type that extends \
             `object`, `enum` to one that extends `string`, once each",
        ),
        (
            "domain A\n\ttype T extends string\n",
            "test.pdl:2:1: expected spaces for indentation, found a tab or another blank",
        ),
        (
            "version\n  major 1\n",
            "test.pdl:1:1: expected `major` and `minor` below `version`",
        ),
        (
            "version\n  major one\n  minor 3\n",
            "test.pdl:2:9: expected a number after `major`, found `one`",
        ),
        (
            "domain A\n  type T extends object\n    properties\n      string a b\n",
            "test.pdl:4:16: expected the end of the line after the field's name, found `b`",
        ),
        (
            "domain A\n  type T extends object\n    properties\n      optional array of enum e\n",
            "test.pdl:4:25: expected a type, found `enum`; an array is `array of <type>` and its \
             items cannot be an inline enum (declare a named enum type)",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(errors(text), [*expected], "for {text:?}");
    }
}

#[test]
fn every_error_is_reported_and_reading_goes_on_after_each() {
    let text = "\
domain A
  type T extends object
    properties
      string
      integer fine
      bogus line here
  command c
    parameters
      boolean ok
  junk
  event e
";
    assert_eq!(errors(text).len(), 3);
    // What is not wrong is still read: the diagnostics are all a caller sees, but the reader
    // must not lose its place after an error.
    let fixed = text
        .replace("      string\n", "")
        .replace("      bogus line here\n", "")
        .replace("  junk\n", "");
    let schema = read(&fixed).unwrap();
    assert_eq!(schema.domains[0].events.len(), 1);
}

/// A real piece of `js_protocol.pdl` plus the constructs it lacks, to garble.
const REAL_SNIPPET: &str = "\
# Copyright 2017 The Chromium Authors. All rights reserved.

version
  major 1
  minor 3

include inc.pdl

# This domain is deprecated - use Runtime or Log instead.
deprecated domain Console
  depends on Runtime

  # Console message.
  type ConsoleMessage extends object
    properties
      # Message source.
      enum source
        xml
        javascript
        console-api
      # Message text.
      string text
      # URL of the message origin.
      optional string url
      # Line number in the resource that generated this message (1-based).
      optional integer line

  # Does nothing.
  command clearMessages

  # Issued when new console message is added.
  event messageAdded
    parameters
      # Console message that has been added.
      ConsoleMessage message

experimental domain Storage
  type Bytes extends array of binary
  command getBody
    redirect Network
    parameters
      experimental deprecated optional array of Runtime.ScriptId ids
    returns
      # The body.
      binary body
";

fn garbled_variants() -> Vec<String> {
    let text = REAL_SNIPPET;
    let lines: Vec<&str> = text.lines().collect();
    let mut variants = Vec::new();
    // Every truncation, at every character boundary.
    variants.extend(text.char_indices().map(|(at, _)| text[..at].to_owned()));
    for (index, line) in lines.iter().enumerate() {
        let with_line = |replacement: Option<String>| {
            let mut copy: Vec<String> = lines.iter().map(|line| (*line).to_owned()).collect();
            match replacement {
                Some(new) => copy[index] = new,
                None => {
                    copy.remove(index);
                }
            }
            copy.join("\n")
        };
        variants.push(with_line(None));
        variants.push(with_line(Some(format!(" {line}"))));
        variants.push(with_line(Some(format!("  {line}"))));
        variants.push(with_line(Some(line.trim_start().to_owned())));
        variants.push(with_line(Some(line.replacen(' ', "\t", 1))));
        let words: Vec<&str> = line.split_whitespace().collect();
        for skip in 0..words.len() {
            let kept: Vec<&str> = words
                .iter()
                .enumerate()
                .filter(|(at, _)| *at != skip)
                .map(|(_, word)| *word)
                .collect();
            let indent = line.len() - line.trim_start().len();
            variants.push(with_line(Some(format!(
                "{}{}",
                " ".repeat(indent),
                kept.join(" ")
            ))));
        }
    }
    // Random edits from a fixed seed, so a failure reproduces.
    let garbage = [
        " ",
        "  ",
        "\t",
        "#",
        "\n",
        "\r",
        "\r\n",
        "é",
        "☃",
        "x",
        "of",
        "array of ",
        "enum",
        "optional ",
        "include ",
        "domain ",
        "type ",
        "extends ",
        "\u{0}",
        "\u{a0}",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |bound: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        usize::try_from(seed % bound as u64).unwrap()
    };
    for _ in 0..3000 {
        let mut chars: Vec<char> = text.chars().collect();
        for _ in 0..=next(4) {
            let at = next(chars.len() + 1);
            match next(3) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 if at < chars.len() => {
                    let insert = garbage[next(garbage.len())];
                    chars.splice(at..=at, insert.chars());
                }
                _ => {
                    let insert = garbage[next(garbage.len())];
                    chars.splice(at..at, insert.chars());
                }
            }
        }
        variants.push(chars.into_iter().collect());
    }
    variants
}

#[test]
fn garbled_input_never_panics_and_every_error_has_a_file_line_column() {
    let mut include = |path: &str| match path {
        "inc.pdl" => Ok(("inc.pdl".to_owned(), "domain Included\n".to_owned())),
        _ => Err("not found".to_owned()),
    };
    assert!(parse_pdl(REAL_SNIPPET, "real.pdl", &mut include).is_ok());
    for variant in garbled_variants() {
        let Err(diagnostics) = parse_pdl(&variant, "real.pdl", &mut include) else {
            continue;
        };
        assert!(!diagnostics.is_empty());
        for diagnostic in &diagnostics.0 {
            let mut parts = diagnostic.place.rsplitn(3, ':');
            let column = parts.next().and_then(|c| c.parse::<usize>().ok());
            let line = parts.next().and_then(|l| l.parse::<usize>().ok());
            let file = parts.next();
            assert!(
                matches!(
                    (file, line, column),
                    (Some("real.pdl" | "inc.pdl"), Some(1..), Some(1..))
                ),
                "bad place `{}` for {variant:?}",
                diagnostic.place
            );
            assert!(!diagnostic.message.is_empty());
        }
    }
}
