//! The Lambda custom (non-proxy) integration, `type = "AWS"` (semantics §1, §3, §4, Appendix A
//! "Custom"): request template and passthrough, Invoke, integration response selection, the method
//! response check, `responseParameters`, the response template, `contentHandling` and
//! `$context.responseOverride`, with the gateway's 500/504 answers.

use crate::lambda::Invocation;
use crate::scenario::{IntegrationResponse, Map, Scenario};
use crate::trace::{Body, HttpResponse, Mode, ModeResult, Stage, Step, TemplateRole, TemplateRun};
use crate::vtl::{self, Env, RenderOptions, Rendered, Template};

use super::templates::{self, RequestChoice, ResponseChoice};
use super::{
    Run, accepts_binary, configuration_error, content, gateway_json, header, preview,
    response_params, unconfirmed,
};

pub fn run(scenario: &Scenario) -> ModeResult {
    let mut run = Run::new(scenario, Mode::Custom);
    run.method_request(&scenario.request);
    let event = match integration_request(&mut run, scenario) {
        Ok(event) => event,
        Err(response) => return run.finish(response),
    };
    if let Err(reason) = serde_json::from_str::<serde::de::IgnoredAny>(&event) {
        let source = run.ids.lambda_request.replace('-', "")[..8].to_string();
        let reason = super::jackson::message(&event, &reason, &source);
        let response = lambda_rejects_event(&mut run, &event, &reason);
        return run.finish(response);
    }
    let invocation = match run.invoke(scenario, &event, scenario.integration.timeout_in_millis) {
        Ok(i) => i,
        Err(response) => return run.finish(response),
    };
    let response = integration_response(&mut run, scenario, &invocation);
    run.finish_invoked(response, invocation)
}

/// The request template (or passthrough) turns the client's request into Lambda's event.
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
        RequestChoice::Template { key, source } => {
            run.explain(step);
            let rendered = render(
                run,
                scenario,
                TemplateRole::Request,
                key,
                source,
                &request.body,
            );
            match rendered {
                Ok(r) => {
                    run.step(
                        Step::new(
                            Stage::IntegrationRequest,
                            format!(
                                "The {key} request template rendered {} bytes",
                                r.output.len()
                            ),
                        )
                        .detail(format!("event: {}", preview(&r.output))),
                    );
                    if !r.repeated_overrides.is_empty() {
                        return Err(override_twice(run, "request", &r.repeated_overrides));
                    }
                    if has_request_overrides(&r) {
                        run.explain(Step::new(
                            Stage::IntegrationRequest,
                            "requestOverride values change the Invoke request's parameters, not the event the function receives",
                        ));
                    }
                    if r.output.trim().is_empty() {
                        run.explain(
                            Step::new(
                                Stage::IntegrationRequest,
                                "The request template rendered nothing: Lambda receives an empty payload",
                            )
                            .unconfirmed(unconfirmed::G1_EMPTY_BODY_EVENT),
                        );
                        return Ok("{}".to_string());
                    }
                    Ok(r.output)
                }
                Err(message) => Err(template_failed(run, "request", &message)),
            }
        }
    }
}

fn has_request_overrides(r: &Rendered) -> bool {
    let o = &r.overrides;
    !(o.request_path.is_empty() && o.request_querystring.is_empty() && o.request_header.is_empty())
}

/// Renders a template, recording the run; `Err` carries the error text with its position.
fn render(
    run: &mut Run,
    scenario: &Scenario,
    role: TemplateRole,
    key: &str,
    source: &str,
    body: &str,
) -> Result<Rendered, String> {
    let env = Env {
        body: body.to_string(),
        path_params: Default::default(),
        query_params: super::query_params(&scenario.request),
        header_params: scenario.request.headers.clone(),
        context: run.context_json(&scenario.request),
        stage_variables: scenario.api.stage_variables.clone(),
    };
    let options = RenderOptions {
        inspect: true,
        ..Default::default()
    };
    let result = Template::parse(source).and_then(|t| vtl::render(&t, &env, &options));
    let (outcome, inspections, out) = match result {
        Ok(mut r) => {
            let inspections = std::mem::take(&mut r.inspections);
            if !r.warnings.is_empty() {
                run.explain(
                    Step::new(
                        Stage::from(&role),
                        format!("The {key} template rendered with warnings"),
                    )
                    .details(r.warnings.iter().cloned())
                    .unconfirmed(unconfirmed::G7_FOREACH_LIMIT),
                );
            }
            (Ok(r.output.clone()), inspections, Ok(r))
        }
        Err(e) => {
            let text = e.render_with_source(source);
            (Err(e), Vec::new(), Err(text))
        }
    };
    run.templates.push(TemplateRun {
        role,
        content_type: key.to_string(),
        outcome,
        inspections,
    });
    out
}

/// Where a request or response template's step belongs in the trace.
fn template_stage(side: &str) -> Stage {
    match side {
        "request" => Stage::IntegrationRequest,
        _ => Stage::ResponseTemplate,
    }
}

fn template_failed(run: &mut Run, side: &str, message: &str) -> HttpResponse {
    let step = Step::new(
        template_stage(side),
        format!("The {side} template failed to render: API Gateway answers 500"),
    )
    .details(message.lines().map(str::to_string))
    .unconfirmed(unconfirmed::C16_TRANSFORM_ERROR);
    configuration_error(run, &format!("Unable to transform {side}"), step)
}

/// "Overrides are final": a parameter overridden twice makes API Gateway answer 5XX (§3.7).
fn override_twice(run: &mut Run, side: &str, params: &[String]) -> HttpResponse {
    let names = params
        .iter()
        .map(|p| format!("$context.{p}"))
        .collect::<Vec<_>>()
        .join(", ");
    let step = Step::new(
        template_stage(side),
        format!("The {side} template overrides {names} more than once: API Gateway answers 5XX"),
    )
    .detail("Overrides are final: each parameter may be overridden once. Set it in one place (compute the value first, then #set it once).")
    .unconfirmed(unconfirmed::G8_OVERRIDE_TWICE);
    configuration_error(
        run,
        &format!("{names} overridden more than once in the {side} template"),
        step,
    )
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
            "Lambda rejects the event: the request template did not produce JSON",
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

/// Appendix A steps 3-9: selection, method response, parameters, template, content handling,
/// overrides.
fn integration_response(run: &mut Run, scenario: &Scenario, inv: &Invocation) -> HttpResponse {
    let console_default: Map<IntegrationResponse>;
    let responses = if scenario.integration.integration_responses.is_empty() {
        console_default = [("200".to_string(), IntegrationResponse::default())]
            .into_iter()
            .collect();
        run.explain(
            Step::new(
                Stage::Selection,
                "No integrationResponses configured: the lab uses the console's default, 200 with no pattern",
            )
            .detail("The console creates this default response when you set up a Lambda custom integration; add [integration.integrationResponses.\"200\"] to make it explicit."),
        );
        &console_default
    } else {
        &scenario.integration.integration_responses
    };
    let Some((status_key, ir)) = select(run, responses, inv) else {
        let step = Step::new(
            Stage::GatewayResponse,
            "No integration response applies: API Gateway answers 500 (API_CONFIGURATION_ERROR)",
        )
        .detail(
            "Add a default integration response (no selectionPattern) or a pattern that matches.",
        )
        .unconfirmed(unconfirmed::C3_NO_MATCH_STATUS);
        return configuration_error(
            run,
            "No match for output mapping and no default output mapping configured. Endpoint Response Status Code: 200",
            step,
        );
    };
    if let Some(declared) = &scenario.method_responses
        && !declared.contains_key(status_key)
    {
        let step = Step::new(
                Stage::MethodResponse,
                format!("Integration response {status_key} has no method response: 500"),
            )
            .detail(format!(
                "Declared method responses: {}",
                declared.keys().cloned().collect::<Vec<_>>().join(", ")
            ))
            .detail("Declare the status under [methodResponses] (AWS also refuses it at configuration time).");
        return configuration_error(
            run,
            &format!("Output mapping refers to an invalid method response: {status_key}"),
            step,
        );
    }
    let Ok(status) = status_key.parse::<u16>() else {
        let step = Step::new(
            Stage::MethodResponse,
            format!("{status_key:?} is not a status code"),
        );
        return configuration_error(
            run,
            &format!("Output mapping refers to an invalid method response: {status_key}"),
            step,
        );
    };
    run.step(Step::new(
        Stage::MethodResponse,
        format!("Method response {status_key} is declared"),
    ));
    if let Some(insight) = status_insight(inv, status, ir) {
        run.explain(insight);
    }
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    map_parameters(run, scenario, inv, status_key, ir, &mut headers);
    let rendered = match response_body(run, scenario, inv, status_key, ir) {
        Ok(r) => r,
        Err(response) => return response,
    };
    let (text, overrides) = rendered;
    let body = match convert(run, scenario, ir, text) {
        Ok(b) => b,
        Err(response) => return response,
    };
    let mut response = HttpResponse {
        status,
        headers,
        body,
    };
    if let Some(o) = overrides {
        apply_overrides(run, &o, &mut response);
    }
    let shown = response.headers.clone();
    run.method_response_lines(&response, &shown);
    response
}

fn select<'s>(
    run: &mut Run,
    responses: &'s Map<IntegrationResponse>,
    inv: &Invocation,
) -> Option<(&'s String, &'s IntegrationResponse)> {
    let input = match &inv.function_error {
        Some(_) => inv.error_message(),
        None => Some(String::new()),
    };
    let trace = crate::selection::select(responses, input.as_deref());
    let mut step = Step::new(Stage::Selection, format!("Selection: {}", trace.summary()));
    step = step.detail(match (&inv.function_error, &input) {
        (None, _) => {
            "The function succeeded: patterns are matched against the empty string".to_string()
        }
        (Some(_), Some(m)) => {
            format!("Function error: patterns are matched against its errorMessage {m:?}")
        }
        (Some(_), None) => {
            "Function error without errorMessage: there is nothing to match".to_string()
        }
    });
    // The selection module's own account: input, each pattern's verdict and reason, the winner,
    // lint fixes and its UNCONFIRMED labels (so the step records the labels without echoing them).
    for line in trace.lines() {
        run.log.lab(&line);
        if !line.starts_with("UNCONFIRMED") {
            step.details.push(line);
        }
    }
    for u in &trace.unconfirmed {
        step = step.unconfirmed(*u);
    }
    let chosen = trace.chosen.clone();
    run.steps.push(step);
    run.selection = Some(trace);
    let key = chosen?;
    responses.get_key_value(&key)
}

/// The lessons learners most often need at this point: a function error answering 2xx, and a
/// returned `statusCode` that is only data.
fn status_insight(inv: &Invocation, status: u16, ir: &IntegrationResponse) -> Option<Step> {
    if inv.function_error.is_some() && (200..300).contains(&status) && ir.is_default() {
        return Some(
            Step::new(
                Stage::Selection,
                format!("The function failed, yet the client gets {status}: the default response answers every unmatched error"),
            )
            .detail("Lambda errors come back as the default response (often 200 OK) unless a selectionPattern that matches the whole errorMessage maps them.")
            .detail("Add an integration response such as 500 with a pattern like ^Internal Error.* (or (\\n|.)+ to catch every error)."),
        );
    }
    if inv.function_error.is_none() {
        /// Only the one member: the rest of a large payload is skipped, not built.
        #[derive(serde::Deserialize)]
        struct Returned {
            #[serde(rename = "statusCode")]
            status_code: Option<serde_json::Value>,
        }
        let returned = serde_json::from_str::<Returned>(&inv.payload).ok();
        if let Some(code) = returned.and_then(|r| r.status_code) {
            return Some(
                Step::new(
                    Stage::Selection,
                    format!("The returned statusCode {code} is just data here: the client gets {status}"),
                )
                .detail("A custom integration never reads the function's output to pick a status: only selection patterns (matched against errorMessage, \"\" on success) and overrides do.")
                .detail("Under a proxy integration the same output sets the status (see the proxy column)."),
            );
        }
    }
    None
}

fn map_parameters(
    run: &mut Run,
    scenario: &Scenario,
    inv: &Invocation,
    status_key: &str,
    ir: &IntegrationResponse,
    headers: &mut Vec<(String, String)>,
) {
    if ir.response_parameters.is_empty() {
        return;
    }
    let endpoint_headers = run.endpoint_response_headers(inv);
    let context = run.context_json(&scenario.request);
    let sources = response_params::Sources {
        payload: &inv.payload,
        function_error: inv.function_error.is_some(),
        endpoint_headers: &endpoint_headers,
        stage_variables: &scenario.api.stage_variables,
        context: &context,
        method_response: scenario
            .method_responses
            .as_ref()
            .and_then(|m| m.get(status_key)),
    };
    let mapped = response_params::apply(&ir.response_parameters, &sources);
    let set = mapped.iter().filter(|m| m.value.is_some()).count();
    let mut step = Step::new(
        Stage::ResponseParameters,
        format!("responseParameters set {set} of {} header(s)", mapped.len()),
    );
    for m in mapped {
        step.details.push(m.explanation);
        if let Some(u) = m.unconfirmed {
            step = step.unconfirmed(u);
        }
        if let Some(v) = m.value {
            set_header(headers, m.header, v);
        }
    }
    run.explain(step);
}

fn set_header(headers: &mut Vec<(String, String)>, name: String, value: String) {
    match headers
        .iter_mut()
        .find(|(k, _)| k.eq_ignore_ascii_case(&name))
    {
        Some(slot) => *slot = (name, value),
        None => headers.push((name, value)),
    }
}

type RenderedBody = (String, Option<vtl::Overrides>);

fn response_body(
    run: &mut Run,
    scenario: &Scenario,
    inv: &Invocation,
    status_key: &str,
    ir: &IntegrationResponse,
) -> Result<RenderedBody, HttpResponse> {
    let decision = templates::choose_response(
        &ir.response_templates,
        header(&scenario.request.headers, "Accept"),
    );
    let mut step = Step::new(Stage::ResponseTemplate, decision.summary.clone())
        .details(decision.details.iter().cloned());
    if let Some(u) = decision.unconfirmed {
        step = step.unconfirmed(u);
    }
    match decision.choice {
        ResponseChoice::Passthrough => {
            run.explain(step.detail(format!(
                "The body is Lambda's payload: {}",
                preview(&inv.payload)
            )));
            Ok((inv.payload.to_string(), None))
        }
        ResponseChoice::Template { key, source } => {
            run.explain(step);
            let role = TemplateRole::Response(status_key.to_string());
            match render(run, scenario, role, key, source, &inv.payload) {
                Ok(r) => {
                    run.step(
                        Step::new(
                            Stage::ResponseTemplate,
                            format!(
                                "The {key} response template rendered {} bytes",
                                r.output.len()
                            ),
                        )
                        .detail(format!("body: {}", preview(&r.output))),
                    );
                    if !r.repeated_overrides.is_empty() {
                        return Err(override_twice(run, "response", &r.repeated_overrides));
                    }
                    Ok((r.output, Some(r.overrides)))
                }
                Err(message) => Err(template_failed(run, "response", &message)),
            }
        }
    }
}

fn convert(
    run: &mut Run,
    scenario: &Scenario,
    ir: &IntegrationResponse,
    text: String,
) -> Result<Body, HttpResponse> {
    let (binary, wildcard) = accepts_binary(&scenario.request, &scenario.api.binary_media_types);
    if ir.content_handling.is_none() && !binary {
        return Ok(Body::Text(text));
    }
    let converted = content::convert(text, ir.content_handling, binary);
    let mut step = Step::new(Stage::ContentHandling, converted.summary)
        .unconfirmed(unconfirmed::G2_CONTENT_HANDLING_ORDER);
    if let Some(u) = wildcard {
        step = step.unconfirmed(u);
    }
    match converted.body {
        Ok(body) => {
            run.explain(step);
            Ok(body)
        }
        Err(_) => {
            run.explain(step.failed());
            run.line("Method completed with status: 500");
            Err(super::internal_server_error())
        }
    }
}

fn apply_overrides(run: &mut Run, o: &vtl::Overrides, response: &mut HttpResponse) {
    if o.status.is_none() && o.headers.is_empty() {
        return;
    }
    let mut step = Step::new(Stage::Override, "$context.responseOverride applies last");
    if let Some(raw) = &o.status {
        match raw.trim().parse::<u16>() {
            Ok(s) if (100..=599).contains(&s) => {
                step = step.detail(format!(
                    "status {} → {s} (an override need not be a declared method response)",
                    response.status
                ));
                step.summary = format!("responseOverride.status sets {s}");
                response.status = s;
            }
            _ => {
                step = step
                    .detail(format!(
                        "status override {raw:?} is not an integer in 100-599: ignored"
                    ))
                    .unconfirmed(unconfirmed::C13_OVERRIDE_RANGE);
            }
        }
    }
    for (name, value) in &o.headers {
        step = step.detail(format!("header {name}: {value}"));
        set_header(&mut response.headers, name.clone(), value.clone());
    }
    run.explain(step);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_header_replaces_case_insensitively() {
        let mut h = vec![("Content-Type".to_string(), "application/json".to_string())];
        set_header(&mut h, "content-type".into(), "text/plain".into());
        set_header(&mut h, "X-A".into(), "1".into());
        assert_eq!(
            h,
            vec![
                ("content-type".to_string(), "text/plain".to_string()),
                ("X-A".to_string(), "1".to_string())
            ]
        );
    }
}
