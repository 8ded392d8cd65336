use serde_json::{Value, json};

use super::*;

fn read(path: &str, doc: Value) -> Option<Value> {
    JsonPath::parse(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .read(&doc)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn parse_error(path: &str) -> String {
    JsonPath::parse(path).unwrap_err().message
}

#[test]
fn definite_paths_give_the_value_or_none() {
    let doc = json!({"a": {"b-c": [1, 2, 3]}, "n": null});
    assert_eq!(read("$.a.b-c[0]", doc.clone()), Some(json!(1)));
    assert_eq!(read("$['a']['b-c'][-1]", doc.clone()), Some(json!(3)));
    assert_eq!(read("$.n", doc.clone()), Some(Value::Null));
    assert_eq!(read("$.missing", doc.clone()), None);
    assert_eq!(read("$.a.b-c[7]", doc.clone()), None);
    assert_eq!(read("$", doc.clone()), Some(doc));
}

#[test]
fn paths_without_root_get_one() {
    // integration.response.body.errorMessage.trace → errorMessage.trace
    let doc = json!({"errorMessage": {"trace": {"function": "abc()"}}});
    assert_eq!(
        read("errorMessage.trace.function", doc),
        Some(json!("abc()"))
    );
}

#[test]
fn indefinite_paths_give_arrays() {
    let doc = json!({"items": [{"p": 1}, {"p": 2}, {"q": 3}]});
    assert_eq!(read("$.items[*].p", doc.clone()), Some(json!([1, 2])));
    assert_eq!(read("$..p", doc.clone()), Some(json!([1, 2])));
    assert_eq!(read("$.items[0:2].p", doc.clone()), Some(json!([1, 2])));
    assert_eq!(
        read("$.items[?(@.p > 1)]", doc.clone()),
        Some(json!([{"p": 2}]))
    );
    assert_eq!(read("$.nothing[*]", doc), None);
}

#[test]
fn slices_follow_jayway() {
    let doc = json!([2, "a", 4, 5, 100, "nice"]);
    assert_eq!(
        read("$[-4:1]", doc.clone()),
        Some(json!([4, 5, 100, "nice", 2]))
    );
    assert_eq!(read("$[0:3:2]", doc.clone()), Some(json!([2, "a", 4])));
    assert_eq!(read("$[-2:]", doc.clone()), Some(json!([100, "nice"])));
    assert_eq!(read("$[:2]", doc), Some(json!([2, "a"])));
    assert!(parse_error("$[:]").contains("SliceOperation"));
}

#[test]
fn filters_compare_as_jayway() {
    let doc = json!([{"key": 42}, {"key": "42"}, {"key": 43}, {"other": 1}]);
    assert_eq!(
        read("$[?(@.key == 42)]", doc.clone()),
        Some(json!([{"key": 42}, {"key": "42"}]))
    );
    assert_eq!(
        read("$[?(@.key)]", doc.clone()).map(|v| v.as_array().unwrap().len()),
        Some(3)
    );
    assert_eq!(
        read("$[?(!@.key)]", doc.clone()),
        Some(json!([{"other": 1}]))
    );
    assert_eq!(
        read("$[?(@.key in [43, 44])]", doc.clone()),
        Some(json!([{"key": 43}]))
    );
    assert_eq!(
        read("$[?(@.key =~ /4\\d/)]", doc.clone()),
        Some(json!([{"key": 42}, {"key": "42"}, {"key": 43}]))
    );
    assert_eq!(
        read("$[?(@.key > 42 || @.other == 1)]", doc),
        Some(json!([{"key": 43}, {"other": 1}]))
    );
}

#[test]
fn functions_follow_jayway() {
    let doc = json!({"n": [1, 2, 3, 4], "s": ["a", "b"], "o": {"x": 1, "y": 2}});
    assert_eq!(read("$.n.length()", doc.clone()), Some(json!(4)));
    assert_eq!(read("$.o.length()", doc.clone()), Some(json!(2)));
    assert_eq!(read("$.n.sum()", doc.clone()), Some(json!(10.0)));
    assert_eq!(read("$.n.avg()", doc.clone()), Some(json!(2.5)));
    assert_eq!(read("$.n.max()", doc.clone()), Some(json!(4.0)));
    assert_eq!(read("$.s.concat(\"c\")", doc.clone()), Some(json!("abc")));
    assert_eq!(read("$..n.length()", doc.clone()), Some(json!(4)));
    assert_eq!(read("$.o.keys()", doc.clone()), Some(json!(["x", "y"])));
    let err = JsonPath::parse("$.s.sum()")
        .unwrap()
        .read(&doc)
        .unwrap_err();
    assert!(err.message.contains("empty array"), "{err}");
    // `.sum()` alone becomes `$..sum()`: the function takes the scan and leaves nothing to scan.
    assert!(JsonPath::parse(".sum()").unwrap().read(&doc).is_err());
    let err = JsonPath::parse("$.n.nope()")
        .unwrap()
        .read(&doc)
        .unwrap_err();
    assert_eq!(err.message, "Function with name: nope does not exist.");
}

#[test]
fn compile_errors_are_jaywas() {
    assert_eq!(parse_error("$.a."), "Path must not end with a '.' or '..'");
    assert_eq!(parse_error("$.."), "Path must not end with a '.' or '..'");
    assert!(parse_error("$.a b").starts_with("Use bracket notion ['my prop']"));
    assert!(parse_error("$['a").contains("missing closing '"));
    assert_eq!(parse_error(""), "json can not be null or empty");
    assert!(parse_error("$[key]").starts_with("Could not parse token"));
}

#[test]
fn not_found_keeps_jayways_reason() {
    let p = JsonPath::parse("$.a.b").unwrap();
    assert_eq!(
        p.evaluate(&json!({"x": 1})).unwrap(),
        Outcome::NotFound {
            reason: "Missing property in path $['a']".into()
        }
    );
    assert_eq!(p.normalized(), "$['a']['b']");
}

#[test]
fn filter_on_a_primitive_is_an_error_when_definite() {
    let err = JsonPath::parse("$.a[?(@.b)]")
        .unwrap()
        .read(&json!({"a": 1}))
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Evaluation);
}

/// Recorded AWS cases (apigw-semantics §3.2-3.3, §4.3): the values `$input.path` and the
/// body-to-header mappings start from.
#[test]
fn recorded_aws_reads() {
    let body = json!({"json": {"foo": "bar"}, "listValue": [], "nullValue": null});
    assert_eq!(read("$.json", body.clone()), Some(json!({"foo": "bar"})));
    assert_eq!(read("$.nonExisting", body.clone()), None);
    assert_eq!(read("$.listValue", body.clone()), Some(json!([])));
    assert_eq!(read("$.nullValue", body), Some(Value::Null));
    let error = json!({"errorMessage": "Malformed input ...", "errorType": "Error"});
    assert_eq!(
        read("$.errorMessage", error),
        Some(json!("Malformed input ..."))
    );
    let parsed = json!({"key1": "var1", "key2": {"arr": [1, 2, 3]}});
    assert_eq!(read("key2.arr[0]", parsed), Some(json!(1)));
}

#[test]
fn undocumented_features_are_named() {
    let features = |p: &str| JsonPath::parse(p).unwrap().undocumented_features();
    assert!(features("$.a['b'][0].c-d").is_empty());
    assert_eq!(features("$..price"), ["deep scan (..)"]);
    assert_eq!(features("$.a[*][?(@.x)]"), ["wildcard *", "filter [?(…)]"]);
    assert_eq!(features("$.a[-1]"), ["negative index"]);
    assert_eq!(features("$..p.sum()"), ["function ()", "deep scan (..)"]);
}

#[test]
fn huge_paths_are_refused_not_overflowed() {
    let long = format!("${}", ".a".repeat(5000));
    assert!(parse_error(&long).starts_with("Path too long"));
    let nested = format!("$[?({}@.a{})]", "(".repeat(200), ")".repeat(200));
    assert!(parse_error(&nested).contains("deep"));
    let bangs = format!("$[?({}(@.a))]", "!".repeat(5000));
    assert!(parse_error(&bangs).contains("deep"));
    // A long but reasonable path still works.
    let ok = format!("${}", ".a".repeat(500));
    assert!(JsonPath::parse(&ok).is_ok());
}

#[test]
fn filter_patterns_are_java_regexes() {
    let doc = json!(["abc", "a1", "ABC", 12]);
    assert_eq!(
        read("$[?(@ =~ /\\p{Alpha}+/)]", doc.clone()),
        Some(json!(["abc", "ABC"]))
    );
    assert_eq!(
        read("$[?(@ =~ /abc/i)]", doc.clone()),
        Some(json!(["abc", "ABC"]))
    );
    // Numbers match as their text; the whole input must match.
    assert_eq!(read("$[?(@ =~ /1/)]", doc.clone()), Some(json!([])));
    assert_eq!(read("$[?(@ =~ /1\\d/)]", doc.clone()), Some(json!([12])));
    assert!(JsonPath::parse("$[?(@ =~ /a(/)]").is_err());
}

#[test]
fn documented_examples_hold() {
    assert_eq!(read("$[?(@.x)]", json!([])), Some(json!([])));
    assert_eq!(
        read("$[?(42 == @)]", json!(["42.0", "42"])),
        Some(json!(["42.0", "42"]))
    );
    assert_eq!(
        read("$[?(@ == 42)]", json!(["42.0", "42"])),
        Some(json!(["42"]))
    );
    assert_eq!(read("$[?(@ > 42)]", json!(["43", 43])), Some(json!([43])));
    assert_eq!(
        read("$[?(@.d == ['a','b'])]", json!([{"d": ["a", "b"]}]))
            .map(|v| v.as_array().unwrap().len()),
        Some(1)
    );
    assert_eq!(
        read("$[?(['a','b'] == @.d)]", json!([{"d": ["a", "b"]}])),
        Some(json!([]))
    );
    assert_eq!(
        read("$.n.max()", json!({"n": [-1, -2]})),
        Some(json!(f64::from_bits(1)))
    );
    assert_eq!(read("$.s.length()", json!({"s": "abc"})), Some(Value::Null));
    assert_eq!(
        JsonPath::parse("$.items[?(@.price < 10)].name")
            .unwrap()
            .normalized(),
        "$['items'][?]['name']"
    );
}
