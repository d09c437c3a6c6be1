//! `binary` protocol values: bytes that travel as a standard base64 string.

use std::fmt;
use std::ops::Deref;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Bytes that the protocol sends as a standard base64 string (RFC 4648, with padding), as
/// Chromium's PDL `binary` type does.
///
/// It encodes with padding and decodes padded input, and unpadded input too; anything else
/// (a character outside the standard alphabet, whitespace, misplaced padding, a length no
/// encoder produces, stray bits in the last character) is an error naming what is wrong.
///
/// ```
/// use cdp_runtime::Binary;
///
/// let png = Binary::from(vec![0x89, b'P', b'N', b'G']);
/// assert_eq!(serde_json::to_string(&png).unwrap(), r#""iVBORw==""#);
/// let back: Binary = serde_json::from_str(r#""iVBORw==""#).unwrap();
/// assert_eq!(&back[..], b"\x89PNG");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Binary(pub Vec<u8>);

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary(bytes)
    }
}

impl From<&[u8]> for Binary {
    fn from(bytes: &[u8]) -> Self {
        Binary(bytes.to_vec())
    }
}

impl From<Binary> for Vec<u8> {
    fn from(binary: Binary) -> Self {
        binary.0
    }
}

impl AsRef<[u8]> for Binary {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Deref for Binary {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Base64Visitor;

        impl Visitor<'_> for Base64Visitor {
            type Value = Binary;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Binary, E> {
                decode(text)
                    .map(Binary)
                    .map_err(|reason| E::custom(format_args!("invalid base64: {reason}")))
            }
        }

        deserializer.deserialize_str(Base64Visitor)
    }
}

impl crate::read::Decode for Binary {
    fn decode(reader: &mut crate::read::Reader<'_>) -> crate::read::Read<Self> {
        let text = reader.str()?;
        decode(&text)
            .map(Binary)
            .map_err(|reason| reader.data_error(format!("invalid base64: {reason}")))
    }

    fn placeholder() -> Self {
        Binary(Vec::new())
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk.iter().enumerate().fold(0u32, |group, (at, byte)| {
            group | (u32::from(*byte) << (16 - 8 * at))
        });
        // 1 byte gives 2 characters, 2 give 3, 3 give 4; `=` fills the group to 4.
        for at in 0..4 {
            if at <= chunk.len() {
                let index = (group >> (18 - 6 * at)) & 0x3f;
                text.push(char::from(ALPHABET[index as usize]));
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// Why a text is not base64.
#[derive(Debug, PartialEq, Eq)]
enum DecodeError {
    /// A character outside the standard alphabet.
    Character { character: char, offset: usize },
    /// `=` anywhere but at the end of the last group.
    Padding { offset: usize },
    /// A length that leaves a single character in the last group.
    Length(usize),
    /// The last character carries bits that no encoder sets.
    TrailingBits { offset: usize },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Character { character, offset } => write!(
                f,
                "{character:?} at offset {offset} is not in the standard base64 alphabet \
                 (A-Z, a-z, 0-9, '+', '/', '=' for padding)"
            ),
            DecodeError::Padding { offset } => write!(
                f,
                "padding '=' at offset {offset} is misplaced; it may only end the text, once \
                 or twice"
            ),
            DecodeError::Length(length) => write!(
                f,
                "a length of {length} characters leaves a single character in the last group \
                 of four, which holds no whole byte"
            ),
            DecodeError::TrailingBits { offset } => write!(
                f,
                "the character at offset {offset} sets bits past the end of the data, which \
                 no encoder does"
            ),
        }
    }
}

fn value(byte: u8) -> Option<u32> {
    let value = match byte {
        b'A'..=b'Z' => byte - b'A',
        b'a'..=b'z' => byte - b'a' + 26,
        b'0'..=b'9' => byte - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(value))
}

fn decode(text: &str) -> Result<Vec<u8>, DecodeError> {
    let bytes = text.as_bytes();
    let data_len = if bytes.len() % 4 == 0 {
        // Padded: at most two `=`, only at the very end.
        let padding = bytes
            .iter()
            .rev()
            .take(2)
            .take_while(|b| **b == b'=')
            .count();
        bytes.len() - padding
    } else {
        bytes.len()
    };
    let data = &bytes[..data_len];
    if let Some(offset) = data.iter().position(|b| value(*b).is_none()) {
        if bytes[offset] == b'=' {
            return Err(DecodeError::Padding { offset });
        }
        // Name the whole character, even when it is not ASCII.
        let character = text[offset..].chars().next().unwrap_or_default();
        return Err(DecodeError::Character { character, offset });
    }
    if data.len() % 4 == 1 {
        return Err(DecodeError::Length(bytes.len()));
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 2);
    for chunk in data.chunks(4) {
        let group = chunk.iter().enumerate().fold(0u32, |group, (at, byte)| {
            group | (value(*byte).unwrap_or_default() << (18 - 6 * at))
        });
        // 4 characters hold 3 bytes, 3 hold 2, 2 hold 1.
        let whole = chunk.len() - 1;
        let spare = group & (0xff_ffff >> (8 * whole));
        if spare != 0 {
            let offset = data.len() - 1;
            return Err(DecodeError::TrailingBits { offset });
        }
        out.extend((0..whole).map(|at| (group >> (16 - 8 * at)) as u8));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4648, section 10.
    const VECTORS: [(&str, &str); 7] = [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ];

    #[test]
    fn the_rfc_4648_test_vectors_encode_and_decode() {
        for (plain, encoded) in VECTORS {
            assert_eq!(encode(plain.as_bytes()), encoded, "encoding {plain:?}");
            assert_eq!(
                decode(encoded).unwrap(),
                plain.as_bytes(),
                "decoding {encoded:?}"
            );
        }
    }

    #[test]
    fn every_length_up_to_64_and_every_byte_value_round_trip() {
        for len in 0..=64usize {
            // Bytes that vary in every bit position, not only small values.
            let bytes: Vec<u8> = (0..len).map(|i| (i * 97 + len * 31) as u8 ^ 0xa5).collect();
            let text = encode(&bytes);
            assert_eq!(text.len(), len.div_ceil(3) * 4);
            assert_eq!(decode(&text).unwrap(), bytes, "length {len}");
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(decode(&encode(&all)).unwrap(), all);
    }

    #[test]
    fn unpadded_input_decodes_as_well() {
        assert_eq!(decode("Zg").unwrap(), b"f");
        assert_eq!(decode("Zm8").unwrap(), b"fo");
    }

    #[test]
    fn invalid_input_is_rejected_with_what_is_wrong() {
        let cases = [
            (
                "Zm9v!mFy",
                DecodeError::Character {
                    character: '!',
                    offset: 4,
                },
            ),
            (
                "Zm9v YmFy",
                DecodeError::Character {
                    character: ' ',
                    offset: 4,
                },
            ),
            (
                "Zm9vé===",
                DecodeError::Character {
                    character: 'é',
                    offset: 4,
                },
            ),
            (
                "Zm-v",
                DecodeError::Character {
                    character: '-',
                    offset: 2,
                },
            ),
            ("Zg=a", DecodeError::Padding { offset: 2 }),
            ("Z===", DecodeError::Padding { offset: 1 }),
            ("====", DecodeError::Padding { offset: 0 }),
            ("Zg==Zg==", DecodeError::Padding { offset: 2 }),
            ("Zm9vY", DecodeError::Length(5)),
            ("Zh==", DecodeError::TrailingBits { offset: 1 }),
            ("Zm9=", DecodeError::TrailingBits { offset: 2 }),
        ];
        for (text, expected) in cases {
            assert_eq!(decode(text), Err(expected), "for {text:?}");
        }
    }

    #[test]
    fn binary_round_trips_through_serde_json_as_a_base64_string() {
        for len in 0..=64usize {
            let binary = Binary((0..len).map(|i| (i * 7) as u8).collect());
            let json = serde_json::to_string(&binary).unwrap();
            assert_eq!(json, format!("\"{}\"", encode(&binary)));
            assert_eq!(serde_json::from_str::<Binary>(&json).unwrap(), binary);
        }
        let chromium = r#"{"data":"iVBORw0KGgo="}"#;
        let value: std::collections::BTreeMap<String, Binary> =
            serde_json::from_str(chromium).unwrap();
        assert_eq!(&value["data"][..], b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn serde_errors_say_what_is_wrong_with_the_base64() {
        let err = serde_json::from_str::<Binary>(r#""Zm9v!mFy""#).unwrap_err();
        assert!(
            err.to_string().starts_with(
                "invalid base64: '!' at offset 4 is not in the standard base64 alphabet"
            ),
            "{err}"
        );
        let err = serde_json::from_str::<Binary>("[1, 2]").unwrap_err();
        assert!(
            err.to_string().contains("expected a base64 string"),
            "{err}"
        );
    }

    #[test]
    fn binary_is_its_bytes() {
        let binary = Binary::from(vec![1, 2, 3]);
        assert_eq!(binary.len(), 3);
        assert_eq!(binary.as_ref(), &[1, 2, 3]);
        assert_eq!(Vec::from(binary.clone()), vec![1, 2, 3]);
        assert_eq!(Binary::from(&[1u8, 2, 3][..]), binary);
        assert_eq!(Binary::default(), Binary(Vec::new()));
    }
}
