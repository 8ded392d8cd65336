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

fn chosen(r: &ModeResult) -> Option<&str> {
    r.selection.as_ref().and_then(|s| s.chosen.as_deref())
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
    assert_eq!(e.custom.response.status, 500);
    assert_eq!(chosen(&e.custom), Some("500"));
    assert!(body(&e.custom).contains(r#""errorMessage":"Internal Error - boom""#));
    assert_eq!(
        e.custom.response.header("Content-Type"),
        Some("application/json")
    );
    assert!(has_line(&e.custom, "Method completed with status: 500"));
    assert!(has_line(&e.custom, "Successfully completed execution"));
    assert!(has_line(
        &e.custom,
        "[lab] Selection input (errorMessage): "
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
fn no_match_and_no_default_is_a_configuration_error() {
    let s = scenario(&format!(
        "{THROWS}
[integration.integrationResponses.\"400\"]
selectionPattern = 'nope'
"
    ));
    let r = evaluate(&s).custom;
    assert_eq!(r.response.status, 500);
    assert_eq!(body(&r), r#"{"message": "Internal server error"}"#);
    assert_eq!(chosen(&r), None);
    assert!(has_line(
        &r,
        "Execution failed due to configuration error: No match for output mapping and no default output mapping configured. Endpoint Response Status Code: 200"
    ));
    assert!(r.unconfirmed().contains(&unconfirmed::C3_NO_MATCH_STATUS));
    assert!(r.steps.iter().any(|s| s.failed));
}

#[test]
fn an_undeclared_method_response_fails_at_run_time() {
    let s = scenario(&format!(
        "{THROWS}
[integration.integrationResponses.\"200\"]
[integration.integrationResponses.\"400\"]
selectionPattern = 'Internal.*'
[methodResponses.\"200\"]
"
    ));
    let r = evaluate(&s).custom;
    assert_eq!(r.response.status, 500);
    assert!(has_line(
        &r,
        "Execution failed due to configuration error: Output mapping refers to an invalid method response: 400"
    ));
    assert!(has_line(&r, "Method completed with status: 500"));
}

#[test]
fn a_success_passes_through_with_the_default_response() {
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
    assert_eq!(e.custom.response.status, 200);
    assert_eq!(body(&e.custom), r#"{"statusCode":400,"body":"x"}"#);
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
returns = '''"ok"'''
[request]
method = "POST"
path = "/hello"
query = { name = "Ann" }
headers = { day = "Wed" }
[integration.integrationResponses."200"]
"#,
    );
    let r = evaluate(&s).custom;
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
        "Endpoint request body after transformations: {}",
        "Sending request to ",
        "Received response. Status: 200, Integration latency: ",
        "Endpoint response headers: {Date=",
        "Endpoint response body before transformations: \"ok\"",
        "Method response body after transformations: \"ok\"",
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
    assert_eq!(c["statusCode"], 200);
    assert_eq!(c["headers"]["Content-Type"], "application/json");
    assert_eq!(c["selectionInput"], "Internal Error - boom");
    assert_eq!(c["selected"], "200");
    assert!(c["body"].as_str().unwrap().contains("errorMessage"));
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

const RETURNS_FOO: &str = r#"
title = "templates"
[handler]
runtime = "nodejs20.x"
returns = '''{"foo": "bar", "n": 2}'''
"#;

#[test]
fn response_override_sets_status_and_header_last() {
    let s = scenario(&format!(
        r#"{RETURNS_FOO}
[integration.integrationResponses."200"]
responseParameters = {{ "method.response.header.X-A" = "'mapped'" }}
responseTemplates = {{ "application/json" = '''#set($context.responseOverride.status = 418)#set($context.responseOverride.header.X-A = "overridden")$input.path('$.foo')''' }}
"#
    ));
    let r = evaluate(&s).custom;
    assert_eq!(r.response.status, 418);
    assert_eq!(r.response.header("X-A"), Some("overridden"));
    assert_eq!(body(&r), "bar");
    assert!(has_line(&r, "Method completed with status: 418"));
    assert_eq!(r.templates.len(), 1);
}

#[test]
fn an_out_of_range_override_status_is_ignored() {
    let s = scenario(&format!(
        r#"{RETURNS_FOO}
[integration.integrationResponses."200"]
responseTemplates = {{ "application/json" = '''#set($context.responseOverride.status = 600)ok''' }}
"#
    ));
    let r = evaluate(&s).custom;
    assert_eq!(r.response.status, 200);
    assert!(r.unconfirmed().contains(&unconfirmed::C13_OVERRIDE_RANGE));
}

#[test]
fn the_response_template_follows_the_first_accept_type() {
    let s = scenario(&format!(
        r#"{RETURNS_FOO}
[request]
headers = {{ Accept = "application/xml, application/json" }}
[integration.integrationResponses."200"]
responseTemplates = {{ "application/json" = "json", "application/xml" = "<xml/>" }}
"#
    ));
    assert_eq!(body(&evaluate(&s).custom), "<xml/>");
}

#[test]
fn an_empty_template_passes_the_payload_through() {
    let s = scenario(&format!(
        r#"{RETURNS_FOO}
[integration.integrationResponses."200"]
responseTemplates = {{ "application/json" = "", "application/xml" = "<xml/>" }}
"#
    ));
    assert_eq!(body(&evaluate(&s).custom), r#"{"foo":"bar","n":2}"#);
}

#[test]
fn a_broken_response_template_is_a_500() {
    let s = scenario(&format!(
        r#"{RETURNS_FOO}
[integration.integrationResponses."200"]
responseTemplates = {{ "application/json" = '''#if($x''' }}
"#
    ));
    let r = evaluate(&s).custom;
    assert_eq!(r.response.status, 500);
    assert_eq!(body(&r), r#"{"message": "Internal server error"}"#);
    assert!(r.templates[0].outcome.is_err());
    assert!(r.unconfirmed().contains(&unconfirmed::C16_TRANSFORM_ERROR));
}

#[test]
fn a_request_template_builds_the_event() {
    let s = scenario(&format!(
        r#"{RETURNS_FOO}
[request]
query = {{ name = "Ann" }}
[integration]
requestTemplates = {{ "application/json" = '''{{"name": "$input.params('name')"}}''' }}
[integration.integrationResponses."200"]
"#
    ));
    let r = evaluate(&s).custom;
    assert_eq!(r.invocation.as_ref().unwrap().event, r#"{"name": "Ann"}"#);
    assert_eq!(r.templates[0].role, crate::trace::TemplateRole::Request);
}

#[test]
fn a_request_template_that_is_not_json_is_refused_by_lambda() {
    let s = scenario(&format!(
        r#"{RETURNS_FOO}
[request]
query = {{ name = "Ann" }}
[integration]
requestTemplates = {{ "application/json" = '''{{"name": $input.params('name')}}''' }}
[integration.integrationResponses."200"]
"#
    ));
    let r = evaluate(&s).custom;
    assert_eq!(r.response.status, 400);
    assert!(r.invocation.is_none());
    assert!(r.unconfirmed().contains(&unconfirmed::C16_INVALID_JSON));
}

#[test]
fn content_handling_converts_to_binary() {
    let s = scenario(
        r#"
title = "binary"
[handler]
runtime = "nodejs20.x"
returns = '''"aGk="'''
[integration.integrationResponses."200"]
contentHandling = "CONVERT_TO_BINARY"
responseTemplates = { "application/json" = '''$input.path('$')''' }
"#,
    );
    let r = evaluate(&s).custom;
    assert_eq!(r.response.body, Body::Binary(b"hi".to_vec()));
    let s = scenario(
        r#"
title = "binary fails"
[handler]
runtime = "nodejs20.x"
returns = '''{"not": "base64"}'''
[integration.integrationResponses."200"]
contentHandling = "CONVERT_TO_BINARY"
"#,
    );
    assert_eq!(evaluate(&s).custom.response.status, 500);
}

#[test]
fn without_integration_responses_the_console_default_applies() {
    let r = evaluate(&scenario(RETURNS_FOO)).custom;
    assert_eq!(r.response.status, 200);
    assert_eq!(chosen(&r), Some("200"));
}

#[test]
fn overlapping_patterns_are_flagged() {
    let s = scenario(&format!(
        "{THROWS}
[integration.integrationResponses.\"200\"]
[integration.integrationResponses.\"502\"]
selectionPattern = '.+'
[integration.integrationResponses.\"405\"]
selectionPattern = '.*boom.*'
"
    ));
    let r = evaluate(&s).custom;
    assert_eq!(r.response.status, 405);
    assert!(!r.selection.as_ref().unwrap().unconfirmed.is_empty());
    assert!(r.log.iter().any(|l| l.starts_with("[lab] UNCONFIRMED ")));
}

#[test]
fn a_query_string_in_the_path_is_a_query_parameter() {
    let s = scenario(
        r#"
title = "query in path"
[handler]
runtime = "nodejs20.x"
returns = "1"
[request]
path = "/pets?type=dog&name=Rex+Jr"
query = { page = "2" }
"#,
    );
    let r = evaluate(&s).custom;
    assert!(has_line(&r, "HTTP Method: GET, Resource Path: /pets"));
    assert!(has_line(
        &r,
        "Method request query string: {type=dog, name=Rex Jr, page=2}"
    ));
}

#[test]
fn http_api_rejects_a_status_code_that_is_not_a_number() {
    let s = scenario(
        r#"
title = "bad status"
[handler]
runtime = "nodejs20.x"
returns = '''{"statusCode": "teapot", "body": "x"}'''
"#,
    );
    let r = evaluate(&s).http;
    assert_eq!(r.response.status, 500);
    assert_eq!(body(&r), r#"{"message":"Internal Server Error"}"#);
    assert!(r.unconfirmed().contains(&unconfirmed::C25_HTTP_MALFORMED));
}

#[test]
fn proxy_malformed_output_names_the_broken_rule() {
    let s = scenario(
        r#"
title = "malformed"
[handler]
runtime = "nodejs20.x"
returns = '''{"statusCode": 200, "body": {"a": 1}}'''
"#,
    );
    let r = evaluate(&s).proxy;
    assert_eq!(r.response.status, 502);
    let step = r.steps.iter().find(|s| s.failed).expect("a failed step");
    assert!(
        step.details.iter().any(|d| d.contains("body is an object")),
        "{step:?}"
    );
    assert!(has_line(&r, "[lab] Malformed because body is an object"));
}

#[test]
fn the_trace_teaches_the_two_classic_surprises() {
    let throws = scenario(&format!(
        "{THROWS}
[integration.integrationResponses.\"200\"]
"
    ));
    let r = evaluate(&throws).custom;
    assert_eq!(r.response.status, 200);
    assert!(
        r.steps
            .iter()
            .any(|s| s.summary.contains("yet the client gets 200"))
    );

    let returns = scenario(
        r#"
title = "returned 400"
[handler]
runtime = "nodejs20.x"
returns = '''{"statusCode": 400, "body": "x"}'''
"#,
    );
    let r = evaluate(&returns).custom;
    assert_eq!(r.response.status, 200);
    assert!(
        r.steps
            .iter()
            .any(|s| s.summary.contains("statusCode 400 is just data"))
    );
}

#[test]
fn one_evaluation_serializes_a_returns_payload_once() {
    let s = scenario(
        r#"
title = "returns"
[handler]
runtime = "python3.12"
returns = '{"statusCode": 201, "body": "hi"}'
"#,
    );
    let e = evaluate(&s);
    let payload = |r: &ModeResult| r.invocation.as_ref().map(|i| i.payload.clone()).unwrap();
    let (custom, http) = (payload(&e.custom), payload(&e.http));
    assert!(std::sync::Arc::ptr_eq(&custom, &http));
    assert_eq!(&*custom, r#"{"statusCode": 201, "body": "hi"}"#);
    let again = evaluate(&s);
    assert!(!std::sync::Arc::ptr_eq(&custom, &payload(&again.proxy)));
    assert_eq!(contract_json(&again), contract_json(&e));
}

/// Semantics §5.3 snapshots and §5.5/§7.1 transcripts: the headers API Gateway adds itself.
#[test]
fn every_response_carries_length_date_and_request_ids_in_the_recorded_order() {
    let s = scenario(&format!("{THROWS}\n[integration]\ntype = \"AWS_PROXY\"\n"));
    let e = evaluate(&s);
    let names = |r: &ModeResult| -> Vec<String> {
        r.response.headers.iter().map(|(k, _)| k.clone()).collect()
    };
    assert_eq!(body(&e.proxy), r#"{"message": "Internal server error"}"#);
    assert_eq!(
        names(&e.proxy),
        [
            "Content-Type",
            "Content-Length",
            "x-amzn-ErrorType",
            "Date",
            "x-amzn-RequestId",
            "x-amz-apigw-id",
            "X-Amzn-Trace-Id"
        ]
    );
    assert_eq!(e.proxy.response.header("content-length"), Some("36"));
    let date = e.proxy.response.header("Date").unwrap();
    assert!(
        date.starts_with("Wed, 25 Nov 2026 04:00:") && date.ends_with(" GMT"),
        "{date}"
    );
    // The ids are the ones the run's log and event carry.
    let request_id = e.proxy.response.header("x-amzn-RequestId").unwrap();
    assert!(has_line(&e.proxy, request_id));
    // The custom mode's console prints the trace id among the method response headers.
    let trace = e.custom.response.header("X-Amzn-Trace-Id").unwrap();
    assert!(has_line(&e.custom, trace), "{trace}");
    let custom_len = e.custom.response.body.len().to_string();
    assert_eq!(
        e.custom.response.header("Content-Length"),
        Some(custom_len.as_str())
    );
    let http = names(&e.http);
    assert_eq!(
        &http[http.len() - 3..],
        ["Content-Length", "Date", "Apigw-Requestid"]
    );
    let http_id = e.http.response.header("Apigw-Requestid").unwrap();
    let event = e
        .http
        .invocation
        .as_ref()
        .map(|i| i.event.clone())
        .unwrap_or_default();
    assert!(event.contains(http_id), "{http_id} not in the v2 event");
    // Deterministic: the same scenario gives the same headers.
    assert_eq!(
        evaluate(&s).proxy.response.headers,
        e.proxy.response.headers
    );
}

/// Semantics §3.11: what AWS does past 1000 iterations is not recorded; the lab stops the loop
/// (Velocity's maxloops) and labels the step.
#[test]
fn a_foreach_past_1000_iterations_is_cut_and_labelled() {
    let s = scenario(
        r#"
title = "foreach"
[handler]
returns = '{"n": 1}'
[integration.integrationResponses."200"]
responseTemplates = { "application/json" = '#foreach($i in [1..1500])x#end' }
"#,
    );
    let e = evaluate(&s);
    assert_eq!(body(&e.custom), "x".repeat(1000));
    let labelled = e.custom.unconfirmed();
    assert!(
        labelled.iter().any(|u| u.id == "G7-foreach-limit"),
        "{labelled:?}"
    );
}
