//! Saving over an existing file without losing what the user wrote around the values: comments,
//! blank lines, key order, quoting. The new scenario is laid out by `to_toml`, then merged into
//! the old document: unchanged values keep their text, changed values take the new text in the
//! old value's place, removed keys go, new keys are appended to their table.

use toml_edit::{DocumentMut, Item, TableLike, Value};

use super::model::Scenario;
use super::save::to_toml;

/// The scenario written over `old` (the file's current text), keeping its comments and layout
/// where the values did not change. Falls back to a fresh layout when `old` is not TOML, or when
/// the merge would not load back as `scenario`.
pub fn update_toml(old: &str, scenario: &Scenario) -> String {
    let fresh = to_toml(scenario);
    let (Ok(mut doc), Ok(new)) = (old.parse::<DocumentMut>(), fresh.parse::<DocumentMut>()) else {
        return fresh;
    };
    merge_table(doc.as_table_mut(), new.as_table());
    let merged = doc.to_string();
    // The merge is only kept when it means exactly the scenario being saved.
    match toml::from_str::<Scenario>(&merged) {
        Ok(back) if back == *scenario => merged,
        _ => fresh,
    }
}

fn merge_table(old: &mut dyn TableLike, new: &dyn TableLike) {
    let gone: Vec<String> = old
        .iter()
        .filter(|(k, _)| !new.contains_key(k))
        .map(|(k, _)| k.to_string())
        .collect();
    for key in gone {
        old.remove(&key);
    }
    for (key, item) in new.iter() {
        match old.get_mut(key) {
            Some(existing) => merge_item(existing, item),
            None => {
                // Keep the key as `to_toml` quoted it (`"400"`, not `400`).
                if let Some((formatted, _)) = new.get_key_value(key) {
                    old.entry_format(formatted).or_insert(item.clone());
                }
            }
        }
    }
}

fn merge_item(old: &mut Item, new: &Item) {
    match (old, new) {
        (Item::Table(o), Item::Table(n)) => merge_table(o, n),
        (Item::Value(Value::InlineTable(o)), Item::Value(Value::InlineTable(n))) => {
            merge_table(o, n)
        }
        (Item::Value(o), Item::Value(n)) => {
            if !same_value(o, n) {
                let decor = o.decor().clone();
                *o = n.clone();
                *o.decor_mut() = decor;
            }
        }
        // A table written inline in one file and as a section in the other: compare meaning.
        (old, new) => {
            if !same_item(old, new) {
                *old = new.clone();
            }
        }
    }
}

/// Equal as TOML values, whatever the quoting or spacing.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Float(y)) => x.value().to_bits() == y.value().to_bits(),
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        (Value::Datetime(x), Value::Datetime(y)) => x.value() == y.value(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| same_value(a, b))
        }
        (Value::InlineTable(x), Value::InlineTable(y)) => same_table(x, y),
        _ => false,
    }
}

fn same_item(a: &Item, b: &Item) -> bool {
    match (a.as_table_like(), b.as_table_like()) {
        (Some(x), Some(y)) => same_table(x, y),
        _ => match (a.as_value(), b.as_value()) {
            (Some(x), Some(y)) => same_value(x, y),
            _ => false,
        },
    }
}

fn same_table(a: &dyn TableLike, b: &dyn TableLike) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| same_item(v, w)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    const HAND_WRITTEN: &str = r#"# The seed story, step 3.
title = "A pattern"   # shown in lists

[handler]
runtime = "nodejs20.x"
# throws instead of code, to keep it short
[handler.throws]
errorMessage = "Internal Error - boom"

[integration.integrationResponses."200"]

[integration.integrationResponses."500"]
selectionPattern = "^Internal Error.*"   # must match the whole message
responseTemplates = { "application/json" = '''{"message": "$input.path('$.errorMessage')"}''' }
"#;

    #[test]
    fn unchanged_scenarios_keep_their_text() {
        let s = parse(HAND_WRITTEN, "s.toml").unwrap();
        assert_eq!(update_toml(HAND_WRITTEN, &s), HAND_WRITTEN);
    }

    #[test]
    fn edits_keep_comments_and_quoting_elsewhere() {
        let mut s = parse(HAND_WRITTEN, "s.toml").unwrap();
        let ir = s.integration.integration_responses.get_mut("500").unwrap();
        ir.selection_pattern = Some("Internal Error.*".into());
        s.integration
            .integration_responses
            .insert("400".into(), Default::default());
        s.integration
            .integration_responses
            .get_mut("400")
            .unwrap()
            .selection_pattern = Some("Bad.*".into());
        let text = update_toml(HAND_WRITTEN, &s);
        assert!(
            text.starts_with(
                "# The seed story, step 3.\ntitle = \"A pattern\"   # shown in lists\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("# throws instead of code, to keep it short\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "selectionPattern = 'Internal Error.*'   # must match the whole message\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "[integration.integrationResponses.\"400\"]\nselectionPattern = 'Bad.*'\n"
            ),
            "{text}"
        );
        assert_eq!(parse(&text, "s.toml").unwrap(), s);
    }

    #[test]
    fn removed_fields_go() {
        let mut s = parse(HAND_WRITTEN, "s.toml").unwrap();
        s.integration.integration_responses.shift_remove("500");
        let text = update_toml(HAND_WRITTEN, &s);
        assert!(!text.contains("500"), "{text}");
        assert_eq!(parse(&text, "s.toml").unwrap(), s);
    }

    #[test]
    fn text_that_is_not_toml_is_replaced() {
        let s = parse(HAND_WRITTEN, "s.toml").unwrap();
        assert_eq!(update_toml("not [toml", &s), to_toml(&s));
    }
}
