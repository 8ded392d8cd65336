//! Loading a scenario: TOML syntax, then the model's shape (unknown fields are errors), then the
//! rules serde can't express. Every error points at the offending value.

use std::path::Path;

use super::doc::{Doc, dotted};
use super::error::LoadError;
use super::model::Scenario;
use super::validate::{Issue, validate};

/// Parses a scenario file's text. `file_name` is only used in error messages.
pub fn parse(text: &str, file_name: &str) -> Result<Scenario, LoadError> {
    let doc = Doc::parse(text).map_err(|e| syntax_error(text, file_name, &e))?;
    let scenario: Scenario =
        toml::from_str(text).map_err(|e| shape_error(&doc, text, file_name, &e))?;
    let issues = validate(&scenario);
    match issues
        .into_iter()
        .map(|i| locate(&doc, text, file_name, i))
        .min_by_key(position)
    {
        Some(err) => Err(err),
        None => Ok(scenario),
    }
}

/// Reads and parses a scenario file.
pub fn load(path: &Path) -> Result<Scenario, LoadError> {
    let name = path.display().to_string();
    let text = read_text(path)?;
    parse(&text, &name)
}

/// A scenario file's text, with an error a person understands when it can't be read.
pub fn read_text(path: &Path) -> Result<String, LoadError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| LoadError::file(&name, io_sentence(&e)))?;
    String::from_utf8(bytes).map_err(|e| {
        LoadError::file(
            &name,
            format!(
                "the file is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

pub(crate) fn io_sentence(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file".into(),
        PermissionDenied => "permission denied".into(),
        IsADirectory => "this is a directory, not a scenario file".into(),
        _ => format!("cannot read the file: {e}"),
    }
}

fn position(e: &LoadError) -> (usize, usize) {
    (e.line, e.column)
}

fn syntax_error(text: &str, file: &str, e: &toml::de::Error) -> LoadError {
    let doc = Doc::parse_recoverable(text);
    let field = e
        .span()
        .map(|s| dotted(&doc.path_at(s.start)))
        .unwrap_or_default();
    LoadError::at(
        file,
        text,
        e.span(),
        field,
        format!("not valid TOML: {}", e.message().trim_end()),
    )
}

/// An error from deserializing the model (wrong type, unknown or missing field).
fn shape_error(doc: &Doc<'_>, text: &str, file: &str, e: &toml::de::Error) -> LoadError {
    let message = e.message().trim_end();
    let mut path = e.span().map(|s| doc.path_at(s.start)).unwrap_or_default();
    let sentence = if let Some(name) = between_ticks(message, "missing field `") {
        if let Some(table) = e.span().and_then(|s| doc.table_with_span(&s)) {
            path = table;
        }
        path.push(name.to_string());
        "this required field is missing".to_string()
    } else if let Some(name) = between_ticks(message, "unknown field `") {
        if path.last().map(String::as_str) != Some(name) {
            path.push(name.to_string());
        }
        unknown_field(name, message)
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        format!(
            "{} is not allowed here; {}",
            first_word(rest),
            expected_part(rest)
        )
    } else if let Some(rest) = message.strip_prefix("invalid type: ") {
        invalid_type(rest)
    } else {
        message.to_string()
    };
    let span = e.span().filter(|s| !(s.start == 0 && s.end >= text.len()));
    let span = span.or_else(|| {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        doc.locate(&p)
    });
    LoadError::at(file, text, span, dotted(&path), sentence)
}

fn between_ticks<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let rest = message.strip_prefix(prefix)?;
    Some(&rest[..rest.find('`')?])
}

fn first_word(s: &str) -> &str {
    s.split(", expected").next().unwrap_or(s)
}

fn expected_part(s: &str) -> String {
    match s.split_once(", expected ") {
        Some((_, exp)) => format!("expected {exp}"),
        None => "see the scenario format".to_string(),
    }
}

fn unknown_field(name: &str, message: &str) -> String {
    let Some((_, expected)) = message.split_once(", expected ") else {
        return "unknown field: this table takes no fields".to_string();
    };
    let known: Vec<&str> = expected
        .trim_start_matches("one of ")
        .split(['`', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "or")
        .collect();
    let suggestion = closest(name, &known)
        .map(|k| format!(" Did you mean `{k}`?"))
        .unwrap_or_default();
    format!(
        "unknown field; this table takes {}.{suggestion}",
        known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

fn invalid_type(rest: &str) -> String {
    match rest.split_once(", expected ") {
        Some((found, expected)) => {
            format!(
                "expected {}, found {}",
                plain_type(expected),
                plain_type(found)
            )
        }
        None => format!("wrong type: {rest}"),
    }
}

/// serde's Rust-flavoured type names in TOML's words.
fn plain_type(t: &str) -> String {
    let t = t.trim();
    let t = t.strip_suffix(" or null").unwrap_or(t);
    match t {
        "u8" | "u16" | "u32" | "u64" | "i32" | "i64" => "a whole number".into(),
        "sequence" | "a sequence" => "an array".into(),
        "map" | "a map" => "a table".into(),
        "a boolean" | "boolean" => "true or false".into(),
        _ if t.starts_with("struct ") => "a table".into(),
        _ => t.replace("sequence", "array").replace("map", "table"),
    }
}

/// The known name closest to a misspelt one, when it is close enough to be a likely typo.
pub(crate) fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = name.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (edit_distance(&lower, &k.to_ascii_lowercase()), *k))
        .filter(|(d, k)| *d <= (k.len() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Turns a rule violation into an error at the value it is about (or inside it, for a regex or
/// template error with a position of its own).
fn locate(doc: &Doc<'_>, text: &str, file: &str, issue: Issue) -> LoadError {
    let path: Vec<&str> = issue.path.iter().map(String::as_str).collect();
    let inner = issue
        .index
        .and_then(|i| doc.offset_in_string(&path, i))
        .map(|at| at..at + 1);
    let key = issue.at_key.then(|| doc.key_span(&path)).flatten();
    let span = inner.or(key).or_else(|| doc.locate(&path));
    LoadError::at(file, text, span, dotted(&path), issue.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, "s.toml").unwrap_err().to_string()
    }

    const OK: &str = "title = \"t\"\n[handler]\nreturns = '{}'\n";

    #[test]
    fn loads_a_minimal_scenario_with_defaults() {
        let s = parse(OK, "s.toml").unwrap();
        assert_eq!(s.title, "t");
        assert_eq!(s.handler.runtime, "nodejs20.x");
        assert_eq!(s.request.method, "GET");
        assert_eq!(s.integration.timeout_in_millis, 29_000);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = err("title = \"t\"\n[handler]\nreturns = '{}\n");
        assert!(e.starts_with("s.toml:3:"), "{e}");
        assert!(e.contains("not valid TOML"), "{e}");
    }

    #[test]
    fn unknown_fields_are_errors_with_a_suggestion() {
        let e = err(
            "title = \"t\"\n[handler]\nreturns = '{}'\n[integration.integrationResponses.\"500\"]\nselectionPatern = 'x'\n",
        );
        assert!(
            e.starts_with(
                "s.toml:5:1: integration.integrationResponses.\"500\".selectionPatern: unknown field;"
            ),
            "{e}"
        );
        assert!(e.contains("Did you mean `selectionPattern`?"), "{e}");
    }

    #[test]
    fn missing_title_is_named() {
        let e = err("[handler]\nreturns = '{}'\n");
        assert!(e.contains("title: this required field is missing"), "{e}");
    }

    #[test]
    fn wrong_types_say_what_was_expected() {
        let e = err("title = \"t\"\n[handler]\nreturns = '{}'\ntimeout = \"3\"\n");
        assert!(
            e.starts_with("s.toml:4:11: handler.timeout: expected"),
            "{e}"
        );
    }

    #[test]
    fn unknown_enum_values_list_the_allowed_ones() {
        let e = err("title = \"t\"\n[handler]\nreturns = '{}'\n[integration]\ntype = \"HTTP\"\n");
        assert!(e.starts_with("s.toml:5:8: integration.type:"), "{e}");
        assert!(e.contains("AWS_PROXY"), "{e}");
    }

    #[test]
    fn semantic_errors_point_at_the_value() {
        let e = err("title = \"t\"\n[handler]\nreturns = '{nope}'\n");
        assert!(e.starts_with("s.toml:3:"), "{e}");
        assert!(e.contains("handler.returns:"), "{e}");
    }

    #[test]
    fn unreadable_files_are_named() {
        let e = load(Path::new("/nonexistent/x.toml")).unwrap_err();
        assert_eq!(e.to_string(), "/nonexistent/x.toml: no such file");
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        assert_eq!(
            closest("statuscode", &["statusCode", "body"]),
            Some("statusCode")
        );
        assert_eq!(closest("zzz", &["statusCode", "body"]), None);
    }
}
