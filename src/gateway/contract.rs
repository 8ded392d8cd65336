//! The `run --format json` contract (`shared/spec/scenario-format.md`): per mode `statusCode`,
//! `headers` (repeats joined with ", "), `body` (binary: base64 plus `"bodyEncoding": "base64"`),
//! for custom `selectionInput` and `selected`, and `log`; plus members the contract allows
//! (`steps`, `unconfirmed`, `lambda`, `templates`).

use serde_json::{Map, Value, json};

use crate::trace::{Evaluation, Mode, ModeResult};

/// The whole evaluation as the CLI's JSON.
pub fn contract_json(evaluation: &Evaluation) -> Value {
    let mut out = Map::new();
    out.insert("focus".into(), json!(evaluation.focus.key()));
    for mode in Mode::ALL {
        out.insert(mode.key().into(), mode_json(evaluation.mode(mode)));
    }
    Value::Object(out)
}

fn mode_json(r: &ModeResult) -> Value {
    let mut m = Map::new();
    m.insert("statusCode".into(), json!(r.response.status));
    m.insert("headers".into(), headers_json(&r.response.headers));
    m.insert("body".into(), json!(r.response.body.to_text()));
    if r.response.body.is_binary() {
        m.insert("bodyEncoding".into(), json!("base64"));
    }
    if r.mode == Mode::Custom {
        let selection = r.selection.as_ref();
        m.insert(
            "selectionInput".into(),
            json!(selection.and_then(|s| s.input.as_deref())),
        );
        m.insert(
            "selected".into(),
            json!(selection.and_then(|s| s.chosen.as_deref())),
        );
    }
    m.insert("log".into(), json!(r.log));
    if let Some(inv) = &r.invocation {
        m.insert(
            "lambda".into(),
            json!({
                "requestId": inv.request_id,
                "payload": &*inv.payload,
                "functionError": inv.function_error,
                "durationMs": inv.duration_ms,
                "outcome": inv.outcome,
                "logs": inv.logs,
            }),
        );
    }
    m.insert(
        "templates".into(),
        serde_json::to_value(&r.templates).unwrap_or(Value::Null),
    );
    m.insert(
        "steps".into(),
        serde_json::to_value(&r.steps).unwrap_or(Value::Null),
    );
    m.insert(
        "unconfirmed".into(),
        serde_json::to_value(r.unconfirmed()).unwrap_or(Value::Null),
    );
    Value::Object(m)
}

/// One member per header name; values of a name repeated (case-insensitively) are joined.
fn headers_json(headers: &[(String, String)]) -> Value {
    let mut out: Map<String, Value> = Map::new();
    for (name, value) in headers {
        let existing = out
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v);
        match existing {
            Some(Value::String(v)) => {
                v.push_str(", ");
                v.push_str(value);
            }
            _ => {
                out.insert(name.clone(), json!(value));
            }
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_headers_are_joined() {
        let h = headers_json(&[
            ("Set-Cookie".into(), "a=1".into()),
            ("X".into(), "y".into()),
            ("set-cookie".into(), "b=2".into()),
        ]);
        assert_eq!(h, json!({"Set-Cookie": "a=1, b=2", "X": "y"}));
    }
}
