//! Reads the top-level `id` and `method` of a message that could not be decoded, so that the
//! error can go to the request it answers and name its method. Transports use it too.
//!
//! Only on the error path, and cheaply: the top-level keys are read in one pass without
//! allocating (other values are skipped), and reading stops as soon as both are known. What
//! was read before the text goes bad is kept: `{"id":1,"result":{"a":` still yields id 1.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

/// What could be read of a message's envelope: its top-level `id` and `method`.
///
/// For the error path: a message that [`decode_message`](crate::decode_message) rejected may
/// still answer a request, which its `id` tells.
///
/// ```
/// let envelope = cdp_runtime::Envelope::probe(r#"{"id":1,"result":{"a":"#);
/// assert_eq!(envelope.id, Some(1));
/// assert_eq!(envelope.method, None);
/// ```
#[derive(Debug, Default, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Envelope {
    /// The top-level `id`, when it is an unsigned integer.
    pub id: Option<u64>,
    /// The top-level `method`, when it is a string.
    pub method: Option<String>,
}

impl Envelope {
    /// The top-level `id` and `method` of `text`, as far as they can be read: reading stops
    /// at the first error, keeping what came before it.
    pub fn probe(text: &str) -> Envelope {
        let mut probed = Envelope::default();
        let mut de = serde_json::Deserializer::from_str(text);
        // The error is the one the full decode reported already; only the slots matter here.
        let _ = ProbeSeed(&mut probed).deserialize(&mut de);
        probed
    }
}

struct ProbeSeed<'a>(&'a mut Envelope);

impl<'de> DeserializeSeed<'de> for ProbeSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ProbeSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Id if self.0.id.is_none() => self.0.id = map.next_value::<Option<u64>>()?,
                Key::Method if self.0.method.is_none() => {
                    self.0.method = map.next_value::<Option<String>>()?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if self.0.id.is_some() && self.0.method.is_some() {
                // Stopping early makes the deserializer report an unclosed object: ignored.
                break;
            }
        }
        Ok(())
    }
}

enum Key {
    Id,
    Method,
    Other,
}

impl<'de> serde::Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "id" => Key::Id,
                    "method" => Key::Method,
                    _ => Key::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_and_method_are_read_as_far_as_the_text_goes() {
        let probed = Envelope::probe(r#"{"id":1,"result":{"a":"#);
        assert_eq!(probed.id, Some(1));
        assert_eq!(probed.method, None);
        let probed = Envelope::probe(r#"{"sessionId":"S","method":"X.y","params":{"a":[1,"#);
        assert_eq!(probed.method.as_deref(), Some("X.y"));
        let probed = Envelope::probe(r#"{"id":7,"method":"X.y","params":{}}"#);
        assert_eq!(
            (probed.id, probed.method.as_deref()),
            (Some(7), Some("X.y"))
        );
    }

    #[test]
    fn what_is_not_an_envelope_yields_nothing() {
        for text in [
            "",
            "not json",
            "[1]",
            r#"{"id":-1}"#,
            r#"{"id":"1"}"#,
            r#"{"params":{"id":1}}"#,
        ] {
            assert_eq!(Envelope::probe(text), Envelope::default(), "{text}");
        }
    }
}
