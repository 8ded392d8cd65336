//! Lessons as data (rustlings-style): scenarios in `scenarios/lessons/` with a `[lesson]` table
//! and `[expect.*]` goals. Each starts failing and is solved by the learner's edits; progress
//! lives in the state directory.

use crate::scenario::{LoadError, Scenario};
use crate::trace::Evaluation;

/// A lesson shipped inside the binary.
#[derive(Debug, Clone, Copy)]
pub struct LessonFile {
    /// The file stem, e.g. `02-pattern-must-match-whole-message`.
    pub id: &'static str,
    pub source: &'static str,
}

impl LessonFile {
    pub fn scenario(&self) -> Result<Scenario, LoadError> {
        crate::scenario::parse(self.source, &format!("scenarios/lessons/{}.toml", self.id))
    }

    pub fn title(&self) -> String {
        self.scenario()
            .map(|s| s.title)
            .unwrap_or_else(|e| format!("{} (does not load: {e})", self.id))
    }
}

macro_rules! lessons {
    ($($id:literal),* $(,)?) => {
        &[$(LessonFile { id: $id, source: include_str!(concat!("../../scenarios/lessons/", $id, ".toml")) }),*]
    };
}

static LESSONS: &[LessonFile] = lessons![
    "01-returned-400-is-200",
    "02-pattern-must-match-whole-message",
    "03-invalid-star",
    "04-newline-in-message",
    "05-catch-all-catches-success",
    "06-template-only-the-message",
    "07-structured-error-parsejson",
    "08-proxy-malformed-response",
    "09-response-override",
];

pub fn lessons() -> &'static [LessonFile] {
    LESSONS
}

/// The `[expect.*]` lines that do not hold, in words.
pub fn expect_failures(scenario: &Scenario, eval: &Evaluation) -> Vec<String> {
    crate::scenario::check(scenario, eval)
        .iter()
        .map(|f| f.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lesson_loads_with_hints_and_goals() {
        assert!((6..=10).contains(&lessons().len()));
        for l in lessons() {
            let s = l.scenario().unwrap_or_else(|e| panic!("{}: {e}", l.id));
            let lesson = s
                .lesson
                .as_ref()
                .unwrap_or_else(|| panic!("{}: no [lesson]", l.id));
            assert!(lesson.hints.len() >= 2, "{}: hints", l.id);
            assert!(!s.expect.is_empty(), "{}: goals", l.id);
            assert!(!s.description.trim().is_empty(), "{}: description", l.id);
        }
    }
}
