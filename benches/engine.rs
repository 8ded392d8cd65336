//! Engine benchmarks (divan): one scenario through all three integration modes, and large
//! payloads. Targets (issue 2, item 10): ≤ 100 µs for the three modes without templates, ≤ 10 ms
//! for a 1 MB payload, ≤ 60 ms for a 6 MB payload with peak memory under 5× the payload.
//!
//! Handlers use `returns` / `throws` (handler `code` runs a JavaScript engine and is measured in
//! `benches/js.rs`). Peak memory is measured with a counting global allocator and printed before
//! the timings: the bytes allocated on top of what was live when the evaluation started.
//!
//! Measured 2026-11-25 (release, `nice`, shared 2-core machine at load ~10: fastest / median):
//! - three modes, no templates: 109 µs / 174 µs (was 2.4 ms / 14.8 ms before the pattern cache);
//!   three modes, `returns`: 79 µs / 143 µs.
//! - 1 MB, three modes: 1.6 ms / 3.5 ms (was 36 ms / 76 ms before the slice-copying serializer
//!   and the shared payload); one mode: 1.1 ms / 1.2-1.6 ms. Peak memory 4.0x (was 9.0x).
//! - 6 MB, three modes: 15.5 ms / 21.5 ms (was 325 ms / 479 ms); peak memory 4.0x (was 7.0x):
//!   one payload shared by the three modes plus each mode's response body.
//! - `apigw-lab run scenarios/03-pattern-selects-500.toml`, whole process: ~13 ms wall, ~13 ms
//!   CPU per run (20-run loop with `time`, same load).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use apigw_lab::gateway::evaluate_mode;
use apigw_lab::{Mode, Scenario, evaluate};
use divan::Bencher;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call forwards to the system allocator unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Peak bytes allocated while `f` runs, above what was live before it.
fn peak_during<T>(f: impl FnOnce() -> T) -> usize {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    let peak = PEAK.load(Ordering::Relaxed) - base;
    drop(out);
    peak
}

fn scenario(text: &str) -> Scenario {
    toml::from_str(text).expect("bench scenario")
}

/// A thrown error, three integration responses with patterns and a default, a method response.
fn small() -> Scenario {
    scenario(
        r#"
title = "bench: selection without templates"
[handler]
runtime = "nodejs20.x"
[handler.throws]
errorMessage = "Internal Error - Intentionally throw this error"
[request]
path = "/hello"
headers = { Accept = "application/json" }
query = { name = "Ann" }
[integration.integrationResponses."200"]
[integration.integrationResponses."400"]
selectionPattern = 'Bad Request.*'
[integration.integrationResponses."500"]
selectionPattern = '^Internal Error.*'
responseParameters = { "method.response.header.X-Error" = "'true'" }
"#,
    )
}

/// A function returning a proxy-shaped object whose body is `bytes` long.
fn large(bytes: usize) -> Scenario {
    let mut s = scenario(
        r#"
title = "bench: large payload"
[handler]
runtime = "nodejs20.x"
returns = "{}"
[integration.integrationResponses."200"]
"#,
    );
    let body = "x".repeat(bytes);
    s.handler.returns = Some(format!(
        r#"{{"statusCode": 200, "headers": {{"Content-Type": "text/plain"}}, "body": "{body}"}}"#
    ));
    s
}

const MB: usize = 1024 * 1024;

fn main() {
    for (label, bytes) in [("1 MB", MB), ("6 MB", 6 * MB - 1024)] {
        let s = large(bytes);
        for mode in Mode::ALL {
            let peak = peak_during(|| evaluate_mode(&s, mode));
            println!(
                "peak memory, {label} payload, {} mode: {:.1} MB = {:.2}x the payload",
                mode.key(),
                peak as f64 / MB as f64,
                peak as f64 / bytes as f64
            );
        }
        let peak = peak_during(|| evaluate(&s));
        println!(
            "peak memory, {label} payload, all three modes: {:.1} MB = {:.2}x the payload",
            peak as f64 / MB as f64,
            peak as f64 / bytes as f64
        );
    }
    divan::main();
}

#[divan::bench]
fn three_modes_no_templates(b: Bencher) {
    let s = small();
    b.bench(|| evaluate(black_box(&s)));
}

#[divan::bench]
fn three_modes_returns(b: Bencher) {
    let s = scenario(
        r#"
title = "bench: returns"
[handler]
runtime = "python3.12"
returns = '''{"statusCode": 201, "headers": {"X-A": "1"}, "body": "{\"ok\": true}"}'''
[integration.integrationResponses."200"]
[integration.integrationResponses."500"]
selectionPattern = '(\n|.)+'
"#,
    );
    b.bench(|| evaluate(black_box(&s)));
}

#[divan::bench(args = ["custom", "proxy", "http"])]
fn payload_1mb(b: Bencher, mode: &str) {
    let s = large(MB);
    let mode = Mode::ALL
        .into_iter()
        .find(|m| m.key() == mode)
        .expect("mode");
    b.bench(|| evaluate_mode(black_box(&s), mode));
}

#[divan::bench(sample_count = 20)]
fn payload_1mb_three_modes(b: Bencher) {
    let s = large(MB);
    b.bench(|| evaluate(black_box(&s)));
}

#[divan::bench(args = ["custom", "proxy", "http"], sample_count = 10)]
fn payload_6mb(b: Bencher, mode: &str) {
    let s = large(6 * MB - 1024);
    let mode = Mode::ALL
        .into_iter()
        .find(|m| m.key() == mode)
        .expect("mode");
    b.bench(|| evaluate_mode(black_box(&s), mode));
}

#[divan::bench(sample_count = 10)]
fn payload_6mb_three_modes(b: Bencher) {
    let s = large(6 * MB - 1024);
    b.bench(|| evaluate(black_box(&s)));
}
