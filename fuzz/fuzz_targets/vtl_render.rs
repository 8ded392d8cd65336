//! Parse + render arbitrary templates with the default limits on: no input may panic or hang.
//! Each input is rendered twice: as plain Velocity with a few top-level variables, and with
//! API Gateway's `$input`/`$util`/`$context` over a small JSON body.
#![no_main]

use std::sync::OnceLock;

use apigw_lab::scenario::Map;
use apigw_lab::vtl::{self, Env, RenderOptions, Template};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

const BODY: &str = r#"{"errorMessage":"bad \"id\"","errorType":"ValidationError","items":[{"id":1,"tags":["a","b"]},{"id":2,"tags":[]}],"n":2147483647,"d":1.5,"nested":{"k":null}}"#;

fn plain_context() -> &'static serde_json::Map<String, Value> {
    static CONTEXT: OnceLock<serde_json::Map<String, Value>> = OnceLock::new();
    CONTEXT.get_or_init(|| match serde_json::from_str::<Value>(BODY) {
        Ok(Value::Object(mut map)) => {
            map.insert("s".into(), json!("Hello, World"));
            map.insert(
                "list".into(),
                json!([1, "two", 3.5, true, null, {"k": "v"}]),
            );
            map
        }
        _ => serde_json::Map::new(),
    })
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let params = |k: &str, v: &str| -> Map<String> { [(k.to_owned(), v.to_owned())].into_iter().collect() };
        Env {
            body: BODY.to_owned(),
            path_params: params("id", "42"),
            query_params: params("q", "a b"),
            header_params: params("Accept", "*/*"),
            context: json!({"requestId": "req-1", "stage": "test", "identity": {"sourceIp": "127.0.0.1"}}),
            stage_variables: params("env", "dev"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(template) = Template::parse(src) else {
        return;
    };
    // Tighter than the app's defaults so that each input stays fast under the sanitizer; the
    // guards themselves (steps, output, depth) are what is being exercised.
    let options = RenderOptions {
        max_steps: 50_000,
        max_output: 1 << 20,
        ..RenderOptions::default()
    };
    let _ = vtl::render_plain(&template, plain_context(), &options);
    let _ = vtl::render(&template, env(), &options);
});
