//! A sans-IO protocol client: it numbers requests and matches each answer to its request.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use crate::drift::DriftReport;
use crate::error::{DecodeError, DecodeErrorKind};
use crate::message::{encode_request, Message, ProtocolError, Response};
use crate::traits::{Command, EventSet};

/// A request ready to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingRequest {
    /// The id the client gave the request; the response carries it back.
    pub id: u64,
    /// The protocol method.
    pub method: &'static str,
    /// The message to send.
    pub text: String,
}

/// The answer to a request the client sent.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingResponse {
    /// The method of the request this answers.
    pub method: &'static str,
    /// The answer.
    pub response: Response,
}

impl PendingResponse {
    /// Decodes the answer as the result of command `C`.
    ///
    /// Fails with [`ClientError::MethodMismatch`] when the request was another command, and
    /// with [`ClientError::Protocol`] when the browser answered with an error.
    pub fn decode<C: Command>(&self) -> Result<C::Response, ClientError> {
        if self.method != C::METHOD {
            return Err(ClientError::MethodMismatch {
                id: self.response.id,
                sent: self.method,
                decoded_as: C::METHOD,
            });
        }
        match &self.response.result {
            Err(error) => Err(ClientError::Protocol {
                method: self.method,
                error: error.clone(),
            }),
            Ok(_) => self.response.decode::<C>().map_err(ClientError::Decode),
        }
    }
}

/// What one incoming message turned out to be.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Incoming<E> {
    /// The answer to one of the client's requests.
    Response(PendingResponse),
    /// An event.
    Event {
        /// The session the event belongs to; `None` for the browser connection.
        session_id: Option<String>,
        /// The decoded event.
        event: E,
    },
    /// An event of a method the bindings know whose params do not decode, in its place in the
    /// order, under [`Undecodable::Deliver`] (the default).
    Undecodable(UndecodableEvent),
}

/// An event whose params the bindings could not decode: its method, its params as they
/// arrived, and why, so that nothing is lost.
#[derive(Debug, Clone, PartialEq)]
pub struct UndecodableEvent {
    /// The session the event belongs to; `None` for the browser connection.
    pub session_id: Option<String>,
    /// The event, kept whole: its method and its params as they arrived.
    pub event: crate::UnknownEvent,
    /// Why its params did not decode: the field path and the reason.
    pub error: DecodeError,
}

/// What [`Client::receive`] does with an event of a known method whose params do not decode
/// (a field whose type the browser changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Undecodable {
    /// Return it as [`Incoming::Undecodable`], in its place among the events, keeping its
    /// method, its params and the error: a program that reads events reads on.
    #[default]
    Deliver,
    /// Fail with [`ClientError::Decode`], as for a message that is not a message at all.
    Error,
}

/// An incoming message the client cannot accept.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ClientError {
    /// The message could not be decoded.
    Decode(DecodeError),
    /// A response whose id the client never sent.
    UnknownId {
        /// The id in the response.
        id: u64,
        /// The message as it arrived.
        raw: String,
    },
    /// A second response to a request that was already answered, or was cancelled.
    DuplicateId {
        /// The id in the response.
        id: u64,
        /// The message as it arrived.
        raw: String,
    },
    /// A response was decoded as the result of another command than the one sent.
    MethodMismatch {
        /// The id of the request.
        id: u64,
        /// The method that was sent.
        sent: &'static str,
        /// The command it was decoded as.
        decoded_as: &'static str,
    },
    /// The browser answered the request with an error.
    Protocol {
        /// The method of the request.
        method: &'static str,
        /// The browser's error.
        error: ProtocolError,
    },
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Decode(err) => err.fmt(f),
            ClientError::UnknownId { id, .. } => {
                write!(f, "response to id {id}, which was never sent")
            }
            ClientError::DuplicateId { id, .. } => write!(
                f,
                "response to id {id}, which was already answered or cancelled"
            ),
            ClientError::MethodMismatch {
                id,
                sent,
                decoded_as,
            } => write!(
                f,
                "request {id} was `{sent}`, but its response was decoded as `{decoded_as}`"
            ),
            ClientError::Protocol { method, error } => write!(f, "`{method}` failed: {error}"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::Decode(err) => Some(err),
            ClientError::Protocol { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl From<DecodeError> for ClientError {
    fn from(err: DecodeError) -> Self {
        ClientError::Decode(err)
    }
}

/// A protocol client that does no I/O.
///
/// [`Client::request`] gives each request an id and returns the text to send;
/// [`Client::receive`] takes each text the browser sends and returns either the response to a
/// request, with the method it answers, or a typed event from the set `E`.
///
/// ```
/// use cdp_runtime::{Client, Command, Incoming, UnknownEvent};
///
/// #[derive(serde::Serialize)]
/// struct GetVersion {}
/// #[derive(serde::Deserialize)]
/// struct Version { product: String }
/// impl Command for GetVersion {
///     const METHOD: &'static str = "Browser.getVersion";
///     type Response = Version;
/// }
///
/// let mut client = Client::<UnknownEvent>::new();
/// let request = client.request(&GetVersion {}, None);
/// assert_eq!(request.text, r#"{"id":1,"method":"Browser.getVersion","params":{}}"#);
///
/// let incoming = client.receive(r#"{"id":1,"result":{"product":"Chrome/156"}}"#).unwrap();
/// let Incoming::Response(response) = incoming else { panic!("expected a response") };
/// assert_eq!(response.decode::<GetVersion>().unwrap().product, "Chrome/156");
/// ```
#[derive(Debug)]
pub struct Client<E> {
    next_id: u64,
    pending: HashMap<u64, &'static str>,
    undecodable: Undecodable,
    drift: Option<DriftReport>,
    events: PhantomData<fn() -> E>,
}

impl<E> Default for Client<E> {
    fn default() -> Self {
        Client {
            next_id: 1,
            pending: HashMap::new(),
            undecodable: Undecodable::default(),
            drift: None,
            events: PhantomData,
        }
    }
}

impl<E: EventSet> Client<E> {
    /// A client with no requests sent yet; its first id is 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// Numbers a request and returns the message to send, on the session `session_id` or on
    /// the browser connection.
    pub fn request<C: Command>(&mut self, params: &C, session_id: Option<&str>) -> OutgoingRequest {
        let id = self.next_id;
        self.next_id += 1;
        self.pending.insert(id, C::METHOD);
        OutgoingRequest {
            id,
            method: C::METHOD,
            text: encode_request(id, session_id, params),
        }
    }

    /// Chooses what [`Client::receive`] does with an event whose params do not decode.
    pub fn set_undecodable(&mut self, policy: Undecodable) -> &mut Self {
        self.undecodable = policy;
        self
    }

    /// Starts noting drift: from now on, every message received is decoded through a
    /// [`DriftReport`], which [`Client::drift`] returns.
    pub fn report_drift(&mut self) -> &mut Self {
        self.drift.get_or_insert_with(DriftReport::default);
        self
    }

    /// What the browser sent that the bindings do not know, once
    /// [`report_drift`](Client::report_drift) was called.
    pub fn drift(&self) -> Option<&DriftReport> {
        self.drift.as_ref()
    }

    /// Takes one message from the browser.
    pub fn receive(&mut self, text: &str) -> Result<Incoming<E>, ClientError> {
        let decoded = match &mut self.drift {
            Some(drift) => drift.decode::<E>(text),
            None => E::decode_message(text),
        };
        let message = match decoded {
            Ok(message) => message,
            Err(error) => return self.undecodable_event(text, error),
        };
        match message {
            Message::Event { session_id, event } => Ok(Incoming::Event { session_id, event }),
            Message::Response(response) => match self.pending.remove(&response.id) {
                Some(method) => Ok(Incoming::Response(PendingResponse { method, response })),
                None if response.id < self.next_id && response.id > 0 => {
                    Err(ClientError::DuplicateId {
                        id: response.id,
                        raw: text.to_owned(),
                    })
                }
                None => Err(ClientError::UnknownId {
                    id: response.id,
                    raw: text.to_owned(),
                }),
            },
        }
    }

    /// What becomes of a message that did not decode: an [`Incoming::Undecodable`] event when
    /// it is an event whose params alone are at fault and the policy says so, else the error.
    fn undecodable_event(
        &self,
        text: &str,
        error: DecodeError,
    ) -> Result<Incoming<E>, ClientError> {
        let params_at_fault = error.kind() == DecodeErrorKind::Data
            && error.method().is_some()
            && error.path().starts_with("params");
        if self.undecodable == Undecodable::Deliver && params_at_fault {
            if let Ok(Message::Event { session_id, event }) =
                crate::message::decode_message::<crate::UnknownEvent>(text)
            {
                return Ok(Incoming::Undecodable(UndecodableEvent {
                    session_id,
                    event,
                    error,
                }));
            }
        }
        Err(ClientError::Decode(error))
    }

    /// Forgets a request, so that a late answer to it is reported as a duplicate. Returns
    /// whether it was pending.
    pub fn cancel(&mut self, id: u64) -> bool {
        self.pending.remove(&id).is_some()
    }

    /// The method of a request still waiting for its answer.
    pub fn pending_method(&self, id: u64) -> Option<&'static str> {
        self.pending.get(&id).copied()
    }

    /// How many requests are waiting for their answers.
    pub fn pending_count(&self) -> usize {
        self.pending.len()
    }
}
