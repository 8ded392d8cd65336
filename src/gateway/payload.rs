//! Reading a Lambda payload's top-level members without building a tree of everything else.
//! The proxy and HTTP API pipelines look at five members of the output; a function returning a
//! megabyte of JSON under some other key should not cost a megabyte of `Value`s per mode.

use std::fmt;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::scoped::{self, Scoped};

/// `serde_json::from_str::<Value>(payload)`, except that in a top-level object only the members
/// named in `keep` are built: the others stand as `null`, keeping their key and place. They are
/// still parsed exactly as `from_str` parses them (strings decoded, numbers range-checked, the
/// nesting limit applied), so the same payloads are rejected with the same errors.
pub(crate) fn parse_members(payload: &str, keep: &[&str]) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_str(payload);
    if let Ok(Some(members)) = (Members { keep }).deserialize(&mut de)
        && de.end().is_ok()
    {
        return Ok(Value::Object(members));
    }
    // Not an object, or not JSON: the ordinary parse gives the value or the exact error.
    serde_json::from_str(payload)
}

/// The members the proxy (five) and HTTP API (cookies too) pipelines read: one parse for both.
pub(crate) const READ: [&str; 6] = [
    "statusCode",
    "headers",
    "multiValueHeaders",
    "cookies",
    "body",
    "isBase64Encoded",
];

thread_local! {
    /// Parses of the current [`share_parses`] scope: payload, then the value or the error's
    /// message.
    static SHARED: Scoped<Arc<str>, Result<Value, String>> = const { Scoped::new() };
}

/// Runs `f` with payload parses shared between the pipelines it runs on this thread: the modes
/// of one evaluation often get the same payload (a fixed `returns`, a remembered invocation).
pub(crate) fn share_parses<T>(f: impl FnOnce() -> T) -> T {
    scoped::within(&SHARED, f)
}

/// `parse_members(payload, &READ)`, the error as its message; inside [`share_parses`] each
/// distinct payload text is parsed once.
pub(crate) fn read_members(payload: &Arc<str>) -> Result<Value, String> {
    if let Some(parsed) = scoped::find(&SHARED, |p| Arc::ptr_eq(p, payload) || **p == **payload) {
        return parsed;
    }
    let parsed = parse_members(payload, &READ).map_err(|e| e.to_string());
    scoped::keep(&SHARED, Arc::clone(payload), parsed.clone());
    parsed
}

/// The top level: `Some(members)` for an object, `None` for anything else.
struct Members<'k> {
    keep: &'k [&'k str],
}

impl<'de> DeserializeSeed<'de> for Members<'_> {
    type Value = Option<Map<String, Value>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Members<'_> {
    type Value = Option<Map<String, Value>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // `insert` as `Value`'s own visitor does: a repeated key keeps its first place and
            // its last value.
            if self.keep.contains(&key.as_str()) {
                let value = map.next_value::<Value>()?;
                out.insert(key, value);
            } else {
                map.next_value::<Checked>()?;
                out.insert(key, Value::Null);
            }
        }
        Ok(Some(out))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        // Leaving the array unread makes the parse fail; the caller parses it in full.
        Ok(None)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// A JSON value parsed as strictly as `Value` parses it (unlike `IgnoredAny`, which skips lone
/// surrogates, out-of-range numbers and the nesting limit) and dropped as it goes.
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CheckedVisitor)
    }
}

struct CheckedVisitor;

impl<'de> Visitor<'de> for CheckedVisitor {
    type Value = Checked;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
        while map.next_key::<Checked>()?.is_some() {
            map.next_value::<Checked>()?;
        }
        Ok(Checked)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
        while seq.next_element::<Checked>()?.is_some() {}
        Ok(Checked)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
        Ok(Checked)
    }
    fn visit_unit<E>(self) -> Result<Checked, E> {
        Ok(Checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEEP: [&str; 2] = ["statusCode", "body"];

    /// What `parse_members` must equal: the full parse with the other members set to null.
    fn expected(payload: &str) -> Result<Value, String> {
        let mut v: Value = serde_json::from_str(payload).map_err(|e| e.to_string())?;
        if let Value::Object(o) = &mut v {
            for (k, x) in o.iter_mut() {
                if !KEEP.contains(&k.as_str()) {
                    *x = Value::Null;
                }
            }
        }
        Ok(v)
    }

    #[test]
    fn same_values_and_same_errors_as_the_full_parse() {
        let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
        let cases = [
            r#"{"statusCode": 200, "body": "x", "items": [1, {"a": [true, null]}]}"#.to_string(),
            r#"{"items": 1, "statusCode": 201, "items": {"b": 2}, "statusCode": "202"}"#.into(),
            r#"{"body": {"nested": [1.5e3, -0, "\u00e9\n"]}}"#.into(),
            r#"{}"#.into(),
            r#"  {"a" : "\ud800"}  "#.into(),
            r#"{"a": 1e400}"#.into(),
            r#"{"a": [1, 2,]}"#.into(),
            r#"{"a": "unterminated}"#.into(),
            r#"{"a": 1} trailing"#.into(),
            r#"{"a": "\q"}"#.into(),
            r#"{"a": "tab	inside"}"#.into(),
            format!(r#"{{"statusCode": 200, "deep": {deep}}}"#),
            format!(r#"{{"body": {deep}}}"#),
            r#"[1, 2, 3]"#.into(),
            r#""just a string""#.into(),
            r#"null"#.into(),
            r#"42"#.into(),
            r#"not json"#.into(),
            String::new(),
        ];
        for payload in &cases {
            let got = parse_members(payload, &KEEP).map_err(|e| e.to_string());
            assert_eq!(got, expected(payload), "{payload}");
        }
    }

    #[test]
    fn one_parse_per_payload_inside_a_scope_only() {
        let a: Arc<str> = Arc::from(r#"{"statusCode": 200, "items": [1]}"#);
        let same_text: Arc<str> = Arc::from(&*a);
        let b: Arc<str> = Arc::from("not json");
        let entries = || scoped::kept(&SHARED);
        assert!(read_members(&a).is_ok());
        assert_eq!(entries(), None, "outside a scope nothing is kept");
        share_parses(|| {
            let first = read_members(&a);
            assert_eq!(read_members(&same_text), first);
            assert_eq!(entries(), Some(1), "equal texts share one parse");
            let err = read_members(&b).unwrap_err();
            assert_eq!(
                err,
                serde_json::from_str::<Value>("not json")
                    .unwrap_err()
                    .to_string()
            );
            assert_eq!(entries(), Some(2));
            assert_eq!(first.unwrap()["items"], Value::Null);
        });
        assert_eq!(entries(), None, "the scope's parses are released");
    }

    #[test]
    fn kept_members_keep_their_place_among_the_others() {
        let v = parse_members(r#"{"x": [1], "body": "b", "y": {}, "x": 2}"#, &KEEP).unwrap();
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["x", "body", "y"]);
        assert_eq!(v["body"], "b");
    }
}
