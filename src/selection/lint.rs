//! Pattern lint: the known selection-pattern pitfalls (semantics §1.2–1.5), each with a fix.

use serde::Serialize;

use super::Trial;
use super::explain::{chars_before, first_terminator, show, terminator_name};
use crate::javaregex::{Flags, JavaRegex};
use crate::scenario::{IntegrationResponse, Map};

/// One warning about a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lint {
    pub kind: LintKind,
    /// The integration response the pattern belongs to, when known.
    pub status: Option<String>,
    pub pattern: Option<String>,
    pub message: String,
    /// A corrected pattern (or a sentence when no single pattern fixes it).
    pub suggestion: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LintKind {
    /// `Invalid*` written to mean "starts with Invalid".
    StarAsPrefix,
    /// `^[BadRequest]` written to mean the word (or the bracketed tag).
    ClassAsWord,
    /// `.` against a message with a line break.
    DotVsLineBreak,
    /// The pattern matches `""`, so it also catches successful invocations.
    MatchesEmpty,
    /// The pattern matches none of the messages the handler produces.
    MatchesNothing,
    /// Several patterns match the same message.
    Overlap,
}

/// Every pitfall `pattern` shows, judged against `samples` (messages the handler produces; may
/// be empty).
pub fn lint(pattern: &str, samples: &[&str]) -> Vec<Lint> {
    let Ok(re) = JavaRegex::cached(pattern, Flags::default()) else {
        return Vec::new();
    };
    let mut out = structural(&re);
    out.extend(dot_vs_line_break(&re, samples));
    out.extend(matches_nothing(&re, samples));
    out
}

/// [`lint`] for every pattern of an API, plus overlaps between patterns on each sample.
pub fn lint_responses(responses: &Map<IntegrationResponse>, samples: &[&str]) -> Vec<Lint> {
    let mut patterns: Vec<(&String, std::sync::Arc<JavaRegex>)> = Vec::new();
    let mut out = Vec::new();
    for (status, r) in responses.iter().filter(|(_, r)| !r.is_default()) {
        let pattern = r.selection_pattern.as_deref().unwrap_or_default();
        out.extend(
            lint(pattern, samples)
                .into_iter()
                .map(|l| with_status(l, status)),
        );
        if let Ok(re) = JavaRegex::cached(pattern, Flags::default()) {
            patterns.push((status, re));
        }
    }
    patterns.sort_by_key(|(s, _)| s.parse::<u32>().unwrap_or(u32::MAX));
    for sample in samples {
        let hits: Vec<&String> = patterns
            .iter()
            .filter(|(_, re)| re.matches(sample) == Ok(true))
            .map(|(s, _)| *s)
            .collect();
        if let [first, rest @ ..] = hits.as_slice()
            && !rest.is_empty()
        {
            let also: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
            let mut l = overlap(first, &also, sample);
            l.suggestion = exclusive_fix(responses, first, &also);
            out.push(l);
        }
    }
    out
}

/// Lint shown with a selection: each tried pattern's structural pitfalls plus the line-break
/// check against the message that was matched.
pub(crate) fn lint_for_selection(trials: &[Trial], text: &str) -> Vec<Lint> {
    let mut out = Vec::new();
    for t in trials {
        let Some(pattern) = t.pattern.as_deref().filter(|p| !p.is_empty()) else {
            continue;
        };
        let Ok(re) = JavaRegex::cached(pattern, Flags::default()) else {
            continue;
        };
        let mut found = structural(&re);
        found.extend(dot_vs_line_break(&re, &[text]));
        out.extend(found.into_iter().map(|l| with_status(l, &t.status)));
    }
    out
}

/// Several patterns matched `text`.
pub(crate) fn overlap(chosen: &str, also: &[String], text: &str) -> Lint {
    Lint {
        kind: LintKind::Overlap,
        status: Some(chosen.to_string()),
        pattern: None,
        message: format!(
            "the patterns of {chosen} and {} all match {}: AWS documents no order among matching \
             patterns (the lab picks the lowest status code, {chosen})",
            also.join(", "),
            show(text)
        ),
        suggestion: Some(
            "make the patterns mutually exclusive, e.g. prefix the broader one with \
             (?!(?:<the narrower pattern>)\\z)"
                .into(),
        ),
    }
}

fn exclusive_fix(
    responses: &Map<IntegrationResponse>,
    first: &str,
    also: &[String],
) -> Option<String> {
    let narrow = responses.get(first)?.selection_pattern.as_deref()?;
    let broad_key = also.first()?;
    let broad = responses.get(broad_key)?.selection_pattern.as_deref()?;
    Some(format!("{broad_key}: (?!(?:{narrow})\\z)(?:{broad})"))
}

fn with_status(mut l: Lint, status: &str) -> Lint {
    l.status = Some(status.to_string());
    l
}

/// Pitfalls visible in the pattern alone.
fn structural(re: &JavaRegex) -> Vec<Lint> {
    let p = re.as_str();
    let mut out = Vec::new();
    out.extend(star_as_prefix(p));
    out.extend(class_as_word(p));
    if re.matches("") == Ok(true) {
        out.push(Lint {
            kind: LintKind::MatchesEmpty,
            status: None,
            pattern: Some(p.to_string()),
            message: format!(
                "`{p}` also matches the empty errorMessage, and every successful invocation is \
                 matched as \"\": successes would get this status instead of the default"
            ),
            suggestion: Some(non_empty_fix(p)),
        });
    }
    out
}

fn non_empty_fix(p: &str) -> String {
    if p.ends_with('*') && !p.ends_with("\\*") && !p.ends_with("**") {
        format!("{}+", &p[..p.len() - 1])
    } else {
        format!("(?=[\\s\\S]){p}")
    }
}

/// `Invalid*`: literal text whose last letter carries the `*`.
fn star_as_prefix(p: &str) -> Option<Lint> {
    static SHAPE: std::sync::OnceLock<Option<JavaRegex>> = std::sync::OnceLock::new();
    let shape = SHAPE
        .get_or_init(|| JavaRegex::new(r"\^?[A-Za-z0-9_ :,'/-]*[A-Za-z0-9_][A-Za-z0-9_]\*").ok())
        .as_ref()?;
    if shape.matches(p) != Ok(true) {
        return None;
    }
    let body = &p[..p.len() - 1];
    let word = body.trim_start_matches('^');
    let (head, last) = word.split_at(word.len() - 1);
    Some(Lint {
        kind: LintKind::StarAsPrefix,
        status: None,
        pattern: Some(p.to_string()),
        message: format!(
            "`{p}` means \"{head}\" followed by any number of \"{last}\", not \"starts with \
             {word}\"; API Gateway matches the pattern against the whole errorMessage"
        ),
        suggestion: Some(format!("{body}.*")),
    })
}

/// `[BadRequest]`, `[404]`: a bracketed word is a character class.
fn class_as_word(p: &str) -> Option<Lint> {
    let chars: Vec<char> = p.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '[' => {
                let end = chars[i + 1..].iter().position(|&c| c == ']' || c == '[')? + i + 1;
                if chars[end] == ']' && looks_like_word(&chars[i + 1..end]) {
                    let word: String = chars[i + 1..end].iter().collect();
                    return Some(class_lint(p, &word));
                }
                i = end + 1;
            }
            _ => i += 1,
        }
    }
    None
}

fn looks_like_word(content: &[char]) -> bool {
    if content.len() < 3 || !content.iter().all(char::is_ascii_alphanumeric) {
        return false;
    }
    let repeated = content
        .iter()
        .enumerate()
        .any(|(i, c)| content[..i].contains(c));
    let digits = content.iter().all(char::is_ascii_digit);
    let mixed = content.iter().any(char::is_ascii_uppercase)
        && content.iter().any(char::is_ascii_lowercase);
    digits || (content.len() >= 4 && (repeated || mixed))
}

fn class_lint(p: &str, word: &str) -> Lint {
    let bracketed = format!("[{word}]");
    Lint {
        kind: LintKind::ClassAsWord,
        status: None,
        pattern: Some(p.to_string()),
        message: format!(
            "`{bracketed}` is a character class: it matches ONE character out of {word:?}, not \
             the text \"{word}\" (nor \"{bracketed}\")"
        ),
        suggestion: Some(format!(
            "{} (the literal tag, as Serverless' [\\s\\S]*\\[404\\][\\s\\S]* does) or {} (the word)",
            p.replacen(&bracketed, &format!("\\[{word}\\]"), 1),
            p.replacen(&bracketed, word, 1)
        )),
    }
}

/// `.` that fails on a sample only because of a line break.
fn dot_vs_line_break(re: &JavaRegex, samples: &[&str]) -> Option<Lint> {
    let p = re.as_str();
    let dotall = JavaRegex::cached(p, Flags::DOTALL).ok()?;
    let sample = samples.iter().find(|s| {
        first_terminator(s).is_some() && re.matches(s) == Ok(false) && dotall.matches(s) == Ok(true)
    })?;
    let (at, term) = first_terminator(sample)?;
    Some(Lint {
        kind: LintKind::DotVsLineBreak,
        status: None,
        pattern: Some(p.to_string()),
        message: format!(
            "`.` does not match line terminators in Java, so `{p}` misses {} (a {} at offset {})",
            show(sample),
            terminator_name(term),
            chars_before(sample, at)
        ),
        suggestion: Some(replace_dots(p)),
    })
}

/// The pattern with `(\n|.)` and every bare `.` (outside classes) replaced by `[\s\S]`.
fn replace_dots(p: &str) -> String {
    let p = p
        .replace(r"(\n|.)", r"[\s\S]")
        .replace(r"(.|\n)", r"[\s\S]");
    let mut out = String::new();
    let mut chars = p.chars();
    let mut depth = 0;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                out.extend(chars.next());
            }
            '[' => {
                depth += 1;
                out.push(c);
            }
            ']' if depth > 0 => {
                depth -= 1;
                out.push(c);
            }
            '.' if depth == 0 => out.push_str(r"[\s\S]"),
            _ => out.push(c),
        }
    }
    out
}

fn matches_nothing(re: &JavaRegex, samples: &[&str]) -> Option<Lint> {
    if samples.is_empty() || samples.iter().any(|s| re.matches(s) == Ok(true)) {
        return None;
    }
    let p = re.as_str();
    let inside = samples.iter().any(|s| {
        re.find_at(s, 0)
            .ok()
            .flatten()
            .is_some_and(|m| !m.is_empty())
    });
    Some(Lint {
        kind: LintKind::MatchesNothing,
        status: None,
        pattern: Some(p.to_string()),
        message: format!(
            "`{p}` matches none of the {} sample message(s)",
            samples.len()
        ),
        suggestion: inside.then(|| format!(r"[\s\S]*(?:{p})[\s\S]*")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(p: &str, samples: &[&str]) -> Vec<LintKind> {
        lint(p, samples).into_iter().map(|l| l.kind).collect()
    }

    #[test]
    fn star_meant_as_prefix() {
        let l = lint("Invalid*", &[]);
        assert_eq!(l[0].kind, LintKind::StarAsPrefix);
        assert_eq!(l[0].suggestion.as_deref(), Some("Invalid.*"));
        assert!(kinds("Invalid.*", &[]).is_empty());
        assert!(kinds("a*", &[]).contains(&LintKind::MatchesEmpty));
        assert!(!kinds("a*", &[]).contains(&LintKind::StarAsPrefix));
    }

    #[test]
    fn bracketed_word() {
        let l = lint("^[BadRequest].*", &[]);
        assert_eq!(l[0].kind, LintKind::ClassAsWord);
        assert!(
            l[0].suggestion
                .as_deref()
                .unwrap()
                .starts_with(r"^\[BadRequest\].*")
        );
        assert_eq!(kinds("[404]", &[]), vec![LintKind::ClassAsWord]);
        assert!(kinds("[abc]", &[]).is_empty());
        assert!(kinds(r"\[404\]", &[]).is_empty());
    }

    #[test]
    fn line_breaks() {
        let l = lint(".+", &["line one\nline two"]);
        assert_eq!(l[0].kind, LintKind::DotVsLineBreak);
        assert_eq!(l[0].suggestion.as_deref(), Some(r"[\s\S]+"));
        let l = lint(r"(\n|.)+", &["a\r\nb"]);
        assert_eq!(l[0].suggestion.as_deref(), Some(r"[\s\S]+"));
    }

    #[test]
    fn empty_and_nothing() {
        let l = lint(r"(\n|.)*", &[]);
        assert_eq!(l[0].kind, LintKind::MatchesEmpty);
        assert_eq!(l[0].suggestion.as_deref(), Some(r"(\n|.)+"));
        let l = lint("Timeout", &["Task timed out after 3.00 seconds"]);
        assert_eq!(l[0].kind, LintKind::MatchesNothing);
        let l = lint("timed out", &["Task timed out after 3.00 seconds"]);
        assert_eq!(
            l[0].suggestion.as_deref(),
            Some(r"[\s\S]*(?:timed out)[\s\S]*")
        );
    }

    #[test]
    fn overlapping_patterns() {
        let r: Map<IntegrationResponse> = [("405", ".*four hundred.*"), ("502", ".+")]
            .iter()
            .map(|(k, p)| {
                (
                    k.to_string(),
                    IntegrationResponse {
                        selection_pattern: Some(p.to_string()),
                        ..Default::default()
                    },
                )
            })
            .collect();
        let l = lint_responses(&r, &["Error: four hundred"]);
        let o = l.iter().find(|l| l.kind == LintKind::Overlap).unwrap();
        assert_eq!(
            o.suggestion.as_deref(),
            Some(r"502: (?!(?:.*four hundred.*)\z)(?:.+)")
        );
        let fixed = JavaRegex::new(r"(?!(?:.*four hundred.*)\z)(?:.+)").unwrap();
        assert!(!fixed.matches("Error: four hundred").unwrap());
        assert!(fixed.matches("Error: five hundred").unwrap());
    }
}
