//! The scenario file's data model (format 1), field for field as `shared/spec/scenario-format.md`
//! defines it. Names follow AWS's own (`get-integration`, `get-method-response`) so that what a user
//! tests here is what they paste into the console or their IaC.
//!
//! These types are plain data: loading (with file:line:column errors) and saving live beside them.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Ordered string map: key order is what users wrote and what they see.
pub type Map<V> = IndexMap<String, V>;

/// One scenario: a Lambda handler, the client's request and the method configuration around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub title: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub handler: Handler,
    #[serde(default, skip_serializing_if = "Request::is_default")]
    pub request: Request,
    #[serde(default, skip_serializing_if = "Api::is_default")]
    pub api: Api,
    #[serde(default)]
    pub integration: Integration,
    /// `None`: every status named in `integrationResponses` counts as declared.
    /// `Some`: exact, as on AWS.
    #[serde(
        default,
        rename = "methodResponses",
        skip_serializing_if = "Option::is_none"
    )]
    pub method_responses: Option<Map<MethodResponse>>,
    #[serde(default, skip_serializing_if = "Expectations::is_empty")]
    pub expect: Expectations,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lesson: Option<Lesson>,
}

/// The Lambda function: its runtime and what it does (exactly one of `code`, `returns`, `throws`,
/// `fails`; the loader enforces that).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Handler {
    #[serde(default = "default_runtime")]
    pub runtime: String,
    /// The function's timeout in seconds (Lambda's default: 3).
    #[serde(default = "default_timeout")]
    pub timeout: u32,
    /// MB (Lambda's default: 128).
    #[serde(default = "default_memory")]
    pub memory_size: u32,
    /// JavaScript run for real (nodejs runtimes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The value the function returns, as JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throws: Option<Throws>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fails: Option<Fails>,
}

/// The function throws / raises.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Throws {
    /// `None`: the runtime's default type (`Error` in Node, `Exception` in Python, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    pub error_message: String,
}

/// The platform ends the invocation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fails {
    pub kind: FailKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailKind {
    Timeout,
    OutOfMemory,
    ResponseTooLarge,
}

/// What the handler does, borrowed from a [`Handler`] whose one-of rule holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Behaviour<'a> {
    Code(&'a str),
    Returns(&'a str),
    Throws(&'a Throws),
    Fails(FailKind),
}

impl Handler {
    /// The one behaviour this handler declares; `None` when zero or several are set (a load error).
    pub fn behaviour(&self) -> Option<Behaviour<'_>> {
        let all = [
            self.code.as_deref().map(Behaviour::Code),
            self.returns.as_deref().map(Behaviour::Returns),
            self.throws.as_ref().map(Behaviour::Throws),
            self.fails.as_ref().map(|f| Behaviour::Fails(f.kind)),
        ];
        let mut set = all.into_iter().flatten();
        match (set.next(), set.next()) {
            (Some(b), None) => Some(b),
            _ => None,
        }
    }
}

/// The client's call. Every field is optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Request {
    #[serde(default = "default_method")]
    pub method: String,
    #[serde(default = "default_path")]
    pub path: String,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub headers: Map<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub query: Map<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            method: default_method(),
            path: default_path(),
            headers: Map::new(),
            query: Map::new(),
            body: String::new(),
        }
    }
}

impl Request {
    fn is_default(&self) -> bool {
        *self == Request::default()
    }
}

/// The REST API and stage around the method.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Api {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub binary_media_types: Vec<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub stage_variables: Map<String>,
}

impl Api {
    fn is_default(&self) -> bool {
        *self == Api::default()
    }
}

/// As `aws apigateway get-integration` prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Integration {
    #[serde(default, rename = "type")]
    pub kind: IntegrationType,
    #[serde(default)]
    pub passthrough_behavior: PassthroughBehavior,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub request_templates: Map<String>,
    #[serde(default = "default_timeout_ms")]
    pub timeout_in_millis: u32,
    /// Request-side content handling (`CONVERT_TO_TEXT` | `CONVERT_TO_BINARY`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_handling: Option<ContentHandling>,
    /// Keyed by status code, in file order (selection orders them itself).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub integration_responses: Map<IntegrationResponse>,
}

impl Default for Integration {
    fn default() -> Self {
        Integration {
            kind: IntegrationType::default(),
            passthrough_behavior: PassthroughBehavior::default(),
            request_templates: Map::new(),
            timeout_in_millis: default_timeout_ms(),
            content_handling: None,
            integration_responses: Map::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum IntegrationType {
    /// Lambda custom (non-proxy) integration.
    #[default]
    #[serde(rename = "AWS")]
    Aws,
    /// Lambda proxy integration.
    #[serde(rename = "AWS_PROXY")]
    AwsProxy,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PassthroughBehavior {
    #[default]
    WhenNoMatch,
    WhenNoTemplates,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContentHandling {
    ConvertToText,
    ConvertToBinary,
}

/// One integration response (the status code is its key in the map).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IntegrationResponse {
    /// Absent or `""`: the default response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection_pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub response_templates: Map<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub response_parameters: Map<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_handling: Option<ContentHandling>,
}

impl IntegrationResponse {
    /// Whether this is the default response (no pattern, or an empty one).
    pub fn is_default(&self) -> bool {
        self.selection_pattern.as_deref().is_none_or(str::is_empty)
    }
}

/// As `aws apigateway get-method-response` prints it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MethodResponse {
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub response_parameters: Map<bool>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub response_models: Map<String>,
}

/// What the API must answer, per mode.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<Expect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<Expect>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<Expect>,
}

impl Expectations {
    pub fn is_empty(&self) -> bool {
        self.custom.is_none() && self.proxy.is_none() && self.http.is_none()
    }
}

/// One mode's expectations; every member optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Expect {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<u16>,
    /// Exact body text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Body equal as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_json: Option<String>,
    /// Whether the client gets bytes (`base64`, as the CLI JSON's `"bodyEncoding"`) or text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_encoding: Option<BodyEncoding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub body_contains: Vec<String>,
    /// Present with these values (names case-insensitive).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub headers: Map<String>,
    /// Custom only: the integration response that fired (`""` = none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<String>,
    /// Custom only: the string the patterns were matched against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection_input: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log_contains: Vec<String>,
}

/// How a response body reaches the client, named as the CLI JSON's `"bodyEncoding"` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyEncoding {
    /// Binary: the bytes are decoded (the JSON carries them as base64).
    Base64,
    /// Text, as is.
    Text,
}

impl BodyEncoding {
    pub fn name(self) -> &'static str {
        match self {
            BodyEncoding::Base64 => "base64",
            BodyEncoding::Text => "text",
        }
    }
}

/// Makes the scenario a lesson: solved when every `[expect.*]` holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
}

fn default_runtime() -> String {
    "nodejs20.x".into()
}
fn default_timeout() -> u32 {
    3
}
fn default_memory() -> u32 {
    128
}
fn default_method() -> String {
    "GET".into()
}
fn default_path() -> String {
    "/".into()
}
fn default_timeout_ms() -> u32 {
    29_000
}
