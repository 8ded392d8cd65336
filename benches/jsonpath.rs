//! JSONPath and `$util` benchmarks (divan). A mapping template calls `$input.path` /
//! `$input.json` a handful of times per request, so each read should cost well under a
//! microsecond for the common definite paths and stay linear for scans and filters.

use std::hint::black_box;

use apigw_lab::jsonpath::JsonPath;
use apigw_lab::vtl::util;
use divan::Bencher;
use serde_json::{Value, json};

fn main() {
    divan::main();
}

/// A Lambda error payload, the document most templates read.
fn error_payload() -> Value {
    json!({
        "errorType": "ValidationError",
        "errorMessage": "{\"code\":400,\"field\":\"email\"}",
        "trace": ["at handler (/var/task/index.js:3:9)", "at Runtime.handleOnce"]
    })
}

/// 1000 items, about 75 KB of JSON.
fn catalogue() -> Value {
    let items: Vec<Value> = (0..1000)
        .map(|i| json!({"id": i, "name": format!("item {i}"), "price": (i % 50) as f64 + 0.99, "tags": ["a", "b"]}))
        .collect();
    json!({"store": {"items": items}})
}

#[divan::bench(args = ["$.errorMessage", "errorType", "$.trace[0]", "$['trace'][-1]"])]
fn parse_and_read_definite(bencher: Bencher, path: &str) {
    let doc = error_payload();
    bencher.bench_local(|| {
        JsonPath::parse(black_box(path))
            .unwrap()
            .read(black_box(&doc))
            .unwrap()
    });
}

#[divan::bench]
fn read_compiled_definite(bencher: Bencher) {
    let doc = error_payload();
    let path = JsonPath::parse("$.errorMessage").unwrap();
    bencher.bench_local(|| path.read(black_box(&doc)).unwrap());
}

#[divan::bench(args = [
    "$.store.items[*].price",
    "$..price",
    "$.store.items[?(@.price < 10)].id",
    "$.store.items[?(@.name =~ /item 9.*/)].id",
    "$.store.items.length()",
])]
fn read_1000_items(bencher: Bencher, path: &str) {
    let doc = catalogue();
    let path = JsonPath::parse(path).unwrap();
    bencher.bench_local(|| path.read(black_box(&doc)).unwrap());
}

fn kilobyte_of_text() -> String {
    "Héllo \"world\" / it's <b>bold</b> & 100% ✓\n".repeat(24)
}

#[divan::bench]
fn escape_javascript_1k(bencher: Bencher) {
    let s = kilobyte_of_text();
    bencher.bench_local(|| util::escape_javascript(black_box(&s)));
}

#[divan::bench]
fn url_encode_decode_1k(bencher: Bencher) {
    let s = kilobyte_of_text();
    bencher.bench_local(|| util::url_decode(&util::url_encode(black_box(&s))).unwrap());
}

#[divan::bench]
fn base64_encode_decode_1k(bencher: Bencher) {
    let s = kilobyte_of_text();
    bencher.bench_local(|| util::base64_decode(&util::base64_encode(black_box(&s))).unwrap());
}
