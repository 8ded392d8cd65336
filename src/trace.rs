//! What [`crate::evaluate`] returns: for each integration mode, every step the gateway took, the
//! Lambda invocation, the selection, the templates it rendered, the console-style log and the final
//! HTTP response. The TUI and the CLI only render this; no API Gateway rule lives outside the engine.

use serde::Serialize;

use crate::lambda::Invocation;
use crate::selection::SelectionTrace;

/// The three ways the same function can sit behind API Gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// REST API, Lambda custom (non-proxy) integration, `type = "AWS"`.
    Custom,
    /// REST API, Lambda proxy integration (`AWS_PROXY`, payload format 1.0).
    Proxy,
    /// HTTP API, Lambda integration, payload format 2.0.
    Http,
}

impl Mode {
    pub const ALL: [Mode; 3] = [Mode::Custom, Mode::Proxy, Mode::Http];

    /// The key used in scenario files and the CLI's JSON.
    pub fn key(self) -> &'static str {
        match self {
            Mode::Custom => "custom",
            Mode::Proxy => "proxy",
            Mode::Http => "http",
        }
    }

    /// How the lab names the mode to people.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Custom => "custom",
            Mode::Proxy => "proxy",
            Mode::Http => "HTTP API",
        }
    }
}

/// The whole evaluation of one scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// The mode the scenario is about (its `integration.type`), shown first.
    pub focus: Mode,
    pub custom: ModeResult,
    pub proxy: ModeResult,
    pub http: ModeResult,
}

impl Evaluation {
    pub fn mode(&self, mode: Mode) -> &ModeResult {
        match mode {
            Mode::Custom => &self.custom,
            Mode::Proxy => &self.proxy,
            Mode::Http => &self.http,
        }
    }
}

/// One mode's run from request to response.
#[derive(Debug, Clone, Serialize)]
pub struct ModeResult {
    pub mode: Mode,
    pub response: HttpResponse,
    /// `None` when the request never reached Lambda (a 415 passthrough rejection, a request
    /// template error, ...).
    pub invocation: Option<Invocation>,
    /// Custom integration only: the string matched, every pattern tried and the winner.
    pub selection: Option<SelectionTrace>,
    /// Every mapping template this mode rendered, in order.
    pub templates: Vec<TemplateRun>,
    /// Every decision, in order, with the reason.
    pub steps: Vec<Step>,
    /// The console's Test execution log (2022+ line order, deterministic timestamps).
    pub log: Vec<String>,
}

impl ModeResult {
    /// Every UNCONFIRMED behaviour this result relied on, in step order, without repeats.
    pub fn unconfirmed(&self) -> Vec<Unconfirmed> {
        let mut out: Vec<Unconfirmed> = Vec::new();
        for u in self.steps.iter().flat_map(|s| &s.unconfirmed) {
            if !out.iter().any(|o| o.id == u.id) {
                out.push(*u);
            }
        }
        out
    }
}

/// The HTTP response the client receives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HttpResponse {
    pub status: u16,
    /// In the order API Gateway sends them; a repeated header appears once with `, `-joined values.
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl HttpResponse {
    /// A header's value, name compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether `name` is one of the headers API Gateway adds to every response by itself
    /// ([`TRANSPORT_HEADERS`]): they say nothing about the integration, so views may fold them.
    pub fn is_transport_header(name: &str) -> bool {
        TRANSPORT_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
    }
}

/// The standard reason phrase of a status code (RFC 9110), what a client shows after the number;
/// `""` for a code without one.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// The headers API Gateway sends with every response whatever the integration did (semantics
/// §5.3 snapshots, §7.1 transcripts): REST `Content-Length`, `Date`, `x-amzn-RequestId`,
/// `x-amz-apigw-id`, `X-Amzn-Trace-Id`; HTTP API `Apigw-Requestid`.
pub const TRANSPORT_HEADERS: [&str; 6] = [
    "Content-Length",
    "Date",
    "x-amzn-RequestId",
    "x-amz-apigw-id",
    "X-Amzn-Trace-Id",
    "Apigw-Requestid",
];

/// A response body: text, or bytes that are not (shown and exported as base64).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "encoding", content = "data", rename_all = "lowercase")]
pub enum Body {
    Text(String),
    Binary(Vec<u8>),
}

impl Body {
    /// The body as the CLI's JSON carries it: text as is, bytes as base64.
    pub fn to_text(&self) -> std::borrow::Cow<'_, str> {
        use base64::Engine;
        match self {
            Body::Text(t) => std::borrow::Cow::Borrowed(t),
            Body::Binary(b) => {
                std::borrow::Cow::Owned(base64::engine::general_purpose::STANDARD.encode(b))
            }
        }
    }

    pub fn is_binary(&self) -> bool {
        matches!(self, Body::Binary(_))
    }

    pub fn len(&self) -> usize {
        match self {
            Body::Text(t) => t.len(),
            Body::Binary(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The phase of the pipeline a step belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    MethodRequest,
    IntegrationRequest,
    Invoke,
    Selection,
    MethodResponse,
    ResponseParameters,
    ResponseTemplate,
    ContentHandling,
    Override,
    ProxyResponse,
    GatewayResponse,
    Done,
}

/// One decision of the gateway, with the reason in words a learner understands.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub stage: Stage,
    /// One line: what happened.
    pub summary: String,
    /// Further lines: why, and what the inputs were.
    pub details: Vec<String>,
    /// Behaviours the semantics reference marks UNCONFIRMED that this step relied on.
    pub unconfirmed: Vec<Unconfirmed>,
    /// Whether this step is where the request went wrong (a configuration error, a 5xx).
    pub failed: bool,
}

impl Step {
    /// A step with its one-line summary; add the why with [`Step::detail`].
    pub fn new(stage: Stage, summary: impl Into<String>) -> Step {
        Step {
            stage,
            summary: summary.into(),
            details: Vec::new(),
            unconfirmed: Vec::new(),
            failed: false,
        }
    }

    pub fn detail(mut self, line: impl Into<String>) -> Step {
        self.details.push(line.into());
        self
    }

    pub fn details(mut self, lines: impl IntoIterator<Item = String>) -> Step {
        self.details.extend(lines);
        self
    }

    pub fn unconfirmed(mut self, u: Unconfirmed) -> Step {
        if !self.unconfirmed.contains(&u) {
            self.unconfirmed.push(u);
        }
        self
    }

    /// Marks the step as the place where the request went wrong.
    pub fn failed(mut self) -> Step {
        self.failed = true;
        self
    }
}

/// A behaviour the reference marks UNCONFIRMED: the lab follows the reference's recommendation and
/// labels it. `id` is stable (listed in `docs/assumptions.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Unconfirmed {
    pub id: &'static str,
    pub text: &'static str,
}

/// One mapping template rendered during the evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct TemplateRun {
    pub role: TemplateRole,
    /// The media type key of the template that was chosen.
    pub content_type: String,
    /// The rendered text, or the error with its position.
    pub outcome: Result<String, crate::vtl::VtlError>,
    /// What each reference and directive evaluated to (for the TUI's template inspector).
    pub inspections: Vec<crate::vtl::Inspection>,
}

impl From<&TemplateRole> for Stage {
    fn from(role: &TemplateRole) -> Stage {
        match role {
            TemplateRole::Request => Stage::IntegrationRequest,
            TemplateRole::Response(_) => Stage::ResponseTemplate,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "status")]
pub enum TemplateRole {
    Request,
    /// The integration response's status key.
    Response(String),
}
