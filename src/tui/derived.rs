//! Display data computed once per evaluation (not per frame): pretty-printed payload and bodies.
//! Formatting only; every value comes from the evaluation.

use super::highlight::Lang;
use crate::trace::{Body, Evaluation, Mode};

/// Bodies above this size are shown as sent: pretty-printing a megabyte on every keystroke
/// would cost more than the whole evaluation.
const PRETTY_LIMIT: usize = 256 * 1024;

/// Text prepared for a pane: its lines and how to highlight them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Shown {
    pub lines: Vec<String>,
    pub json: bool,
    /// Pretty-printed (so differs from the bytes sent).
    pub pretty: bool,
}

impl Shown {
    pub fn lang(&self) -> Lang {
        if self.json { Lang::Json } else { Lang::Plain }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Derived {
    /// The Lambda payload (custom mode's invocation; all modes invoke the same function).
    pub payload: Option<Shown>,
    /// Per mode (Mode::ALL order): the response body.
    pub bodies: [Shown; 3],
}

pub fn mode_index(m: Mode) -> usize {
    match m {
        Mode::Custom => 0,
        Mode::Proxy => 1,
        Mode::Http => 2,
    }
}

/// Pretty JSON when the text is JSON (and small enough), the text's own lines otherwise.
pub fn show_text(text: &str) -> Shown {
    if text.len() <= PRETTY_LIMIT
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(text)
    {
        if (v.is_object() || v.is_array())
            && let Ok(p) = serde_json::to_string_pretty(&v)
        {
            let pretty = p != text;
            return Shown {
                lines: p.split('\n').map(String::from).collect(),
                json: true,
                pretty,
            };
        }
        return Shown {
            lines: vec![text.to_string()],
            json: true,
            pretty: false,
        };
    }
    let looks_json = text.trim_start().starts_with(['{', '[']);
    Shown {
        lines: text.split('\n').map(String::from).collect(),
        json: looks_json,
        pretty: false,
    }
}

pub fn show_body(b: &Body) -> Shown {
    match b {
        Body::Text(t) => show_text(t),
        Body::Binary(bytes) => {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
            Shown {
                lines: vec![format!("(binary, {} bytes, base64) {b64}", bytes.len())],
                json: false,
                pretty: false,
            }
        }
    }
}

impl Derived {
    pub fn from_evaluation(e: &Evaluation) -> Derived {
        let payload = Mode::ALL
            .iter()
            .find_map(|m| e.mode(*m).invocation.as_ref())
            .map(|inv| show_text(&inv.payload));
        let bodies = Mode::ALL.map(|m| show_body(&e.mode(m).response.body));
        Derived { payload, bodies }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pretty_printed_in_its_own_key_order() {
        let s = show_text(r#"{"statusCode":400,"body":"x"}"#);
        assert!(s.json && s.pretty);
        assert_eq!(
            s.lines,
            ["{", "  \"statusCode\": 400,", "  \"body\": \"x\"", "}"]
        );
    }

    #[test]
    fn non_json_stays_as_is() {
        let s = show_text("Internal server error\nline 2");
        assert!(!s.json);
        assert_eq!(s.lines.len(), 2);
        let s = show_text("\"just a string\"");
        assert!(s.json && !s.pretty);
    }

    #[test]
    fn huge_json_is_not_reformatted() {
        let big = format!("[{}]", vec!["1"; 200_000].join(","));
        let s = show_text(&big);
        assert_eq!(s.lines.len(), 1);
        assert!(!s.pretty);
    }
}
