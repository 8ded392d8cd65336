//! Selection benchmarks (divan): compiling a Java pattern through the translation layer (the lab
//! recompiles on every keystroke), whole-string matching, a full `select` with reasons and lint,
//! and the worst case: a catastrophic pattern stopped by the backtracking budget.

use std::hint::black_box;

use apigw_lab::javaregex::JavaRegex;
use apigw_lab::scenario::{IntegrationResponse, Map};
use apigw_lab::selection::{explain, select};

fn main() {
    divan::main();
}

const PATTERNS: [&str; 5] = [
    "^Internal Error.*",
    r"[\s\S]*(Process\s?exited\s?before\s?completing\s?request|\[500\])[\s\S]*",
    r"([\s\S]*\[504\][\s\S]*)|(.*Task timed out after \d+\.\d+ seconds$)",
    r"(?i)^.*(unauthori[sz]ed|forbidden).*$",
    r".*\b(?:400|Bad Request)\b.*",
];

#[divan::bench(args = PATTERNS)]
fn compile(pattern: &str) -> JavaRegex {
    JavaRegex::new(black_box(pattern)).expect("valid")
}

#[divan::bench(args = PATTERNS)]
fn matches(bencher: divan::Bencher, pattern: &str) {
    let re = JavaRegex::new(pattern).expect("valid");
    let message = "2026-11-25T04:14:07.123Z 1f0e Task timed out after 3.00 seconds";
    bencher.bench(|| re.matches(black_box(message)));
}

/// The recorded AWS case (semantics §1.1): four responses, an overlap, reasons and lint.
#[divan::bench]
fn select_recorded_case(bencher: divan::Bencher) {
    let responses: Map<IntegrationResponse> = [
        ("200", ""),
        ("405", ".*four hundred.*"),
        ("502", ".+"),
        ("504", "200"),
    ]
    .iter()
    .map(|(k, p)| {
        let r = IntegrationResponse {
            selection_pattern: Some(p.to_string()),
            ..Default::default()
        };
        (k.to_string(), r)
    })
    .collect();
    let input = "Error: Raising four hundred from within the Lambda function";
    bencher.bench(|| select(black_box(&responses), Some(input)));
}

#[divan::bench]
fn explain_prefix_only() -> apigw_lab::selection::Explanation {
    explain(black_box("Internal*"), black_box("Internal Error: db down"))
}

/// `(a|a)+\1?b` backtracks exponentially: the budget turns a hang into an error.
#[divan::bench(sample_count = 10)]
fn catastrophic_pattern_gives_up() -> bool {
    let re = JavaRegex::new(r"(a|a)+\1?b").expect("valid");
    re.matches(black_box(&"a".repeat(40))).is_err()
}
