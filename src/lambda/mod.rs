//! AWS Lambda as API Gateway sees it: a synchronous Invoke that answers HTTP 200 with a payload,
//! plus `X-Amz-Function-Error` when the function failed (semantics §2).
//!
//! A handler's behaviour comes from the scenario: `returns` (serialized as its runtime does),
//! `throws` (shaped as its runtime shapes errors), `fails` (timeout, out of memory, response too
//! large), or `code`, JavaScript run for real by the embedded engine ([`js`], `js` feature).
//!
//! ```
//! use apigw_lab::lambda::{deterministic_id, invoke, InvokeContext, OutcomeKind};
//! use apigw_lab::scenario::{Handler, Throws};
//!
//! let handler = Handler {
//!     runtime: "python3.12".into(), timeout: 3, memory_size: 128,
//!     code: None, returns: None, fails: None,
//!     throws: Some(Throws { error_type: None, error_message: "Bad Request".into() }),
//! };
//! let ctx = InvokeContext::new(deterministic_id("doc#custom"), "my-fn", 1_700_000_000_000);
//! let inv = invoke(&handler, "{}", &ctx);
//! assert_eq!(inv.outcome, OutcomeKind::Threw);
//! assert_eq!(inv.function_error.as_deref(), Some("Unhandled"));
//! assert!(inv.payload.starts_with(r#"{"errorMessage": "Bad Request", "errorType": "Exception""#));
//! ```
//!
//! Everything is deterministic: request ids come from [`deterministic_id`], time from the
//! [`InvokeContext::now_ms`] simulated clock, durations from [`logs::nominal`] plus the simulated
//! time the handler spent waiting on timers.

pub mod clock;
pub mod events;
pub mod logs;
pub mod memo;
pub mod platform;
pub mod runtimes;
pub mod serialize;
mod shared;

#[cfg(feature = "js")]
pub mod js;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::scenario::{Behaviour, FailKind, Handler, Throws};
use crate::trace::Unconfirmed;

pub use memo::{InvocationMemo, remembering};
pub use runtimes::{Language, Runtime};
pub use shared::share_returns;

/// What the gateway gets back from one Invoke.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invocation {
    /// Lambda's request id (deterministic per scenario).
    pub request_id: String,
    /// The response payload exactly as Lambda sends it (`null` for a Node handler returning
    /// `undefined`). Shared: the three modes of one evaluation may hold the same megabytes.
    #[serde(serialize_with = "serialize_shared_str")]
    pub payload: Arc<str>,
    /// The `X-Amz-Function-Error` header; `Some` means a function error.
    pub function_error: Option<String>,
    /// The function's own log lines (console output, START/END/REPORT).
    pub logs: Vec<String>,
    /// The event the function received, as JSON text.
    pub event: String,
    /// Simulated duration of the invocation, in milliseconds.
    pub duration_ms: f64,
    /// What happened, for explanations.
    pub outcome: OutcomeKind,
    /// Behaviours the semantics reference marks UNCONFIRMED that this invocation relied on
    /// (attach them to the gateway's invoke step).
    pub unconfirmed: Vec<Unconfirmed>,
}

/// `Arc<str>` as a plain JSON string (serde's `rc` feature is not enabled).
fn serialize_shared_str<S: serde::Serializer>(text: &Arc<str>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(text)
}

impl Invocation {
    /// The `errorMessage` of a function error's payload (what custom integrations select on);
    /// `None` on success or when the payload has no string `errorMessage`.
    pub fn error_message(&self) -> Option<String> {
        self.function_error.as_ref()?;
        let v: serde_json::Value = serde_json::from_str(&self.payload).ok()?;
        v.get("errorMessage")?.as_str().map(String::from)
    }
}

/// How the invocation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeKind {
    Returned,
    Threw,
    Timeout,
    OutOfMemory,
    ResponseTooLarge,
    /// The runtime could not load or start the handler (syntax error, missing module, no handler).
    InitError,
}

/// Who is invoked, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvokeContext {
    /// Lambda's request id (use [`deterministic_id`]).
    pub request_id: String,
    pub function_name: String,
    /// The simulated clock at the start of the invocation, Unix epoch milliseconds.
    pub now_ms: i64,
}

impl InvokeContext {
    pub fn new(
        request_id: impl Into<String>,
        function_name: impl Into<String>,
        now_ms: i64,
    ) -> Self {
        InvokeContext {
            request_id: request_id.into(),
            function_name: function_name.into(),
            now_ms,
        }
    }

    /// `arn:aws:lambda:us-east-1:123456789012:function:<name>`.
    pub fn function_arn(&self) -> String {
        function_arn(&self.function_name)
    }
}

/// The region every simulated resource lives in.
pub const REGION: &str = "us-east-1";
/// The simulated AWS account (AWS's documentation account id).
pub const ACCOUNT_ID: &str = "123456789012";
/// The function name the lab uses when a scenario does not give one.
pub const DEFAULT_FUNCTION_NAME: &str = "apigw-lab-handler";

/// The function's ARN in the simulated account.
pub fn function_arn(function_name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function_name}")
}

/// §2.3: the exact Invoke payload for an out-of-memory kill is not recorded.
pub const UNCONFIRMED_OOM_PAYLOAD: Unconfirmed = Unconfirmed {
    id: "lambda-oom-payload",
    text: "Out of memory is reported as Runtime.ExitError \"Runtime exited with error: signal: killed\"; \
           AWS's exact Invoke payload for OOM is not recorded (newer REPORT lines say Runtime.OutOfMemory).",
};
/// Appendix C 8: the `trace` lines of a Node error are derived from the runtime's source.
pub const UNCONFIRMED_TRACE_TEXT: Unconfirmed = Unconfirmed {
    id: "lambda-error-trace-text",
    text: "The stack trace lines in the error payload are realistic but not recorded from AWS \
           (frame names, line numbers and runtime frames may differ).",
};
/// Appendix C 9 / §2.1: every function error is reported as `Unhandled`.
pub const UNCONFIRMED_UNHANDLED: Unconfirmed = Unconfirmed {
    id: "lambda-function-error-unhandled",
    text: "Every function error carries X-Amz-Function-Error: Unhandled (current runtimes); \
           no API Gateway difference between Handled and Unhandled is known.",
};
/// The serializer conventions of the Java, .NET, Ruby and Go runtimes (number and escape format).
pub const UNCONFIRMED_SERIALIZER: Unconfirmed = Unconfirmed {
    id: "lambda-serializer-format",
    text: "How this runtime's serializer writes numbers and escapes (Jackson, System.Text.Json, \
           Ruby JSON, Go encoding/json conventions) is modelled, not recorded from AWS.",
};

/// Handler code runs on QuickJS, not V8: the lab rewrites the error messages learners meet most
/// into V8's wording, but others (and stack columns) may read differently from Node's.
pub const UNCONFIRMED_JS_ENGINE: Unconfirmed = Unconfirmed {
    id: "lambda-js-engine-messages",
    text: "Handler code runs on QuickJS rather than Node's V8: common error messages are rewritten \
           to V8's wording, others (and stack trace columns) may differ from what Node prints.",
};

/// Every UNCONFIRMED behaviour the Lambda side can rely on (for `docs/assumptions.md`).
pub const UNCONFIRMED: &[Unconfirmed] = &[
    UNCONFIRMED_OOM_PAYLOAD,
    UNCONFIRMED_TRACE_TEXT,
    UNCONFIRMED_UNHANDLED,
    UNCONFIRMED_SERIALIZER,
    UNCONFIRMED_JS_ENGINE,
    events::UNCONFIRMED_HTTP_BODY_BASE64,
];

/// The `X-Amz-Function-Error` value of every function error (§2.1).
pub const FUNCTION_ERROR: &str = "Unhandled";

/// Lets another thread stop a running invocation whose result nobody needs any more (the user
/// edited the scenario again). Cheap to clone; all clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        CancelToken::default()
    }

    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Invokes the handler with `event_json` and returns what Lambda answers (inside a
/// [`remembering`] scope, the memo's answer when it has one for exactly these inputs).
pub fn invoke(handler: &Handler, event_json: &str, ctx: &InvokeContext) -> Invocation {
    if let Some(known) = memo::recall(handler, event_json, ctx) {
        return known;
    }
    let mut run = Run::new(handler, event_json, ctx);
    run.perform(None);
    let repeatable = run.repeatable();
    let invocation = run.finish();
    memo::remember(handler, event_json, ctx, &invocation, repeatable);
    invocation
}

/// Like [`invoke`], for a worker thread: returns `None` as soon as possible once `cancel` is set
/// (the next edit made this run stale); running handler code is interrupted.
pub fn invoke_cancellable(
    handler: &Handler,
    event_json: &str,
    ctx: &InvokeContext,
    cancel: &CancelToken,
) -> Option<Invocation> {
    let mut run = Run::new(handler, event_json, ctx);
    run.perform(Some(cancel));
    (!cancel.is_cancelled()).then(|| run.finish())
}

/// One invocation being simulated: collects the payload, logs and simulated time.
struct Run<'a> {
    handler: &'a Handler,
    rt: Runtime,
    ctx: &'a InvokeContext,
    event: String,
    report: logs::Report,
    /// Lines logged before START (a failed init).
    init_lines: Vec<String>,
    /// The handler's own lines, between START and END.
    lines: Vec<String>,
    payload: Arc<str>,
    function_error: bool,
    outcome: OutcomeKind,
    unconfirmed: Vec<Unconfirmed>,
    /// The JavaScript engine could not run the code on its own terms (it failed to start or
    /// broke): a retry may answer differently.
    engine_trouble: bool,
}

impl<'a> Run<'a> {
    fn new(handler: &'a Handler, event: &str, ctx: &'a InvokeContext) -> Self {
        let rt = Runtime::parse(&handler.runtime);
        let report = logs::nominal(&rt, &ctx.request_id, handler.memory_size);
        Run {
            handler,
            rt,
            ctx,
            event: event.to_string(),
            report,
            init_lines: Vec::new(),
            lines: Vec::new(),
            payload: Arc::from(""),
            function_error: false,
            outcome: OutcomeKind::Returned,
            unconfirmed: Vec::new(),
            engine_trouble: false,
        }
    }

    /// Whether a fresh run with the same inputs gives the same answer (see [`memo`]).
    fn repeatable(&self) -> bool {
        let ran_code = matches!(self.handler.behaviour(), Some(Behaviour::Code(_)));
        memo::repeatable(self.outcome, ran_code, self.engine_trouble)
    }

    fn perform(&mut self, cancel: Option<&CancelToken>) {
        match self.handler.behaviour() {
            None => self.lab_error(
                "Lab.InvalidHandler",
                "the handler must declare exactly one of code, returns, throws or fails",
            ),
            Some(Behaviour::Returns(text)) => self.returns(text),
            Some(Behaviour::Throws(t)) => self.throws(t),
            Some(Behaviour::Fails(kind)) => self.fails(kind),
            Some(Behaviour::Code(src)) => self.code(src, cancel),
        }
    }

    /// The simulated instant `offset_ms` after the invocation started.
    fn at(&self, offset_ms: f64) -> i64 {
        self.ctx.now_ms + offset_ms as i64
    }

    fn returns(&mut self, text: &str) {
        let style = self.rt.style();
        let key = shared::Key::new(text, style);
        if let Some(payload) = shared::lookup(key) {
            return self.succeed(payload);
        }
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) => {
                let text = serialize::to_string(&value, style);
                drop(value);
                let payload = Arc::from(text);
                shared::store(key, &payload);
                self.succeed(payload)
            }
            Err(e) => self.lab_error(
                "Lab.InvalidReturns",
                &format!("handler.returns is not valid JSON ({e}); the scenario loader should have rejected it"),
            ),
        }
    }

    fn succeed(&mut self, payload: Arc<str>) {
        if !matches!(self.rt.language, Language::Node | Language::Python) {
            self.note(UNCONFIRMED_SERIALIZER);
        }
        if payload.len() > platform::MAX_RESPONSE_BYTES {
            self.outcome = OutcomeKind::ResponseTooLarge;
            self.fail_with(platform::too_large_payload());
            return;
        }
        self.outcome = OutcomeKind::Returned;
        self.payload = payload;
    }

    fn throws(&mut self, t: &Throws) {
        let ty = t.error_type.as_deref();
        let id = self.ctx.request_id.clone();
        self.payload = self.rt.thrown_payload(ty, &t.error_message, &id).into();
        let at = self.at(self.report.duration_ms);
        self.lines
            .extend(logs::thrown(&self.rt, at, &id, ty, &t.error_message));
        self.outcome = OutcomeKind::Threw;
        self.function_error = true;
        self.note(UNCONFIRMED_UNHANDLED);
        if self.rt.language != Language::Go {
            self.note(UNCONFIRMED_TRACE_TEXT);
        }
    }

    fn fails(&mut self, kind: FailKind) {
        match kind {
            FailKind::Timeout => self.timeout(),
            FailKind::OutOfMemory => self.out_of_memory(),
            FailKind::ResponseTooLarge => {
                self.outcome = OutcomeKind::ResponseTooLarge;
                self.fail_with(platform::too_large_payload());
            }
        }
    }

    fn timeout(&mut self) {
        let timeout_ms = f64::from(self.handler.timeout) * 1000.0;
        self.report.duration_ms = timeout_ms;
        self.report.status = Some("timeout");
        let line = logs::timed_out(
            self.at(timeout_ms),
            &self.ctx.request_id,
            self.handler.timeout,
        );
        self.lines.push(line);
        self.outcome = OutcomeKind::Timeout;
        self.fail_with(platform::timeout_payload(
            &self.ctx.request_id,
            self.handler.timeout,
        ));
    }

    fn out_of_memory(&mut self) {
        self.report.max_memory_used_mb = self.handler.memory_size;
        self.report.status = Some("error");
        self.report.error_type = Some("Runtime.OutOfMemory");
        self.lines.push(format!(
            "RequestId: {} Error: Runtime exited with error: signal: killed",
            self.ctx.request_id
        ));
        self.outcome = OutcomeKind::OutOfMemory;
        self.note(UNCONFIRMED_OOM_PAYLOAD);
        self.fail_with(platform::out_of_memory_payload(&self.ctx.request_id));
    }

    fn fail_with(&mut self, payload: String) {
        self.payload = payload.into();
        self.function_error = true;
        self.note(UNCONFIRMED_UNHANDLED);
    }

    /// A scenario the lab cannot run as written: a function error whose message says why, so the
    /// problem is visible in every mode instead of a crash.
    fn lab_error(&mut self, error_type: &str, message: &str) {
        self.outcome = OutcomeKind::InitError;
        self.payload = serialize::to_string(
            &serde_json::json!({"errorType": error_type, "errorMessage": message}),
            serialize::Style::Node,
        )
        .into();
        self.function_error = true;
    }

    fn note(&mut self, u: Unconfirmed) {
        if !self.unconfirmed.contains(&u) {
            self.unconfirmed.push(u);
        }
    }

    #[cfg(not(feature = "js"))]
    fn code(&mut self, _src: &str, _cancel: Option<&CancelToken>) {
        self.lab_error(
            "Lab.NoJavaScriptEngine",
            "this build of apigw-lab has no JavaScript engine (built without the `js` feature), \
             so handler code cannot run; use returns, throws or fails, or rebuild with default features",
        );
    }

    #[cfg(feature = "js")]
    fn code(&mut self, src: &str, cancel: Option<&CancelToken>) {
        if self.rt.language != Language::Node {
            let message = format!(
                "handler code is JavaScript and runs only on nodejs runtimes; this handler's runtime is {}",
                self.rt.id
            );
            self.lab_error("Lab.CodeNeedsNode", &message);
            return;
        }
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&self.event) {
            let message =
                format!("the event is not valid JSON ({e}); Lambda would refuse the Invoke");
            self.lab_error("Lab.InvalidEvent", &message);
            return;
        }
        let req = js::Request {
            source: src,
            event_json: &self.event,
            runtime: &self.rt,
            request_id: &self.ctx.request_id,
            function_name: &self.ctx.function_name,
            function_arn: self.ctx.function_arn(),
            memory_mb: self.handler.memory_size,
            timeout_s: self.handler.timeout,
            now_ms: self.ctx.now_ms,
            cancel,
        };
        let run = js::run(&req);
        self.engine_trouble = run.engine_trouble();
        self.console(&run.console);
        self.report.duration_ms = round2(self.report.duration_ms + run.elapsed_ms);
        self.report.max_memory_used_mb = (self.report.max_memory_used_mb
            + (run.engine_bytes >> 20) as u32)
            .min(self.handler.memory_size);
        self.js_end(run.end, run.elapsed_ms);
    }

    /// The Node runtime's console lines: the first line of a message carries the prefix.
    #[cfg(feature = "js")]
    fn console(&mut self, console: &[(String, i64, String)]) {
        for (level, at, text) in console {
            for (i, line) in text.split('\n').enumerate() {
                self.lines.push(if i == 0 {
                    logs::node_line(*at, &self.ctx.request_id, level, line)
                } else {
                    line.to_string()
                });
            }
        }
    }

    #[cfg(feature = "js")]
    fn js_end(&mut self, end: js::End, elapsed_ms: f64) {
        let at = self.at(elapsed_ms);
        let id = self.ctx.request_id.clone();
        match end {
            js::End::Returned(payload) => self.succeed(payload.into()),
            js::End::Threw { payload } => {
                let line = format!("Invoke Error \t{}", node_log_json(&payload));
                self.lines.push(logs::node_line(at, &id, "ERROR", &line));
                self.outcome = OutcomeKind::Threw;
                self.fail_with(serialize::to_string(&payload, serialize::Style::Node));
                self.note(UNCONFIRMED_TRACE_TEXT);
                self.note(UNCONFIRMED_JS_ENGINE);
            }
            js::End::Init { payload, position } => {
                let ty = payload["errorType"].as_str().unwrap_or("Error").to_string();
                let line = format!("Uncaught Exception \t{}", node_log_json(&payload));
                self.init_lines.push(logs::node_line(
                    self.ctx.now_ms,
                    "undefined",
                    "ERROR",
                    &line,
                ));
                self.init_lines
                    .extend(position.iter().flat_map(|p| p.lines().map(String::from)));
                self.init_lines.push(format!(
                    "INIT_REPORT Init Duration: {:.2} ms\tPhase: init\tStatus: error\tError Type: {ty}",
                    self.report.init_duration_ms.unwrap_or(0.0)
                ));
                self.report.status = Some("error");
                self.report.error_type = Some(static_error_type(&ty));
                self.outcome = OutcomeKind::InitError;
                self.fail_with(serialize::to_string(&payload, serialize::Style::Node));
                self.note(UNCONFIRMED_TRACE_TEXT);
                self.note(UNCONFIRMED_JS_ENGINE);
            }
            js::End::Exited { payload } => {
                let message = payload["errorMessage"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                self.lines.push(message);
                self.report.status = Some("error");
                self.report.error_type = Some("Runtime.ExitError");
                self.outcome = OutcomeKind::Threw;
                self.fail_with(serialize::to_string(&payload, serialize::Style::Node));
            }
            js::End::Timeout => self.timeout(),
            js::End::OutOfMemory => self.out_of_memory(),
            js::End::Cancelled => {}
        }
    }

    fn finish(mut self) -> Invocation {
        let id = self.ctx.request_id.clone();
        let mut logs = std::mem::take(&mut self.init_lines);
        logs.push(logs::start(&id));
        logs.append(&mut self.lines);
        logs.push(logs::end(&id));
        logs.push(logs::report(&id, &self.report));
        Invocation {
            request_id: id,
            payload: self.payload,
            function_error: self.function_error.then(|| FUNCTION_ERROR.to_string()),
            logs,
            event: self.event,
            duration_ms: self.report.duration_ms,
            outcome: self.outcome,
            unconfirmed: self.unconfirmed,
        }
    }
}

/// The JSON the Node runtime logs for an error: the payload with `trace` named `stack`.
#[cfg(feature = "js")]
fn node_log_json(payload: &serde_json::Value) -> String {
    let mut logged = serde_json::Map::new();
    for (k, v) in payload.as_object().into_iter().flatten() {
        let key = if k == "trace" { "stack" } else { k.as_str() };
        logged.insert(key.to_string(), v.clone());
    }
    serialize::to_string(&serde_json::Value::Object(logged), serialize::Style::Node)
}

/// REPORT lines name the Node runtime's own init error types.
#[cfg(feature = "js")]
fn static_error_type(ty: &str) -> &'static str {
    [
        "Runtime.UserCodeSyntaxError",
        "Runtime.ImportModuleError",
        "Runtime.HandlerNotFound",
        "Runtime.ExitError",
    ]
    .into_iter()
    .find(|t| *t == ty)
    .unwrap_or("Runtime.Unknown")
}

#[cfg(feature = "js")]
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A UUID-shaped id (version-4 layout) derived from `seed`: stable across runs, platforms and
/// releases, so a scenario's logs never change between runs.
pub fn deterministic_id(seed: &str) -> String {
    let hi = mix(id_hash(seed));
    let lo = mix(id_hash(seed) ^ 0x9e37_79b9_7f4a_7c15);
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

/// FNV-1a: a fixed, documented hash (std's `DefaultHasher` may change between releases).
pub(crate) fn id_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// splitmix64's finalizer: spreads FNV's bits over the whole word.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Fails;

    fn handler(runtime: &str) -> Handler {
        Handler {
            runtime: runtime.into(),
            timeout: 3,
            memory_size: 128,
            code: None,
            returns: None,
            throws: None,
            fails: None,
        }
    }

    fn ctx() -> InvokeContext {
        InvokeContext::new(
            deterministic_id("test"),
            DEFAULT_FUNCTION_NAME,
            1_700_000_000_000,
        )
    }

    fn returning(runtime: &str, json: &str) -> Invocation {
        let mut h = handler(runtime);
        h.returns = Some(json.into());
        invoke(&h, "{}", &ctx())
    }

    fn throwing(runtime: &str, ty: Option<&str>, msg: &str) -> Invocation {
        let mut h = handler(runtime);
        h.throws = Some(Throws {
            error_type: ty.map(String::from),
            error_message: msg.into(),
        });
        invoke(&h, "{}", &ctx())
    }

    fn failing(kind: FailKind, timeout: u32) -> Invocation {
        let mut h = handler("nodejs20.x");
        h.timeout = timeout;
        h.fails = Some(Fails { kind });
        invoke(&h, "{}", &ctx())
    }

    #[test]
    fn ids_are_uuid_shaped_and_stable() {
        let a = deterministic_id("scenario.toml#proxy");
        assert_eq!(a, deterministic_id("scenario.toml#proxy"));
        assert_ne!(a, deterministic_id("scenario.toml#custom"));
        let parts: Vec<&str> = a.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'));
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"));
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }

    #[test]
    fn returns_is_serialized_per_runtime() {
        let json = r#"{"statusCode": 400, "body": "\"Hello from Lambda!\""}"#;
        let node = returning("nodejs20.x", json);
        assert_eq!(
            node.payload.as_ref(),
            r#"{"statusCode":400,"body":"\"Hello from Lambda!\""}"#
        );
        assert_eq!(node.function_error, None);
        assert_eq!(node.outcome, OutcomeKind::Returned);
        let py = returning("python3.12", json);
        assert_eq!(
            py.payload.as_ref(),
            r#"{"statusCode": 400, "body": "\"Hello from Lambda!\""}"#
        );
        assert!(
            returning("java21", json)
                .unconfirmed
                .contains(&UNCONFIRMED_SERIALIZER)
        );
    }

    #[test]
    fn conformance_28_returned_error_shape_is_success() {
        let inv = returning(
            "python3.12",
            r#"{"stackTrace": [], "errorType": "Exception", "errorMessage": "Unauthorized"}"#,
        );
        assert_eq!(inv.function_error, None);
        assert_eq!(inv.error_message(), None);
    }

    #[test]
    fn invalid_returns_is_a_clear_error() {
        let inv = returning("nodejs20.x", "{oops");
        assert_eq!(inv.outcome, OutcomeKind::InitError);
        assert!(
            inv.error_message()
                .unwrap()
                .contains("handler.returns is not valid JSON")
        );
    }

    #[test]
    fn oversized_returns_is_response_too_large() {
        let big = format!("\"{}\"", "x".repeat(platform::MAX_RESPONSE_BYTES));
        let inv = returning("nodejs20.x", &big);
        assert_eq!(inv.outcome, OutcomeKind::ResponseTooLarge);
        assert_eq!(inv.function_error.as_deref(), Some("Unhandled"));
        assert!(inv.payload.contains("Function.ResponseSizeTooLarge"));
    }

    #[test]
    fn throws_is_a_function_error_with_runtime_shape() {
        let node = throwing(
            "nodejs20.x",
            None,
            "Internal Error - Intentionally throw this error",
        );
        assert_eq!(node.function_error.as_deref(), Some("Unhandled"));
        assert_eq!(node.outcome, OutcomeKind::Threw);
        assert!(node.payload.contains(r#""errorType":"Error""#));
        assert_eq!(
            node.error_message().as_deref(),
            Some("Internal Error - Intentionally throw this error")
        );
        assert!(node.logs[1].contains("\tERROR\tInvoke Error \t"));

        // Conformance 26.
        let py = throwing("python3.12", Some("Exception"), "Bad Request");
        assert!(py.payload.starts_with(&format!(
            r#"{{"errorMessage": "Bad Request", "errorType": "Exception", "requestId": "{}", "stackTrace": ["#,
            ctx().request_id
        )));
        assert!(py.unconfirmed.contains(&UNCONFIRMED_TRACE_TEXT));
    }

    #[test]
    fn default_error_types() {
        for (rt, ty) in [
            ("nodejs18.x", "Error"),
            ("python3.11", "Exception"),
            ("java17", "java.lang.RuntimeException"),
            ("provided.al2023", "errorString"),
            ("ruby3.3", "Function<RuntimeError>"),
            ("dotnet8", "Exception"),
        ] {
            let inv = throwing(rt, None, "m");
            let v: serde_json::Value = serde_json::from_str(&inv.payload).unwrap();
            assert_eq!(v["errorType"], ty, "{rt}");
        }
    }

    #[test]
    fn conformance_27_timeout() {
        let inv = failing(FailKind::Timeout, 3);
        assert_eq!(inv.outcome, OutcomeKind::Timeout);
        assert!(inv.payload.contains(r#""errorType":"Sandbox.Timedout""#));
        assert!(inv.payload.contains("Task timed out after 3.00 seconds"));
        assert_eq!(inv.duration_ms, 3000.0);
        assert!(
            inv.logs
                .iter()
                .any(|l| l.ends_with("Task timed out after 3.00 seconds"))
        );
        assert!(inv.logs.last().unwrap().ends_with("Status: timeout"));
        assert!(
            failing(FailKind::Timeout, 30)
                .payload
                .contains("after 30.00 seconds")
        );
    }

    #[test]
    fn out_of_memory_and_too_large() {
        let oom = failing(FailKind::OutOfMemory, 3);
        assert_eq!(oom.outcome, OutcomeKind::OutOfMemory);
        assert!(oom.payload.contains("Runtime.ExitError"));
        assert!(oom.unconfirmed.contains(&UNCONFIRMED_OOM_PAYLOAD));
        assert!(oom.logs.last().unwrap().contains("Max Memory Used: 128 MB"));
        let big = failing(FailKind::ResponseTooLarge, 3);
        assert_eq!(big.outcome, OutcomeKind::ResponseTooLarge);
        assert_eq!(
            big.error_message().as_deref(),
            Some("Response payload size exceeded maximum allowed payload size (6291556 bytes).")
        );
    }

    #[test]
    fn logs_frame_the_invocation() {
        let inv = returning("nodejs20.x", "1");
        assert_eq!(
            inv.logs[0],
            format!("START RequestId: {} Version: $LATEST", inv.request_id)
        );
        assert_eq!(inv.logs[1], format!("END RequestId: {}", inv.request_id));
        assert!(
            inv.logs[2].starts_with(&format!("REPORT RequestId: {}\tDuration: ", inv.request_id))
        );
        assert_eq!(inv, returning("nodejs20.x", "1"), "deterministic");
    }

    #[cfg(not(feature = "js"))]
    #[test]
    fn code_without_an_engine_is_explained() {
        let mut h = handler("nodejs20.x");
        h.code = Some("exports.handler = async () => 1;".into());
        let inv = invoke(&h, "{}", &ctx());
        assert_eq!(inv.outcome, OutcomeKind::InitError);
        assert!(
            inv.error_message()
                .unwrap()
                .contains("no JavaScript engine")
        );
    }

    #[test]
    fn a_handler_without_behaviour_is_explained() {
        let inv = invoke(&handler("nodejs20.x"), "{}", &ctx());
        assert_eq!(inv.outcome, OutcomeKind::InitError);
        assert!(inv.error_message().unwrap().contains("exactly one of"));
    }
}
