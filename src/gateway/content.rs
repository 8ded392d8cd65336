//! Response `contentHandling` (semantics §3.10) and base64 helpers. A Lambda payload is always
//! text, so only the table's "text" rows apply: the body becomes binary when the integration
//! response says `CONVERT_TO_BINARY`, or says nothing and the first `Accept` type is a binary
//! media type; the text is then base64-decoded, and a failed decode is a configuration error.

use base64::Engine;

use crate::scenario::ContentHandling;
use crate::trace::Body;

/// Base64 as API Gateway reads it: the standard alphabet, padding optional.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    const ENGINE: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    ENGINE.decode(text.trim_end())
}

/// The outcome of applying `contentHandling` to a text body.
#[derive(Debug, PartialEq)]
pub struct Converted {
    /// `Err` holds the decode error: API Gateway answers 500.
    pub body: Result<Body, String>,
    pub summary: String,
}

pub fn convert(text: String, handling: Option<ContentHandling>, accept_binary: bool) -> Converted {
    let to_binary = match handling {
        Some(ContentHandling::ConvertToBinary) => Some("contentHandling CONVERT_TO_BINARY"),
        Some(ContentHandling::ConvertToText) => None,
        None if accept_binary => {
            Some("no contentHandling, and the first Accept type is a binary media type")
        }
        None => None,
    };
    let Some(why) = to_binary else {
        let summary = match handling {
            Some(ContentHandling::ConvertToText) => {
                "contentHandling CONVERT_TO_TEXT: the text body stays text".to_string()
            }
            _ => "The body stays text (no conversion applies)".to_string(),
        };
        return Converted {
            body: Ok(Body::Text(text)),
            summary,
        };
    };
    match decode_base64(&text) {
        Ok(bytes) => Converted {
            summary: format!(
                "{why}: the text is base64-decoded into {} bytes",
                bytes.len()
            ),
            body: Ok(Body::Binary(bytes)),
        },
        Err(e) => Converted {
            summary: format!("{why}: the text is not valid base64 ({e}), so the conversion fails"),
            body: Err(e.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ContentHandling::*;

    /// The "text" rows of §3.10's response table.
    #[test]
    fn content_handling_table() {
        let b64 = "aGk="; // "hi"
        let rows: &[(bool, Option<ContentHandling>, bool)] = &[
            // (accept is a binary type, contentHandling, binary out)
            (false, None, false),
            (false, Some(ConvertToBinary), true),
            (false, Some(ConvertToText), false),
            (true, None, true),
            (true, Some(ConvertToBinary), true),
            (true, Some(ConvertToText), false),
        ];
        for (accept_binary, handling, binary) in rows {
            let got = convert(b64.to_string(), *handling, *accept_binary)
                .body
                .unwrap();
            let want = if *binary {
                Body::Binary(b"hi".to_vec())
            } else {
                Body::Text(b64.to_string())
            };
            assert_eq!(got, want, "{accept_binary} {handling:?}");
        }
    }

    #[test]
    fn failed_conversion_is_an_error() {
        let got = convert("{\"a\": 1}".into(), Some(ConvertToBinary), false);
        assert!(got.body.is_err());
        assert!(got.summary.contains("not valid base64"));
    }

    #[test]
    fn padding_is_optional() {
        assert_eq!(decode_base64("aGk").unwrap(), b"hi");
        assert_eq!(decode_base64("dGVzdC1kYXRh").unwrap(), b"test-data");
    }
}
