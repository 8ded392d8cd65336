//! Lambda parses an Invoke payload with Jackson, and its refusal quotes Jackson's message
//! (semantics §3.13). The lab checks the JSON with serde_json; this turns serde's error into
//! Jackson's wording for the common cases, so that the client sees the text AWS shows.

use serde_json::error::Category;

/// Jackson's message for `text`, which serde_json refused with `err`: `Unrecognized token …`,
/// `Illegal unquoted character …`, `Unexpected end-of-input …` or `Unexpected character …`,
/// then ` at [Source: …; line: L, column: C]`. Other errors keep serde's wording.
pub fn message(text: &str, err: &serde_json::Error, source_id: &str) -> String {
    let at = offset(text, err.line(), err.column());
    let (what, line, column) = match err.classify() {
        Category::Eof => (end_of_input(text), err.line(), err.column() + 1),
        Category::Syntax => match syntax(text, at, &err.to_string()) {
            Some((what, pos)) => {
                let (l, c) = line_column(text, pos);
                (what, l, c)
            }
            None => return err.to_string(),
        },
        _ => return err.to_string(),
    };
    format!("{what}\n at [Source: [B@{source_id}; line: {line}, column: {column}]")
}

/// The byte offset of serde's 1-based line and column (the byte it stopped at).
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// Jackson's 1-based line and the column just past `pos` (where its reader stands).
fn line_column(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, str::len);
    (line, col + 1)
}

fn end_of_input(text: &str) -> String {
    let mut stack = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        match (in_string, c) {
            (true, _) if escaped => escaped = false,
            (true, '\\') => escaped = true,
            (true, '"') => in_string = false,
            (true, _) => {}
            (false, '"') => in_string = true,
            (false, '{') => stack.push("OBJECT"),
            (false, '[') => stack.push("ARRAY"),
            (false, '}' | ']') => {
                stack.pop();
            }
            _ => {}
        }
    }
    if in_string {
        return "Unexpected end-of-input in VALUE_STRING".into();
    }
    match stack.last() {
        Some(kind) => format!("Unexpected end-of-input: expected close marker for {kind}"),
        None => "No content to map due to end-of-input".into(),
    }
}

fn is_token_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The message and the offset Jackson's reader reaches, for a syntax error at byte `at`.
fn syntax(text: &str, at: usize, serde: &str) -> Option<(String, usize)> {
    if serde.starts_with("control character") {
        // serde's column may stand on the character or just before it.
        let (pos, c) = text
            .char_indices()
            .skip_while(|(i, _)| *i + 2 < at)
            .find(|(_, c)| (*c as u32) < 0x20)?;
        let what = format!(
            "Illegal unquoted character ((CTRL-CHAR, code {})): has to be escaped using \
             backslash to be included in string value",
            c as u32
        );
        return Some((what, pos + 1));
    }
    // serde stops inside a bad token or on an unexpected character; Jackson names either.
    let start = text[..at.min(text.len())]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_token_char(*c))
        .last()
        .map_or(at, |(i, _)| i);
    let rest = &text[start..];
    let first = rest.chars().next()?;
    let bad_value = serde.starts_with("expected ident") || serde.starts_with("expected value");
    if bad_value && is_token_char(first) && !first.is_ascii_digit() {
        let len = rest.find(|c| !is_token_char(c)).unwrap_or(rest.len());
        let token = &rest[..len];
        let what =
            format!("Unrecognized token '{token}': was expecting 'null', 'true', 'false' or NaN");
        let next = rest[len..].chars().next().map_or(0, char::len_utf8);
        return Some((what, start + len + next));
    }
    let c = text[at.min(text.len())..].chars().next()?;
    let expecting = if serde.starts_with("key must be a string") {
        "was expecting double-quote to start field name"
    } else if serde.starts_with("expected `,` or `}`") {
        "was expecting comma to separate Object entries"
    } else if serde.starts_with("expected `,` or `]`") {
        "was expecting comma to separate Array entries"
    } else if serde.starts_with("expected `:`") {
        "was expecting a colon to separate field name and value"
    } else if serde.starts_with("expected value") {
        "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"
    } else {
        return None;
    };
    let what = format!(
        "Unexpected character ('{c}' (code {})): {expecting}",
        c as u32
    );
    Some((what, at + c.len_utf8()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jackson(text: &str) -> String {
        let err = serde_json::from_str::<serde::de::IgnoredAny>(text).unwrap_err();
        message(text, &err, "238685e5")
    }

    #[test]
    fn unrecognized_token_as_recorded() {
        // The recorded answer (semantics §3.13): column 7, just past `token=`.
        assert_eq!(
            jackson("token=abc&team_id=T1"),
            "Unrecognized token 'token': was expecting 'null', 'true', 'false' or NaN\n \
             at [Source: [B@238685e5; line: 1, column: 7]"
        );
    }

    #[test]
    fn control_characters_are_named_by_code() {
        assert!(
            jackson("{\"a\": \"x\ty\"}").starts_with(
                "Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using \
                 backslash to be included in string value\n at [Source: [B@238685e5; line: 1,"
            ),
            "{}",
            jackson("{\"a\": \"x\ty\"}")
        );
    }

    #[test]
    fn end_of_input_names_the_open_structure() {
        assert!(
            jackson("{\"a\": [1")
                .starts_with("Unexpected end-of-input: expected close marker for ARRAY")
        );
        assert!(
            jackson("{\"a\": 1")
                .starts_with("Unexpected end-of-input: expected close marker for OBJECT")
        );
        assert!(jackson("{\"a\": \"x").starts_with("Unexpected end-of-input in VALUE_STRING"));
        assert!(jackson("").starts_with("No content to map due to end-of-input"));
    }

    #[test]
    fn unexpected_characters_say_what_was_expected() {
        assert!(jackson("{a: 1}").starts_with(
            "Unexpected character ('a' (code 97)): was expecting double-quote to start field name"
        ), "{}", jackson("{a: 1}"));
        assert!(jackson("{\"a\": 1 \"b\": 2}").starts_with(
            "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries"
        ));
        assert!(jackson("[1 2]").starts_with(
            "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries"
        ));
        assert!(jackson("{\"a\" 1}").starts_with(
            "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value"
        ));
    }
}
