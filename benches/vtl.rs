//! Velocity engine benchmarks (divan). Targets (issue 3): the typical error template renders in
//! <= 20 µs; a `#foreach` over 1000 items building about 75 KB of JSON in <= 0.5 ms.
//! Side-by-side figures against velocityjs, airspeed-ext and Velocity 1.7: `benches/peers/run.sh`.

use apigw_lab::scenario::Map;
use apigw_lab::vtl::{self, Env, RenderOptions, Template};
use divan::{Bencher, black_box};
use serde_json::{Value, json};

fn main() {
    divan::main();
}

/// The integration response template nearly every Lambda custom integration has.
const ERROR_TEMPLATE: &str =
    r#"{"message": "$util.escapeJavaScript($input.path('$.errorMessage'))"}"#;

/// 1000 items to JSON, the shape of a list endpoint's response template.
const FOREACH_TEMPLATE: &str = r#"#set($items = $input.path('$.items'))
[
#foreach($it in $items)
  {"id": $it.id, "name": "$it.name", "email": "$it.email", "active": $it.active}#if($foreach.hasNext),#end

#end
]
"#;

/// The peers' template (`benches/peers/template.vtl`) with plain variables.
const PEERS_TEMPLATE: &str = include_str!("peers/template.vtl");

fn env(body: String) -> Env {
    Env {
        body,
        path_params: Map::new(),
        query_params: Map::new(),
        header_params: Map::new(),
        context: json!({"requestId": "c0ffee00-0000-4000-8000-000000000000", "stage": "test"}),
        stage_variables: Map::new(),
    }
}

fn error_body() -> String {
    json!({
        "errorMessage": "Malformed input: \"id\" must be a number, see https://example.com/docs/ids",
        "errorType": "ValidationError",
        "stackTrace": ["at validate (/var/task/index.js:12:11)", "at handler (/var/task/index.js:30:5)"]
    })
    .to_string()
}

fn items() -> Value {
    let items: Vec<Value> = (0..1000)
        .map(|i| json!({"id": i, "name": format!("n{i:04}"), "email": format!("u{i:04}@example.com"), "active": i % 3 != 0}))
        .collect();
    json!({ "items": items })
}

fn parse(src: &str) -> Template {
    Template::parse(src).unwrap_or_else(|e| panic!("{}", e.render_with_source(src)))
}

/// Renders once outside the timed loop, so that a benchmark never measures an error path.
fn checked(src: &str, result: Result<vtl::Rendered, vtl::VtlError>) -> String {
    result
        .map(|r| r.output)
        .unwrap_or_else(|e| panic!("{}", e.render_with_source(src)))
}

#[divan::bench]
fn error_template(bencher: Bencher) {
    let template = parse(ERROR_TEMPLATE);
    let env = env(error_body());
    let options = RenderOptions::default();
    let out = checked(ERROR_TEMPLATE, vtl::render(&template, &env, &options));
    assert_eq!(
        out,
        r#"{"message": "Malformed input: \"id\" must be a number, see https:\/\/example.com\/docs\/ids"}"#
    );
    bencher.bench_local(|| {
        vtl::render(black_box(&template), black_box(&env), &options).map(|r| r.output)
    });
}

#[divan::bench]
fn error_template_parse_and_render(bencher: Bencher) {
    let env = env(error_body());
    let options = RenderOptions::default();
    bencher.bench_local(|| {
        let template = Template::parse(black_box(ERROR_TEMPLATE)).map_err(|e| e.message)?;
        vtl::render(&template, black_box(&env), &options)
            .map(|r| r.output)
            .map_err(|e| e.message)
    });
}

#[divan::bench]
fn foreach_1000_items(bencher: Bencher) {
    let template = parse(FOREACH_TEMPLATE);
    let env = env(items().to_string());
    let options = RenderOptions::default();
    let size = vtl::render(&template, &env, &options)
        .map(|r| r.output.len())
        .unwrap_or(0);
    assert!(
        (70_000..90_000).contains(&size),
        "foreach template renders {size} bytes, want about 75 KB"
    );
    bencher.bench_local(|| {
        vtl::render(black_box(&template), black_box(&env), &options).map(|r| r.output)
    });
}

/// The same render with a body seen for the first time (two bodies alternate, so the engine's
/// memo of the last parsed body never hits): what a render of a new payload costs.
#[divan::bench]
fn foreach_1000_items_new_body(bencher: Bencher) {
    let template = parse(FOREACH_TEMPLATE);
    let body = items().to_string();
    let envs = [env(body.clone()), env(format!("{body} "))];
    let options = RenderOptions::default();
    let mut turn = 0;
    bencher.bench_local(|| {
        turn ^= 1;
        vtl::render(black_box(&template), black_box(&envs[turn]), &options).map(|r| r.output)
    });
}

#[divan::bench]
fn foreach_1000_items_plain(bencher: Bencher) {
    let template = parse(PEERS_TEMPLATE);
    let mut context = serde_json::Map::new();
    context.insert("payload".into(), items());
    let options = RenderOptions::default();
    bencher.bench_local(|| {
        vtl::render_plain(black_box(&template), black_box(&context), &options).map(|r| r.output)
    });
}

#[divan::bench]
fn parse_foreach_template() -> Result<Template, String> {
    Template::parse(black_box(FOREACH_TEMPLATE)).map_err(|e| e.message)
}
