//! Every behaviour the gateway pipelines rely on that the semantics reference marks UNCONFIRMED
//! (ids `C<n>-…` follow Appendix C's numbering) or that the reference does not cover at all and the
//! lab had to choose (`G<n>-…`). `docs/assumptions.md` lists each one with the reason for the choice.

use crate::trace::Unconfirmed;

const fn u(id: &'static str, text: &'static str) -> Unconfirmed {
    Unconfirmed { id, text }
}

pub const C3_NO_MATCH_STATUS: Unconfirmed = u(
    "C3-no-match-status",
    "the status printed after 'Endpoint Response Status Code:' for a Lambda custom integration is assumed to be Lambda's HTTP status, 200",
);
pub const C9_HANDLED: Unconfirmed = u(
    "C9-handled-unhandled",
    "X-Amz-Function-Error: Handled is treated exactly like Unhandled (no source shows a difference)",
);
pub const C11_JSONPATH: Unconfirmed = u(
    "C11-jsonpath-features",
    "JSONPath beyond $, .key, ['key'] and [n] (wildcards, .., filters, slices) is evaluated with Jayway semantics; AWS support is not documented",
);
pub const C13_OVERRIDE_RANGE: Unconfirmed = u(
    "C13-override-status-range",
    "a $context.responseOverride.status that is not an integer in 100-599 is ignored (LocalStack's observation, not recorded against AWS)",
);
pub const C14_FIRST_TEMPLATE: Unconfirmed = u(
    "C14-first-template",
    "with several response templates and none for the Accept type, application/json is preferred, then the first template in file order",
);
pub const C15_415_BODY: Unconfirmed = u(
    "C15-415-body",
    "the 415 body {\"message\": \"Unsupported Media Type\"} was seen on an API behind AWS, not attributed to API Gateway",
);
pub const C16_INVALID_JSON: Unconfirmed = u(
    "C16-invalid-json-event",
    "a request template that renders invalid JSON makes Lambda reject the Invoke; the client is assumed to get 400 with Lambda's message (the docs say 400 'may' be returned)",
);
pub const C16_TRANSFORM_ERROR: Unconfirmed = u(
    "C16-template-error",
    "a template that fails to render is assumed to answer 500 {\"message\": \"Internal server error\"} with 'Unable to transform request/response' (seen once, for a request template)",
);
pub const C18_HEADER_CASE: Unconfirmed = u(
    "C18-header-case",
    "integration.response.header.<name> is looked up case-sensitively (the docs' case-sensitivity note is general)",
);
pub const C19_NON_JSON_BODY: Unconfirmed = u(
    "C19-non-json-body-mapping",
    "integration.response.body.<path> over a body that is not JSON maps nothing (the header is left out)",
);
pub const C20_PROXY_COERCION: Unconfirmed = u(
    "C20-proxy-coercion",
    "proxy output values outside the recorded table are validated as Jackson's default coercion would (numbers and booleans become text, a fractional statusCode is truncated, \"true\"/\"false\" strings are booleans, objects and arrays in text fields fail)",
);
pub const C20_PROXY_STATUS_RANGE: Unconfirmed = u(
    "C20-proxy-status-range",
    "a proxy statusCode outside 100-599 is treated as a malformed response (502)",
);
pub const C20_PROXY_NULL: Unconfirmed = u(
    "C20-proxy-null-payload",
    "a null payload (a Node handler returning undefined) is treated as a malformed proxy response (502)",
);
pub const C20_PROXY_BASE64_KEY: Unconfirmed = u(
    "C20-proxy-base64encoded-key",
    "the key base64Encoded (without 'is') is an unknown key for the REST proxy and makes the response malformed (AWS SAM CLI accepts it)",
);
pub const C23_EVENT_TOO_LARGE: Unconfirmed = u(
    "C23-event-too-large",
    "an event over Lambda's 6 MB request limit (Lambda answers 413) is assumed to give 500 like other Lambda service errors",
);
pub const C24_ERROR_TYPE: Unconfirmed = u(
    "C24-error-type",
    "x-amzn-ErrorType values other than InternalServerErrorException and MissingAuthenticationTokenException are LocalStack's guesses",
);
pub const C25_HTTP_TIMEOUT: Unconfirmed = u(
    "C25-http-timeout-503",
    "an HTTP API integration timeout is assumed to answer 503 {\"message\":\"Service Unavailable\"} (client reports, not AWS docs)",
);
pub const C25_HTTP_BASE64: Unconfirmed = u(
    "C25-http-base64",
    "an HTTP API decodes a base64 body whenever isBase64Encoded is true, whatever the content type (AWS SAM CLI's reading)",
);
pub const C25_HTTP_MALFORMED: Unconfirmed = u(
    "C25-http-malformed",
    "an HTTP API 2.0 response with statusCode whose fields have the wrong types is assumed to answer 500 {\"message\":\"Internal Server Error\"}",
);
pub const G1_EMPTY_BODY_EVENT: Unconfirmed = u(
    "G1-empty-body-event",
    "a passed-through empty request body reaches Lambda as the event {} (Lambda's behaviour for an empty Invoke payload)",
);
pub const G2_CONTENT_HANDLING_ORDER: Unconfirmed = u(
    "G2-content-handling-order",
    "response contentHandling is applied to the body after the response template (Appendix A order)",
);
pub const G3_BINARY_WILDCARD: Unconfirmed = u(
    "G3-binary-media-wildcard",
    "a binaryMediaTypes entry matches the first Accept media type exactly, or is */* (other wildcards are not matched)",
);
pub const G4_PROXY_BASE64_INVALID: Unconfirmed = u(
    "G4-proxy-invalid-base64",
    "a proxy body marked isBase64Encoded that is not valid base64, when it must be decoded, is treated as a malformed response (502)",
);
pub const G5_HTTP_CONTENT_TYPE: Unconfirmed = u(
    "G5-http-default-content-type",
    "an HTTP API response with statusCode but no content-type header gets content-type: application/json",
);
pub const G6_EMPTY_REQUEST_TEMPLATE: Unconfirmed = u(
    "G6-empty-request-template",
    "an empty request template is stored as null by AWS and is treated as no template: the body passes through",
);

pub const G7_FOREACH_LIMIT: Unconfirmed = u(
    "G7-foreach-limit",
    "a #foreach past API Gateway's 1000-iteration limit stops after 1000 iterations (Velocity's directive.foreach.maxloops) instead of failing the template",
);
pub const G8_OVERRIDE_TWICE: Unconfirmed = u(
    "G8-override-twice",
    "the 5XX for a template that overrides the same parameter twice is assumed to be 500 {\"message\": \"Internal server error\"}, logged as a configuration error (the docs say only \"5XX\")",
);

/// Every label the gateway can attach, for `docs/assumptions.md` and its completeness test.
pub const ALL: &[Unconfirmed] = &[
    C3_NO_MATCH_STATUS,
    C9_HANDLED,
    C11_JSONPATH,
    C13_OVERRIDE_RANGE,
    C14_FIRST_TEMPLATE,
    C15_415_BODY,
    C16_INVALID_JSON,
    C16_TRANSFORM_ERROR,
    C18_HEADER_CASE,
    C19_NON_JSON_BODY,
    C20_PROXY_COERCION,
    C20_PROXY_STATUS_RANGE,
    C20_PROXY_NULL,
    C20_PROXY_BASE64_KEY,
    C23_EVENT_TOO_LARGE,
    C24_ERROR_TYPE,
    C25_HTTP_TIMEOUT,
    C25_HTTP_BASE64,
    C25_HTTP_MALFORMED,
    G1_EMPTY_BODY_EVENT,
    G2_CONTENT_HANDLING_ORDER,
    G3_BINARY_WILDCARD,
    G4_PROXY_BASE64_INVALID,
    G5_HTTP_CONTENT_TYPE,
    G6_EMPTY_REQUEST_TEMPLATE,
    G7_FOREACH_LIMIT,
    G8_OVERRIDE_TWICE,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_one_is_documented() {
        let doc = include_str!("../../docs/assumptions.md");
        let others = crate::lambda::UNCONFIRMED
            .iter()
            .chain([&crate::lambda::events::UNCONFIRMED_HTTP_BODY_BASE64])
            .chain(crate::selection::ALL_UNCONFIRMED.iter());
        for u in others {
            assert!(
                doc.contains(&format!("`{}`", u.id)),
                "{} missing from docs/assumptions.md",
                u.id
            );
        }
        for (i, a) in ALL.iter().enumerate() {
            assert!(
                ALL[i + 1..].iter().all(|b| b.id != a.id),
                "duplicate id {}",
                a.id
            );
            assert!(
                doc.contains(&format!("`{}`", a.id)),
                "{} missing from docs/assumptions.md",
                a.id
            );
        }
    }
}
