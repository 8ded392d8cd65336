//! Pipeline tests: whole scenarios through [`evaluate`], one rule each. Template-free so that they
//! exercise the gateway's own decisions; the conformance files cover the templates.

use super::*;

fn scenario(toml_text: &str) -> Scenario {
    toml::from_str(toml_text).unwrap_or_else(|e| panic!("bad test scenario: {e}"))
}

fn body(r: &ModeResult) -> String {
    r.response.body.to_text().into_owned()
}

fn has_line(r: &ModeResult, needle: &str) -> bool {
    r.log.iter().any(|l| l.contains(needle))
}

const THROWS: &str = r#"
title = "throws"
[handler]
runtime = "nodejs20.x"
[handler.throws]
errorMessage = "Internal Error - boom"
"#;

#[test]
fn a_thrown_error_is_selected_by_its_message() {
    let s = scenario(&format!(
        "{THROWS}
[integration.integrationResponses.\"200\"]
[integration.integrationResponses.\"500\"]
selectionPattern = '^Internal Error.*'
"
    ));
    let e = evaluate(&s);
    assert!(has_line(
        &e.custom,
        "[lab] Selection input: \"Internal Error - boom\""
    ));

    assert_eq!(e.proxy.response.status, 502);
    assert_eq!(body(&e.proxy), r#"{"message": "Internal server error"}"#);
    assert_eq!(
        e.proxy.response.header("x-amzn-ErrorType"),
        Some("InternalServerErrorException")
    );
    let lambda_id = &e.proxy.invocation.as_ref().unwrap().request_id;
    assert!(has_line(
        &e.proxy,
        &format!(
            "Lambda execution failed with status 200 due to customer function error: Internal Error - boom. Lambda request id: {lambda_id}"
        )
    ));
    assert!(!has_line(&e.proxy, "Successfully completed execution"));

    assert_eq!(e.http.response.status, 500);
    assert_eq!(body(&e.http), r#"{"message":"Internal Server Error"}"#);
}

#[test]
fn a_returned_status_is_data_for_custom_and_the_status_for_proxy() {
    let s = scenario(
        r#"
title = "returns"
[handler]
runtime = "nodejs20.x"
returns = '''{"statusCode": 400, "body": "x"}'''
[integration.integrationResponses."200"]
[integration.integrationResponses."400"]
selectionPattern = '.+'
"#,
    );
    let e = evaluate(&s);
    assert_eq!(
        e.custom.selection.as_ref().unwrap().input.as_deref(),
        Some("")
    );
    assert_eq!(e.proxy.response.status, 400);
    assert_eq!(body(&e.proxy), "x");
    assert_eq!(e.http.response.status, 400);
}

#[test]
fn the_console_log_follows_the_2022_line_order() {
    let s = scenario(
        r#"
title = "order"
[handler]
runtime = "nodejs20.x"
returns = '''{"statusCode": 200, "body": "ok"}'''
[request]
method = "POST"
path = "/hello"
query = { name = "Ann" }
headers = { day = "Wed" }
[integration.integrationResponses."200"]
"#,
    );
    let r = evaluate(&s).proxy;
    let real: Vec<&str> = r
        .log
        .iter()
        .filter(|l| !l.starts_with(LAB_PREFIX))
        .map(|l| l.split_once(" : ").map_or(l.as_str(), |(_, m)| m))
        .collect();
    let heads = [
        "Execution log for request ",
        "Starting execution for request: ",
        "HTTP Method: POST, Resource Path: /hello",
        "Method request path: {}",
        "Method request query string: {name=Ann}",
        "Method request headers: {day=Wed}",
        "Method request body before transformations: ",
        "Endpoint request URI: https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/",
        "Endpoint request headers: {x-amzn-lambda-integration-tag=",
        "Endpoint request body after transformations: {\"resource\":\"/hello\"",
        "Sending request to ",
        "Received response. Status: 200, Integration latency: ",
        "Endpoint response headers: {Date=",
        "Endpoint response body before transformations: {\"statusCode\":200,\"body\":\"ok\"}",
        "Method response body after transformations: ok",
        "Method response headers: {X-Amzn-Trace-Id=Root=",
        "Successfully completed execution",
        "Method completed with status: 200",
    ];
    assert_eq!(real.len(), heads.len(), "{:#?}", r.log);
    for (line, head) in real.iter().zip(heads) {
        assert!(
            line.starts_with(head),
            "{line:?} should start with {head:?}"
        );
    }
    assert!(r.log[1].starts_with("Wed Nov 25 04:00:00 UTC 2026 : "));
    assert!(r.log.iter().any(|l| l.ends_with(" [TRUNCATED]")));
}

#[test]
fn evaluation_is_deterministic() {
    let s = scenario(THROWS);
    let a = contract_json(&evaluate(&s));
    let b = contract_json(&evaluate(&s));
    assert_eq!(a, b);
}

#[test]
fn integration_timeout_is_504() {
    let s = scenario(
        r#"
title = "slow"
[handler]
runtime = "nodejs20.x"
timeout = 60
[handler.fails]
kind = "timeout"
[integration]
timeoutInMillis = 5000
[integration.integrationResponses."200"]
"#,
    );
    let e = evaluate(&s);
    for r in [&e.custom, &e.proxy] {
        assert_eq!(r.response.status, 504);
        assert_eq!(body(r), r#"{"message": "Endpoint request timed out"}"#);
        assert!(has_line(r, "Execution failed due to a timeout error"));
        assert!(!has_line(r, "Received response."));
    }
    // The HTTP API waits 30 s, and the function runs 60 s.
    assert_eq!(e.http.response.status, 503);
    assert!(
        e.http
            .unconfirmed()
            .contains(&unconfirmed::C25_HTTP_TIMEOUT)
    );
}

#[test]
fn unsupported_media_type_never_reaches_lambda() {
    let s = scenario(
        r#"
title = "415"
[handler]
runtime = "nodejs20.x"
returns = "1"
[request]
method = "POST"
headers = { "Content-Type" = "application/xml" }
body = "<a/>"
[integration]
passthroughBehavior = "WHEN_NO_TEMPLATES"
requestTemplates = { "application/json" = "{}" }
[integration.integrationResponses."200"]
"#,
    );
    let r = evaluate(&s).custom;
    assert_eq!(r.response.status, 415);
    assert!(r.invocation.is_none());
    assert!(r.unconfirmed().contains(&unconfirmed::C15_415_BODY));
}

#[test]
fn passthrough_sends_the_body_as_the_event() {
    let s = scenario(
        r#"
title = "passthrough"
[handler]
runtime = "nodejs20.x"
returns = "1"
[request]
method = "POST"
body = '{"a": 1}'
[integration.integrationResponses."200"]
"#,
    );
    let r = evaluate(&s).custom;
    assert_eq!(r.invocation.as_ref().unwrap().event, r#"{"a": 1}"#);
    assert!(has_line(
        &r,
        "Endpoint request body after transformations: {\"a\": 1}"
    ));
}

#[test]
fn a_passed_through_body_that_is_not_json_is_refused_by_lambda() {
    let s = scenario(
        r#"
title = "not json"
[handler]
runtime = "nodejs20.x"
returns = "1"
[request]
method = "POST"
body = "name=Ann"
[integration.integrationResponses."200"]
"#,
    );
    let r = evaluate(&s).custom;
    assert_eq!(r.response.status, 400);
    assert!(body(&r).starts_with(r#"{"message": "Could not parse request body into json: "#));
    assert!(r.invocation.is_none());
    assert!(has_line(
        &r,
        "Lambda invocation failed with status: 400. Lambda request id: "
    ));
}

#[test]
fn proxy_binary_body_needs_a_binary_accept_type() {
    let toml_text = |accept: &str| {
        format!(
            r#"
title = "png"
[handler]
runtime = "nodejs20.x"
returns = '''{{"statusCode": 200, "body": "aGk=", "isBase64Encoded": true, "headers": {{"Content-Type": "image/png"}}}}'''
[request]
headers = {{ Accept = "{accept}" }}
[api]
binaryMediaTypes = ["image/png", "*/test"]
"#
        )
    };
    let e = evaluate(&scenario(&toml_text("image/png,image/*,*/*;q=0.8")));
    assert_eq!(e.proxy.response.body, Body::Binary(b"hi".to_vec()));
    let json = contract_json(&e);
    assert_eq!(json["proxy"]["body"], "aGk=");
    assert_eq!(json["proxy"]["bodyEncoding"], "base64");
    for accept in ["image/webp,image/png", "*/*", "*/test", "image/*"] {
        let e = evaluate(&scenario(&toml_text(accept)));
        assert_eq!(e.proxy.response.body, Body::Text("aGk=".into()), "{accept}");
    }
}

#[test]
fn http_api_cookies_become_set_cookie() {
    let s = scenario(
        r#"
title = "cookies"
[handler]
runtime = "nodejs20.x"
returns = '''{"statusCode": 201, "cookies": ["a=1", "b=2"], "body": "ok", "extra": 1}'''
"#,
    );
    let r = evaluate(&s).http;
    assert_eq!(r.response.status, 201);
    assert_eq!(r.response.header("set-cookie"), Some("a=1, b=2"));
    assert_eq!(body(&r), "ok");
    assert!(r.log.iter().all(|l| l.starts_with(LAB_PREFIX)));
}

#[test]
fn http_api_unquotes_a_returned_string() {
    let s = scenario(
        r#"
title = "string"
[handler]
runtime = "python3.12"
returns = '''"Pass"'''
"#,
    );
    let e = evaluate(&s);
    assert_eq!(
        (e.http.response.status, body(&e.http)),
        (200, "Pass".into())
    );
    assert_eq!(e.proxy.response.status, 502);
    assert!(has_line(
        &e.proxy,
        "Execution failed due to configuration error: Malformed Lambda proxy response"
    ));
}

#[test]
fn contract_json_has_the_specified_members() {
    let s = scenario(&format!(
        "{THROWS}
[integration.integrationResponses.\"200\"]
"
    ));
    let json = contract_json(&evaluate(&s));
    assert_eq!(json["focus"], "custom");
    let c = &json["custom"];
    assert_eq!(c["headers"]["Content-Type"], "application/json");
    assert_eq!(c["selectionInput"], "Internal Error - boom");
    assert!(c["selected"].is_null());
    assert!(c["log"].as_array().unwrap().len() > 10);
    assert!(c.get("bodyEncoding").is_none());
    assert_eq!(json["proxy"]["statusCode"], 502);
    assert!(json["proxy"].get("selected").is_none());
    assert_eq!(json["http"]["statusCode"], 500);
}

#[test]
fn a_large_payload_is_cut_in_the_log_but_not_in_the_body() {
    let big = "x".repeat(100_000);
    let s = scenario(&format!(
        r#"
title = "big"
[handler]
runtime = "nodejs20.x"
returns = '''{{"statusCode": 200, "body": "{big}"}}'''
[integration.integrationResponses."200"]
"#
    ));
    let e = evaluate(&s);
    assert_eq!(body(&e.proxy).len(), 100_000);
    assert!(e.custom.log.iter().all(|l| l.len() < 1200));
}
