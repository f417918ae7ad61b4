//! Several KMIP operations in one `RequestMessage` and the per-item results of its
//! `ResponseMessage`: a list of any length is described in one round trip.

use super::responses::expect;
use super::{ProtocolError, Ttlv};

/// Why one item of a message failed, as the server said it (`ResultReason`,
/// `ResultMessage`); the other items are unaffected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedItem {
    pub reason: String,
    pub message: String,
}

impl FailedItem {
    /// `"<ResultReason>: <ResultMessage>"`: the text the server sends when the
    /// same operation fails alone (e.g. `Object_Not_Found: object not found for identifier x`).
    pub fn as_reason_line(&self) -> String {
        if self.message.is_empty() {
            self.reason.clone()
        } else {
            format!("{}: {}", self.reason, self.message)
        }
    }
}

/// One `RequestMessage` (protocol 2.1) carrying `operations`, each a bare
/// operation as the single builders make it (`{"tag":"GetAttributes",...}`).
pub fn request_message(operations: &[Ttlv]) -> Ttlv {
    let count = i32::try_from(operations.len()).unwrap_or(i32::MAX);
    let header = Ttlv::structure(
        "RequestHeader",
        vec![
            Ttlv::structure(
                "ProtocolVersion",
                vec![
                    Ttlv::integer("ProtocolVersionMajor", 2),
                    Ttlv::integer("ProtocolVersionMinor", 1),
                ],
            ),
            Ttlv::integer("BatchCount", count),
        ],
    );
    let items = operations.iter().map(|operation| {
        Ttlv::structure(
            "BatchItem",
            vec![
                Ttlv::enumeration("Operation", &operation.tag),
                Ttlv::structure("RequestPayload", operation.children().to_vec()),
            ],
        )
    });
    Ttlv::structure(
        "RequestMessage",
        std::iter::once(header).chain(items).collect(),
    )
}

/// A `ResponseMessage` → one result per item, in order: `Ok` holds the bare
/// `<Operation>Response` node the single parsers read; `Err` the item's failure.
/// A reply whose item count differs from `expected` is a protocol error.
pub fn parse_response_message(
    reply: &Ttlv,
    expected: usize,
) -> Result<Vec<Result<Ttlv, FailedItem>>, ProtocolError> {
    let reply = expect(reply, "ResponseMessage")?;
    let items: Vec<_> = reply
        .all("BatchItem")
        .map(parse_item)
        .collect::<Result<_, _>>()?;
    if items.len() != expected {
        return Err(ProtocolError::new(format!(
            "the ResponseMessage has {} items for {expected} operations",
            items.len()
        )));
    }
    Ok(items)
}

fn parse_item(item: &Ttlv) -> Result<Result<Ttlv, FailedItem>, ProtocolError> {
    let operation = item.require("Operation")?.as_enumeration()?;
    match item.require("ResultStatus")?.as_enumeration()? {
        "Success" => {
            let payload = item
                .child("ResponsePayload")
                .map(|p| p.children().to_vec())
                .unwrap_or_default();
            Ok(Ok(Ttlv::structure(
                &format!("{operation}Response"),
                payload,
            )))
        }
        status => {
            let reason = match item.child("ResultReason") {
                Some(reason) => reason.as_enumeration()?.to_owned(),
                None => status.to_owned(),
            };
            let message = match item.child("ResultMessage") {
                Some(message) => message.as_text()?.to_owned(),
                None => String::new(),
            };
            Ok(Err(FailedItem { reason, message }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kmip::{AttributeReference, get_attributes, parse_get_attributes};

    /// Built for two GetAttributes: the exact JSON the KMS 5.28 accepted (checked with curl).
    const TWO_GET_ATTRIBUTES: &str = r#"{"tag":"RequestMessage","value":[{"tag":"RequestHeader","value":[{"tag":"ProtocolVersion","value":[{"tag":"ProtocolVersionMajor","type":"Integer","value":2},{"tag":"ProtocolVersionMinor","type":"Integer","value":1}]},{"tag":"BatchCount","type":"Integer","value":2}]},{"tag":"BatchItem","value":[{"tag":"Operation","type":"Enumeration","value":"GetAttributes"},{"tag":"RequestPayload","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"k1"},{"tag":"AttributeReference","type":"Enumeration","value":"State"},{"tag":"AttributeReference","type":"Enumeration","value":"VendorExtension"},{"tag":"AttributeReference","type":"Enumeration","value":"Tag"}]}]},{"tag":"BatchItem","value":[{"tag":"Operation","type":"Enumeration","value":"GetAttributes"},{"tag":"RequestPayload","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"gone"},{"tag":"AttributeReference","type":"Enumeration","value":"State"}]}]}]}"#;

    /// What the KMS 5.28 answered to it: the second object does not exist.
    const ONE_FOUND_ONE_GONE: &str = r#"{"tag":"ResponseMessage","value":[{"tag":"ResponseHeader","value":[{"tag":"ProtocolVersion","value":[{"tag":"ProtocolVersionMajor","type":"Integer","value":2},{"tag":"ProtocolVersionMinor","type":"Integer","value":1}]},{"tag":"TimeStamp","type":"DateTime","value":"2026-11-29T16:24:17Z"},{"tag":"BatchCount","type":"Integer","value":2}]},{"tag":"BatchItem","value":[{"tag":"Operation","type":"Enumeration","value":"GetAttributes"},{"tag":"ResultStatus","type":"Enumeration","value":"Success"},{"tag":"ResponsePayload","value":[{"tag":"UniqueIdentifier","type":"TextString","value":"k1"},{"tag":"Attributes","value":[{"tag":"State","type":"Enumeration","value":"PreActive"},{"tag":"Attribute","value":[{"tag":"VendorIdentification","type":"TextString","value":"cosmian"},{"tag":"AttributeName","type":"TextString","value":"tag"},{"tag":"AttributeValue","type":"TextString","value":"[\"aws\",\"_kk\"]"}]}]}]}]},{"tag":"BatchItem","value":[{"tag":"Operation","type":"Enumeration","value":"GetAttributes"},{"tag":"ResultStatus","type":"Enumeration","value":"OperationFailed"},{"tag":"ResultReason","type":"Enumeration","value":"Object_Not_Found"},{"tag":"ResultMessage","type":"TextString","value":"object not found for identifier gone"}]}]}"#;

    #[test]
    fn a_message_wraps_the_single_builders_operations() {
        let message = request_message(&[
            get_attributes(
                "k1",
                &[
                    AttributeReference::State,
                    AttributeReference::VendorExtension,
                    AttributeReference::Tag,
                ],
            ),
            get_attributes("gone", &[AttributeReference::State]),
        ]);
        assert_eq!(message.to_json().to_string(), TWO_GET_ATTRIBUTES);
    }

    #[test]
    fn a_failed_item_fails_alone_and_reads_like_a_single_refusal() {
        let reply = Ttlv::from_json_text(ONE_FOUND_ONE_GONE).unwrap();
        let items = parse_response_message(&reply, 2).unwrap();
        let found = parse_get_attributes(items[0].as_ref().unwrap()).unwrap();
        assert_eq!(found.unique_identifier, "k1");
        assert_eq!(found.tags, vec!["aws"]);
        let failed = items[1].as_ref().unwrap_err();
        assert_eq!(failed.reason, "Object_Not_Found");
        // The body the same GetAttributes gets alone (422), word for word.
        assert_eq!(
            failed.as_reason_line(),
            "Object_Not_Found: object not found for identifier gone"
        );
    }

    #[test]
    fn a_reply_with_missing_items_is_a_protocol_error() {
        let reply = Ttlv::from_json_text(ONE_FOUND_ONE_GONE).unwrap();
        assert_eq!(
            parse_response_message(&reply, 3).unwrap_err().0,
            "the ResponseMessage has 2 items for 3 operations"
        );
        let bare = Ttlv::from_json_text(
            r#"{"tag":"LocateResponse","value":[{"tag":"LocatedItems","type":"Integer","value":0}]}"#,
        )
        .unwrap();
        assert_eq!(
            parse_response_message(&bare, 0).unwrap_err().0,
            "expected ResponseMessage, got LocateResponse"
        );
    }

    #[test]
    fn an_item_without_reason_says_its_status() {
        let reply = Ttlv::from_json_text(
            r#"{"tag":"ResponseMessage","value":[{"tag":"BatchItem","value":[{"tag":"Operation","type":"Enumeration","value":"Decrypt"},{"tag":"ResultStatus","type":"Enumeration","value":"OperationUndone"}]}]}"#,
        )
        .unwrap();
        let items = parse_response_message(&reply, 1).unwrap();
        assert_eq!(
            items[0].as_ref().unwrap_err().as_reason_line(),
            "OperationUndone"
        );
    }
}
