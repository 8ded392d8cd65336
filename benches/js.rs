//! Handler code speed: QuickJS runtime start + one async handler invocation, as the live loop
//! pays it on every edit (target ≤ 5 ms), through the whole `lambda::invoke` (event parse,
//! runtime shim, handler, error formatting, log lines).
//!
//! Measured 2026-11-25 (release, shared 2-core machine, medians): fresh runtime 0.80–1.21 ms,
//! pooled runtime 0.74–1.05 ms. Loading the shim from bytecode instead of compiling its source
//! took the median from ~9 ms to ~1 ms.
use apigw_lab::lambda::{InvokeContext, deterministic_id, invoke, js};
use apigw_lab::scenario::Handler;

fn main() {
    divan::main();
}

fn handler(code: &str) -> Handler {
    Handler {
        runtime: "nodejs20.x".into(),
        timeout: 3,
        memory_size: 128,
        code: Some(code.into()),
        returns: None,
        throws: None,
        fails: None,
    }
}

const THROWS: &str = "exports.handler = async (event) => {\n    throw new Error('Internal Error - Intentionally throw this error');\n};\n";
const RETURNS: &str = "exports.handler = async (event) => {\n    console.log('event', event);\n    return { statusCode: 400, body: JSON.stringify('Hello from Lambda!') };\n};\n";
const EVENT: &str = r#"{"resource":"/","path":"/","httpMethod":"GET","headers":null,"body":null}"#;

fn ctx() -> InvokeContext {
    InvokeContext::new(deterministic_id("bench"), "bench-fn", 1_700_000_000_000)
}

/// A new QuickJS runtime for every invocation.
#[divan::bench(args = [THROWS, RETURNS])]
fn fresh_runtime(bencher: divan::Bencher, code: &str) {
    let h = handler(code);
    let ctx = ctx();
    bencher.bench_local(|| {
        js::discard_engine();
        invoke(&h, EVENT, &ctx)
    });
}

/// The thread's warm runtime, a fresh context per invocation (what the lab does).
#[divan::bench(args = [THROWS, RETURNS])]
fn pooled_runtime(bencher: divan::Bencher, code: &str) {
    let h = handler(code);
    let ctx = ctx();
    invoke(&h, EVENT, &ctx);
    bencher.bench_local(|| invoke(&h, EVENT, &ctx));
}
