//! `apigw-lab match PATTERN [MESSAGE...]`: a selectionPattern tried on messages as API Gateway
//! tries it (Java regex, whole string), with the reason for each verdict and the pitfalls found.

use std::io::BufRead;

use super::Exit;
use super::args::Format;
use super::out::{DIM, GREEN, RED, Term, YELLOW, paint};
use crate::javaregex::JavaRegex;
use crate::selection::{Outcome, explain, lint};

pub fn matches(pattern: &str, messages: Vec<String>, format: Format, term: &Term) -> Exit {
    if let Err(e) = JavaRegex::new(pattern) {
        term.error(&format!("not a valid Java regex: {e}"));
        return Exit::Invalid;
    }
    let messages = if messages.is_empty() {
        match stdin_lines() {
            Ok(lines) => lines,
            Err(e) => {
                term.error(&format!("standard input: {e}"));
                return Exit::Invalid;
            }
        }
    } else {
        messages
    };
    let samples: Vec<&str> = messages.iter().map(String::as_str).collect();
    let explanations: Vec<_> = samples.iter().map(|m| explain(pattern, m)).collect();
    let lints = lint(pattern, &samples);
    match format {
        Format::Json => {
            let value = serde_json::json!({
                "pattern": pattern,
                "results": explanations.iter().map(|e| serde_json::json!({
                    "message": e.text,
                    "matched": e.outcome.is_match(),
                    "outcome": e.outcome,
                })).collect::<Vec<_>>(),
                "lints": lints,
            });
            term.line(&serde_json::to_string_pretty(&value).unwrap_or_default());
        }
        Format::Text => {
            let width = samples
                .iter()
                .map(|m| shown(m).chars().count())
                .max()
                .unwrap_or(0);
            for e in &explanations {
                let text = shown(&e.text);
                let pad = " ".repeat(width - text.chars().count());
                let mark = paint(style(&e.outcome), &e.outcome.mark().to_string());
                term.line(&format!(
                    "{mark} {text}{pad}  {}",
                    paint(DIM, e.outcome.reason())
                ));
            }
            for l in &lints {
                term.line(&paint(YELLOW, &format!("⚠ {}", l.message)));
                if let Some(fix) = &l.suggestion {
                    term.line(&format!("  try: {fix}"));
                }
            }
        }
    }
    Exit::Ok
}

fn style(o: &Outcome) -> anstyle::Style {
    match o {
        Outcome::Matched { .. } => GREEN.bold(),
        Outcome::NotMatched { .. } => RED.bold(),
        _ => YELLOW.bold(),
    }
}

/// A message as a JSON string: quotes make empty and space-padded messages visible, escapes
/// make line breaks visible.
fn shown(message: &str) -> String {
    serde_json::Value::from(message).to_string()
}

/// One message per line of standard input (line ends, `\n` or `\r\n`, are not part of it).
fn stdin_lines() -> std::io::Result<Vec<String>> {
    std::io::stdin().lock().lines().collect()
}
