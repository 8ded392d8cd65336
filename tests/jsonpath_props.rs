//! Properties of the JSONPath engine and the `$util` string functions: no input makes them
//! panic, definite paths agree with JSON pointers, the encoders round-trip.

use apigw_lab::jsonpath::JsonPath;
use apigw_lab::vtl::util;
use proptest::prelude::*;
use serde_json::{Value, json};

fn sample_doc() -> Value {
    json!({
        "store": {"book": [
            {"category": "reference", "author": "Nigel Rees", "price": 8.95, "tags": ["a", "b"]},
            {"category": "fiction", "author": "Evelyn Waugh", "price": 12.99, "isbn": "0-553"},
            {"category": "fiction", "price": 22, "ratings": {"x": 1, "y": null}}
        ], "bicycle": {"color": "red", "price": 19.95}},
        "key-dash": "v", "": 0, "n": null, "list": [1, [2, [3]], {"k": 4}]
    })
}

/// Path-shaped strings: fragments of real syntax glued together, plus noise.
fn path_like() -> impl Strategy<Value = String> {
    let fragment = prop_oneof![
        Just("$".to_string()),
        Just("@".to_string()),
        Just(".".to_string()),
        Just("..".to_string()),
        Just("*".to_string()),
        Just("[*]".to_string()),
        Just("store".to_string()),
        Just("book".to_string()),
        Just("price".to_string()),
        Just("['key-dash']".to_string()),
        Just("[0]".to_string()),
        Just("[-1]".to_string()),
        Just("[1:]".to_string()),
        Just("[:2]".to_string()),
        Just("[0,2]".to_string()),
        Just("[?(@.price < 10)]".to_string()),
        Just("[?(@.tags)]".to_string()),
        Just("[?(@.author =~ /.*Rees/i)]".to_string()),
        Just("[?(@.category in ['fiction'])]".to_string()),
        Just(".length()".to_string()),
        Just(".sum()".to_string()),
        Just(".max()".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just(" ".to_string()),
        "[a-z0-9!=<>~&|?@$.,:'\"\\[\\]() -]{1,3}",
    ];
    prop::collection::vec(fragment, 0..10).prop_map(|parts| parts.concat())
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|i| json!(i)),
        (-1e6f64..1e6).prop_map(|f| json!(f)),
        "[a-z]{0,4}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-c]{1,2}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Walks `doc` along random keys/indexes, returning the Jayway path and the JSON pointer.
fn some_definite_path(doc: &Value, choices: &[usize]) -> (String, String) {
    let mut path = "$".to_string();
    let mut pointer = String::new();
    let mut node = doc;
    for &c in choices {
        match node {
            Value::Object(map) if !map.is_empty() => {
                let (k, v) = map.iter().nth(c % map.len()).expect("non-empty");
                path.push_str(&format!("['{k}']"));
                pointer.push_str(&format!("/{k}"));
                node = v;
            }
            Value::Array(items) if !items.is_empty() => {
                let i = c % items.len();
                path.push_str(&format!("[{i}]"));
                pointer.push_str(&format!("/{i}"));
                node = &items[i];
            }
            _ => break,
        }
    }
    (path, pointer)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_compiles_or_errors_without_panicking(path in "\\PC{0,40}") {
        let _ = JsonPath::parse(&path);
    }

    #[test]
    fn path_like_text_reads_without_panicking(path in path_like()) {
        if let Ok(p) = JsonPath::parse(&path) {
            let _ = p.read(&sample_doc());
        }
    }
}

proptest! {
    #[test]
    fn definite_paths_agree_with_json_pointers(
        doc in json_value(),
        choices in prop::collection::vec(0usize..8, 0..5),
    ) {
        let (path, pointer) = some_definite_path(&doc, &choices);
        let compiled = JsonPath::parse(&path).unwrap();
        prop_assert!(compiled.is_definite());
        let read = compiled.read(&doc).unwrap();
        prop_assert_eq!(read.as_ref(), doc.pointer(&pointer));
    }

    #[test]
    fn wildcard_on_an_array_lists_it(items in prop::collection::vec(json_value(), 0..6)) {
        let doc = Value::Array(items.clone());
        prop_assert_eq!(JsonPath::parse("$[*]").unwrap().read(&doc).unwrap(), Some(Value::Array(items)));
    }

    #[test]
    fn url_encoding_round_trips(s in "\\PC{0,40}") {
        let encoded = util::url_encode(&s);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b".-*_+%".contains(&b)));
        prop_assert_eq!(util::url_decode(&encoded).unwrap(), s);
    }

    #[test]
    fn base64_round_trips(s in "\\PC{0,40}") {
        prop_assert_eq!(util::base64_decode(&util::base64_encode(&s)).unwrap(), s);
    }

    #[test]
    fn decoders_never_panic(s in "[%+0-9a-fA-FgG=/ é-]{0,12}") {
        let _ = util::url_decode(&s);
        let _ = util::base64_decode(&s);
    }

    /// The escaped text is printable ASCII and reads back as the original in a JavaScript
    /// string literal.
    #[test]
    fn escape_javascript_reads_back(s in "\\PC{0,30}|[\\x00-\\x1f'\"\\\\/]{0,10}") {
        let escaped = util::escape_javascript(&s);
        let printable = escaped.chars().all(|c| (' '..='~').contains(&c) || c == '\x7f');
        prop_assert!(printable, "not printable ASCII: {}", escaped);
        prop_assert_eq!(js_unescape(&escaped), s);
    }
}

/// Reads a JavaScript string literal body (the escapes `escapeJavaScript` produces).
fn js_unescape(s: &str) -> String {
    let mut units: Vec<u16> = Vec::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut buf));
            continue;
        }
        let e = chars.next().expect("escape");
        let unit = match e {
            'b' => 8,
            't' => 9,
            'n' => 10,
            'f' => 12,
            'r' => 13,
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                u16::from_str_radix(&hex, 16).expect("hex")
            }
            other => other as u16,
        };
        units.push(unit);
    }
    String::from_utf16(&units).expect("valid UTF-16")
}
