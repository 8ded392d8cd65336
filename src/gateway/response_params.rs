//! `responseParameters` of the chosen integration response (semantics §4): each
//! `method.response.header.<name>` gets a static `'value'`, a header of Lambda's Invoke answer, the
//! body or a JSONPath into it (a JSON-string `errorMessage` is deserialized first, §4.3), a stage
//! variable or a `$context` field. With `methodResponses` present, only declared headers can be
//! mapped (AWS refuses the others when the integration response is saved).

use serde_json::Value;

use crate::jsonpath::JsonPath;
use crate::scenario::{Map, MethodResponse};
use crate::trace::Unconfirmed;

use super::unconfirmed;

/// What a mapping reads from.
pub struct Sources<'a> {
    pub payload: &'a str,
    pub function_error: bool,
    /// Lambda's Invoke answer headers (`integration.response.header.*`).
    pub endpoint_headers: &'a [(String, String)],
    pub stage_variables: &'a Map<String>,
    pub context: &'a Value,
    /// `None`: no `methodResponses` in the scenario, every header counts as declared.
    pub method_response: Option<&'a MethodResponse>,
}

/// One mapping's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapped {
    pub header: String,
    /// `None`: the header is not set (and `explanation` says why).
    pub value: Option<String>,
    pub explanation: String,
    pub unconfirmed: Option<Unconfirmed>,
}

pub fn apply(params: &Map<String>, sources: &Sources) -> Vec<Mapped> {
    let mut body = LazyBody::default();
    params
        .iter()
        .map(|(target, source)| map_one(target, source, sources, &mut body))
        .collect()
}

fn map_one(target: &str, source: &str, sources: &Sources, body: &mut LazyBody) -> Mapped {
    let header = target
        .strip_prefix("method.response.header.")
        .unwrap_or(target)
        .to_string();
    let skip = |header: String, why: String| Mapped {
        header,
        value: None,
        explanation: why,
        unconfirmed: None,
    };
    if !target.starts_with("method.response.header.") || header.is_empty() {
        return skip(
            header,
            format!(
                "{target}: only method.response.header.<name> can be mapped; AWS refuses this key when the integration response is saved"
            ),
        );
    }
    if let Some(mr) = sources.method_response
        && !mr.response_parameters.contains_key(target)
    {
        return skip(
            header,
            format!(
                "{target} is not declared in the method response; AWS refuses the mapping (Invalid mapping expression parameter specified)"
            ),
        );
    }
    let (value, explanation, unconfirmed) = resolve(source, sources, body);
    let explanation = format!("{header} ← {source}: {explanation}");
    Mapped {
        header,
        value,
        explanation,
        unconfirmed,
    }
}

type Resolved = (Option<String>, String, Option<Unconfirmed>);

fn resolve(source: &str, sources: &Sources, body: &mut LazyBody) -> Resolved {
    if let Some(stat) = source.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return (Some(stat.to_string()), "a static value".into(), None);
    }
    if let Some(name) = source
        .strip_prefix("integration.response.header.")
        .or_else(|| source.strip_prefix("integration.response.multivalueheader."))
    {
        return endpoint_header(name, sources.endpoint_headers);
    }
    if source == "integration.response.body" {
        return (
            Some(sources.payload.to_string()),
            "the whole payload".into(),
            None,
        );
    }
    if let Some(path) = source.strip_prefix("integration.response.body.") {
        return body_path(path, sources, body);
    }
    if let Some(name) = source.strip_prefix("stageVariables.") {
        return match sources.stage_variables.get(name) {
            Some(v) => (Some(v.clone()), "a stage variable".into(), None),
            None => (None, format!("stage variable {name} is not set"), None),
        };
    }
    if let Some(path) = source.strip_prefix("context.") {
        let found = path
            .split('.')
            .try_fold(sources.context, |v, key| v.get(key));
        return match found {
            Some(v) => (Some(text(v)), "a $context variable".into(), None),
            None => (
                None,
                format!("context.{path} is not a context variable"),
                None,
            ),
        };
    }
    (
        None,
        "not a valid source: use 'static', integration.response.header.<name>, integration.response.body[.<path>], stageVariables.<name> or context.<name>; AWS refuses it when saved".into(),
        None,
    )
}

fn endpoint_header(name: &str, headers: &[(String, String)]) -> Resolved {
    if let Some((_, v)) = headers.iter().find(|(k, _)| k == name) {
        return (
            Some(v.clone()),
            "a header of Lambda's Invoke answer".into(),
            Some(unconfirmed::C18_HEADER_CASE),
        );
    }
    match headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
        Some((k, _)) => (
            None,
            format!(
                "Lambda's answer has {k}, not {name}: header names are compared case-sensitively"
            ),
            Some(unconfirmed::C18_HEADER_CASE),
        ),
        None => (
            None,
            format!(
                "Lambda's Invoke answer has no {name} header (it has {})",
                headers
                    .iter()
                    .map(|(k, _)| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None,
        ),
    }
}

/// The payload parsed once, with a JSON-string `errorMessage` of a function error deserialized.
#[derive(Default)]
struct LazyBody {
    parsed: Option<Option<Value>>,
    deserialized: bool,
}

impl LazyBody {
    fn load(&mut self, sources: &Sources) {
        if self.parsed.is_none() {
            let mut value: Option<Value> = serde_json::from_str(sources.payload).ok();
            if sources.function_error
                && let Some(Value::Object(o)) = value.as_mut()
                && let Some(Value::String(m)) = o.get("errorMessage")
                && let Ok(inner @ (Value::Object(_) | Value::Array(_))) =
                    serde_json::from_str::<Value>(m)
            {
                o.insert("errorMessage".into(), inner);
                self.deserialized = true;
            }
            self.parsed = Some(value);
        }
    }

    fn value(&self) -> Option<&Value> {
        self.parsed.as_ref().and_then(Option::as_ref)
    }
}

fn body_path(path: &str, sources: &Sources, body: &mut LazyBody) -> Resolved {
    let expr = if path.starts_with('[') {
        format!("${path}")
    } else {
        format!("$.{path}")
    };
    let parsed = match JsonPath::parse(&expr) {
        Ok(p) => p,
        Err(e) => return (None, format!("{expr} is not a valid JSONPath: {e}"), None),
    };
    // Any feature beyond `$`, `.key`, `['key']` and `[n]` is undocumented for API Gateway, even
    // in a definite path (a negative index, a function call).
    let features = parsed.undocumented_features();
    let label =
        (!features.is_empty() || !parsed.is_definite()).then_some(unconfirmed::C11_JSONPATH);
    let uses = if features.is_empty() {
        String::new()
    } else {
        format!(" (undocumented JSONPath: {})", features.join(", "))
    };
    body.load(sources);
    let Some(value) = body.value() else {
        return (
            None,
            "the payload is not JSON, so a body path maps nothing".into(),
            Some(unconfirmed::C19_NON_JSON_BODY),
        );
    };
    let how = if body.deserialized && path.starts_with("errorMessage") {
        format!("{expr} read after the JSON-string errorMessage was deserialized{uses}")
    } else {
        format!("{expr} read from the payload{uses}")
    };
    match parsed.read(value) {
        Ok(Some(Value::Null)) | Ok(None) => (None, format!("{expr} finds nothing{uses}"), label),
        Ok(Some(v)) => (Some(text(&v)), how, label),
        Err(e) => (None, format!("{expr} fails: {e}{uses}"), label),
    }
}

/// A JSON value as a header value: strings as is, anything else as compact JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources<'a>(
        payload: &'a str,
        function_error: bool,
        headers: &'a [(String, String)],
        vars: &'a Map<String>,
        ctx: &'a Value,
    ) -> Sources<'a> {
        Sources {
            payload,
            function_error,
            endpoint_headers: headers,
            stage_variables: vars,
            context: ctx,
            method_response: None,
        }
    }

    fn params(p: &[(&str, &str)]) -> Map<String> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn values(m: &[Mapped]) -> Vec<(String, Option<String>)> {
        m.iter()
            .map(|m| (m.header.clone(), m.value.clone()))
            .collect()
    }

    #[test]
    fn static_header_stage_and_context_sources() {
        let headers = vec![("x-amzn-RequestId".to_string(), "abc".to_string())];
        let vars: Map<String> = [("env".to_string(), "test".to_string())]
            .into_iter()
            .collect();
        let ctx =
            serde_json::json!({"stage": "test-invoke-stage", "identity": {"sourceIp": "1.2.3.4"}});
        let s = sources("{}", false, &headers, &vars, &ctx);
        let got = apply(
            &params(&[
                ("method.response.header.a", "'fixed'"),
                (
                    "method.response.header.b",
                    "integration.response.header.x-amzn-RequestId",
                ),
                (
                    "method.response.header.c",
                    "integration.response.header.x-amzn-requestid",
                ),
                ("method.response.header.d", "stageVariables.env"),
                ("method.response.header.e", "context.identity.sourceIp"),
                ("method.response.header.f", "integration.response.body"),
            ]),
            &s,
        );
        assert_eq!(
            values(&got),
            vec![
                ("a".into(), Some("fixed".into())),
                ("b".into(), Some("abc".into())),
                ("c".into(), None),
                ("d".into(), Some("test".into())),
                ("e".into(), Some("1.2.3.4".into())),
                ("f".into(), Some("{}".into())),
            ]
        );
        assert!(got[2].explanation.contains("case-sensitively"));
    }

    #[test]
    fn undeclared_headers_are_not_mapped() {
        let mr = MethodResponse {
            response_parameters: [("method.response.header.ok".to_string(), false)]
                .into_iter()
                .collect(),
            ..Default::default()
        };
        let vars = Map::new();
        let ctx = Value::Null;
        let mut s = sources("{}", false, &[], &vars, &ctx);
        s.method_response = Some(&mr);
        let got = apply(
            &params(&[
                ("method.response.header.ok", "'1'"),
                ("method.response.header.no", "'2'"),
            ]),
            &s,
        );
        assert_eq!(
            values(&got),
            vec![("ok".into(), Some("1".into())), ("no".into(), None)]
        );
        assert!(got[1].explanation.contains("not declared"));
    }

    #[test]
    fn non_json_body_maps_nothing() {
        let vars = Map::new();
        let ctx = Value::Null;
        let s = sources("plain text", false, &[], &vars, &ctx);
        let got = apply(
            &params(&[("method.response.header.a", "integration.response.body.x")]),
            &s,
        );
        assert_eq!(got[0].value, None);
        assert_eq!(got[0].unconfirmed, Some(unconfirmed::C19_NON_JSON_BODY));
    }

    /// §4.3, the documented example: header mappings read into a JSON-string errorMessage.
    #[test]
    fn json_string_error_message_is_deserialized_for_header_mappings() {
        let payload = r#"{"errorMessage":"{\"errorType\":\"InternalServerError\",\"httpStatus\":500,\"trace\":{\"function\":\"abc()\",\"line\":123,\"file\":\"abc.js\"}}"}"#;
        let vars = Map::new();
        let ctx = Value::Null;
        let p = params(&[
            (
                "method.response.header.error_trace_function",
                "integration.response.body.errorMessage.trace.function",
            ),
            (
                "method.response.header.error_status",
                "integration.response.body.errorMessage.httpStatus",
            ),
            (
                "method.response.header.error_type",
                "integration.response.body.errorMessage.errorType",
            ),
            (
                "method.response.header.error_trace",
                "integration.response.body.errorMessage.trace",
            ),
        ]);
        let got = apply(&p, &sources(payload, true, &[], &vars, &ctx));
        assert_eq!(
            values(&got),
            vec![
                ("error_trace_function".into(), Some("abc()".into())),
                ("error_status".into(), Some("500".into())),
                ("error_type".into(), Some("InternalServerError".into())),
                (
                    "error_trace".into(),
                    Some(r#"{"function":"abc()","line":123,"file":"abc.js"}"#.into())
                ),
            ]
        );
        // A success is not deserialized: the errorMessage stays a string.
        let got = apply(&p, &sources(payload, false, &[], &vars, &ctx));
        assert_eq!(got[1].value, None);
    }

    #[test]
    fn indefinite_paths_are_labelled() {
        let vars = Map::new();
        let ctx = Value::Null;
        let s = sources(
            r#"{"items": [{"id": 1}, {"id": 2}]}"#,
            false,
            &[],
            &vars,
            &ctx,
        );
        let got = apply(
            &params(&[(
                "method.response.header.ids",
                "integration.response.body.items[*].id",
            )]),
            &s,
        );
        assert_eq!(got[0].value.as_deref(), Some("[1,2]"));
        assert_eq!(got[0].unconfirmed, Some(unconfirmed::C11_JSONPATH));
    }

    #[test]
    fn definite_paths_with_undocumented_features_are_labelled_too() {
        let vars = Map::new();
        let ctx = Value::Null;
        let s = sources(
            r#"{"items": [{"id": 1}, {"id": 2}]}"#,
            false,
            &[],
            &vars,
            &ctx,
        );
        let map = |src: &str| apply(&params(&[("method.response.header.x", src)]), &s);
        let last = map("integration.response.body.items[-1].id");
        assert_eq!(last[0].value.as_deref(), Some("2"));
        assert_eq!(last[0].unconfirmed, Some(unconfirmed::C11_JSONPATH));
        assert!(
            last[0].explanation.contains("negative index"),
            "{}",
            last[0].explanation
        );
        let plain = map("integration.response.body.items[0].id");
        assert_eq!(plain[0].value.as_deref(), Some("1"));
        assert_eq!(plain[0].unconfirmed, None);
    }
}
