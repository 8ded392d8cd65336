//! Property tests: any scenario survives `to_toml` → load unchanged, and no input text, however
//! broken, makes loading panic.

use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;

use super::*;

/// Text with what trips up TOML writers: quotes, backslashes, newlines, control characters.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ._-]{0,12}",
        "[ -~]{0,20}",
        "(\\PC|[\"'\\\\\n\r\t\u{0}\u{1f}\u{7f}]){0,24}",
        Just("'''".to_string()),
        Just("ends with '".to_string()),
        Just("\n".to_string()),
    ]
}

fn map<V: std::fmt::Debug + Clone>(
    value: impl Strategy<Value = V>,
) -> impl Strategy<Value = Map<V>> {
    btree_map(text(), value, 0..3).prop_map(|m| m.into_iter().collect())
}

fn handler() -> BoxedStrategy<Handler> {
    let throws = (option::of(text()), text()).prop_map(|(error_type, error_message)| Throws {
        error_type,
        error_message,
    });
    let fails = prop_oneof![
        Just(FailKind::Timeout),
        Just(FailKind::OutOfMemory),
        Just(FailKind::ResponseTooLarge)
    ]
    .prop_map(|kind| Fails { kind });
    (
        text(),
        any::<u32>(),
        any::<u32>(),
        option::of(text()),
        option::of(text()),
        option::of(throws),
        option::of(fails),
    )
        .prop_map(
            |(runtime, timeout, memory_size, code, returns, throws, fails)| Handler {
                runtime,
                timeout,
                memory_size,
                code,
                returns,
                throws,
                fails,
            },
        )
        .boxed()
}

fn content_handling() -> impl Strategy<Value = Option<ContentHandling>> {
    option::of(prop_oneof![
        Just(ContentHandling::ConvertToText),
        Just(ContentHandling::ConvertToBinary)
    ])
}

fn integration() -> BoxedStrategy<Integration> {
    let response = (
        option::of(text()),
        map(text()),
        map(text()),
        content_handling(),
    )
        .prop_map(
            |(selection_pattern, response_templates, response_parameters, content_handling)| {
                IntegrationResponse {
                    selection_pattern,
                    response_templates,
                    response_parameters,
                    content_handling,
                }
            },
        );
    (
        prop_oneof![Just(IntegrationType::Aws), Just(IntegrationType::AwsProxy)],
        prop_oneof![
            Just(PassthroughBehavior::WhenNoMatch),
            Just(PassthroughBehavior::WhenNoTemplates),
            Just(PassthroughBehavior::Never)
        ],
        map(text()),
        any::<u32>(),
        content_handling(),
        map(response),
    )
        .prop_map(
            |(kind, passthrough_behavior, request_templates, timeout, ch, irs)| Integration {
                kind,
                passthrough_behavior,
                request_templates,
                timeout_in_millis: timeout,
                content_handling: ch,
                integration_responses: irs,
            },
        )
        .boxed()
}

fn expect() -> BoxedStrategy<Expect> {
    (
        option::of(any::<u16>()),
        option::of(text()),
        option::of(text()),
        option::of(prop_oneof![
            Just(BodyEncoding::Base64),
            Just(BodyEncoding::Text)
        ]),
        vec(text(), 0..3),
        map(text()),
        option::of(text()),
        option::of(text()),
        vec(text(), 0..3),
    )
        .prop_map(
            |(
                status_code,
                body,
                body_json,
                body_encoding,
                body_contains,
                headers,
                selected,
                selection_input,
                log_contains,
            )| Expect {
                status_code,
                body,
                body_json,
                body_encoding,
                body_contains,
                headers,
                selected,
                selection_input,
                log_contains,
            },
        )
        .boxed()
}

fn scenario() -> BoxedStrategy<Scenario> {
    let request = (text(), text(), map(text()), map(text()), text()).prop_map(
        |(method, path, headers, query, body)| Request {
            method,
            path,
            headers,
            query,
            body,
        },
    );
    let api =
        (vec(text(), 0..3), map(text())).prop_map(|(binary_media_types, stage_variables)| Api {
            binary_media_types,
            stage_variables,
        });
    let method_responses = option::of(map((map(any::<bool>()), map(text())).prop_map(
        |(response_parameters, response_models)| MethodResponse {
            response_parameters,
            response_models,
        },
    )));
    let expectations = (
        option::of(expect()),
        option::of(expect()),
        option::of(expect()),
    )
        .prop_map(|(custom, proxy, http)| Expectations {
            custom,
            proxy,
            http,
        });
    let lesson = option::of(vec(text(), 0..3).prop_map(|hints| Lesson { hints }));
    (
        (text(), text(), handler(), request, api),
        (integration(), method_responses, expectations, lesson),
    )
        .prop_map(
            |((title, description, handler, request, api), (integration, mrs, expect, lesson))| {
                Scenario {
                    title,
                    description,
                    handler,
                    request,
                    api,
                    integration,
                    method_responses: mrs,
                    expect,
                    lesson,
                }
            },
        )
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn to_toml_loads_back_equal(s in scenario()) {
        let text = to_toml(&s);
        let back: Scenario = toml::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, s);
        // Validation may reject random content, but it must say so, not panic.
        let _ = parse(&text, "random.toml");
    }

    #[test]
    fn broken_text_never_panics(s in scenario(), cut in any::<prop::sample::Index>(), junk in "\\PC{0,8}") {
        let text = to_toml(&s);
        let at = cut.index(text.len() + 1);
        let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let broken = format!("{}{junk}{}", &text[..at], &text[at..]);
        if let Err(e) = parse(&broken, "broken.toml") {
            let _ = e.render_with_source(&broken);
        }
        let truncated = &text[..at];
        if let Err(e) = parse(truncated, "cut.toml") {
            let _ = e.render_with_source(truncated);
        }
    }

    #[test]
    fn saving_over_another_scenario_gives_the_new_one(old in scenario(), new in scenario()) {
        let text = update_toml(&to_toml(&old), &new);
        let back: Scenario = toml::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, new);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "(\\PC|\n|\\[|\\]|=|'|\"){0,200}") {
        if let Err(e) = parse(&text, "any.toml") {
            prop_assert!(e.to_string().starts_with("any.toml"));
            let _ = e.render_with_source(&text);
        }
    }
}

#[test]
fn save_then_load_round_trips_through_the_file_system() {
    let dir = std::env::temp_dir().join(format!("apigw-lab-prop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("scenario.toml");
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(32));
    runner
        .run(&scenario(), |s| {
            save(&path, &s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let text = read_text(&path).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back: Scenario =
                toml::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back, s);
            Ok(())
        })
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}
