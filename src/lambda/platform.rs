//! Errors the Lambda platform produces itself when it ends an invocation (semantics §2.3). The
//! function's code never returns these: the payload is written by Lambda, always with
//! `X-Amz-Function-Error: Unhandled`.

use serde_json::json;

use super::serialize::{self, Style};

/// The largest response payload Lambda accepts from a synchronous invocation, as its error
/// message states it.
pub const MAX_RESPONSE_BYTES: usize = 6_291_556;

/// `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: <id> Error: Task timed out after 3.00 seconds"}`
pub fn timeout_payload(request_id: &str, timeout_s: u32) -> String {
    compact(json!({
        "errorType": "Sandbox.Timedout",
        "errorMessage": format!("RequestId: {request_id} Error: Task timed out after {timeout_s}.00 seconds"),
    }))
}

/// The recommended reading of §2.3 for an out-of-memory kill: the runtime process is killed, so
/// Lambda reports `Runtime.ExitError` with `signal: killed` (UNCONFIRMED: newer REPORT lines say
/// `Runtime.OutOfMemory`).
pub fn out_of_memory_payload(request_id: &str) -> String {
    compact(json!({
        "errorType": "Runtime.ExitError",
        "errorMessage": format!("RequestId: {request_id} Error: Runtime exited with error: signal: killed"),
    }))
}

/// `{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}`
pub fn too_large_payload() -> String {
    compact(json!({
        "errorMessage": format!("Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."),
        "errorType": "Function.ResponseSizeTooLarge",
    }))
}

fn compact(v: serde_json::Value) -> String {
    serialize::to_string(&v, Style::Node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_shapes() {
        assert_eq!(
            timeout_payload("abc", 1),
            r#"{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: abc Error: Task timed out after 1.00 seconds"}"#
        );
        assert_eq!(
            too_large_payload(),
            r#"{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}"#
        );
        assert_eq!(
            out_of_memory_payload("abc"),
            r#"{"errorType":"Runtime.ExitError","errorMessage":"RequestId: abc Error: Runtime exited with error: signal: killed"}"#
        );
    }
}
