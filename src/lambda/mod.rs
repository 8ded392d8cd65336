//! AWS Lambda as API Gateway sees it: a synchronous Invoke that answers HTTP 200 with a payload,
//! plus `X-Amz-Function-Error` when the function failed (semantics §2).
//!
//! A handler's behaviour comes from the scenario: `returns` (serialized as its runtime does),
//! `throws` (shaped as its runtime shapes errors), `fails` (timeout, out of memory, response too
//! large), or `code`, run for real through a [`HandlerRunner`].

use serde::Serialize;

/// What the gateway gets back from one Invoke.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invocation {
    /// Lambda's request id (deterministic per scenario).
    pub request_id: String,
    /// The response payload exactly as Lambda sends it (`null` for a Node handler returning
    /// `undefined`).
    pub payload: String,
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
