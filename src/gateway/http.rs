//! The HTTP API (API Gateway v2) Lambda integration with payload format 2.0 (semantics §5.8): the
//! 2.0 event, 500 `{"message":"Internal Server Error"}` on a function error, and the response:
//! an object with `statusCode` is read field by field, anything else is the body of a 200
//! `application/json` answer. HTTP APIs have no test console, so the log holds only lab lines.

use serde_json::Value;

use crate::scenario::Scenario;
use crate::trace::{Body, HttpResponse, Mode, ModeResult, Stage, Step};

use super::{Run, content, gateway_json, unconfirmed};

/// HTTP APIs wait at most 30 s for an integration (REST: 29 s).
const HTTP_API_TIMEOUT_MS: u32 = 30_000;

pub fn run(scenario: &Scenario) -> ModeResult {
    let mut run = Run::new(scenario, Mode::Http);
    run.log.lab(format!(
        "HTTP APIs have no test console: these lines explain each step. {} {}",
        scenario.request.method, scenario.request.path
    ));
    let event = super::events::http_event(&run, scenario);
    let mut step = Step::new(
        Stage::IntegrationRequest,
        "The function receives the request as a payload format 2.0 event",
    )
    .detail("Header names are lower-cased; repeated headers and query parameters are comma-joined; cookies arrive in a cookies list.");
    for u in crate::lambda::events::http_v2_unconfirmed(&scenario.request) {
        step = step.unconfirmed(u);
    }
    run.explain(step);
    let invocation = match run.invoke(scenario, &event, HTTP_API_TIMEOUT_MS) {
        Ok(i) => i,
        Err(response) => return run.finish(response),
    };
    if invocation.function_error.is_some() {
        run.explain(
            Step::new(Stage::ProxyResponse, "A function error under an HTTP API is 500")
                .detail("X-Amz-Function-Error is set: the HTTP API answers {\"message\":\"Internal Server Error\"} (no space, capital S and E).")
                .failed(),
        );
        return run.finish_invoked(internal_server_error(), invocation);
    }
    let parsed = super::payload::read_members(&invocation.payload).ok();
    let response = respond(&mut run, &invocation.payload, parsed);
    run.log
        .lab(format!("The client receives {}", response.status));
    run.finish_invoked(response, invocation)
}

fn internal_server_error() -> HttpResponse {
    gateway_json(500, r#"{"message":"Internal Server Error"}"#, None, true)
}

/// The members of a structured output API Gateway reads (the others are ignored).
const READ_KEYS: [&str; 5] = [
    "statusCode",
    "headers",
    "cookies",
    "body",
    "isBase64Encoded",
];

/// `value`: the payload's parse (`None`: not JSON).
fn respond(run: &mut Run, payload: &str, value: Option<Value>) -> HttpResponse {
    match value {
        Some(Value::Object(o)) if o.contains_key("statusCode") => structured(run, o),
        other => inferred(run, payload, other),
    }
}

/// No `statusCode`: 200, `application/json`, the output is the body (a JSON string is unquoted).
fn inferred(run: &mut Run, payload: &str, value: Option<Value>) -> HttpResponse {
    let (body, how) = match value {
        Some(Value::String(s)) => (s, "the output is a JSON string: its text is the body"),
        Some(_) => (
            payload.to_string(),
            "the output is JSON without statusCode: it is the body as is",
        ),
        None => (
            payload.to_string(),
            "the output is not JSON: it is the body as is",
        ),
    };
    run.explain(
        Step::new(
            Stage::ProxyResponse,
            "No statusCode: API Gateway infers 200 with content-type application/json",
        )
        .detail(how)
        .detail("Payload 2.0 assumes isBase64Encoded false, statusCode 200, content-type application/json, body = the output."),
    );
    HttpResponse {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: Body::Text(body),
    }
}

fn structured(run: &mut Run, mut o: serde_json::Map<String, Value>) -> HttpResponse {
    let mut step = Step::new(
        Stage::ProxyResponse,
        "The output has statusCode: API Gateway reads statusCode, headers, cookies, body, isBase64Encoded",
    );
    let fail = |run: &mut Run, step: Step, why: String| {
        run.explain(
            step.detail(why)
                .unconfirmed(unconfirmed::C25_HTTP_MALFORMED)
                .failed(),
        );
        internal_server_error()
    };
    let status = match o.get("statusCode") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        _ => None,
    };
    let Some(status) = status.filter(|s| (100..=599).contains(s)) else {
        let why = format!("statusCode {} is not an HTTP status", o["statusCode"]);
        return fail(run, step, why);
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(Value::Object(h)) = o.get("headers") {
        for (k, v) in h {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(_) | Value::Bool(_) => v.to_string(),
                Value::Null => continue,
                other => {
                    let why = format!("headers.{k} is {other}, not a string");
                    return fail(run, step, why);
                }
            };
            headers.push((k.to_ascii_lowercase(), text));
        }
    }
    let ignored: Vec<&str> = o
        .keys()
        .map(String::as_str)
        .filter(|k| !READ_KEYS.contains(k))
        .collect();
    if !ignored.is_empty() {
        step = step.detail(format!(
            "Other keys are ignored: {} (a REST proxy would answer 502)",
            ignored.join(", ")
        ));
    }
    if let Some(Value::Array(cookies)) = o.get("cookies") {
        for c in cookies.iter().filter_map(Value::as_str) {
            headers.push(("set-cookie".into(), c.to_string()));
        }
        step = step.detail(format!(
            "{} cookie(s): each becomes a set-cookie header",
            cookies.len()
        ));
    }
    if !headers.iter().any(|(k, _)| k == "content-type") {
        headers.insert(0, ("content-type".into(), "application/json".into()));
        step = step
            .detail("No content-type header: application/json is assumed")
            .unconfirmed(unconfirmed::G5_HTTP_CONTENT_TYPE);
    }
    let text = match o.remove("body") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s,
        Some(other) => other.to_string(),
    };
    let base64 = matches!(o.get("isBase64Encoded"), Some(Value::Bool(true)));
    let body = if base64 {
        match content::decode_base64(&text) {
            Ok(bytes) => {
                step = step
                    .detail(format!(
                        "isBase64Encoded: the body is decoded into {} bytes",
                        bytes.len()
                    ))
                    .unconfirmed(unconfirmed::C25_HTTP_BASE64);
                Body::Binary(bytes)
            }
            Err(e) => {
                let why = format!("isBase64Encoded is true but the body is not base64 ({e})");
                return fail(run, step, why);
            }
        }
    } else {
        Body::Text(text)
    };
    run.explain(step);
    HttpResponse {
        status: status as u16,
        headers: join_repeats(headers),
        body,
    }
}

/// One entry per header name, repeated values joined with ", " (the contract's shape).
fn join_repeats(headers: Vec<(String, String)>) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::with_capacity(headers.len());
    for (k, v) in headers {
        match out.iter_mut().find(|(name, _)| *name == k) {
            Some((_, existing)) => {
                existing.push_str(", ");
                existing.push_str(&v);
            }
            None => out.push((k, v)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_headers_are_joined() {
        let h = join_repeats(vec![
            ("set-cookie".into(), "a=1".into()),
            ("x".into(), "y".into()),
            ("set-cookie".into(), "b=2".into()),
        ]);
        assert_eq!(
            h,
            vec![
                ("set-cookie".to_string(), "a=1, b=2".to_string()),
                ("x".to_string(), "y".to_string())
            ]
        );
    }
}
