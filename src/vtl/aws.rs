//! API Gateway's template environment: `$input`, `$util`, `$context` and `$stageVariables`,
//! with the rendering rules recorded on AWS (semantics §3): `$input.path` objects are Java maps,
//! lists are json-smart arrays printing as compact JSON, `$input.body` of an empty body is `{}`.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

use serde::Serialize;

use super::methods::Call;
use super::util;
use super::value::{Key, Value, from_json};
use crate::jsonpath::JsonPath;
use crate::scenario::Map;

/// What a mapping template sees, as the gateway assembled it.
#[derive(Debug, Clone, Default)]
pub struct Env {
    /// The request body (request templates) or the integration response body (response templates).
    pub body: String,
    pub path_params: Map<String>,
    pub query_params: Map<String>,
    pub header_params: Map<String>,
    /// A JSON object of `$context` fields (built by the gateway). `responseOverride` and
    /// `requestOverride` are added (empty) when absent.
    pub context: serde_json::Value,
    pub stage_variables: Map<String>,
}

/// What the template set through `$context.responseOverride` / `$context.requestOverride`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Overrides {
    pub status: Option<String>,
    pub headers: Map<String>,
    pub request_path: Map<String>,
    pub request_querystring: Map<String>,
    pub request_header: Map<String>,
}

/// The environment during one render.
pub struct AwsData {
    body: String,
    json: OnceCell<Result<serde_json::Value, String>>,
    /// Compiled paths: templates call `$input.path` with the same few paths, often in loops.
    paths: RefCell<HashMap<String, JsonPath>>,
    params: [(&'static str, Map<String>); 3],
}

impl AwsData {
    pub fn new(env: &Env) -> AwsData {
        AwsData {
            // Recorded: an empty body reads as `{}`.
            body: if env.body.is_empty() {
                "{}".into()
            } else {
                env.body.clone()
            },
            json: OnceCell::new(),
            paths: RefCell::new(HashMap::new()),
            params: [
                ("path", env.path_params.clone()),
                ("querystring", env.query_params.clone()),
                ("header", env.header_params.clone()),
            ],
        }
    }

    /// The top-level variables: `$input`, `$util`, `$context`, `$stageVariables`.
    pub fn variables(&self, env: &Env) -> Vec<(String, Value)> {
        let context = match &env.context {
            serde_json::Value::Object(_) => from_json(&env.context, true),
            _ => Value::new_map(Default::default()),
        };
        if let Value::Map(m) = &context {
            let mut m = m.borrow_mut();
            let empty = || Value::new_map(Default::default());
            let ensure = |v: &mut Value, keys: &[&str]| {
                if let Value::Map(inner) = v {
                    let mut inner = inner.borrow_mut();
                    for k in keys {
                        inner.entries.entry(Key::str(k)).or_insert_with(empty);
                    }
                }
            };
            ensure(
                m.entries
                    .entry(Key::str("responseOverride"))
                    .or_insert_with(empty),
                &["header"],
            );
            ensure(
                m.entries
                    .entry(Key::str("requestOverride"))
                    .or_insert_with(empty),
                &["header", "path", "querystring"],
            );
        }
        let stage = Value::new_map(
            env.stage_variables
                .iter()
                .map(|(k, v)| (Key::str(k), Value::str(v)))
                .collect(),
        );
        vec![
            ("input".into(), Value::Input),
            ("util".into(), Value::Util),
            ("context".into(), context),
            ("stageVariables".into(), stage),
        ]
    }

    fn json(&self) -> Result<&serde_json::Value, String> {
        self.json
            .get_or_init(|| match serde_json::from_str(&self.body) {
                Ok(v) => Ok(v),
                // json-smart is permissive: a body that is not an object or array reads as a string.
                Err(_) if !self.body.trim_start().starts_with(['{', '[']) => {
                    Ok(serde_json::Value::String(self.body.clone()))
                }
                Err(e) => Err(format!("Unable to parse the body as JSON: {e}")),
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn read(&self, path: &str) -> Result<Option<serde_json::Value>, String> {
        let doc = self.json()?;
        let mut cache = self.paths.borrow_mut();
        let p = match cache.get(path) {
            Some(p) => p,
            None => {
                let p =
                    JsonPath::parse(path).map_err(|e| format!("Invalid JSONPath {path:?}: {e}"))?;
                cache.entry(path.to_string()).or_insert(p)
            }
        };
        p.read(doc).map_err(|e| format!("JSONPath {path:?}: {e}"))
    }

    pub fn input_property(&self, name: &str) -> Option<Value> {
        match name {
            "body" | "Body" => Some(Value::str(&self.body)),
            _ => None,
        }
    }

    pub fn input_call(&self, name: &str, args: &[Value]) -> Call {
        match (name, args) {
            ("getBody", []) => Call::Returned(Value::str(&self.body)),
            // `$` is the whole document: no need to copy it through JSONPath.
            ("path", [Value::Str(p)]) if &**p == "$" => match self.json() {
                Ok(doc) => Call::Returned(from_json(doc, true)),
                Err(e) => Call::Threw(e),
            },
            ("path", [Value::Str(p)]) => match self.read(p) {
                Ok(Some(v)) => Call::Returned(from_json(&v, true)),
                Ok(None) => Call::Returned(Value::Null),
                Err(e) => Call::Threw(e),
            },
            ("json", [Value::Str(p)]) => match self.read(p) {
                Ok(Some(v)) => {
                    Call::Returned(Value::string(serde_json::to_string(&v).unwrap_or_default()))
                }
                Ok(None) => Call::Returned(Value::str("")),
                Err(e) => Call::Threw(e),
            },
            ("params", []) => Call::Returned(Value::new_map(
                self.params
                    .iter()
                    .map(|(k, m)| (Key::str(k), string_map(m)))
                    .collect(),
            )),
            ("params", [Value::Str(n)]) => {
                let found = self.params.iter().find_map(|(_, m)| m.get(n.as_ref()));
                let found = found.or_else(|| {
                    self.params[2]
                        .1
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(n))
                        .map(|(_, v)| v)
                });
                Call::Returned(found.map_or(Value::Null, |v| Value::str(v)))
            }
            _ => Call::NoSuchMethod,
        }
    }

    pub fn util_call(&self, name: &str, args: &[Value]) -> Call {
        let [arg] = args else {
            return Call::NoSuchMethod;
        };
        let s = match arg {
            Value::Str(s) => s.as_ref(),
            Value::Null => return Call::Returned(Value::Null),
            _ => return Call::NoSuchMethod,
        };
        let done = |r: Result<String, String>| match r {
            Ok(v) => Call::Returned(Value::string(v)),
            Err(e) => Call::Threw(format!("$util.{name}: {e}")),
        };
        match name {
            "escapeJavaScript" => Call::Returned(Value::string(util::escape_javascript(s))),
            "urlEncode" => Call::Returned(Value::string(util::url_encode(s))),
            "urlDecode" => done(util::url_decode(s)),
            "base64Encode" => Call::Returned(Value::string(util::base64_encode(s))),
            "base64Decode" => done(util::base64_decode(s)),
            "parseJson" => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(v) => Call::Returned(from_json(&v, true)),
                Err(e) => Call::Threw(format!("$util.parseJson: Unable to parse JSON: {e}")),
            },
            _ => Call::NoSuchMethod,
        }
    }
}

fn string_map(m: &Map<String>) -> Value {
    Value::new_map(
        m.iter()
            .map(|(k, v)| (Key::str(k), Value::str(v)))
            .collect(),
    )
}

/// Read the overrides the template left in `$context`.
pub fn overrides(context: Option<&Value>) -> Overrides {
    let mut o = Overrides::default();
    let Some(Value::Map(ctx)) = context else {
        return o;
    };
    let ctx = ctx.borrow();
    let get = |m: &Value, k: &str| match m {
        Value::Map(m) => m.borrow().entries.get(&Key::str(k)).cloned(),
        _ => None,
    };
    let strings = |m: Option<Value>| -> Map<String> {
        match m {
            Some(Value::Map(m)) => m
                .borrow()
                .entries
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.0.java_string(), v.java_string()))
                .collect(),
            _ => Map::new(),
        }
    };
    if let Some(resp) = ctx.entries.get(&Key::str("responseOverride")) {
        o.status = get(resp, "status")
            .filter(|v| !v.is_null())
            .map(|v| v.java_string());
        o.headers = strings(get(resp, "header"));
    }
    if let Some(req) = ctx.entries.get(&Key::str("requestOverride")) {
        o.request_path = strings(get(req, "path"));
        o.request_querystring = strings(get(req, "querystring"));
        o.request_header = strings(get(req, "header"));
    }
    o
}
