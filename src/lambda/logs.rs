//! The function's CloudWatch log lines (`START`, the handler's own output, `END`, `REPORT`), with
//! simulated durations: the lab never shows a real clock, so every run prints the same lines.

use super::clock::iso8601;
use super::runtimes::{Language, Runtime};

/// The figures of one `REPORT` line.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub duration_ms: f64,
    pub memory_size_mb: u32,
    pub max_memory_used_mb: u32,
    /// Cold start: the lab's invocations are the first of a fresh execution environment.
    pub init_duration_ms: Option<f64>,
    /// `Some("timeout")` / `Some("error")` for invocations the platform ended.
    pub status: Option<&'static str>,
    pub error_type: Option<&'static str>,
}

pub fn start(request_id: &str) -> String {
    format!("START RequestId: {request_id} Version: $LATEST")
}

pub fn end(request_id: &str) -> String {
    format!("END RequestId: {request_id}")
}

/// `REPORT RequestId: … Duration: 2.31 ms Billed Duration: 3 ms …` (fields tab-separated).
pub fn report(request_id: &str, r: &Report) -> String {
    let mut fields = vec![
        format!("REPORT RequestId: {request_id}"),
        format!("Duration: {:.2} ms", r.duration_ms),
        format!("Billed Duration: {} ms", billed_ms(r)),
        format!("Memory Size: {} MB", r.memory_size_mb),
        format!("Max Memory Used: {} MB", r.max_memory_used_mb),
    ];
    if let Some(init) = r.init_duration_ms {
        fields.push(format!("Init Duration: {init:.2} ms"));
    }
    if let Some(status) = r.status {
        fields.push(format!("Status: {status}"));
    }
    if let Some(ty) = r.error_type {
        fields.push(format!("Error Type: {ty}"));
    }
    fields.join("\t")
}

/// Lambda bills whole milliseconds, rounded up (init included since August 2025).
fn billed_ms(r: &Report) -> u64 {
    (r.duration_ms + r.init_duration_ms.unwrap_or(0.0)).ceil() as u64
}

/// A line the Node runtime's `console` writes: `<ISO time>\t<request id>\t<LEVEL>\t<text>`.
pub fn node_line(at_ms: i64, request_id: &str, level: &str, text: &str) -> String {
    format!("{}\t{request_id}\t{level}\t{text}", iso8601(at_ms))
}

/// The platform's line when it stops a function at its timeout.
pub fn timed_out(at_ms: i64, request_id: &str, timeout_s: u32) -> String {
    format!(
        "{} {request_id} Task timed out after {timeout_s}.00 seconds",
        iso8601(at_ms)
    )
}

/// The runtime's log lines for an uncaught error, with Node's timestamp prefix where it adds one.
pub fn thrown(
    rt: &Runtime,
    at_ms: i64,
    request_id: &str,
    error_type: Option<&str>,
    message: &str,
) -> Vec<String> {
    let lines = rt.thrown_log(error_type, message);
    match rt.language {
        Language::Node => lines
            .iter()
            .map(|l| node_line(at_ms, request_id, "ERROR", l))
            .collect(),
        _ => lines,
    }
}

/// Plausible figures for a warm handler doing little work, stable per request id: the base
/// duration and memory of each runtime plus a jitter derived from the id.
pub fn nominal(rt: &Runtime, request_id: &str, memory_size_mb: u32) -> Report {
    let (duration, init, memory) = match rt.language {
        Language::Node => (1.6, 140.0, 66),
        Language::Python => (1.2, 105.0, 39),
        Language::Java => (14.0, 420.0, 92),
        Language::DotNet => (9.0, 210.0, 71),
        Language::Ruby => (2.4, 150.0, 48),
        Language::Go | Language::Custom => (1.1, 55.0, 21),
    };
    let h = super::id_hash(request_id);
    let jitter = (h % 1000) as f64 / 1000.0;
    Report {
        duration_ms: round2(duration + jitter),
        memory_size_mb,
        max_memory_used_mb: (memory + (h >> 20) as u32 % 5).min(memory_size_mb),
        init_duration_ms: Some(round2(init + ((h >> 10) % 4000) as f64 / 100.0)),
        status: None,
        error_type: None,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_line_format() {
        let r = Report {
            duration_ms: 3000.0,
            memory_size_mb: 128,
            max_memory_used_mb: 66,
            init_duration_ms: None,
            status: Some("timeout"),
            error_type: None,
        };
        assert_eq!(
            report("abc", &r),
            "REPORT RequestId: abc\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 66 MB\tStatus: timeout"
        );
    }

    #[test]
    fn lines_use_the_simulated_clock() {
        assert_eq!(
            node_line(0, "id", "INFO", "hi"),
            "1970-01-01T00:00:00.000Z\tid\tINFO\thi"
        );
        assert_eq!(
            timed_out(3000, "id", 3),
            "1970-01-01T00:00:03.000Z id Task timed out after 3.00 seconds"
        );
    }

    #[test]
    fn nominal_figures_are_stable_and_fit_the_memory() {
        let rt = Runtime::parse("nodejs20.x");
        assert_eq!(nominal(&rt, "x", 128), nominal(&rt, "x", 128));
        assert!(nominal(&Runtime::parse("java21"), "x", 64).max_memory_used_mb <= 64);
    }
}
