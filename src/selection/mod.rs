//! Integration response selection for Lambda custom integrations (semantics §1, Appendix A step 4):
//! which string is matched, each `selectionPattern` tried with Java's whole-string semantics and
//! the reason it did or did not match, the winner and the rule that made it win, and lint warnings
//! with suggested fixes.

mod explain;
mod lint;

use serde::Serialize;

use crate::javaregex::{Flags, JavaRegex, MatchError};
use crate::scenario::{IntegrationResponse, Map};
use crate::trace::Unconfirmed;

pub use explain::{Explanation, explain};
pub use lint::{Lint, LintKind, lint, lint_responses};

/// Appendix C 2: the order among several matching patterns is not documented.
pub const UNCONFIRMED_ORDER: Unconfirmed = Unconfirmed {
    id: "selection-order",
    text: "Several selection patterns match: the lab picks the lowest status code. AWS documents no \
           order; its one recorded case (405 `.*four hundred.*` beat 502 `.+`) also fits creation \
           order and longest pattern.",
};

/// Appendix C 5: a function error without `errorMessage`.
pub const UNCONFIRMED_NULL_MESSAGE: Unconfirmed = Unconfirmed {
    id: "selection-null-error-message",
    text: "The function error has no errorMessage (null): the lab matches patterns against \"\", \
           which AWS documents only for `.*`.",
};

/// Appendix C 4: Java's `.` also excludes `\r`, U+0085, U+2028 and U+2029.
pub const UNCONFIRMED_LINE_TERMINATORS: Unconfirmed = Unconfirmed {
    id: "selection-java-line-terminators",
    text: "A result here depends on Java treating \\r, U+0085, U+2028 or U+2029 as line terminators \
           (so `.` does not match them); that follows from Java's Pattern but is not recorded on AWS.",
};

/// Appendix C 6: AWS rejects an invalid pattern when the integration response is saved.
pub const UNCONFIRMED_INVALID_PATTERN: Unconfirmed = Unconfirmed {
    id: "selection-invalid-pattern",
    text: "An invalid selectionPattern is rejected by AWS when the integration response is saved \
           (PutIntegrationResponse); the lab skips it at run time. AWS's exact error text is not \
           recorded.",
};

/// Every UNCONFIRMED behaviour selection can rely on (for `docs/assumptions.md`).
pub const ALL_UNCONFIRMED: [Unconfirmed; 4] = [
    UNCONFIRMED_ORDER,
    UNCONFIRMED_NULL_MESSAGE,
    UNCONFIRMED_LINE_TERMINATORS,
    UNCONFIRMED_INVALID_PATTERN,
];

/// The full record of one selection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelectionTrace {
    /// The string matched: the function error's `errorMessage` (JSON-unescaped), `Some("")` on
    /// success, `None` when a function error carries no `errorMessage`.
    pub input: Option<String>,
    /// Every integration response: the patterns in the order tried (ascending status code),
    /// then the default.
    pub trials: Vec<Trial>,
    /// The status key of the integration response that fired, if any.
    pub chosen: Option<String>,
    pub rule: Rule,
    pub lints: Vec<Lint>,
    pub unconfirmed: Vec<Unconfirmed>,
}

impl SelectionTrace {
    /// One sentence: what fired and why (for logs and the TUI's summary line).
    pub fn summary(&self) -> String {
        match (&self.rule, &self.chosen) {
            (Rule::Pattern, Some(s)) => format!("{s} fired (its pattern matched)"),
            (Rule::Ambiguous { also }, Some(s)) => format!(
                "{s} fired: {} also matched; the lab takes the lowest status code (UNCONFIRMED order)",
                also.join(", ")
            ),
            (Rule::Default, Some(s)) => format!("{s} fired (default response: no pattern matched)"),
            _ => "no pattern matched and there is no default response".to_string(),
        }
    }
}

impl SelectionTrace {
    /// The trace as text lines (what the console never prints): the matched string, each
    /// response with its verdict and reason, the winner with its rule, the lint with fixes and
    /// the UNCONFIRMED labels. Invisible characters in the message are escaped.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![match &self.input {
            Some(m) => format!("Selection input (errorMessage): {}", explain::show_full(m)),
            None => "Selection input: none (the function error has no errorMessage)".to_string(),
        }];
        for t in &self.trials {
            let pattern = match t.pattern.as_deref() {
                Some(p) if !p.is_empty() => p,
                _ => "(default)",
            };
            out.push(format!(
                "  {} {}  {}  {}",
                t.outcome.mark(),
                t.status,
                pattern,
                t.outcome.reason().replace('\n', " ")
            ));
        }
        out.push(format!("→ {}", self.summary()));
        for l in &self.lints {
            let mut line = format!(
                "⚠ {}{}",
                l.status
                    .as_deref()
                    .map(|s| format!("{s}: "))
                    .unwrap_or_default(),
                l.message
            );
            if let Some(fix) = &l.suggestion {
                line.push_str(&format!(" — suggested: {fix}"));
            }
            out.push(line);
        }
        for u in &self.unconfirmed {
            out.push(format!("UNCONFIRMED [{}]: {}", u.id, u.text));
        }
        out
    }
}

/// One integration response considered during selection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trial {
    /// The status-code key of the integration response.
    pub status: String,
    /// Its `selectionPattern` (`None` or `""` for the default response).
    pub pattern: Option<String>,
    pub outcome: Outcome,
}

/// What happened when a pattern was tried, with the reason in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Outcome {
    Matched {
        reason: String,
    },
    NotMatched {
        reason: String,
    },
    /// Java rejects the pattern; `error` is the PatternSyntaxException message.
    Invalid {
        error: String,
    },
    /// Matching gave up (catastrophic backtracking).
    TooExpensive {
        reason: String,
    },
    /// The default response: not tried as a pattern.
    Default {
        reason: String,
    },
}

impl Outcome {
    pub fn is_match(&self) -> bool {
        matches!(self, Outcome::Matched { .. })
    }

    /// The explanation in words.
    pub fn reason(&self) -> &str {
        match self {
            Outcome::Matched { reason }
            | Outcome::NotMatched { reason }
            | Outcome::TooExpensive { reason }
            | Outcome::Default { reason } => reason,
            Outcome::Invalid { error } => error,
        }
    }

    /// A one-character mark for tables: ✓ ✗ ! … ·
    pub fn mark(&self) -> char {
        match self {
            Outcome::Matched { .. } => '✓',
            Outcome::NotMatched { .. } => '✗',
            Outcome::Invalid { .. } => '!',
            Outcome::TooExpensive { .. } => '…',
            Outcome::Default { .. } => '·',
        }
    }
}

/// Why the chosen response won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Rule {
    /// Exactly one pattern matched.
    Pattern,
    /// Several patterns matched; the lowest status code won. `also` = the other matching keys.
    Ambiguous { also: Vec<String> },
    /// No pattern matched; the default response fired.
    Default,
    /// No pattern matched and there is no default: API Gateway answers 500.
    NoMatch,
}

/// Appendix A steps 3–4: try every non-default pattern (ascending status code) against `input`
/// with `Pattern.matches`; several matches → the lowest status (flagged); none → the default.
pub fn select(responses: &Map<IntegrationResponse>, input: Option<&str>) -> SelectionTrace {
    let text = input.unwrap_or("");
    let mut unconfirmed = Vec::new();
    if input.is_none() {
        push_unique(&mut unconfirmed, UNCONFIRMED_NULL_MESSAGE);
    }
    let mut keys: Vec<&String> = responses.keys().collect();
    keys.sort_by_key(|k| status_order(k));

    let mut trials = Vec::new();
    let mut winners: Vec<String> = Vec::new();
    for key in keys.iter().filter(|k| !responses[k.as_str()].is_default()) {
        let pattern = responses[key.as_str()]
            .selection_pattern
            .clone()
            .unwrap_or_default();
        let outcome = try_pattern(&pattern, input, &mut unconfirmed);
        if outcome.is_match() {
            winners.push(key.to_string());
        }
        trials.push(Trial {
            status: key.to_string(),
            pattern: Some(pattern),
            outcome,
        });
    }

    let default_key = keys
        .iter()
        .find(|k| responses[k.as_str()].is_default())
        .map(|k| k.to_string());
    let (chosen, rule) = match (winners.split_first(), &default_key) {
        (Some((first, [])), _) => (Some(first.clone()), Rule::Pattern),
        (Some((first, rest)), _) => {
            push_unique(&mut unconfirmed, UNCONFIRMED_ORDER);
            (
                Some(first.clone()),
                Rule::Ambiguous {
                    also: rest.to_vec(),
                },
            )
        }
        (None, Some(d)) => (Some(d.clone()), Rule::Default),
        (None, None) => (None, Rule::NoMatch),
    };
    for key in keys.iter().filter(|k| responses[k.as_str()].is_default()) {
        trials.push(Trial {
            status: key.to_string(),
            pattern: responses[key.as_str()].selection_pattern.clone(),
            outcome: Outcome::Default {
                reason: default_reason(key, &chosen, &rule, default_key.as_deref()),
            },
        });
    }

    let mut lints = lint::lint_for_selection(&trials, text);
    if let Rule::Ambiguous { also } = &rule {
        lints.push(lint::overlap(chosen.as_deref().unwrap_or(""), also, text));
    }
    SelectionTrace {
        input: input.map(str::to_string),
        trials,
        chosen,
        rule,
        lints,
        unconfirmed,
    }
}

fn try_pattern(pattern: &str, input: Option<&str>, unconfirmed: &mut Vec<Unconfirmed>) -> Outcome {
    let text = input.unwrap_or("");
    let re = match JavaRegex::cached(pattern, Flags::default()) {
        Ok(re) => re,
        Err(e) => {
            push_unique(unconfirmed, UNCONFIRMED_INVALID_PATTERN);
            return Outcome::Invalid {
                error: e.to_string(),
            };
        }
    };
    if explain::depends_on_java_line_terminators(&re, text) {
        push_unique(unconfirmed, UNCONFIRMED_LINE_TERMINATORS);
    }
    let outcome = explain::outcome(&re, text);
    match (input, outcome) {
        (None, Outcome::Matched { .. }) => Outcome::Matched {
            reason: "the errorMessage is absent (null); matched as \"\" (UNCONFIRMED)".into(),
        },
        (None, Outcome::NotMatched { .. }) => Outcome::NotMatched {
            reason: "the errorMessage is absent (null); matched as \"\", which this pattern does \
                     not match (UNCONFIRMED)"
                .into(),
        },
        (_, o) => o,
    }
}

fn default_reason(key: &str, chosen: &Option<String>, rule: &Rule, first: Option<&str>) -> String {
    if first != Some(key) {
        return format!(
            "a second default response: AWS allows only one (ConflictException); {} is used",
            first.unwrap_or("?")
        );
    }
    match (rule, chosen) {
        (Rule::Default, _) => "default response: used because no selection pattern matched".into(),
        (_, Some(c)) => format!("default response: not needed, {c} matched"),
        _ => "default response".into(),
    }
}

/// Status keys in ascending numeric order (non-numeric keys last, by text).
fn status_order(key: &str) -> (u32, String) {
    (key.parse().unwrap_or(u32::MAX), key.to_string())
}

fn push_unique(list: &mut Vec<Unconfirmed>, u: Unconfirmed) {
    if !list.iter().any(|x| x.id == u.id) {
        list.push(u);
    }
}

/// Shown for a pattern that gave up.
fn too_expensive(e: &MatchError) -> Outcome {
    Outcome::TooExpensive {
        reason: format!(
            "{e}; AWS would spend its 29 s integration timeout here or worse — simplify the pattern \
             (avoid nested quantifiers such as (a+)+)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn responses(pairs: &[(&str, Option<&str>)]) -> Map<IntegrationResponse> {
        pairs
            .iter()
            .map(|(k, p)| {
                (
                    k.to_string(),
                    IntegrationResponse {
                        selection_pattern: p.map(str::to_string),
                        ..Default::default()
                    },
                )
            })
            .collect()
    }

    #[test]
    fn recorded_aws_case_picks_the_lowest_status() {
        // test_lambda_selection_patterns, recorded against AWS (semantics §1.1)
        let r = responses(&[
            ("200", Some("")),
            ("405", Some(".*four hundred.*")),
            ("502", Some(".+")),
            ("504", Some("200")),
        ]);
        let t = select(
            &r,
            Some("Error: Raising four hundred from within the Lambda function"),
        );
        assert_eq!(t.chosen.as_deref(), Some("405"));
        assert_eq!(
            t.rule,
            Rule::Ambiguous {
                also: vec!["502".into()]
            }
        );
        assert!(t.unconfirmed.iter().any(|u| u.id == "selection-order"));
        let t = select(
            &r,
            Some("Error: Raising five hundred from within the Lambda function"),
        );
        assert_eq!(t.chosen.as_deref(), Some("502"));
        assert_eq!(t.rule, Rule::Pattern);
        let t = select(&r, Some(""));
        assert_eq!(t.chosen.as_deref(), Some("200"));
        assert_eq!(t.rule, Rule::Default);
    }

    #[test]
    fn prefix_only_match_is_explained() {
        let r = responses(&[("200", None), ("400", Some("Internal*"))]);
        let t = select(&r, Some("Internal Error: db down"));
        assert_eq!(t.chosen.as_deref(), Some("200"));
        let lines = t.lines();
        assert_eq!(
            lines[0],
            "Selection input (errorMessage): \"Internal Error: db down\""
        );
        assert!(
            lines[1].starts_with("  ✗ 400  Internal*  matches only a prefix"),
            "{lines:?}"
        );
        assert_eq!(
            lines[2],
            "  · 200  (default)  default response: used because no selection pattern matched"
        );
        assert!(lines.iter().any(|l| l.contains("suggested: Internal.*")));
        let reason = t.trials[0].outcome.reason();
        assert!(
            reason.contains("matches only a prefix (\"Internal\")"),
            "{reason}"
        );
        assert!(t.lints.iter().any(|l| l.kind == LintKind::StarAsPrefix));
    }

    #[test]
    fn dot_stops_at_newline() {
        let r = responses(&[("500", Some("Error.+"))]);
        let t = select(&r, Some("Error: one\ntwo"));
        assert_eq!(t.chosen, None);
        assert_eq!(t.rule, Rule::NoMatch);
        let reason = t.trials[0].outcome.reason();
        assert!(
            reason.contains("stopped at the newline (\\n) at offset 10"),
            "{reason}"
        );
    }

    #[test]
    fn carriage_return_is_labelled_unconfirmed() {
        let r = responses(&[("500", Some("(\\n|.)+"))]);
        let t = select(&r, Some("a\r\nb"));
        assert_eq!(t.chosen, None);
        assert!(
            t.unconfirmed
                .iter()
                .any(|u| u.id == "selection-java-line-terminators")
        );
    }

    #[test]
    fn null_message_and_invalid_patterns() {
        let r = responses(&[("400", Some("(unclosed")), ("500", Some(".*"))]);
        let t = select(&r, None);
        assert_eq!(t.chosen.as_deref(), Some("500"));
        assert!(matches!(t.trials[0].outcome, Outcome::Invalid { .. }));
        assert!(
            t.unconfirmed
                .iter()
                .any(|u| u.id == "selection-null-error-message")
        );
        assert!(
            t.unconfirmed
                .iter()
                .any(|u| u.id == "selection-invalid-pattern")
        );
    }

    #[test]
    fn success_matches_patterns_that_accept_empty() {
        let r = responses(&[("200", None), ("500", Some("(\\n|.)*"))]);
        let t = select(&r, Some(""));
        assert_eq!(t.chosen.as_deref(), Some("500"));
        assert!(t.lints.iter().any(|l| l.kind == LintKind::MatchesEmpty));
    }
}
