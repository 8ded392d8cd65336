//! The Lambda proxy integration (`AWS_PROXY`, payload format 1.0; semantics §5, Appendix A
//! "Proxy"): the fixed event, 502 on a function error, the strict output validation of the recorded
//! table (§5.2), the header merge (§5.3) and base64 bodies with `binaryMediaTypes` (§5.4).
//!
//! Where AWS was not recorded, validation follows what a Jackson bind of the output into
//! `{Integer statusCode; Map<String,String> headers; Map<String,List<String>> multiValueHeaders;
//! String body; Boolean isBase64Encoded}` with unknown properties failing would do; that model
//! reproduces every recorded row, and the lab labels each use of it (C20).

use serde_json::{Map as JsonMap, Value};

use crate::scenario::Scenario;
use crate::trace::{Body, HttpResponse, Mode, ModeResult, Stage, Step, Unconfirmed};

use super::{Run, accepts_binary, content, gateway_json, unconfirmed};

const ALLOWED_KEYS: [&str; 5] = [
    "statusCode",
    "headers",
    "multiValueHeaders",
    "body",
    "isBase64Encoded",
];

pub fn run(scenario: &Scenario) -> ModeResult {
    let mut run = Run::new(scenario, Mode::Proxy);
    run.method_request(&scenario.request);
    let event = super::events::proxy_event(&run, scenario);
    let mut step = Step::new(
        Stage::IntegrationRequest,
        "The function receives the whole request as a payload format 1.0 event",
    )
    .detail("A proxy integration has no request template and no passthrough behaviour.");
    if !scenario.integration.request_templates.is_empty()
        || !scenario.integration.integration_responses.is_empty()
    {
        step = step.detail(
            "The scenario's templates and integration responses are ignored here: they only exist for custom integrations.",
        );
    }
    run.step(step);
    let invocation = match run.invoke(scenario, &event, scenario.integration.timeout_in_millis) {
        Ok(i) => i,
        Err(response) => return run.finish(response),
    };
    let response = if invocation.function_error.is_some() {
        function_error(&mut run, &invocation.payload, &invocation.request_id)
    } else {
        let output = read_output(super::payload::read_members(&invocation.payload));
        match output.and_then(|o| respond(&mut run, scenario, o)) {
            Ok(response) => response,
            Err(malformed) => malformed_response(&mut run, malformed),
        }
    };
    run.finish_invoked(response, invocation)
}

fn function_error(run: &mut Run, payload: &str, request_id: &str) -> HttpResponse {
    let message = error_message(payload).unwrap_or_default();
    run.line(&format!(
        "Lambda execution failed with status 200 due to customer function error: {message}. Lambda request id: {request_id}"
    ));
    run.line("Method completed with status: 502");
    run.step(
        Step::new(
            Stage::ProxyResponse,
            "A function error under a proxy integration is always 502",
        )
        .detail("X-Amz-Function-Error is set: API Gateway does not look at the payload's shape, it answers 502 (INTEGRATION_FAILURE).")
        .detail("To answer a chosen status, the function must catch the error and return {\"statusCode\": …}.")
        .failed(),
    );
    gateway_json(
        502,
        r#"{"message": "Internal server error"}"#,
        Some("InternalServerErrorException"),
        false,
    )
}

/// The `errorMessage` of an error payload, as text.
fn error_message(payload: &str) -> Option<String> {
    let value: Value = serde_json::from_str(payload).ok()?;
    match value.get("errorMessage")? {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Why a proxy output is malformed.
#[derive(Debug, Clone, PartialEq)]
pub struct Malformed {
    pub reason: String,
    pub unconfirmed: Vec<Unconfirmed>,
}

/// A valid proxy output.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    pub status: u16,
    pub status_given: bool,
    /// Merged headers, each with its values in wire order.
    pub headers: Vec<(String, Vec<String>)>,
    pub body: String,
    pub is_base64: bool,
    /// How each field was read, for the trace.
    pub notes: Vec<String>,
    pub unconfirmed: Vec<Unconfirmed>,
}

fn malformed(reason: impl Into<String>) -> Malformed {
    Malformed {
        reason: reason.into(),
        unconfirmed: Vec::new(),
    }
}

fn malformed_because(reason: impl Into<String>, u: Unconfirmed) -> Malformed {
    Malformed {
        reason: reason.into(),
        unconfirmed: vec![u],
    }
}

/// Validates a payload against §5.2 and reads it (the pipeline itself uses the evaluation's
/// shared parse, [`super::payload::read_members`]).
#[cfg(test)]
pub fn validate(payload: &str) -> Result<Output, Malformed> {
    read_output(
        super::payload::parse_members(payload, &super::payload::READ).map_err(|e| e.to_string()),
    )
}

/// Validates a payload's parse (its members, or why it is not JSON).
fn read_output(parsed: Result<Value, String>) -> Result<Output, Malformed> {
    let value = parsed.map_err(|e| malformed(format!("the payload is not JSON ({e})")))?;
    let object = match value {
        Value::Object(o) => o,
        Value::Null => {
            return Err(malformed_because(
                "the payload is null (a Node handler that returns nothing), not an object",
                unconfirmed::C20_PROXY_NULL,
            ));
        }
        other => {
            return Err(malformed(format!(
                "the payload is {}, not an object with statusCode, headers, body…",
                describe(&other)
            )));
        }
    };
    read_object(object)
}

fn read_object(mut object: JsonMap<String, Value>) -> Result<Output, Malformed> {
    if let Some(key) = object.keys().find(|k| !ALLOWED_KEYS.contains(&k.as_str())) {
        return Err(unknown_key(key));
    }
    let mut out = Output {
        status: 200,
        status_given: false,
        headers: Vec::new(),
        body: String::new(),
        is_base64: false,
        notes: Vec::new(),
        unconfirmed: Vec::new(),
    };
    read_status(object.get("statusCode"), &mut out)?;
    let multi = read_multi_value_headers(object.get("multiValueHeaders"), &mut out)?;
    let single = read_headers(object.get("headers"), &mut out)?;
    out.headers = merge_headers(multi, single);
    read_body(object.remove("body"), &mut out)?;
    read_base64_flag(object.get("isBase64Encoded"), &mut out)?;
    Ok(out)
}

fn unknown_key(key: &str) -> Malformed {
    let allowed = ALLOWED_KEYS.join(", ");
    match key {
        "cookies" => malformed(format!(
            "unknown key \"cookies\": that is an HTTP API (payload 2.0) field; a REST proxy response may only have {allowed}"
        )),
        "base64Encoded" => malformed_because(
            format!(
                "unknown key \"base64Encoded\" (the field is isBase64Encoded); allowed: {allowed}"
            ),
            unconfirmed::C20_PROXY_BASE64_KEY,
        ),
        _ => malformed(format!(
            "unknown key \"{key}\": a proxy response may only have {allowed}"
        )),
    }
}

fn coerced(out: &mut Output, note: String) {
    out.notes.push(note);
    if !out.unconfirmed.contains(&unconfirmed::C20_PROXY_COERCION) {
        out.unconfirmed.push(unconfirmed::C20_PROXY_COERCION);
    }
}

fn read_status(value: Option<&Value>, out: &mut Output) -> Result<(), Malformed> {
    let status: i64 = match value {
        None => {
            out.notes
                .push("no statusCode: API Gateway answers 200".to_string());
            return Ok(());
        }
        Some(Value::Null) => {
            coerced(out, "statusCode is null: read as absent, so 200".into());
            return Ok(());
        }
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => i,
            None => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if !f.is_finite() || f.abs() > 1e9 {
                    return Err(malformed(format!("statusCode {n} is not an integer")));
                }
                coerced(out, format!("statusCode {n} is truncated to {}", f.trunc()));
                f.trunc() as i64
            }
        },
        Some(Value::String(s)) => match s.parse::<i64>() {
            Ok(i) => {
                out.notes.push(format!(
                    "statusCode \"{s}\" is a numeric string: accepted as {i}"
                ));
                i
            }
            Err(_) => {
                return Err(malformed(format!(
                    "statusCode \"{s}\" is a string that is not a number"
                )));
            }
        },
        Some(other) => {
            return Err(malformed(format!(
                "statusCode is {}, not a number",
                describe(other)
            )));
        }
    };
    if !(100..=599).contains(&status) {
        return Err(malformed_because(
            format!("statusCode {status} is not an HTTP status (100-599)"),
            unconfirmed::C20_PROXY_STATUS_RANGE,
        ));
    }
    out.status = status as u16;
    out.status_given = true;
    Ok(())
}

/// A scalar header value as text (`true` → "true"); `None` for null; `Err` for arrays/objects.
fn header_text(
    value: &Value,
    what: &str,
    out: &mut Output,
    recorded_bool: bool,
) -> Result<Option<String>, Malformed> {
    match value {
        Value::String(s) => Ok(Some(s.clone())),
        Value::Bool(b) => {
            if recorded_bool {
                out.notes.push(format!(
                    "{what} is the boolean {b}: sent as the text \"{b}\""
                ));
            } else {
                coerced(out, format!("{what} is the boolean {b}: sent as \"{b}\""));
            }
            Ok(Some(b.to_string()))
        }
        Value::Number(n) => {
            coerced(out, format!("{what} is the number {n}: sent as \"{n}\""));
            Ok(Some(n.to_string()))
        }
        Value::Null => {
            coerced(out, format!("{what} is null: the header is left out"));
            Ok(None)
        }
        other => Err(malformed_because(
            format!("{what} is {}, not a string", describe(other)),
            unconfirmed::C20_PROXY_COERCION,
        )),
    }
}

fn read_headers(
    value: Option<&Value>,
    out: &mut Output,
) -> Result<Vec<(String, String)>, Malformed> {
    let object = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(o)) => o,
        Some(other) => {
            return Err(malformed(format!(
                "headers is {}, not an object of name → value",
                describe(other)
            )));
        }
    };
    let mut headers = Vec::with_capacity(object.len());
    for (name, v) in object {
        if let Some(text) = header_text(v, &format!("headers.{name}"), out, true)? {
            headers.push((name.clone(), text));
        }
    }
    Ok(headers)
}

fn read_multi_value_headers(
    value: Option<&Value>,
    out: &mut Output,
) -> Result<Vec<(String, Vec<String>)>, Malformed> {
    let object = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(o)) => o,
        Some(other) => {
            return Err(malformed(format!(
                "multiValueHeaders is {}, not an object of name → list",
                describe(other)
            )));
        }
    };
    let mut headers = Vec::with_capacity(object.len());
    for (name, v) in object {
        let list = match v {
            Value::Array(items) => items,
            Value::Null => {
                coerced(out, format!("multiValueHeaders.{name} is null: left out"));
                continue;
            }
            other => {
                return Err(malformed(format!(
                    "multiValueHeaders.{name} is {}, but each value must be a list of strings",
                    describe(other)
                )));
            }
        };
        let mut values = Vec::with_capacity(list.len());
        for (i, item) in list.iter().enumerate() {
            if let Some(text) =
                header_text(item, &format!("multiValueHeaders.{name}[{i}]"), out, false)?
            {
                values.push(text);
            }
        }
        headers.push((name.clone(), values));
    }
    Ok(headers)
}

/// §5.3: `multiValueHeaders` first, then `headers`; names compared case-insensitively (casing of
/// the first occurrence wins), an identical name/value pair kept once, different values kept in
/// order (joined with ", " on the wire).
pub fn merge_headers(
    multi: Vec<(String, Vec<String>)>,
    single: Vec<(String, String)>,
) -> Vec<(String, Vec<String>)> {
    let mut merged: Vec<(String, Vec<String>)> = Vec::new();
    let pairs = multi
        .into_iter()
        .flat_map(|(k, vs)| vs.into_iter().map(move |v| (k.clone(), v)))
        .chain(single);
    for (name, value) in pairs {
        match merged
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(&name))
        {
            Some((_, values)) => {
                if !values.contains(&value) {
                    values.push(value);
                }
            }
            None => merged.push((name, vec![value])),
        }
    }
    merged
}

fn read_body(value: Option<Value>, out: &mut Output) -> Result<(), Malformed> {
    match value {
        None | Some(Value::Null) => {
            out.notes.push("no body: the response body is empty".into());
        }
        Some(Value::String(s)) => out.body = s,
        Some(Value::Number(n)) => {
            coerced(out, format!("body is the number {n}: sent as text"));
            out.body = n.to_string();
        }
        Some(Value::Bool(b)) => {
            coerced(out, format!("body is the boolean {b}: sent as text"));
            out.body = b.to_string();
        }
        Some(other) => {
            return Err(malformed(format!(
                "body is {}, not a string: serialize it with JSON.stringify / json.dumps",
                describe(&other)
            )));
        }
    }
    Ok(())
}

fn read_base64_flag(value: Option<&Value>, out: &mut Output) -> Result<(), Malformed> {
    out.is_base64 = match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s))
            if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
        {
            coerced(
                out,
                format!("isBase64Encoded is the string \"{s}\": read as a boolean"),
            );
            s.eq_ignore_ascii_case("true")
        }
        Some(other) => {
            return Err(malformed(format!(
                "isBase64Encoded is {}, not a boolean",
                describe(other)
            )));
        }
    };
    Ok(())
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("a JSON string ({})", super::preview(&format!("{s:?}"))),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn respond(run: &mut Run, scenario: &Scenario, output: Output) -> Result<HttpResponse, Malformed> {
    let mut step = Step::new(
        Stage::ProxyResponse,
        format!(
            "The output is a valid proxy response: status {}",
            output.status
        ),
    )
    .details(output.notes.iter().cloned());
    for u in &output.unconfirmed {
        step = step.unconfirmed(*u);
    }
    let (binary, wildcard) = accepts_binary(&scenario.request, &scenario.api.binary_media_types);
    let body = if output.is_base64 && binary {
        match content::decode_base64(&output.body) {
            Ok(bytes) => {
                step = step.detail(format!(
                    "isBase64Encoded and the first Accept type is a binary media type: the body is decoded into {} bytes",
                    bytes.len()
                ));
                if let Some(u) = wildcard {
                    step = step.unconfirmed(u);
                }
                Body::Binary(bytes)
            }
            Err(e) => {
                return Err(malformed_because(
                    format!("isBase64Encoded is true but the body is not valid base64 ({e})"),
                    unconfirmed::G4_PROXY_BASE64_INVALID,
                ));
            }
        }
    } else {
        if output.is_base64 {
            step = step.detail(if scenario.api.binary_media_types.is_empty() {
                "isBase64Encoded is true, but the API has no binaryMediaTypes: the base64 text is sent as is".to_string()
            } else {
                "isBase64Encoded is true, but the first Accept media type is not exactly one of binaryMediaTypes: the base64 text is sent as is".to_string()
            });
        }
        Body::Text(output.body)
    };
    let shown: Vec<(String, String)> = output
        .headers
        .iter()
        .map(|(k, vs)| (k.clone(), vs.join(",")))
        .collect();
    let mut headers: Vec<(String, String)> = output
        .headers
        .into_iter()
        .map(|(k, vs)| (k, vs.join(", ")))
        .collect();
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("Content-Type"))
    {
        headers.insert(0, ("Content-Type".into(), "application/json".into()));
        step = step.detail("The function set no Content-Type: API Gateway adds application/json");
    }
    run.step(step);
    let response = HttpResponse {
        status: output.status,
        headers,
        body,
    };
    run.method_response_lines(&response, &shown);
    Ok(response)
}

fn malformed_response(run: &mut Run, m: Malformed) -> HttpResponse {
    run.line("Execution failed due to configuration error: Malformed Lambda proxy response");
    run.line("Method completed with status: 502");
    let mut step = Step::new(
        Stage::ProxyResponse,
        "Malformed Lambda proxy response: 502",
    )
    .detail(format!("Why: {}", m.reason))
    .detail("A proxy response must be a JSON object with only statusCode, headers, multiValueHeaders, body (a string) and isBase64Encoded.")
    .failed();
    for u in m.unconfirmed {
        step = step.unconfirmed(u);
    }
    run.log.lab(format!("Malformed because {}", m.reason));
    run.step(step);
    gateway_json(
        502,
        r#"{"message": "Internal server error"}"#,
        Some("InternalServerErrorException"),
        false,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(payload: &str) -> Output {
        validate(payload).unwrap_or_else(|m| panic!("{payload}: {}", m.reason))
    }

    fn joined(o: &Output) -> Vec<(String, String)> {
        o.headers
            .iter()
            .map(|(k, v)| (k.clone(), v.join(", ")))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// §5.2, the recorded table, row by row.
    #[test]
    fn recorded_validation_table() {
        let o = ok(r#"{"statusCode": 200}"#);
        assert_eq!((o.status, o.body.as_str()), (200, ""));

        let o =
            ok(r#"{"statusCode": 200, "headers": {"test-header": "value", "header-bool": true}}"#);
        assert_eq!(
            joined(&o),
            pairs(&[("test-header", "value"), ("header-bool", "true")])
        );
        assert!(o.unconfirmed.is_empty(), "booleans in headers are recorded");

        assert_eq!(ok(r#"{"statusCode": 200, "headers": null}"#).status, 200);
        assert!(validate(r#"{"statusCode": 200, "wrongValue": "value"}"#).is_err());
        assert!(validate(r#"{"statusCode": "test"}"#).is_err());
        assert_eq!(ok(r#"{"statusCode": "201"}"#).status, 201);
        assert!(validate(r#""justAString""#).is_err());

        let o = ok(r#"{"headers": {"test-header": "value"}}"#);
        assert_eq!(
            (o.status, o.body.as_str(), o.status_given),
            (200, "", false)
        );
        assert_eq!(ok("{}").status, 200);

        let o = ok(r#"{"statusCode": 200, "body": "dGVzdC1kYXRh", "isBase64Encoded": true}"#);
        assert!(o.is_base64);
        assert_eq!(o.body, "dGVzdC1kYXRh");

        let o =
            ok(r#"{"statusCode": 200, "multiValueHeaders": {"test-multi": ["value1", "value2"]}}"#);
        assert_eq!(joined(&o), pairs(&[("test-multi", "value1, value2")]));

        let o = ok(
            r#"{"statusCode": 200, "multiValueHeaders": {"test-multi": ["value-multi"]}, "headers": {"test-multi": "value-solo"}}"#,
        );
        assert_eq!(
            joined(&o),
            pairs(&[("test-multi", "value-multi, value-solo")])
        );

        let o = ok(
            r#"{"statusCode": 200, "multiValueHeaders": {"tesT-Multi": ["value-multi"]}, "headers": {"test-multi": "value-solo"}}"#,
        );
        assert_eq!(
            joined(&o),
            pairs(&[("tesT-Multi", "value-multi, value-solo")])
        );

        let m = validate(
            r#"{"statusCode": 200, "multiValueHeaders": {"test-multi-invalid": "value1"}}"#,
        )
        .unwrap_err();
        assert!(m.reason.contains("test-multi-invalid"), "{}", m.reason);
    }

    #[test]
    fn further_recorded_malformed_outputs() {
        let m = validate(r#"{"statusCode":500,"body":{"message":"Request failed"}}"#).unwrap_err();
        assert!(m.reason.starts_with("body is an object"), "{}", m.reason);
        assert!(validate(r#""Bad response""#).is_err());
        let m = validate(r#"{"statusCode": 200, "cookies": ["a=b"]}"#).unwrap_err();
        assert!(m.reason.contains("HTTP API"), "{}", m.reason);
        assert!(validate(r#"{"Message": "ENI limit", "Type": "User"}"#).is_err());
    }

    #[test]
    fn unrecorded_cases_are_labelled() {
        let m = validate("null").unwrap_err();
        assert_eq!(m.unconfirmed, vec![unconfirmed::C20_PROXY_NULL]);
        let m = validate(r#"{"statusCode": 999}"#).unwrap_err();
        assert_eq!(m.unconfirmed, vec![unconfirmed::C20_PROXY_STATUS_RANGE]);
        let m = validate(r#"{"base64Encoded": true}"#).unwrap_err();
        assert_eq!(m.unconfirmed, vec![unconfirmed::C20_PROXY_BASE64_KEY]);
        let o = ok(
            r#"{"statusCode": 200.0, "body": 42, "headers": {"n": 1}, "isBase64Encoded": "false"}"#,
        );
        assert_eq!((o.status, o.body.as_str()), (200, "42"));
        assert_eq!(joined(&o), pairs(&[("n", "1")]));
        assert_eq!(o.unconfirmed, vec![unconfirmed::C20_PROXY_COERCION]);
        assert!(validate(r#"{"headers": {"a": ["x"]}}"#).is_err());
        assert!(validate(r#"{"isBase64Encoded": 1}"#).is_err());
        assert!(validate(r#"{"statusCode": true}"#).is_err());
    }

    #[test]
    fn identical_pairs_appear_once() {
        let merged = merge_headers(
            vec![("A".into(), vec!["1".into(), "2".into()])],
            pairs(&[("a", "1"), ("b", "3")]),
        );
        assert_eq!(
            merged,
            vec![
                ("A".to_string(), vec!["1".to_string(), "2".to_string()]),
                ("b".to_string(), vec!["3".to_string()])
            ]
        );
    }

    #[test]
    fn error_message_is_read_from_the_payload() {
        assert_eq!(
            error_message(r#"{"errorType":"Error","errorMessage":"boom","trace":[]}"#).as_deref(),
            Some("boom")
        );
        assert_eq!(error_message(r#"{"errorType":"Error"}"#), None);
        assert_eq!(error_message("not json"), None);
    }
}
