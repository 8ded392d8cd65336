//! The Lambda custom (non-proxy) integration, `type = "AWS"` (semantics §1, §3, Appendix A
//! "Custom"): passthrough behaviour and the Invoke. Integration response selection, mapping
//! templates and parameter mappings need the selection, Velocity and JSONPath modules; until they
//! land, a scenario that needs them says so in its trace instead of guessing.

use crate::scenario::Scenario;
use crate::selection;
use crate::trace::{Body, HttpResponse, Mode, ModeResult, Stage, Step};

use super::templates::{self, RequestChoice};
use super::{Run, gateway_json, header, unconfirmed};

pub fn run(scenario: &Scenario) -> ModeResult {
    let mut run = Run::new(scenario, Mode::Custom);
    run.method_request(&scenario.request);
    let event = match integration_request(&mut run, scenario) {
        Ok(event) => event,
        Err(response) => return run.finish(response),
    };
    if let Err(reason) = serde_json::from_str::<serde::de::IgnoredAny>(&event) {
        let response = lambda_rejects_event(&mut run, &event, &reason.to_string());
        return run.finish(response);
    }
    let invocation = match run.invoke(scenario, &event, scenario.integration.timeout_in_millis) {
        Ok(i) => i,
        Err(response) => return run.finish(response),
    };
    let input = match &invocation.function_error {
        Some(_) => invocation.error_message(),
        None => Some(String::new()),
    };
    run.log.lab(format!(
        "Selection input: {}",
        match &input {
            Some(m) => format!("{m:?}"),
            None => "none (no errorMessage)".to_string(),
        }
    ));
    run.selection = Some(selection::select(
        &scenario.integration.integration_responses,
        input.as_deref(),
    ));
    let response = not_built_yet(&mut run, "integration response selection", "selection");
    run.finish_invoked(response, invocation)
}

/// This build cannot evaluate the rest of the custom pipeline: say so instead of guessing.
fn not_built_yet(run: &mut Run, what: &str, module: &str) -> HttpResponse {
    let summary = format!(
        "This build of apigw-lab cannot evaluate {what} yet (the {module} module has not landed)"
    );
    run.explain(Step::new(Stage::Selection, summary.clone()).failed());
    HttpResponse {
        status: 500,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Body::Text(serde_json::json!({ "message": summary }).to_string()),
    }
}

fn integration_request(run: &mut Run, scenario: &Scenario) -> Result<String, HttpResponse> {
    let request = &scenario.request;
    let decision = templates::choose_request(
        &scenario.integration.request_templates,
        header(&request.headers, "Content-Type"),
        scenario.integration.passthrough_behavior,
    );
    let mut step = Step::new(Stage::IntegrationRequest, decision.summary.clone())
        .details(decision.details.iter().cloned());
    if let Some(u) = decision.unconfirmed {
        step = step.unconfirmed(u);
    }
    match decision.choice {
        RequestChoice::Reject => {
            run.explain(
                step.unconfirmed(unconfirmed::C15_415_BODY)
                    .unconfirmed(unconfirmed::C24_ERROR_TYPE)
                    .failed(),
            );
            run.line("Method completed with status: 415");
            Err(gateway_json(
                415,
                r#"{"message": "Unsupported Media Type"}"#,
                Some("BadRequestException"),
                false,
            ))
        }
        RequestChoice::Passthrough => {
            if request.body.is_empty() {
                run.explain(step.unconfirmed(unconfirmed::G1_EMPTY_BODY_EVENT));
                Ok("{}".to_string())
            } else {
                run.explain(step);
                Ok(request.body.clone())
            }
        }
        RequestChoice::Template { .. } => {
            run.explain(step);
            Err(not_built_yet(run, "request mapping templates", "Velocity"))
        }
    }
}

/// Lambda refuses an event that is not JSON (400 InvalidRequestContentException); the function
/// never runs and the client gets Lambda's message.
fn lambda_rejects_event(run: &mut Run, event: &str, reason: &str) -> HttpResponse {
    run.endpoint_request_lines(event);
    let message = format!("Could not parse request body into json: {reason}");
    let lambda_body = serde_json::json!({"Type": "User", "message": message}).to_string();
    run.line("Received response. Status: 400, Integration latency: 4 ms");
    run.line_with(
        "Endpoint response body before transformations: ",
        &lambda_body,
    );
    let request_id = run.ids.lambda_request.clone();
    run.line(&format!(
        "Lambda invocation failed with status: 400. Lambda request id: {request_id}"
    ));
    run.line("Method completed with status: 400");
    run.explain(
        Step::new(
            Stage::Invoke,
            "Lambda rejects the event: the request body is not JSON",
        )
        .detail(message.clone())
        .detail(
            "The function never runs. Escape values with $util.escapeJavaScript and quote strings.",
        )
        .unconfirmed(unconfirmed::C16_INVALID_JSON)
        .failed(),
    );
    let body = format!("{{\"message\": {}}}", serde_json::Value::String(message));
    gateway_json(400, &body, None, false)
}
