//! API Gateway's template environment: `$input`, `$util`, `$context` and `$stageVariables`,
//! with the rendering rules recorded on AWS (semantics §3): `$input.path` objects are Java maps,
//! lists are json-smart arrays printing as compact JSON, `$input.body` of an empty body is `{}`.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use serde::Serialize;

use super::lazy::JsonNode;
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

/// A body read as JSON: the document, or the message `$input.path` throws.
type Parsed = Result<serde_json::Value, String>;

thread_local! {
    /// The last body parsed on this thread, with its reading.
    static LAST_PARSE: RefCell<Option<(String, Rc<Parsed>)>> = const { RefCell::new(None) };
}

/// Reads `body` as JSON, reusing the previous reading when the text is the same: the lab
/// renders one body in three modes and again on every keystroke in a template. Sharing is
/// invisible to templates: the document is never mutated (`$input.path` converts fresh Java
/// values from it). One slot per thread, so at most one body is kept.
fn parse_body(body: &str) -> Rc<Parsed> {
    LAST_PARSE.with(|slot| {
        if let Some((text, parsed)) = &*slot.borrow()
            && text == body
        {
            return parsed.clone();
        }
        let parsed = Rc::new(read_json(body));
        *slot.borrow_mut() = Some((body.to_string(), parsed.clone()));
        parsed
    })
}

fn read_json(body: &str) -> Parsed {
    match serde_json::from_str(body) {
        Ok(v) => Ok(v),
        // json-smart is permissive: a body that is not an object or array reads as a string.
        Err(_) if !body.trim_start().starts_with(['{', '[']) => {
            Ok(serde_json::Value::String(body.to_string()))
        }
        Err(e) => Err(format!("Unable to parse the body as JSON: {e}")),
    }
}

/// The environment during one render.
pub struct AwsData {
    body: String,
    json: OnceCell<Rc<Parsed>>,
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
                        inner.entries_mut().entry(Key::str(k)).or_insert_with(empty);
                    }
                }
            };
            ensure(
                m.entries_mut()
                    .entry(Key::str("responseOverride"))
                    .or_insert_with(empty),
                &["header"],
            );
            ensure(
                m.entries_mut()
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

    /// The body as JSON, parsed on first use and shared by every `$input.path`/`$input.json`.
    fn json(&self) -> Result<&serde_json::Value, String> {
        self.json
            .get_or_init(|| parse_body(&self.body))
            .as_ref()
            .as_ref()
            .map_err(Clone::clone)
    }

    /// `$input.json`: the node at `path`, borrowed when a plain path finds it (no
    /// copy of a 1000-item subtree), otherwise Jayway's answer from the full evaluator.
    fn read(&self, path: &str) -> Result<Option<Cow<'_, serde_json::Value>>, String> {
        let doc = self.json()?;
        if let Some(node) = plain_path(doc, path) {
            return Ok(Some(Cow::Borrowed(node)));
        }
        Ok(self.read_jayway(doc, path)?.map(Cow::Owned))
    }

    fn read_jayway(
        &self,
        doc: &serde_json::Value,
        path: &str,
    ) -> Result<Option<serde_json::Value>, String> {
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

    /// `$input.path`: the answer as a fresh Java value (a new conversion per call, as on AWS),
    /// backed by the parsed body instead of copied out of it when a plain path finds it.
    fn path_value(&self, path: &str) -> Result<Value, String> {
        let doc = self.json()?;
        if let Some(node) = plain_path(doc, path) {
            let owner: Rc<dyn std::any::Any> =
                self.json.get().expect("the body was just parsed").clone();
            // SAFETY: `node` was just read from `doc`, the document inside `owner`'s
            // allocation, which no one mutates (the memo hands out shared, read-only readings).
            return Ok(unsafe { JsonNode::within(owner, node, true) }.value());
        }
        Ok(match self.read_jayway(doc, path)? {
            Some(v) => JsonNode::owned(v, true).value(),
            None => Value::Null,
        })
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
            ("path", [Value::Str(p)]) => match self.path_value(p) {
                Ok(v) => Call::Returned(v),
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
                Ok(v) => Call::Returned(JsonNode::owned(v, true).value()),
                Err(e) => Call::Threw(format!("$util.parseJson: Unable to parse JSON: {e}")),
            },
            _ => Call::NoSuchMethod,
        }
    }
}

/// Walks `$.name[0].name`-style paths (names of ASCII word characters, plain non-negative
/// indices) through objects and arrays. `None` for anything else — a missing step, quoting,
/// wildcards, filters, functions, a name on an array — which the Jayway evaluator owns: when
/// every step is found, Jayway's `read` of such a path is exactly the node reached.
fn plain_path<'d>(doc: &'d serde_json::Value, path: &str) -> Option<&'d serde_json::Value> {
    let mut rest = path.strip_prefix('$')?.as_bytes();
    let mut node = doc;
    while let Some((&sep, tail)) = rest.split_first() {
        let len = match sep {
            b'.' => tail
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count(),
            b'[' => tail.iter().take_while(|b| b.is_ascii_digit()).count(),
            _ => return None,
        };
        // Valid UTF-8: the step is ASCII.
        let step = std::str::from_utf8(&tail[..len]).ok()?;
        rest = &tail[len..];
        node = match sep {
            b'.' if !step.is_empty() => node.as_object()?.get(step)?,
            b'[' if (step == "0" || (!step.is_empty() && !step.starts_with('0'))) => {
                rest = rest.strip_prefix(b"]")?;
                node.as_array()?.get(step.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(node)
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
        Value::Map(m) => m.borrow().entries().get(&Key::str(k)).cloned(),
        _ => None,
    };
    let strings = |m: Option<Value>| -> Map<String> {
        match m {
            Some(Value::Map(m)) => m
                .borrow()
                .entries()
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.0.java_string(), v.java_string()))
                .collect(),
            _ => Map::new(),
        }
    };
    if let Some(resp) = ctx.entries().get(&Key::str("responseOverride")) {
        o.status = get(resp, "status")
            .filter(|v| !v.is_null())
            .map(|v| v.java_string());
        o.headers = strings(get(resp, "header"));
    }
    if let Some(req) = ctx.entries().get(&Key::str("requestOverride")) {
        o.request_path = strings(get(req, "path"));
        o.request_querystring = strings(get(req, "querystring"));
        o.request_header = strings(get(req, "header"));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcut must agree with Jayway wherever it answers, and leave the rest to it.
    #[test]
    fn plain_paths_agree_with_jayway() {
        let doc: serde_json::Value = serde_json::from_str(
            r#"{"a": {"b": [10, {"c": null}, [1, 2]]}, "x_1": "s", "0": 7, "items": []}"#,
        )
        .unwrap();
        let found = [
            "$",
            "$.a",
            "$.a.b",
            "$.a.b[0]",
            "$.a.b[1].c",
            "$.a.b[2][1]",
            "$.x_1",
            "$.0",
            "$.items",
        ];
        for path in found {
            let fast = plain_path(&doc, path).unwrap_or_else(|| panic!("{path} not walked"));
            let jayway = JsonPath::parse(path).unwrap().read(&doc).unwrap();
            assert_eq!(Some(fast), jayway.as_ref(), "{path}");
        }
        let left_to_jayway = [
            "$.missing",
            "$.a.b[3]",
            "$.a.b[01]",
            "$.a.b[-1]",
            "$.a..b",
            "$..a",
            "$.a.*",
            "$['a']",
            "$.a.b[0",
            "$.a.b.length()",
            "$.a.",
            "$ .a",
            "a",
            "$.a[0]",
            "$.a.b.c",
            "$.a.b[1][0]",
            "$.x_1.y",
        ];
        for path in left_to_jayway {
            assert_eq!(plain_path(&doc, path), None, "{path}");
        }
    }
}
