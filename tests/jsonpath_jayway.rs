//! Agreement with Jayway JsonPath on the json-path-comparison regression suite.
//!
//! `tests/jsonpath/jayway_cases.json` holds every query of the suite with Jayway's answer
//! (derived by `tests/jsonpath/derive_jayway_cases.py`). Each case must agree, except the
//! documented divergences below; the summary line gives the figures quoted in
//! `docs/jsonpath.md`.

use apigw_lab::jsonpath::JsonPath;
use serde_json::Value;

/// Queries where we knowingly answer differently from Jayway, with the reason.
const DIVERGENCES: &[(&str, &str)] = &[];

#[derive(Debug)]
enum Ours {
    Value(Value),
    NotFound,
    Error(#[allow(dead_code)] String),
}

fn run(selector: &str, document: &Value) -> Ours {
    match JsonPath::parse(selector).and_then(|p| p.read(document)) {
        Ok(Some(v)) => Ours::Value(v),
        Ok(None) => Ours::NotFound,
        Err(e) => Ours::Error(e.message),
    }
}

/// JSON equality where numbers compare by value (Jayway's `10.0` is the suite's `10`) and,
/// for unordered queries, top-level arrays compare as multisets.
fn same(a: &Value, b: &Value, ordered: bool) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) if !ordered => {
            x.len() == y.len() && {
                let mut used = vec![false; y.len()];
                x.iter().all(|xv| {
                    let found = (0..y.len()).find(|&i| !used[i] && same(xv, &y[i], true));
                    found.map(|i| used[i] = true).is_some()
                })
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q, true))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same(v, w, true)))
        }
        _ => a == b,
    }
}

fn agrees(case: &Value, ours: &Ours) -> bool {
    let expected = &case["jayway"];
    let ordered = case["ordered"].as_bool().unwrap_or(true);
    match (expected["kind"].as_str().unwrap_or_default(), ours) {
        ("value", Ours::Value(v)) => same(v, &expected["value"], ordered),
        ("not_found", Ours::NotFound) => true,
        ("error", Ours::Error(_)) => true,
        ("consensus", Ours::Value(v)) => expected["forms"]
            .as_array()
            .is_some_and(|forms| forms.iter().any(|f| same(v, f, ordered))),
        ("consensus", Ours::NotFound) => expected["not_found_allowed"] == Value::Bool(true),
        _ => false,
    }
}

#[test]
fn agrees_with_jayway_on_the_regression_suite() {
    let text = include_str!("jsonpath/jayway_cases.json");
    let data: Value = serde_json::from_str(text).expect("jayway_cases.json is JSON");
    let cases = data["cases"].as_array().expect("cases");
    let mut agree = 0;
    let mut unexpected = Vec::new();
    let mut known = 0;
    let mut only_as_set = Vec::new();
    let mut via_not_found = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap_or_default();
        let selector = case["selector"].as_str().unwrap_or_default();
        let ours = run(selector, &case["document"]);
        let ok = agrees(case, &ours);
        let divergent = DIVERGENCES.iter().any(|(d, _)| *d == id);
        if ok && case["ordered"] == Value::Bool(false) {
            let mut strict = case.clone();
            strict["ordered"] = Value::Bool(true);
            if !agrees(&strict, &ours) {
                only_as_set.push(id);
            }
        }
        if ok && case["jayway"]["kind"] == "consensus" && matches!(ours, Ours::NotFound) {
            via_not_found.push(id);
        }
        match (ok, divergent) {
            (true, false) => agree += 1,
            (false, true) => known += 1,
            (true, true) => unexpected.push(format!("{id}: listed as a divergence but agrees")),
            (false, false) => unexpected.push(format!(
                "{id}: {selector} on {}\n    Jayway: {}\n    ours:   {ours:?}",
                case["document"], case["jayway"]
            )),
        }
    }
    println!(
        "jayway agreement: {agree} of {} agree, {known} documented divergences; \
         {} of the agreeing ones match only as a set (Jayway's HashMap order): {only_as_set:?}; \
         not found where the consensus allows it: {via_not_found:?}",
        cases.len(),
        only_as_set.len()
    );
    assert!(
        unexpected.is_empty(),
        "{} disagreements:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
