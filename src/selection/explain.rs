//! Why a pattern did or did not match a message, worked out by running variants of the pattern:
//! an anchored prefix match (how far it got), a DOTALL copy (was it `.` at a line break?), a
//! search (does it occur inside?), a case-insensitive copy.

use serde::Serialize;

use super::{Lint, Outcome, too_expensive};
use crate::javaregex::{Flags, JavaRegex};

/// The `match` subcommand's answer for one message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub pattern: String,
    pub text: String,
    pub outcome: Outcome,
    /// Lint for this pattern against this message.
    pub lints: Vec<Lint>,
}

/// Whether `pattern` matches `text` under API Gateway's rule (Java, whole string), and why.
pub fn explain(pattern: &str, text: &str) -> Explanation {
    let outcome = match JavaRegex::cached(pattern, Flags::default()) {
        Ok(re) => outcome(&re, text),
        Err(e) => Outcome::Invalid {
            error: e.to_string(),
        },
    };
    Explanation {
        pattern: pattern.to_string(),
        text: text.to_string(),
        outcome,
        lints: super::lint(pattern, &[text]),
    }
}

pub(crate) fn outcome(re: &JavaRegex, text: &str) -> Outcome {
    match re.matches(text) {
        Err(e) => too_expensive(&e),
        Ok(true) if text.is_empty() => Outcome::Matched {
            reason: "matches the empty message (what every successful invocation is matched as)"
                .into(),
        },
        Ok(true) => Outcome::Matched {
            reason: "matches the whole errorMessage".into(),
        },
        Ok(false) => Outcome::NotMatched {
            reason: why_not(re, text),
        },
    }
}

fn why_not(re: &JavaRegex, text: &str) -> String {
    if text.is_empty() {
        return "the message is empty (a successful invocation is matched as \"\") and this \
                pattern needs at least one character"
            .into();
    }
    let prefix = re.looking_at(text).ok().flatten();
    let dotall = variant_matches(re, Flags::DOTALL, text);
    if let Some(end) = prefix {
        if let Some(term) = terminator_at(text, end).filter(|_| dotall || re.as_str().contains('.'))
        {
            return dot_stopped(re, text, end, term);
        }
        if end > 0 && end < text.len() {
            return format!(
                "matches only a prefix ({}): API Gateway patterns must match the whole errorMessage",
                show(&text[..end])
            );
        }
    }
    if dotall && let Some((at, term)) = first_terminator(text) {
        return dot_stopped(re, text, at, term);
    }
    if let Ok(Some(found)) = re.find_at(text, 0)
        && !found.is_empty()
    {
        return format!(
            "occurs inside the message at offset {} ({}), but API Gateway patterns must match \
             the whole errorMessage from its first character",
            chars_before(text, found.start),
            show(&text[found])
        );
    }
    if variant_matches(re, Flags::CASE_INSENSITIVE, text) {
        return "would match if letter case were ignored: Java patterns are case-sensitive (add \
                (?i) to ignore ASCII case)"
            .into();
    }
    "no part of the errorMessage matches the pattern".into()
}

fn dot_stopped(re: &JavaRegex, text: &str, at: usize, term: char) -> String {
    let hint = if re.as_str().contains(r"(\n|.)") && term != '\n' {
        r"; `(\n|.)` covers \n only, use [\s\S] instead"
    } else {
        r"; use [\s\S] (or (?s)) to cross line breaks"
    };
    format!(
        "`.` stopped at the {} at offset {}: Java's `.` does not match line terminators{hint}",
        terminator_name(term),
        chars_before(text, at)
    )
}

fn variant_matches(re: &JavaRegex, flags: Flags, text: &str) -> bool {
    JavaRegex::cached(re.as_str(), flags)
        .ok()
        .is_some_and(|v| v.matches(text) == Ok(true))
}

/// True when the verdict would change if only `\n` ended lines: the result rests on Java's
/// reading of `\r`, U+0085, U+2028, U+2029 (UNCONFIRMED on AWS).
pub(crate) fn depends_on_java_line_terminators(re: &JavaRegex, text: &str) -> bool {
    if !text.contains(['\r', '\u{85}', '\u{2028}', '\u{2029}']) {
        return false;
    }
    let java = re.matches(text);
    let unix = JavaRegex::cached(re.as_str(), Flags::UNIX_LINES).map(|u| u.matches(text));
    matches!(unix, Ok(u) if u != java)
}

pub(crate) fn is_line_terminator(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn terminator_at(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next().filter(|&c| is_line_terminator(c))
}

pub(crate) fn first_terminator(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| is_line_terminator(c))
}

pub(crate) fn terminator_name(c: char) -> &'static str {
    match c {
        '\n' => r"newline (\n)",
        '\r' => r"carriage return (\r)",
        '\u{85}' => "next-line character (U+0085)",
        '\u{2028}' => "line separator (U+2028)",
        _ => "paragraph separator (U+2029)",
    }
}

/// Character (not byte) offset, as people count.
pub(crate) fn chars_before(text: &str, byte: usize) -> usize {
    text[..byte].chars().count()
}

/// The whole string quoted, invisible characters escaped.
pub(crate) fn show_full(s: &str) -> String {
    format!("{s:?}")
}

/// A quoted excerpt with invisible characters escaped, shortened past 40 characters.
pub(crate) fn show(s: &str) -> String {
    let short: String = s.chars().take(40).collect();
    if short.len() < s.len() {
        format!("{:?}…", short)
    } else {
        format!("{short:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(p: &str, t: &str) -> String {
        explain(p, t).outcome.reason().to_string()
    }

    #[test]
    fn reasons_are_computed() {
        assert_eq!(
            reason("Internal Error.*", "Internal Error: x"),
            "matches the whole errorMessage"
        );
        assert!(
            reason("Error", "Internal Error: x").contains("occurs inside the message at offset 9")
        );
        assert!(reason("internal.*", "Internal Error").contains("case-sensitive"));
        assert!(reason(".+", "").contains("message is empty"));
        assert!(reason("(\\n|.)+", "a\r\nb").contains("carriage return"));
        assert!(reason("(\\n|.)+", "a\r\nb").contains("[\\s\\S]"));
        assert!(reason("\\d+", "abc").contains("no part"));
    }

    #[test]
    fn invalid_pattern_reports_java_message() {
        let e = explain("a{", "a");
        assert!(matches!(e.outcome, Outcome::Invalid { .. }));
    }

    #[test]
    fn line_terminator_dependence() {
        let re = JavaRegex::new("a.b").unwrap();
        assert!(depends_on_java_line_terminators(&re, "a\rb"));
        assert!(!depends_on_java_line_terminators(&re, "a\nb"));
    }
}
