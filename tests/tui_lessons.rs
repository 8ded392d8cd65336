//! Every lesson starts failing and the intended fix solves it (checked with the engine and
//! `scenario::check`, exactly as the lab checks a learner's edits).

#![cfg(feature = "tui")]

use apigw_lab::scenario::{Scenario, Throws};
use apigw_lab::tui::lessons::{expect_failures, lessons};

fn failures(s: &Scenario) -> Vec<String> {
    expect_failures(s, &apigw_lab::evaluate(s))
}

fn pattern(s: &mut Scenario, status: &str, p: &str) {
    s.integration.integration_responses[status].selection_pattern = Some(p.into());
}

fn template(s: &mut Scenario, status: &str, t: &str) {
    s.integration.integration_responses[status]
        .response_templates
        .insert("application/json".into(), t.into());
}

/// The fix a learner is meant to find, per lesson.
fn intended_fix(id: &str, s: &mut Scenario) {
    match id {
        "01-returned-400-is-200" => {
            s.handler.returns = None;
            s.handler.throws = Some(Throws {
                error_type: None,
                error_message: "Bad Request: name is required".into(),
            });
        }
        "02-pattern-must-match-whole-message" => pattern(s, "500", "Internal Error.*"),
        "03-invalid-star" => pattern(s, "400", "Invalid.*"),
        "04-newline-in-message" => pattern(s, "400", "(?s)Validation failed:.+"),
        "05-catch-all-catches-success" => pattern(s, "500", ".+"),
        "06-template-only-the-message" => {
            template(s, "404", r#"{"message": "$input.path('$.errorMessage')"}"#)
        }
        "07-structured-error-parsejson" => template(
            s,
            "404",
            r#"#set($err = $util.parseJson($input.path('$.errorMessage'))){"error": "$err.message"}"#,
        ),
        "08-proxy-malformed-response" => {
            s.handler.returns = Some(r#"{"statusCode": 201, "body": "{\"id\": 1}"}"#.into())
        }
        "09-response-override" => template(
            s,
            "200",
            "#set($context.responseOverride.status = 201)$input.json('$')",
        ),
        other => panic!("lesson {other} has no intended fix in this test: add one"),
    }
}

#[test]
fn every_lesson_starts_failing_and_its_intended_fix_solves_it() {
    assert!((6..=10).contains(&lessons().len()));
    for l in lessons() {
        let mut s = l.scenario().unwrap_or_else(|e| panic!("{}: {e}", l.id));
        assert!(s.lesson.is_some(), "{}: has a [lesson] table", l.id);
        assert!(
            !s.lesson.as_ref().unwrap().hints.is_empty(),
            "{}: has hints",
            l.id
        );
        assert!(!failures(&s).is_empty(), "{}: starts failing", l.id);
        intended_fix(l.id, &mut s);
        assert_eq!(
            failures(&s),
            Vec::<String>::new(),
            "{}: the intended fix solves it",
            l.id
        );
    }
}
