//! The three gateway pipelines (custom, proxy, HTTP API) and [`evaluate`].
//!
//! Each pipeline follows the semantics reference (Appendix A) step by step and records every decision
//! as a [`Step`] with its reason, the console's Test execution log and the final HTTP response. The
//! same scenario always runs in all three modes; `integration.type` only picks the focus.

mod content;
mod contract;
mod custom;
mod events;
mod http;
mod jackson;
pub mod log;
mod payload;
mod proxy;
mod response_params;
mod templates;
pub mod unconfirmed;

use crate::lambda::{Invocation, InvokeContext};
use crate::scenario::{IntegrationType, Map, Request, Scenario};
use crate::selection::SelectionTrace;
use crate::trace::{
    Body, Evaluation, HttpResponse, Mode, ModeResult, Stage, Step, TemplateRun, Unconfirmed,
};

pub use contract::contract_json;
pub use log::LAB_PREFIX;
use log::{ConsoleLog, EPOCH_MS};

/// Evaluates a scenario under every integration mode.
pub fn evaluate(scenario: &Scenario) -> Evaluation {
    let focus = match scenario.integration.kind {
        IntegrationType::Aws => Mode::Custom,
        IntegrationType::AwsProxy => Mode::Proxy,
    };
    crate::lambda::share_returns(|| {
        payload::share_parses(|| Evaluation {
            focus,
            custom: evaluate_mode(scenario, Mode::Custom),
            proxy: evaluate_mode(scenario, Mode::Proxy),
            http: evaluate_mode(scenario, Mode::Http),
        })
    })
}

/// Evaluates a scenario under one integration mode only (what the lab re-runs when a learner edits
/// a mode's configuration).
pub fn evaluate_mode(scenario: &Scenario, mode: Mode) -> ModeResult {
    match mode {
        Mode::Custom => custom::run(scenario),
        Mode::Proxy => proxy::run(scenario),
        Mode::Http => http::run(scenario),
    }
}

/// The mode's log as one text: the console's lines plus the lab's (prefixed with [`LAB_PREFIX`]).
pub fn render_log(result: &ModeResult) -> String {
    result.log.join("\n")
}

/// Lambda's synchronous request limit (bytes); a larger event is refused by the Lambda service.
const LAMBDA_REQUEST_LIMIT: usize = 6_291_456;
/// The REST test invoke's stage name (2022+ logs).
const STAGE: &str = "test-invoke-stage";
use crate::lambda::{ACCOUNT_ID, DEFAULT_FUNCTION_NAME as FUNCTION_NAME, REGION};

/// The identifiers of one mode's request, derived from the scenario so that every run prints the
/// same log.
pub(crate) struct Ids {
    pub gateway_request: String,
    pub lambda_request: String,
    pub api_id: String,
    pub trace_root: String,
    pub resource_id: String,
    pub extended_request: String,
    /// The HTTP API's request id (`Apigw-Requestid`, the v2 event's `requestContext.requestId`).
    pub http_request: String,
}

impl Ids {
    pub fn new(scenario: &Scenario, mode: Mode) -> Ids {
        let seed = format!("{}\u{0}{}", scenario.title, mode.key());
        let id = |what: &str| crate::lambda::deterministic_id(&format!("{seed}\u{0}{what}"));
        let compact = |what: &str| id(what).replace('-', "");
        let api = compact("api");
        let trace = compact("trace");
        Ids {
            gateway_request: id("gateway"),
            lambda_request: id("lambda"),
            api_id: api[..10].to_string(),
            trace_root: format!("1-{:08x}-{}", EPOCH_MS / 1000, &trace[..24]),
            resource_id: api[10..16].to_string(),
            extended_request: format!("{}=", &compact("extended")[..15]),
            http_request: crate::lambda::events::EventContext::http_api(&seed, 0).request_id,
        }
    }

    fn endpoint_uri(&self) -> String {
        format!(
            "https://lambda.{REGION}.amazonaws.com/2015-03-31/functions/{}/invocations",
            crate::lambda::function_arn(FUNCTION_NAME)
        )
    }
}

/// One mode's run being recorded: steps, log, templates and the simulated clock.
pub(crate) struct Run {
    pub mode: Mode,
    pub ids: Ids,
    pub steps: Vec<Step>,
    pub log: ConsoleLog,
    pub templates: Vec<TemplateRun>,
    pub invocation: Option<Invocation>,
    pub selection: Option<SelectionTrace>,
    /// Simulated time, in ms since the Unix epoch.
    pub now: u64,
}

impl Run {
    pub fn new(scenario: &Scenario, mode: Mode) -> Run {
        let ids = Ids::new(scenario, mode);
        let log = match mode {
            Mode::Http => ConsoleLog::empty(),
            _ => ConsoleLog::start(&ids.gateway_request),
        };
        Run {
            mode,
            ids,
            steps: Vec::new(),
            log,
            templates: Vec::new(),
            invocation: None,
            selection: None,
            now: EPOCH_MS,
        }
    }

    /// Records a step; its UNCONFIRMED labels also go to the log as lab lines.
    pub fn step(&mut self, step: Step) {
        for u in &step.unconfirmed {
            self.log.unconfirmed(u);
        }
        self.steps.push(step);
    }

    /// Records a step and echoes its summary as a lab line.
    pub fn explain(&mut self, step: Step) {
        self.log.lab(&step.summary);
        self.step(step);
    }

    /// A console line at the current simulated time.
    pub fn line(&mut self, message: &str) {
        self.log.line(self.now, message);
    }

    pub fn line_with(&mut self, head: &str, tail: &str) {
        self.log.line_with(self.now, head, tail);
    }

    pub fn finish(mut self, mut response: HttpResponse) -> ModeResult {
        self.add_transport_headers(&mut response);
        self.steps.push(
            Step::new(
                Stage::Done,
                format!("The client receives {}", response.status),
            )
            .details([
                format!("{} header(s)", response.headers.len()),
                match &response.body {
                    Body::Text(t) => format!("body: {} bytes of text", t.len()),
                    Body::Binary(b) => format!("body: {} bytes of binary data", b.len()),
                },
            ]),
        );
        ModeResult {
            mode: self.mode,
            response,
            invocation: self.invocation,
            selection: self.selection,
            templates: self.templates,
            steps: self.steps,
            log: self.log.finish(),
        }
    }

    /// The headers API Gateway adds to every response, in the recorded order (semantics §5.3
    /// snapshots, §5.5/§7.1 transcripts): `Content-Length` right after `Content-Type`, then
    /// `Date` and the request ids; values from the simulated clock and the run's ids. A header
    /// the response already carries is left alone.
    fn add_transport_headers(&self, response: &mut HttpResponse) {
        let length = ("Content-Length", response.body.len().to_string());
        let date = ("Date", log::http_date(self.now));
        let added: Vec<(&str, String)> = match self.mode {
            Mode::Http => vec![
                length,
                date,
                ("Apigw-Requestid", self.ids.http_request.clone()),
            ],
            _ => vec![
                length,
                date,
                ("x-amzn-RequestId", self.ids.gateway_request.clone()),
                ("x-amz-apigw-id", self.ids.extended_request.clone()),
                (
                    "X-Amzn-Trace-Id",
                    format!("Root={};Sampled=0", self.ids.trace_root),
                ),
            ],
        };
        let headers = &mut response.headers;
        for (i, (name, value)) in added.into_iter().enumerate() {
            if headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name)) {
                continue;
            }
            let after_type = headers
                .iter()
                .position(|(k, _)| k.eq_ignore_ascii_case("Content-Type"));
            match after_type {
                Some(at) if i == 0 => headers.insert(at + 1, (name.into(), value)),
                _ => headers.push((name.into(), value)),
            }
        }
    }

    /// The REST method-request lines and step (custom and proxy).
    pub fn method_request(&mut self, request: &Request) {
        let gw = self.ids.gateway_request.clone();
        self.line(&format!("Starting execution for request: {gw}"));
        self.line(&format!(
            "HTTP Method: {}, Resource Path: {}",
            request.method,
            resource_path(request)
        ));
        self.line("Method request path: {}");
        self.line(&format!(
            "Method request query string: {}",
            log::java_map(query_params(request))
        ));
        self.line(&format!(
            "Method request headers: {}",
            log::java_map(&request.headers)
        ));
        self.line_with(
            "Method request body before transformations: ",
            &request.body,
        );
        self.step(
            Step::new(
                Stage::MethodRequest,
                format!("{} {} arrives", request.method, request.path),
            )
            .details([
                format!(
                    "{} header(s), {} query parameter(s)",
                    request.headers.len(),
                    request.query.len()
                ),
                format!("body: {} bytes", request.body.len()),
            ]),
        );
    }

    /// Invokes the function (REST modes print the endpoint lines) and applies the integration
    /// timeout. `Err` carries the gateway's answer when Lambda never answered in time (the
    /// invocation is then already recorded); otherwise hand the invocation back with
    /// [`Run::finish_invoked`].
    pub fn invoke(
        &mut self,
        scenario: &Scenario,
        event: &str,
        timeout_ms: u32,
    ) -> Result<Invocation, HttpResponse> {
        let rest = self.mode != Mode::Http;
        if rest {
            self.endpoint_request_lines(event);
        }
        if event.len() > LAMBDA_REQUEST_LIMIT {
            return Err(self.event_too_large(event.len()));
        }
        let ctx = InvokeContext {
            request_id: self.ids.lambda_request.clone(),
            function_name: FUNCTION_NAME.to_string(),
            now_ms: self.now as i64,
        };
        let invocation = crate::lambda::invoke(&scenario.handler, event, &ctx);
        if invocation.duration_ms > f64::from(timeout_ms) {
            self.record_invoke(invoke_step(&invocation));
            self.invocation = Some(invocation);
            return Err(self.integration_timeout(timeout_ms));
        }
        self.now += invocation.duration_ms.ceil() as u64;
        if rest {
            self.line(&format!(
                "Received response. Status: 200, Integration latency: {} ms",
                invocation.duration_ms.ceil() as u64
            ));
            let headers = log::java_map(self.endpoint_response_headers(&invocation));
            self.line(&format!("Endpoint response headers: {headers}"));
            self.line_with(
                "Endpoint response body before transformations: ",
                &invocation.payload,
            );
        }
        let mut step = invoke_step(&invocation);
        if invocation.function_error.as_deref() == Some("Handled") {
            step = step
                .detail("The function error is marked Handled; the lab treats it like Unhandled")
                .unconfirmed(unconfirmed::C9_HANDLED);
        }
        self.record_invoke(step);
        Ok(invocation)
    }

    /// HTTP APIs have no console log: the invoke step is echoed as a lab line there.
    fn record_invoke(&mut self, step: Step) {
        match self.mode {
            Mode::Http => self.explain(step),
            _ => self.step(step),
        }
    }

    /// Records the response of a run whose function was invoked.
    pub fn finish_invoked(mut self, response: HttpResponse, invocation: Invocation) -> ModeResult {
        self.invocation = Some(invocation);
        self.finish(response)
    }

    /// The console lines of the Invoke request (REST modes).
    pub fn endpoint_request_lines(&mut self, event: &str) {
        let uri = self.ids.endpoint_uri();
        self.line(&format!("Endpoint request URI: {uri}"));
        let headers = self.endpoint_request_headers();
        self.line(&format!("Endpoint request headers: {headers}"));
        self.line_with("Endpoint request body after transformations: ", event);
        self.line(&format!("Sending request to {uri}"));
    }

    fn integration_timeout(&mut self, timeout_ms: u32) -> HttpResponse {
        self.now += u64::from(timeout_ms);
        let duration = self.invocation.as_ref().map_or(0.0, |i| i.duration_ms);
        if self.mode == Mode::Http {
            self.step(
                Step::new(
                    Stage::GatewayResponse,
                    format!("Integration timeout: the function ran {duration:.0} ms, the HTTP API waits at most {timeout_ms} ms"),
                )
                .detail("The invocation is not cancelled: the function keeps running (and billing).")
                .unconfirmed(unconfirmed::C25_HTTP_TIMEOUT)
                .failed(),
            );
            return gateway_json(503, r#"{"message":"Service Unavailable"}"#, None, true);
        }
        self.line("Execution failed due to a timeout error");
        self.line("Method completed with status: 504");
        self.step(
            Step::new(
                Stage::GatewayResponse,
                format!("Integration timeout: the function ran {duration:.0} ms, timeoutInMillis is {timeout_ms}"),
            )
            .detail("API Gateway gives up and answers 504 (INTEGRATION_TIMEOUT); the invocation is not cancelled and keeps running.")
            .detail("A function timeout shorter than the integration timeout would be a function error instead.")
            .failed(),
        );
        gateway_json(
            504,
            r#"{"message": "Endpoint request timed out"}"#,
            Some("InternalServerErrorException"),
            false,
        )
    }

    fn event_too_large(&mut self, len: usize) -> HttpResponse {
        let lambda = self.ids.lambda_request.clone();
        let message = format!(
            "{len} byte payload is too large for the RequestResponse invocation type (limit {LAMBDA_REQUEST_LIMIT} bytes)"
        );
        if self.mode != Mode::Http {
            self.line("Received response. Status: 413, Integration latency: 3 ms");
            self.line(&format!(
                "Endpoint response body before transformations: {{\"Type\":\"User\",\"message\":\"{message}\"}}"
            ));
            self.line(&format!(
                "Lambda invocation failed with status: 413. Lambda request id: {lambda}"
            ));
            self.line("Method completed with status: 500");
        }
        self.step(
            Step::new(
                Stage::Invoke,
                "Lambda refuses the Invoke: the event is over its 6 MB request limit",
            )
            .detail(message)
            .unconfirmed(unconfirmed::C23_EVENT_TOO_LARGE)
            .failed(),
        );
        match self.mode {
            Mode::Http => gateway_json(500, r#"{"message":"Internal Server Error"}"#, None, true),
            _ => internal_server_error(),
        }
    }

    fn endpoint_request_headers(&self) -> String {
        // The security token is long enough that the console always cuts this line.
        let token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ".repeat(20);
        log::java_map([
            (
                "x-amzn-lambda-integration-tag",
                self.ids.gateway_request.as_str(),
            ),
            (
                "Authorization",
                "****************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************************9a3f21",
            ),
            ("X-Amz-Date", &log::amz_date(self.now)),
            ("x-amzn-apigateway-api-id", &self.ids.api_id),
            ("Accept", "application/json"),
            (
                "User-Agent",
                &format!("AmazonAPIGateway_{}", self.ids.api_id),
            ),
            ("X-Amz-Security-Token", &token),
        ])
    }

    /// The headers of Lambda's Invoke answer, in the order 2022+ logs print them; also what
    /// `integration.response.header.*` mappings read.
    pub fn endpoint_response_headers(&self, invocation: &Invocation) -> Vec<(String, String)> {
        let mut h = vec![
            ("Date".to_string(), log::http_date(self.now)),
            ("Content-Type".into(), "application/json".into()),
            (
                "Content-Length".into(),
                invocation.payload.len().to_string(),
            ),
            ("Connection".into(), "keep-alive".into()),
            ("x-amzn-RequestId".into(), invocation.request_id.clone()),
        ];
        if let Some(kind) = &invocation.function_error {
            h.push(("X-Amz-Function-Error".into(), kind.clone()));
        }
        h.push(("x-amzn-Remapped-Content-Length".into(), "0".into()));
        h.push(("X-Amz-Executed-Version".into(), "$LATEST".into()));
        h.push((
            "X-Amzn-Trace-Id".into(),
            format!("root={};sampled=0", self.ids.trace_root),
        ));
        h
    }

    /// `Method response headers: {…}` as the console prints it (the trace id first).
    pub fn method_response_lines(
        &mut self,
        response: &HttpResponse,
        shown_headers: &[(String, String)],
    ) {
        let body = response.body.to_text();
        self.line_with("Method response body after transformations: ", &body);
        let trace = format!("Root={};Sampled=0", self.ids.trace_root);
        let headers = log::java_map(
            std::iter::once(("X-Amzn-Trace-Id", trace.as_str()))
                .chain(shown_headers.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        );
        self.line(&format!("Method response headers: {headers}"));
        self.line("Successfully completed execution");
        self.line(&format!(
            "Method completed with status: {}",
            response.status
        ));
    }

    /// `$context` as mapping templates and parameter mappings see it (test invoke values).
    pub fn context_json(&self, request: &Request) -> serde_json::Value {
        serde_json::json!({
            "accountId": ACCOUNT_ID,
            "apiId": self.ids.api_id,
            "awsEndpointRequestId": self.ids.lambda_request,
            "domainName": "testPrefix.testDomainName",
            "domainPrefix": "testPrefix",
            "extendedRequestId": self.ids.extended_request,
            "httpMethod": request.method,
            "identity": {
                "accountId": ACCOUNT_ID,
                "apiKey": "test-invoke-api-key",
                "apiKeyId": "test-invoke-api-key-id",
                "caller": ACCOUNT_ID,
                "sourceIp": "test-invoke-source-ip",
                "user": ACCOUNT_ID,
                "userAgent": header(&request.headers, "User-Agent").unwrap_or("aws-internal/3 aws-sdk-java/1.12"),
                "userArn": format!("arn:aws:iam::{ACCOUNT_ID}:root"),
            },
            "path": format!("/{STAGE}{}", resource_path(request)),
            "protocol": "HTTP/1.1",
            "requestId": self.ids.gateway_request,
            "requestTime": log::clf_date(EPOCH_MS),
            "requestTimeEpoch": EPOCH_MS,
            "resourceId": self.ids.resource_id,
            "resourcePath": resource_path(request),
            "stage": STAGE,
        })
    }
}

fn invoke_step(invocation: &Invocation) -> Step {
    use crate::lambda::OutcomeKind;
    let what = match invocation.outcome {
        OutcomeKind::Returned => "The function returned",
        OutcomeKind::Threw => "The function threw",
        OutcomeKind::Timeout => "The function timed out (a function error)",
        OutcomeKind::OutOfMemory => "The function ran out of memory (a function error)",
        OutcomeKind::ResponseTooLarge => "The function's response is over 6 MB (a function error)",
        OutcomeKind::InitError => "The runtime could not start the handler (a function error)",
    };
    let mut step = Step::new(
        Stage::Invoke,
        format!(
            "{what}; Lambda answers HTTP 200 after {:.0} ms",
            invocation.duration_ms
        ),
    )
    .detail(match &invocation.function_error {
        Some(kind) => format!("X-Amz-Function-Error: {kind}: API Gateway sees a function error"),
        None => {
            "No X-Amz-Function-Error header: API Gateway sees a success, whatever the payload says"
                .to_string()
        }
    })
    .detail(format!("payload: {}", preview(&invocation.payload)));
    step.details
        .push(format!("Lambda request id: {}", invocation.request_id));
    for u in &invocation.unconfirmed {
        step = step.unconfirmed(*u);
    }
    step
}

/// The first 200 characters of a text, for step details.
pub(crate) fn preview(text: &str) -> String {
    const MAX: usize = 200;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}… ({} bytes)", &text[..at], text.len()),
        None => text.to_string(),
    }
}

/// The request path without a query string (`/hello?x=1` → `/hello`).
pub(crate) fn resource_path(request: &Request) -> &str {
    request.path.split('?').next().unwrap_or("/")
}

/// The query parameters: those written into the path, then `request.query` (which wins).
pub(crate) fn query_params(request: &Request) -> Map<String> {
    let mut out = Map::new();
    if let Some((_, q)) = request.path.split_once('?') {
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| {
                percent_encoding::percent_decode_str(&s.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            out.insert(decode(k), decode(v));
        }
    }
    for (k, v) in &request.query {
        out.insert(k.clone(), v.clone());
    }
    out
}

/// A header of the client's request, name compared case-insensitively.
pub(crate) fn header<'a>(headers: &'a Map<String>, name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The first media type of a header value, without parameters, lower-cased
/// (`text/html;q=0.9, */*` → `text/html`).
pub(crate) fn first_media_type(value: &str) -> String {
    let first = value.split(',').next().unwrap_or("");
    let mime = first.split(';').next().unwrap_or("");
    mime.trim().to_ascii_lowercase()
}

/// A gateway-generated JSON answer.
pub(crate) fn gateway_json(
    status: u16,
    body: &str,
    error_type: Option<&str>,
    lower_case: bool,
) -> HttpResponse {
    let content_type = if lower_case {
        "content-type"
    } else {
        "Content-Type"
    };
    let mut headers = vec![(content_type.to_string(), "application/json".to_string())];
    if let Some(t) = error_type {
        headers.push(("x-amzn-ErrorType".to_string(), t.to_string()));
    }
    HttpResponse {
        status,
        headers,
        body: Body::Text(body.to_string()),
    }
}

/// REST's 500 (note the space after the colon: `$context.error.messageString` starts with one).
pub(crate) fn internal_server_error() -> HttpResponse {
    gateway_json(
        500,
        r#"{"message": "Internal server error"}"#,
        Some("InternalServerErrorException"),
        false,
    )
}

/// Records a configuration error (500) with its console line.
pub(crate) fn configuration_error(run: &mut Run, message: &str, step: Step) -> HttpResponse {
    run.line(&format!(
        "Execution failed due to configuration error: {message}"
    ));
    run.line("Method completed with status: 500");
    run.step(step.failed());
    internal_server_error()
}

/// Whether the first `Accept` media type is one of the API's binary media types.
pub(crate) fn accepts_binary(
    request: &Request,
    binary_media_types: &[String],
) -> (bool, Option<Unconfirmed>) {
    let accept = header(&request.headers, "Accept").map(first_media_type);
    let Some(accept) = accept else {
        return (false, None);
    };
    // Recorded (§5.4): a `*/test` entry matched nothing, not even `Accept: */test`.
    let exact = binary_media_types
        .iter()
        .any(|t| !t.starts_with("*/") && t.eq_ignore_ascii_case(&accept));
    if exact {
        return (true, None);
    }
    let wildcard = binary_media_types.iter().any(|t| t == "*/*");
    (
        wildcard,
        wildcard.then_some(unconfirmed::G3_BINARY_WILDCARD),
    )
}

#[cfg(test)]
mod tests;
