//! What the dispatch benchmarks share: bindings for the full protocol and for one domain, the
//! concrete decoders of every event, the messages, and the commands to encode.
//!
//! Run the benchmarks with `runtime/bench/run.sh` (see `README.md` beside this crate).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use cdp_runtime::{Command, EventSet, Message};

/// Bindings for every domain of the full protocol.
#[allow(missing_docs, dead_code, deprecated, clippy::all)]
pub mod full {
    include!(concat!(env!("OUT_DIR"), "/full.rs"));
}

/// Bindings for the BackgroundService domain alone, from the same protocol.
#[allow(missing_docs, dead_code, deprecated, clippy::all)]
pub mod one {
    include!(concat!(env!("OUT_DIR"), "/one.rs"));
}

/// The "type known in advance" side: for every event of [`full`], decoders of its concrete type.
pub mod concrete {
    use serde::de::DeserializeOwned;
    use serde::Deserialize;

    /// A whole event message parsed with its params' type known in advance: what
    /// [`cdp_runtime::decode_message`] produces (params and session), without the dispatch.
    /// `method` is not kept (the caller knows it) and is skipped like any other key.
    #[derive(Deserialize)]
    pub struct EventMessage<T> {
        /// The session the event belongs to.
        #[serde(rename = "sessionId")]
        pub session_id: Option<String>,
        /// The event.
        pub params: T,
    }

    /// The concrete decoders of one event type.
    #[derive(Clone, Copy)]
    pub struct Decoders {
        /// Whole message text -> [`EventMessage<T>`]: `serde_json::from_str`.
        pub message: fn(&str) -> Result<(), serde_json::Error>,
        /// The params' text alone -> `T`: `serde_json::from_str`.
        pub params: fn(&str) -> Result<(), serde_json::Error>,
        /// `size_of::<T>()`.
        pub size: usize,
    }

    impl Decoders {
        /// The decoders of event type `T`.
        pub const fn of<T: DeserializeOwned>() -> Self {
            Decoders {
                message: message::<T>,
                params: params::<T>,
                size: std::mem::size_of::<T>(),
            }
        }
    }

    fn message<T: DeserializeOwned>(text: &str) -> Result<(), serde_json::Error> {
        crate::observe(serde_json::from_str::<EventMessage<T>>(text))
    }

    fn params<T: DeserializeOwned>(text: &str) -> Result<(), serde_json::Error> {
        crate::observe(serde_json::from_str::<T>(text))
    }

    #[allow(deprecated)]
    mod table {
        use super::Decoders;
        include!(concat!(env!("OUT_DIR"), "/concrete.rs"));
    }

    /// The decoders of the event with this method, if [`crate::full`] has it.
    pub fn decoders(method: &str) -> Option<Decoders> {
        table::EVENTS
            .iter()
            .find(|(name, _)| *name == method)
            .map(|(_, decoders)| *decoders)
    }

    /// Every event of the table: its method and its decoders.
    pub fn events() -> &'static [(&'static str, Decoders)] {
        table::EVENTS
    }
}

/// Makes the optimizer treat a decoded value as used, then drops it where it lies: the value is
/// not moved (a move of a large enum would cost a copy that is no part of decoding).
#[inline(always)]
fn observe<T, E>(result: Result<T, E>) -> Result<(), E> {
    black_box(&result);
    match result {
        Ok(_) => Ok(()),
        Err(err) => Err(err),
    }
}

/// `decode_message` into the full protocol's root `Event`, result dropped.
pub fn decode_full(text: &str) -> Result<(), cdp_runtime::DecodeError> {
    observe(full::Event::decode_message(text))
}

/// `decode_message` into the full root `Event` through a drift report, result dropped.
pub fn decode_full_noting_drift(
    drift: &mut cdp_runtime::DriftReport,
    text: &str,
) -> Result<(), cdp_runtime::DecodeError> {
    observe(drift.decode::<full::Event>(text))
}

/// `decode_message` into the BackgroundService-only root `Event`, result dropped.
pub fn decode_one(text: &str) -> Result<(), cdp_runtime::DecodeError> {
    observe(one::Event::decode_message(text))
}

/// The whole message into a `serde_json::Value`, the naive approach.
pub fn parse_value(text: &str) -> Result<(), serde_json::Error> {
    observe(serde_json::from_str::<serde_json::Value>(text))
}

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Where the messages are read from, first found: `CDP_BENCH_MESSAGES`, then the multi-domain
/// capture `tests/fixtures/chromium_mix.jsonl`, then `tests/fixtures/chromium_background_service.jsonl`.
pub fn messages_path() -> PathBuf {
    if let Some(path) = std::env::var_os("CDP_BENCH_MESSAGES").filter(|path| !path.is_empty()) {
        return PathBuf::from(path);
    }
    let fixtures = repo_root().join("tests/fixtures");
    let mix = fixtures.join("chromium_mix.jsonl");
    if mix.is_file() {
        mix
    } else {
        fixtures.join("chromium_background_service.jsonl")
    }
}

/// One real event message, resolved in advance to its concrete decoders.
pub struct EventText {
    /// The message as the browser sent it.
    pub text: String,
    /// Its method.
    pub method: String,
    /// The text of its params alone.
    pub params: String,
    /// The decoders of its concrete type.
    pub concrete: concrete::Decoders,
}

/// The event messages the benchmarks decode.
pub struct Corpus {
    /// Where they were read from.
    pub path: PathBuf,
    /// Every event message of the file that the full bindings know, in file order.
    pub events: Vec<EventText>,
    /// Messages of the file that are not events (responses), left out.
    pub responses: usize,
    /// Events whose method the pinned protocol does not have, left out (method, count).
    pub unknown: Vec<(String, usize)>,
}

impl Corpus {
    /// Reads [`messages_path`]; each message is checked to decode both ways first.
    ///
    /// # Panics
    ///
    /// When the file cannot be read, a line is not JSON, or a known event does not decode: a
    /// benchmark of failing decodes would measure nothing useful.
    pub fn load() -> Corpus {
        let path = messages_path();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
        let mut corpus = Corpus {
            path,
            events: Vec::new(),
            responses: 0,
            unknown: Vec::new(),
        };
        for line in text.lines().filter(|line| !line.trim().is_empty()) {
            #[derive(serde::Deserialize)]
            struct Peek<'a> {
                id: Option<u64>,
                method: Option<String>,
                #[serde(borrow)]
                params: Option<&'a serde_json::value::RawValue>,
            }
            let peek: Peek<'_> = serde_json::from_str(line)
                .unwrap_or_else(|err| panic!("not a message ({err}): {line}"));
            let (None, Some(method)) = (peek.id, peek.method) else {
                corpus.responses += 1;
                continue;
            };
            let Some(concrete) = concrete::decoders(&method) else {
                match corpus.unknown.iter_mut().find(|(name, _)| *name == method) {
                    Some((_, count)) => *count += 1,
                    None => corpus.unknown.push((method, 1)),
                }
                continue;
            };
            let params = peek.params.map_or("{}", |raw| raw.get()).to_owned();
            match full::Event::decode_message(line) {
                Ok(Message::Event { event, .. }) => {
                    assert_eq!(event.method(), method, "decoded as another event: {line}");
                    assert!(
                        !matches!(event, full::Event::Unknown(_)),
                        "decoded as Unknown: {line}"
                    );
                }
                other => panic!("decode_message gave {other:?} for {line}"),
            }
            if let Err(err) = (concrete.message)(line) {
                panic!("the concrete message parse fails ({err}): {line}");
            }
            if let Err(err) = (concrete.params)(&params) {
                panic!("the concrete params parse fails ({err}): {line}");
            }
            corpus.events.push(EventText {
                text: line.to_owned(),
                method,
                params,
                concrete,
            });
        }
        assert!(
            !corpus.events.is_empty(),
            "no event in {}",
            corpus.path.display()
        );
        corpus
    }

    /// The events of one domain.
    pub fn domain(&self, domain: &str) -> Vec<&EventText> {
        self.events
            .iter()
            .filter(|event| event.method.split_once('.').map(|(d, _)| d) == Some(domain))
            .collect()
    }

    /// The messages' total length in bytes.
    pub fn bytes(events: &[&EventText]) -> u64 {
        events.iter().map(|event| event.text.len() as u64).sum()
    }

    /// How many events each domain has, most first.
    pub fn domains(&self) -> Vec<(&str, usize)> {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for event in &self.events {
            let domain = event.method.split_once('.').map_or("", |(d, _)| d);
            match counts.iter_mut().find(|(name, _)| *name == domain) {
                Some((_, count)) => *count += 1,
                None => counts.push((domain, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        counts
    }
}

/// A whole request as a derived struct: the baseline of `encode_request`.
///
/// `serde_json::to_string` of it writes the same bytes as
/// `cdp_runtime::encode_request(id, session_id, params)`: the keys in the same order
/// (`id`, `method`, `params`, `sessionId`), the params by their own `Serialize`, and no
/// `sessionId` key when there is no session. [`check_whole_requests`] makes sure of it.
#[derive(serde::Serialize)]
pub struct WholeRequest<'a, P> {
    /// The request id.
    pub id: u64,
    /// The command's method.
    pub method: &'a str,
    /// The command's params.
    pub params: &'a P,
    /// The session, if any.
    #[serde(rename = "sessionId", skip_serializing_if = "Option::is_none")]
    pub session_id: Option<&'a str>,
}

/// A command whose encoding is measured, behind one object-safe interface.
pub trait EncodeCase {
    /// Its method.
    fn method(&self) -> &'static str;
    /// `cdp_runtime::encode_request(id, session, params)`.
    fn encode_request(&self, id: u64, session_id: Option<&str>) -> String;
    /// `serde_json::to_string(params)`: the params alone.
    fn params_to_string(&self) -> String;
    /// `serde_json::to_string` of a [`WholeRequest`]: the same bytes as
    /// [`EncodeCase::encode_request`], written by a derived `Serialize`.
    fn whole_request_to_string(&self, id: u64, session_id: Option<&str>) -> String;
}

impl<C: Command> EncodeCase for C {
    fn method(&self) -> &'static str {
        C::METHOD
    }

    fn encode_request(&self, id: u64, session_id: Option<&str>) -> String {
        cdp_runtime::encode_request(id, session_id, self)
    }

    fn params_to_string(&self) -> String {
        serde_json::to_string(self).expect("generated params serialize")
    }

    fn whole_request_to_string(&self, id: u64, session_id: Option<&str>) -> String {
        let request = WholeRequest {
            id,
            method: C::METHOD,
            params: self,
            session_id,
        };
        serde_json::to_string(&request).expect("generated params serialize")
    }
}

/// Checks, before anything is timed, that [`EncodeCase::whole_request_to_string`] writes
/// exactly the bytes of [`EncodeCase::encode_request`] for every command, with the session
/// [`SESSION_ID`] and without a session, at the ids the benchmarks use (the index of the
/// command) and at `u64::MAX`.
///
/// # Panics
///
/// On the first command whose two encodings differ: the ratio between them would compare
/// different work.
pub fn check_whole_requests(commands: &[Box<dyn EncodeCase>]) {
    for (at, command) in commands.iter().enumerate() {
        for id in [at as u64, u64::MAX] {
            for session_id in [Some(SESSION_ID), None] {
                let encoded = command.encode_request(id, session_id);
                let derived = command.whole_request_to_string(id, session_id);
                assert!(
                    encoded == derived,
                    "{} (id {id}, session {session_id:?}): encode_request and the derived whole \
                     request differ\n  encode_request: {encoded}\n  derived:        {derived}",
                    command.method()
                );
            }
        }
    }
}

/// A flattened session id as Chromium makes them.
pub const SESSION_ID: &str = "DD53D2245B5E43DE9C8CC7230DD4CD41";

/// Realistic command params from several domains: what a client driving a page sends most.
pub fn commands() -> Vec<Box<dyn EncodeCase>> {
    use full::{background_service as bs, dom, emulation, input, network, page, runtime, target};
    vec![
        Box::new(target::SetAutoAttachParams::new(true, false).flatten(true)),
        Box::new(page::EnableParams::new()),
        Box::new(network::EnableParams::new().max_post_data_size(65536)),
        Box::new(
            page::NavigateParams::new("https://example.com/articles/2024/benchmarks?ref=cdp")
                .referrer("https://example.com/"),
        ),
        Box::new(
            runtime::EvaluateParams::new(
                "document.querySelectorAll('a[href]').length + window.scrollY",
            )
            .return_by_value(true)
            .await_promise(true)
            .context_id(3),
        ),
        Box::new(
            runtime::CallFunctionOnParams::new(
                "function(selector) { return this.querySelector(selector); }",
            )
            .object_id("-6143470093427151617.3.1")
            .arguments(vec![
                runtime::CallArgument::new().value(serde_json::json!("#main > .title"))
            ])
            .return_by_value(false),
        ),
        Box::new(dom::GetDocumentParams::new().depth(-1).pierce(true)),
        Box::new(dom::QuerySelectorParams::new(
            1,
            "body > main article:nth-child(2) h1",
        )),
        Box::new(
            input::DispatchMouseEventParams::new(
                input::DispatchMouseEventType::MousePressed,
                412.5,
                238.0,
            )
            .button(input::MouseButton::Left)
            .click_count(1),
        ),
        Box::new(emulation::SetDeviceMetricsOverrideParams::new(
            1280, 720, 1.0, false,
        )),
        Box::new(bs::StartObservingParams::new(
            bs::ServiceName::BackgroundSync,
        )),
        Box::new(bs::SetRecordingParams::new(
            true,
            bs::ServiceName::PushMessaging,
        )),
    ]
}
