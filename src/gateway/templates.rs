//! Which mapping template applies (semantics §3.8, §3.9): request templates by `Content-Type` with
//! the passthrough behaviour, response templates by the first `Accept` media type with the
//! documented fallbacks.

use crate::scenario::{Map, PassthroughBehavior};
use crate::trace::Unconfirmed;

use super::{first_media_type, unconfirmed};

/// What the integration request does with the client's body.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestChoice<'a> {
    /// Render this template (its key and source).
    Template { key: &'a str, source: &'a str },
    /// Send the body to Lambda unchanged.
    Passthrough,
    /// Refuse the request with 415 Unsupported Media Type.
    Reject,
}

/// The decision and the reasons, for the trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision<C> {
    pub choice: C,
    pub summary: String,
    pub details: Vec<String>,
    pub unconfirmed: Option<Unconfirmed>,
}

/// The request template for `content_type` (the header's value, if any) under `behaviour`.
pub fn choose_request<'a>(
    templates: &'a Map<String>,
    content_type: Option<&str>,
    behaviour: PassthroughBehavior,
) -> Decision<RequestChoice<'a>> {
    let (media, defaulted) = match content_type {
        Some(v) => (first_media_type(v), false),
        None => ("application/json".to_string(), true),
    };
    let mut details = vec![if defaulted {
        "No Content-Type header: API Gateway assumes application/json".to_string()
    } else {
        format!("Content-Type media type: {media} (parameters such as charset are ignored)")
    }];
    let behaviour_name = behaviour_name(behaviour);
    if let Some((key, source)) = templates
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(&media))
    {
        if source.is_empty() {
            details.push(format!(
                "The {key} template is empty; AWS stores it as null, so there is no template to apply"
            ));
            return Decision {
                choice: RequestChoice::Passthrough,
                summary: format!("Empty request template for {key}: the body passes through"),
                details,
                unconfirmed: Some(unconfirmed::G6_EMPTY_REQUEST_TEMPLATE),
            };
        }
        return Decision {
            choice: RequestChoice::Template { key, source },
            summary: format!("Request template for {key} transforms the body"),
            details,
            unconfirmed: None,
        };
    }
    let keys: Vec<&str> = templates.keys().map(String::as_str).collect();
    let (choice, why) = match (templates.is_empty(), behaviour) {
        (true, PassthroughBehavior::Never) => (
            RequestChoice::Reject,
            "NEVER rejects a request when no template is defined",
        ),
        (true, _) => (
            RequestChoice::Passthrough,
            "no request templates are defined, so the body passes through",
        ),
        (false, PassthroughBehavior::WhenNoMatch) => (
            RequestChoice::Passthrough,
            "WHEN_NO_MATCH passes a body through when no template matches its content type",
        ),
        (false, PassthroughBehavior::WhenNoTemplates) => (
            RequestChoice::Reject,
            "WHEN_NO_TEMPLATES passes through only when no template is defined at all; templates exist, so the request is rejected",
        ),
        (false, PassthroughBehavior::Never) => (
            RequestChoice::Reject,
            "NEVER rejects a request whose content type has no template",
        ),
    };
    if !templates.is_empty() {
        details.push(format!(
            "No request template for {media} (templates: {})",
            keys.join(", ")
        ));
    }
    details.push(format!("passthroughBehavior {behaviour_name}: {why}"));
    let summary = match choice {
        RequestChoice::Reject => {
            format!("415 Unsupported Media Type: no template for {media} under {behaviour_name}")
        }
        _ => format!("The body passes through unchanged ({behaviour_name})"),
    };
    Decision {
        choice,
        summary,
        details,
        unconfirmed: None,
    }
}

fn behaviour_name(b: PassthroughBehavior) -> &'static str {
    match b {
        PassthroughBehavior::WhenNoMatch => "WHEN_NO_MATCH",
        PassthroughBehavior::WhenNoTemplates => "WHEN_NO_TEMPLATES",
        PassthroughBehavior::Never => "NEVER",
    }
}

/// What the integration response does with Lambda's payload.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseChoice<'a> {
    Template {
        key: &'a str,
        source: &'a str,
    },
    /// The payload becomes the body unchanged.
    Passthrough,
}

/// The response template for the request's `Accept` header (its value, if any).
pub fn choose_response<'a>(
    templates: &'a Map<String>,
    accept: Option<&str>,
) -> Decision<ResponseChoice<'a>> {
    let (media, defaulted) = match accept {
        Some(v) => (first_media_type(v), false),
        None => ("application/json".to_string(), true),
    };
    let mut details = vec![if defaulted {
        "No Accept header: API Gateway assumes application/json".to_string()
    } else {
        format!("First Accept media type: {media} (API Gateway honours only the first)")
    }];
    if templates.is_empty() {
        details.push("No response templates are defined".to_string());
        return Decision {
            choice: ResponseChoice::Passthrough,
            summary: "No response template: Lambda's payload is the body, unchanged".into(),
            details,
            unconfirmed: None,
        };
    }
    let exact = templates
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(&media));
    let mut unconfirmed = None;
    let (key, source) = match exact {
        Some(found) => found,
        None => {
            let fallback = fallback_template(templates);
            details.push(format!(
                "No template for {media}; API Gateway falls back to the first existing template"
            ));
            if templates.len() > 1 {
                details.push(format!(
                    "Several templates exist ({}); the lab prefers application/json, then file order",
                    templates.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
                ));
                unconfirmed = Some(unconfirmed::C14_FIRST_TEMPLATE);
            }
            fallback
        }
    };
    if source.is_empty() {
        details.push(format!(
            "The {key} template is empty: an empty template means passthrough"
        ));
        return Decision {
            choice: ResponseChoice::Passthrough,
            summary: format!("Empty response template for {key}: the payload passes through"),
            details,
            unconfirmed,
        };
    }
    Decision {
        choice: ResponseChoice::Template { key, source },
        summary: format!("Response template for {key} renders the body"),
        details,
        unconfirmed,
    }
}

fn fallback_template(templates: &Map<String>) -> (&String, &String) {
    templates
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("application/json"))
        .or_else(|| templates.iter().next())
        .expect("caller checked that templates exist")
}

#[cfg(test)]
mod tests {
    use super::*;
    use PassthroughBehavior::*;

    fn map(entries: &[(&str, &str)]) -> Map<String> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn outcome(c: &RequestChoice) -> &'static str {
        match c {
            RequestChoice::Template { .. } => "transformed",
            RequestChoice::Passthrough => "passed through",
            RequestChoice::Reject => "415",
        }
    }

    /// §3.9, both tables and the no-template row, cell by cell.
    #[test]
    fn passthrough_table() {
        let json = map(&[("application/json", "{}")]);
        let xml = map(&[("application/xml", "<a/>")]);
        let none = Map::new();
        let rows: &[(&Map<String>, Option<&str>, [&str; 3])] = &[
            (&json, None, ["transformed", "transformed", "transformed"]),
            (
                &json,
                Some("application/json"),
                ["transformed", "transformed", "transformed"],
            ),
            (
                &json,
                Some("application/xml"),
                ["passed through", "415", "415"],
            ),
            (&xml, None, ["passed through", "415", "415"]),
            (
                &xml,
                Some("application/json"),
                ["passed through", "415", "415"],
            ),
            (
                &xml,
                Some("application/xml"),
                ["transformed", "transformed", "transformed"],
            ),
            (
                &none,
                Some("application/xml"),
                ["passed through", "passed through", "415"],
            ),
            (&none, None, ["passed through", "passed through", "415"]),
        ];
        for (templates, ct, want) in rows {
            for (b, want) in [WhenNoMatch, WhenNoTemplates, Never].into_iter().zip(want) {
                let got = choose_request(templates, *ct, b);
                assert_eq!(outcome(&got.choice), *want, "{ct:?} {b:?}: {}", got.summary);
            }
        }
    }

    #[test]
    fn content_type_parameters_are_ignored() {
        let json = map(&[("application/json", "x")]);
        let got = choose_request(&json, Some("Application/JSON; charset=UTF-8"), Never);
        assert_eq!(
            got.choice,
            RequestChoice::Template {
                key: "application/json",
                source: "x"
            }
        );
    }

    #[test]
    fn empty_request_template_passes_through() {
        let json = map(&[("application/json", "")]);
        let got = choose_request(&json, None, Never);
        assert_eq!(got.choice, RequestChoice::Passthrough);
        assert_eq!(
            got.unconfirmed,
            Some(unconfirmed::G6_EMPTY_REQUEST_TEMPLATE)
        );
    }

    #[test]
    fn response_template_by_first_accept_type() {
        let t = map(&[("application/json", "j"), ("application/xml", "x")]);
        let got = choose_response(&t, Some("application/xml, application/json"));
        assert_eq!(
            got.choice,
            ResponseChoice::Template {
                key: "application/xml",
                source: "x"
            }
        );
        let got = choose_response(&t, Some("text/html;q=0.9, application/xml"));
        assert_eq!(
            got.choice,
            ResponseChoice::Template {
                key: "application/json",
                source: "j"
            }
        );
        assert_eq!(got.unconfirmed, Some(unconfirmed::C14_FIRST_TEMPLATE));
    }

    #[test]
    fn single_template_is_the_fallback_without_label() {
        // Conformance 30: only application/xml, no Accept → the xml template.
        let t = map(&[("application/xml", "<r/>")]);
        let got = choose_response(&t, None);
        assert_eq!(
            got.choice,
            ResponseChoice::Template {
                key: "application/xml",
                source: "<r/>"
            }
        );
        assert_eq!(got.unconfirmed, None);
    }

    #[test]
    fn several_templates_without_json_fall_back_to_the_first() {
        let t = map(&[("text/plain", "p"), ("application/xml", "x")]);
        let got = choose_response(&t, Some("image/png"));
        assert_eq!(
            got.choice,
            ResponseChoice::Template {
                key: "text/plain",
                source: "p"
            }
        );
    }

    #[test]
    fn empty_template_and_no_template_pass_through() {
        let t = map(&[("application/json", "")]);
        assert_eq!(
            choose_response(&t, None).choice,
            ResponseChoice::Passthrough
        );
        assert_eq!(
            choose_response(&Map::new(), None).choice,
            ResponseChoice::Passthrough
        );
    }
}
