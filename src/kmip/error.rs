//! Why a KMIP reply could not be understood; kept apart from transport errors
//! so the UI can say "the server answered something unexpected".

use std::fmt;

/// A reply that is not the JSON TTLV shape the operation promises.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProtocolError(pub String);

impl ProtocolError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unexpected KMIP reply: {}", self.0)
    }
}

impl std::error::Error for ProtocolError {}
