//! The events API Gateway sends a function: the REST proxy event (payload format 1.0, §5.7) and
//! the HTTP API event (payload format 2.0, §5.8), built from the scenario's request.
//!
//! REST events carry the console's test-invoke values (stage `test-invoke-stage`, source IP
//! `test-invoke-source-ip`, absent maps as `null`), since that is the call a learner compares
//! against. HTTP APIs have no test invoke: their event is that of a real call to the `$default`
//! stage, including the headers API Gateway adds.

use base64::Engine as _;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::{Map, Value, json};

use super::clock;
use crate::scenario::{Api, Request};
use crate::trace::Unconfirmed;

/// Who received the request, and when: the values API Gateway puts in `requestContext`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventContext {
    /// API Gateway's request id (`$context.requestId`).
    pub request_id: String,
    /// `extendedRequestId` (REST) / the HTTP API's short request id.
    pub extended_request_id: String,
    /// The simulated request time, Unix epoch milliseconds.
    pub time_ms: i64,
    pub stage: String,
    pub api_id: String,
    pub account_id: String,
    /// REST: the method's resource id.
    pub resource_id: String,
    /// The client's address (`test-invoke-source-ip` in a console test).
    pub source_ip: String,
}

impl EventContext {
    /// The console's Test button on a REST API method: what the lab's proxy mode simulates.
    pub fn rest_test_invoke(seed: &str, time_ms: i64) -> EventContext {
        EventContext {
            request_id: super::deterministic_id(&format!("{seed}#apigw")),
            extended_request_id: short_id(&format!("{seed}#extended")),
            time_ms,
            stage: "test-invoke-stage".into(),
            api_id: lower_id(&format!("{seed}#api"), 10),
            account_id: super::ACCOUNT_ID.into(),
            resource_id: lower_id(&format!("{seed}#resource"), 6),
            source_ip: "test-invoke-source-ip".into(),
        }
    }

    /// A real call to an HTTP API's `$default` stage.
    pub fn http_api(seed: &str, time_ms: i64) -> EventContext {
        let short = short_id(&format!("{seed}#http"));
        EventContext {
            request_id: short.clone(),
            extended_request_id: short,
            time_ms,
            stage: "$default".into(),
            api_id: lower_id(&format!("{seed}#httpapi"), 10),
            account_id: super::ACCOUNT_ID.into(),
            resource_id: String::new(),
            source_ip: "203.0.113.10".into(),
        }
    }
}

/// HTTP APIs decide from the content type whether to base64-encode the body (§5.8 gives no rule).
pub const UNCONFIRMED_HTTP_BODY_BASE64: Unconfirmed = Unconfirmed {
    id: "http-event-body-base64",
    text: "The HTTP API event base64-encodes bodies whose Content-Type is not text, JSON, XML or \
           JavaScript (form posts included); the exact rule is not documented.",
};

/// The REST Lambda proxy event (payload format 1.0) for `request`, key order as AWS sends it.
pub fn proxy_v1(request: &Request, api: &Api, ctx: &EventContext) -> Value {
    let (path, query) = split_query(request);
    let headers = (!request.headers.is_empty()).then(|| {
        let single: Map<String, Value> = request
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect();
        let multi: Map<String, Value> = request
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), json!([v])))
            .collect();
        (Value::Object(single), Value::Object(multi))
    });
    let (single_q, multi_q) = query_maps(&query);
    let binary = header(request, "content-type")
        .is_some_and(|ct| matches_binary_media_type(ct, &api.binary_media_types));
    let (body, encoded) = event_body(&request.body, binary);
    let stage_variables = (!api.stage_variables.is_empty()).then(|| {
        Value::Object(
            api.stage_variables
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect(),
        )
    });
    let (headers, multi_headers) = headers.unzip();
    json!({
        "resource": path,
        "path": path,
        "httpMethod": request.method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": single_q,
        "multiValueQueryStringParameters": multi_q,
        "pathParameters": null,
        "stageVariables": stage_variables,
        "requestContext": {
            "resourceId": ctx.resource_id,
            "resourcePath": path,
            "httpMethod": request.method,
            "extendedRequestId": ctx.extended_request_id,
            "requestTime": clock::clf(ctx.time_ms),
            "path": path,
            "accountId": ctx.account_id,
            "protocol": "HTTP/1.1",
            "stage": ctx.stage,
            "domainPrefix": "testPrefix",
            "requestTimeEpoch": ctx.time_ms,
            "requestId": ctx.request_id,
            "identity": test_invoke_identity(ctx),
            "domainName": "testPrefix.testDomainName",
            "apiId": ctx.api_id,
        },
        "body": body,
        "isBase64Encoded": encoded,
    })
}

/// The console user behind a test invoke, as the identity block shows it.
fn test_invoke_identity(ctx: &EventContext) -> Value {
    json!({
        "cognitoIdentityPoolId": null,
        "cognitoIdentityId": null,
        "apiKey": "test-invoke-api-key",
        "principalOrgId": null,
        "cognitoAuthenticationType": null,
        "userArn": format!("arn:aws:iam::{}:user/lab-user", ctx.account_id),
        "apiKeyId": "test-invoke-api-key-id",
        "userAgent": "aws-internal/3 aws-sdk-java/1.12.781 Linux/5.10.234-206.910.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.442-b06 java/1.8.0_442 vendor/Oracle_Corporation cfg/retry-mode/standard",
        "accountId": ctx.account_id,
        "caller": "AIDAJEXAMPLEUSERID000",
        "sourceIp": ctx.source_ip,
        "accessKey": "ASIAEXAMPLEACCESSKEY",
        "cognitoAuthenticationProvider": null,
        "user": "AIDAJEXAMPLEUSERID000",
    })
}

/// The HTTP API event (payload format 2.0) for `request`: lower-cased headers, `cookies` split
/// out of the `Cookie` header, absent members omitted.
pub fn http_v2(request: &Request, api: &Api, ctx: &EventContext) -> Value {
    let (path, query) = split_query(request);
    let mut headers = Map::new();
    let mut cookies = Vec::new();
    for (name, value) in &request.headers {
        let name = name.to_ascii_lowercase();
        if name == "cookie" {
            cookies.extend(
                value
                    .split(';')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(String::from),
            );
            continue;
        }
        join_into(&mut headers, name, value);
    }
    if !request.body.is_empty() {
        headers
            .entry("content-length")
            .or_insert_with(|| request.body.len().to_string().into());
    }
    headers.entry("host").or_insert_with(|| {
        format!("{}.execute-api.{}.amazonaws.com", ctx.api_id, super::REGION).into()
    });
    headers.insert("x-amzn-trace-id".into(), trace_id(ctx).into());
    headers.insert("x-forwarded-for".into(), ctx.source_ip.clone().into());
    headers.insert("x-forwarded-port".into(), "443".into());
    headers.insert("x-forwarded-proto".into(), "https".into());

    let mut event = Map::new();
    event.insert("version".into(), "2.0".into());
    event.insert("routeKey".into(), "$default".into());
    event.insert("rawPath".into(), path.clone().into());
    event.insert("rawQueryString".into(), raw_query(&query).into());
    if !cookies.is_empty() {
        event.insert("cookies".into(), json!(cookies));
    }
    event.insert("headers".into(), Value::Object(headers));
    if !query.is_empty() {
        let mut q = Map::new();
        for (k, v) in &query {
            join_into(&mut q, k.clone(), v);
        }
        event.insert("queryStringParameters".into(), Value::Object(q));
    }
    let user_agent = header(request, "user-agent").unwrap_or_default();
    event.insert(
        "requestContext".into(),
        json!({
            "accountId": ctx.account_id,
            "apiId": ctx.api_id,
            "domainName": format!("{}.execute-api.{}.amazonaws.com", ctx.api_id, super::REGION),
            "domainPrefix": ctx.api_id,
            "http": {
                "method": request.method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": ctx.source_ip,
                "userAgent": user_agent,
            },
            "requestId": ctx.request_id,
            "routeKey": "$default",
            "stage": ctx.stage,
            "time": clock::clf(ctx.time_ms),
            "timeEpoch": ctx.time_ms,
        }),
    );
    if !request.body.is_empty() {
        let binary = !header(request, "content-type").is_some_and(is_textual);
        let (body, encoded) = event_body(&request.body, binary);
        event.insert("body".into(), body);
        event.insert("isBase64Encoded".into(), encoded.into());
    } else {
        event.insert("isBase64Encoded".into(), false.into());
    }
    if !api.stage_variables.is_empty() {
        event.insert("stageVariables".into(), json!(api.stage_variables));
    }
    Value::Object(event)
}

/// Whether the HTTP API event for `request` relied on [`UNCONFIRMED_HTTP_BODY_BASE64`].
pub fn http_v2_unconfirmed(request: &Request) -> Vec<Unconfirmed> {
    if request.body.is_empty() {
        Vec::new()
    } else {
        vec![UNCONFIRMED_HTTP_BODY_BASE64]
    }
}

/// Whether `content_type` (parameters ignored) is one of the API's `binaryMediaTypes`, which may
/// use `*/*` and `type/*` wildcards.
pub fn matches_binary_media_type(content_type: &str, binary_media_types: &[String]) -> bool {
    let ct = media_type(content_type);
    let (ty, _) = ct.split_once('/').unwrap_or((&ct, ""));
    binary_media_types.iter().any(|b| {
        let b = b.trim().to_ascii_lowercase();
        b == ct || b == "*/*" || b.strip_suffix("/*").is_some_and(|prefix| prefix == ty)
    })
}

fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

fn is_textual(content_type: &str) -> bool {
    let ct = media_type(content_type);
    ct.starts_with("text/")
        || ["json", "xml", "javascript"]
            .iter()
            .any(|t| ct.ends_with(&format!("/{t}")) || ct.ends_with(&format!("+{t}")))
}

/// The body member and `isBase64Encoded`: `null` for no body, base64 for a binary one.
fn event_body(body: &str, binary: bool) -> (Value, bool) {
    match (body.is_empty(), binary) {
        (true, _) => (Value::Null, false),
        (false, true) => (
            base64::engine::general_purpose::STANDARD
                .encode(body)
                .into(),
            true,
        ),
        (false, false) => (body.into(), false),
    }
}

/// A header's value, name compared case-insensitively.
fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Duplicate keys (after lower-casing) are comma-joined, as the 2.0 format does.
fn join_into(map: &mut Map<String, Value>, key: String, value: &str) {
    match map.get_mut(&key) {
        Some(Value::String(existing)) => {
            existing.push(',');
            existing.push_str(value);
        }
        _ => {
            map.insert(key, value.into());
        }
    }
}

/// The path without any `?query` the user typed into it, and the query pairs: the path's first,
/// then `[request.query]`.
fn split_query(request: &Request) -> (String, Vec<(String, String)>) {
    let (path, inline) = request.path.split_once('?').unwrap_or((&request.path, ""));
    let mut pairs: Vec<(String, String)> = inline
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    pairs.extend(request.query.iter().map(|(k, v)| (k.clone(), v.clone())));
    let path = if path.is_empty() { "/" } else { path };
    (path.to_string(), pairs)
}

fn decode(s: &str) -> String {
    percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// REST 1.0: the last value wins in the single-value map; every value is kept in the multi map.
fn query_maps(pairs: &[(String, String)]) -> (Value, Value) {
    if pairs.is_empty() {
        return (Value::Null, Value::Null);
    }
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    for (k, v) in pairs {
        single.insert(k.clone(), v.clone().into());
        match multi.get_mut(k) {
            Some(Value::Array(values)) => values.push(v.clone().into()),
            _ => {
                multi.insert(k.clone(), json!([v]));
            }
        }
    }
    (Value::Object(single), Value::Object(multi))
}

/// What a browser would send: unreserved characters as is, the rest percent-encoded.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn raw_query(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, QUERY),
                utf8_percent_encode(v, QUERY)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// `Root=1-<8 hex epoch seconds>-<24 hex>`, as X-Ray formats trace ids.
fn trace_id(ctx: &EventContext) -> String {
    let h1 = super::id_hash(&format!("{}#trace1", ctx.request_id));
    let h2 = super::id_hash(&format!("{}#trace2", ctx.request_id));
    format!(
        "Root=1-{:08x}-{:016x}{:08x}",
        ctx.time_ms / 1000,
        h1,
        h2 & 0xffff_ffff
    )
}

/// A 16-character id in the style of `extendedRequestId` (`OhIAbGGIIAMFaAQ=`).
fn short_id(seed: &str) -> String {
    let bytes = super::id_hash(seed).to_le_bytes();
    let extra = super::id_hash(&format!("{seed}+")).to_le_bytes();
    let mut raw = bytes.to_vec();
    raw.extend_from_slice(&extra[..2]);
    let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
    format!("{}=", &encoded[..15])
}

/// A lower-case alphanumeric id like API Gateway's api and resource ids (`8a1b7vlz9f`).
fn lower_id(seed: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|i| {
            let h = super::mix(super::id_hash(&format!("{seed}#{i}")));
            ALPHABET[(h % 36) as usize] as char
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Map as SMap;

    const T: i64 = 1_646_495_439_366;

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object().unwrap().keys().map(String::as_str).collect()
    }

    fn request(method: &str, path: &str) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            ..Request::default()
        }
    }

    #[test]
    fn v1_test_invoke_event_without_parameters_has_nulls() {
        let e = proxy_v1(
            &request("GET", "/test4"),
            &Api::default(),
            &EventContext::rest_test_invoke("s", T),
        );
        assert_eq!(
            keys(&e),
            [
                "resource",
                "path",
                "httpMethod",
                "headers",
                "multiValueHeaders",
                "queryStringParameters",
                "multiValueQueryStringParameters",
                "pathParameters",
                "stageVariables",
                "requestContext",
                "body",
                "isBase64Encoded"
            ]
        );
        let text = serde_json::to_string(&e).unwrap();
        assert!(text.starts_with(r#"{"resource":"/test4","path":"/test4","httpMethod":"GET","headers":null,"multiValueHeaders":null,"queryStringParameters":null,"multiValueQueryStringParameters":null,"pathParameters":null,"stageVariables":null,"requestContext":{"resourceId":"#));
        let rc = &e["requestContext"];
        assert_eq!(rc["requestTime"], "05/Mar/2022:15:50:39 +0000");
        assert_eq!(rc["requestTimeEpoch"], T);
        assert_eq!(rc["stage"], "test-invoke-stage");
        assert_eq!(rc["identity"]["apiKey"], "test-invoke-api-key");
        assert_eq!(rc["identity"]["sourceIp"], "test-invoke-source-ip");
        assert_eq!(e["body"], Value::Null);
        assert_eq!(e["isBase64Encoded"], false);
    }

    #[test]
    fn v1_maps_headers_query_stage_variables_and_body() {
        let mut r = request("POST", "/pets?limit=5&tag=a");
        r.headers = SMap::from_iter([("Content-Type".to_string(), "application/json".to_string())]);
        r.query = SMap::from_iter([("tag".to_string(), "b".to_string())]);
        r.body = r#"{"a":1}"#.into();
        let api = Api {
            binary_media_types: vec![],
            stage_variables: SMap::from_iter([("env".to_string(), "test".to_string())]),
        };
        let e = proxy_v1(&r, &api, &EventContext::rest_test_invoke("s", T));
        assert_eq!(e["path"], "/pets");
        assert_eq!(e["headers"], json!({"Content-Type": "application/json"}));
        assert_eq!(
            e["multiValueHeaders"],
            json!({"Content-Type": ["application/json"]})
        );
        assert_eq!(
            e["queryStringParameters"],
            json!({"limit": "5", "tag": "b"})
        );
        assert_eq!(
            e["multiValueQueryStringParameters"],
            json!({"limit": ["5"], "tag": ["a", "b"]})
        );
        assert_eq!(e["stageVariables"], json!({"env": "test"}));
        assert_eq!(e["body"], r#"{"a":1}"#);
    }

    #[test]
    fn v1_binary_body_is_base64() {
        let mut r = request("POST", "/img");
        r.headers = SMap::from_iter([("content-type".to_string(), "image/png".to_string())]);
        r.body = "PNG".into();
        let api = Api {
            binary_media_types: vec!["image/*".into()],
            ..Api::default()
        };
        let e = proxy_v1(&r, &api, &EventContext::rest_test_invoke("s", T));
        assert_eq!(e["body"], "UE5H");
        assert_eq!(e["isBase64Encoded"], true);
    }

    #[test]
    fn v2_event_shape() {
        let mut r = request("GET", "/hello");
        r.headers = SMap::from_iter([
            ("User-Agent".to_string(), "curl/8.5.0".to_string()),
            ("Cookie".to_string(), "a=1; b=2".to_string()),
            ("X-Multi".to_string(), "x".to_string()),
            ("x-multi".to_string(), "y".to_string()),
        ]);
        r.query = SMap::from_iter([("name".to_string(), "Ann Lee".to_string())]);
        let e = http_v2(&r, &Api::default(), &EventContext::http_api("s", T));
        assert_eq!(
            keys(&e),
            [
                "version",
                "routeKey",
                "rawPath",
                "rawQueryString",
                "cookies",
                "headers",
                "queryStringParameters",
                "requestContext",
                "isBase64Encoded"
            ]
        );
        assert_eq!(e["rawQueryString"], "name=Ann%20Lee");
        assert_eq!(e["cookies"], json!(["a=1", "b=2"]));
        assert_eq!(e["headers"]["user-agent"], "curl/8.5.0");
        assert_eq!(e["headers"]["x-multi"], "x,y");
        assert!(e["headers"].get("cookie").is_none());
        assert_eq!(e["queryStringParameters"], json!({"name": "Ann Lee"}));
        let http = &e["requestContext"]["http"];
        assert_eq!(
            keys(http),
            ["method", "path", "protocol", "sourceIp", "userAgent"]
        );
        assert_eq!(http["userAgent"], "curl/8.5.0");
        assert_eq!(e["requestContext"]["stage"], "$default");
        assert_eq!(e["requestContext"]["time"], "05/Mar/2022:15:50:39 +0000");
    }

    #[test]
    fn v2_body_encoding_follows_content_type() {
        let mut r = request("POST", "/");
        r.body = "a=1".into();
        r.headers = SMap::from_iter([("Content-Type".to_string(), "application/json".to_string())]);
        let e = http_v2(&r, &Api::default(), &EventContext::http_api("s", T));
        assert_eq!(
            (e["body"].clone(), e["isBase64Encoded"].clone()),
            (json!("a=1"), json!(false))
        );
        assert_eq!(e["headers"]["content-length"], "3");
        r.headers = SMap::from_iter([(
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        )]);
        let e = http_v2(&r, &Api::default(), &EventContext::http_api("s", T));
        assert_eq!(
            (e["body"].clone(), e["isBase64Encoded"].clone()),
            (json!("YT0x"), json!(true))
        );
        assert_eq!(http_v2_unconfirmed(&r), [UNCONFIRMED_HTTP_BODY_BASE64]);
    }

    #[test]
    fn events_are_deterministic() {
        let r = request("GET", "/");
        let a = http_v2(&r, &Api::default(), &EventContext::http_api("s", T));
        assert_eq!(
            a,
            http_v2(&r, &Api::default(), &EventContext::http_api("s", T))
        );
        let ctx = EventContext::rest_test_invoke("s", T);
        assert_eq!(ctx.extended_request_id.len(), 16);
        assert!(ctx.extended_request_id.ends_with('='));
        assert_eq!(ctx.api_id.len(), 10);
    }

    #[test]
    fn binary_media_type_matching() {
        let types = vec!["image/png".to_string(), "application/*".to_string()];
        assert!(matches_binary_media_type("image/png; charset=x", &types));
        assert!(matches_binary_media_type(
            "application/octet-stream",
            &types
        ));
        assert!(!matches_binary_media_type("image/jpeg", &types));
        assert!(matches_binary_media_type(
            "text/plain",
            &["*/*".to_string()]
        ));
    }
}
