//! The Lambda side of whole scenarios: the same handler code runs under every integration mode,
//! each with the event that mode sends, and each outcome reaches the gateway intact.
#![cfg(feature = "js")]

use apigw_lab::lambda::OutcomeKind;
use apigw_lab::scenario::parse;
use apigw_lab::{Mode, evaluate};
use serde_json::Value;

fn scenario(handler: &str) -> apigw_lab::Scenario {
    let text = format!(
        "title = \"t\"\n[handler]\nruntime = \"nodejs20.x\"\ncode = '''\n{handler}\n'''\n\
         [request]\nmethod = \"POST\"\npath = \"/pets\"\nheaders = {{ \"Content-Type\" = \"application/json\" }}\n\
         query = {{ kind = \"cat\" }}\nbody = '''{{\"name\": \"Tom\"}}'''\n\
         [integration.integrationResponses.\"200\"]\n"
    );
    parse(&text, "modes.toml").unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn each_mode_invokes_the_code_with_its_own_event() {
    let eval = evaluate(&scenario(
        "exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify(event) });",
    ));
    let event = |mode: Mode| -> Value {
        let inv = eval.mode(mode).invocation.as_ref().expect("invoked");
        assert_eq!(
            inv.outcome,
            OutcomeKind::Returned,
            "{mode:?}: {}",
            inv.payload
        );
        let returned: Value = serde_json::from_str(&inv.payload).unwrap();
        let seen: Value = serde_json::from_str(returned["body"].as_str().unwrap()).unwrap();
        assert_eq!(
            seen,
            serde_json::from_str::<Value>(&inv.event).unwrap(),
            "{mode:?}"
        );
        seen
    };
    let proxy = event(Mode::Proxy);
    assert_eq!(proxy["httpMethod"], "POST");
    assert_eq!(proxy["queryStringParameters"]["kind"], "cat");
    assert_eq!(proxy["body"], r#"{"name": "Tom"}"#);
    let http = event(Mode::Http);
    assert_eq!(http["version"], "2.0");
    assert_eq!(http["requestContext"]["http"]["method"], "POST");
    assert_eq!(http["rawQueryString"], "kind=cat");
    let custom = event(Mode::Custom);
    assert!(
        custom.get("httpMethod").is_none(),
        "custom mode sends the mapped body: {custom}"
    );
}

#[test]
fn a_thrown_error_is_a_function_error_in_every_mode() {
    let eval = evaluate(&scenario(
        "exports.handler = async () => { throw new Error('Internal Error - boom'); };",
    ));
    for mode in Mode::ALL {
        let inv = eval.mode(mode).invocation.as_ref().expect("invoked");
        assert_eq!(inv.function_error.as_deref(), Some("Unhandled"), "{mode:?}");
        assert_eq!(
            inv.error_message().as_deref(),
            Some("Internal Error - boom")
        );
    }
    assert_eq!(eval.proxy.response.status, 502);
    assert_eq!(eval.http.response.status, 500);
}

#[test]
fn an_infinite_loop_becomes_the_function_timeout() {
    // Each mode's invocation spends the engine's real-time budget: keep it short here.
    apigw_lab::lambda::js::set_wall_clock_cap(std::time::Duration::from_millis(200));
    let eval = evaluate(&scenario("exports.handler = async () => { for (;;) {} };"));
    for mode in Mode::ALL {
        let inv = eval.mode(mode).invocation.as_ref().expect("invoked");
        assert_eq!(inv.outcome, OutcomeKind::Timeout, "{mode:?}");
        assert!(inv.payload.contains("Task timed out after 3.00 seconds"));
    }
}
