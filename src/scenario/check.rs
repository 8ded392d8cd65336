//! Checking `[expect.*]` against an evaluation: every member that does not hold, with what was
//! wanted and what the lab got. Conformance cases, lessons and `apigw-lab check` all use this.

use std::fmt;

use super::doc::{Doc, dotted};
use super::error::line_column;
use super::model::{BodyEncoding, Expect, Scenario};
use crate::trace::{Body, Evaluation, Mode, ModeResult};

/// One `[expect.<mode>]` member that does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectFailure {
    pub mode: Mode,
    /// Where the expectation is written: `["expect", "custom", "headers", "X-Error"]`.
    pub path: Vec<String>,
    /// What the file asks for, as written (strings JSON-quoted so that invisible characters show).
    pub want: String,
    /// What the evaluation gave, in the same notation.
    pub got: String,
}

impl ExpectFailure {
    /// The dotted field, e.g. `expect.custom.headers.X-Error` or `expect.proxy.bodyContains[1]`.
    pub fn field(&self) -> String {
        dotted(&self.path)
    }
}

impl fmt::Display for ExpectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let short = self.want.len() + self.got.len() < 60
            && !self.want.contains('\n')
            && !self.got.contains('\n');
        if short {
            write!(f, "{}: want {}, got {}", self.field(), self.want, self.got)
        } else {
            write!(
                f,
                "{}:\n    want {}\n    got  {}",
                self.field(),
                self.want,
                self.got
            )
        }
    }
}

/// Every expectation of the scenario that the evaluation does not meet, in file order of modes
/// (custom, proxy, http) and of members. Empty: all hold.
pub fn check(scenario: &Scenario, evaluation: &Evaluation) -> Vec<ExpectFailure> {
    let e = &scenario.expect;
    let mut out = Vec::new();
    for (mode, expect) in [
        (Mode::Custom, &e.custom),
        (Mode::Proxy, &e.proxy),
        (Mode::Http, &e.http),
    ] {
        if let Some(expect) = expect {
            check_mode(mode, expect, evaluation.mode(mode), &mut out);
        }
    }
    out
}

/// Line and column (1-based) of an expectation in the scenario's text, for `file:line:col`
/// reports; `None` when the text does not parse or lacks the member.
pub fn position_of(text: &str, path: &[String]) -> Option<(usize, usize)> {
    let doc = Doc::parse(text).ok()?;
    let keys: Vec<&str> = path
        .iter()
        .map(|k| k.split('[').next().unwrap_or(k))
        .collect();
    let index = path
        .last()
        .and_then(|k| k.split_once('['))
        .and_then(|(_, i)| i.trim_end_matches(']').parse().ok());
    let item = index.and_then(|i| doc.array_item(&keys, i));
    let span = item.or_else(|| doc.locate(&keys))?;
    Some(line_column(text, span.start))
}

struct Failures<'o> {
    mode: Mode,
    out: &'o mut Vec<ExpectFailure>,
}

impl Failures<'_> {
    fn fail(&mut self, member: &[&str], want: String, got: String) {
        let mut path = vec!["expect".to_string(), self.mode.key().to_string()];
        path.extend(member.iter().map(|m| m.to_string()));
        self.out.push(ExpectFailure {
            mode: self.mode,
            path,
            want,
            got,
        });
    }
}

fn check_mode(mode: Mode, want: &Expect, got: &ModeResult, out: &mut Vec<ExpectFailure>) {
    let mut f = Failures { mode, out };
    let body = body_text(&got.response.body);
    if let Some(status) = want.status_code
        && status != got.response.status
    {
        f.fail(
            &["statusCode"],
            status.to_string(),
            got.response.status.to_string(),
        );
    }
    if let Some(exact) = &want.body
        && *exact != body
    {
        f.fail(&["body"], quote(exact), quote(&body));
    }
    if let Some(json) = &want.body_json {
        body_json(&mut f, json, &body);
    }
    if let Some(enc) = want.body_encoding {
        let got_enc = encoding_of(&got.response.body);
        if enc != got_enc {
            f.fail(
                &["bodyEncoding"],
                quote(enc.name()),
                format!(
                    "{} ({} bytes)",
                    quote(got_enc.name()),
                    got.response.body.len()
                ),
            );
        }
    }
    for (i, needle) in want.body_contains.iter().enumerate() {
        if !body.contains(needle.as_str()) {
            let member = format!("bodyContains[{i}]");
            f.fail(
                &[&member],
                quote(needle),
                format!("not in the body {}", quote(&body)),
            );
        }
    }
    for (name, value) in &want.headers {
        match got.response.header(name) {
            Some(v) if v == value => {}
            Some(v) => f.fail(&["headers", name], quote(value), quote(v)),
            None => f.fail(
                &["headers", name],
                quote(value),
                format!("no such header (got {})", header_names(got)),
            ),
        }
    }
    if let Some(selected) = &want.selected {
        let chosen = got.selection.as_ref().and_then(|s| s.chosen.clone());
        if chosen.as_deref().unwrap_or("") != selected {
            f.fail(
                &["selected"],
                quote(selected),
                chosen.map_or("none (\"\")".to_string(), |c| quote(&c)),
            );
        }
    }
    if let Some(input) = &want.selection_input {
        let actual = got.selection.as_ref().map(|s| s.input.clone());
        match actual {
            Some(Some(a)) if a == *input => {}
            Some(Some(a)) => f.fail(&["selectionInput"], quote(input), quote(&a)),
            Some(None) => f.fail(
                &["selectionInput"],
                quote(input),
                "null (the function error has no errorMessage)".into(),
            ),
            None => f.fail(
                &["selectionInput"],
                quote(input),
                "no selection took place".into(),
            ),
        }
    }
    let log = got.log.join("\n");
    for (i, needle) in want.log_contains.iter().enumerate() {
        if !log.contains(needle.as_str()) {
            let member = format!("logContains[{i}]");
            f.fail(
                &[&member],
                quote(needle),
                format!("not in the {}-line log", got.log.len()),
            );
        }
    }
}

fn body_json(f: &mut Failures<'_>, want: &str, body: &str) {
    let Ok(want_value) = serde_json::from_str::<serde_json::Value>(want) else {
        f.fail(
            &["bodyJson"],
            quote(want),
            "(the expectation is not JSON)".into(),
        );
        return;
    };
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(got) if got == want_value => {}
        Ok(got) => f.fail(&["bodyJson"], want_value.to_string(), got.to_string()),
        Err(e) => f.fail(
            &["bodyJson"],
            want_value.to_string(),
            format!("a body that is not JSON ({e}): {}", quote(body)),
        ),
    }
}

fn body_text(body: &Body) -> String {
    match body {
        Body::Text(t) => t.clone(),
        Body::Binary(bytes) => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD.encode(bytes)
        }
    }
}

fn encoding_of(body: &Body) -> BodyEncoding {
    if body.is_binary() {
        BodyEncoding::Base64
    } else {
        BodyEncoding::Text
    }
}

fn header_names(got: &ModeResult) -> String {
    if got.response.headers.is_empty() {
        return "no headers".into();
    }
    got.response
        .headers
        .iter()
        .map(|(k, _)| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A string as a JSON literal: quotes, escapes for newlines and control characters. Very long
/// text is cut (a body of megabytes would drown the report).
fn quote(s: &str) -> String {
    const MAX: usize = 2000;
    if s.len() <= MAX {
        return serde_json::Value::from(s).to_string();
    }
    let cut = (0..=MAX)
        .rev()
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(0);
    format!(
        "{}… ({} more bytes)",
        serde_json::Value::from(&s[..cut]),
        s.len() - cut
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;
    use crate::selection::SelectionTrace;
    use crate::trace::HttpResponse;

    fn result(
        mode: Mode,
        status: u16,
        body: &str,
        selection: Option<SelectionTrace>,
    ) -> ModeResult {
        ModeResult {
            mode,
            response: HttpResponse {
                status,
                headers: vec![("Content-Type".into(), "application/json".into())],
                body: Body::Text(body.into()),
            },
            invocation: None,
            selection,
            templates: Vec::new(),
            steps: Vec::new(),
            log: vec![
                "Starting execution for request: x".into(),
                "Method completed with status: 500".into(),
            ],
        }
    }

    fn evaluation(custom: ModeResult) -> Evaluation {
        Evaluation {
            focus: Mode::Custom,
            proxy: result(
                Mode::Proxy,
                502,
                r#"{"message": "Internal server error"}"#,
                None,
            ),
            http: result(
                Mode::Http,
                500,
                r#"{"message":"Internal Server Error"}"#,
                None,
            ),
            custom,
        }
    }

    fn selection(input: Option<&str>, chosen: Option<&str>) -> SelectionTrace {
        let mut trace = crate::selection::select(&crate::scenario::Map::new(), input);
        trace.input = input.map(str::to_string);
        trace.chosen = chosen.map(str::to_string);
        trace
    }

    const SCENARIO: &str = r#"title = "t"
[handler]
[handler.throws]
errorMessage = "boom"

[expect.custom]
statusCode = 500
body = '{"message": "boom"}'
bodyJson = '{"message":"boom"}'
bodyContains = ['boom', 'nope']
headers = { content-type = "application/json", X-Error = "true" }
selected = "500"
selectionInput = "boom"
logContains = ["Method completed with status: 500", "Lambda request id"]

[expect.proxy]
statusCode = 502

[expect.http]
statusCode = 502
"#;

    #[test]
    fn every_failing_member_is_reported_with_want_and_got() {
        let s = parse(SCENARIO, "s.toml").unwrap();
        let custom = result(
            Mode::Custom,
            500,
            r#"{"message": "boom"}"#,
            Some(selection(Some("boom"), Some("400"))),
        );
        let failures: Vec<String> = check(&s, &evaluation(custom))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            failures,
            [
                r#"expect.custom.bodyContains[1]: want "nope", got not in the body "{\"message\": \"boom\"}""#,
                r#"expect.custom.headers.X-Error: want "true", got no such header (got Content-Type)"#,
                r#"expect.custom.selected: want "500", got "400""#,
                r#"expect.custom.logContains[1]: want "Lambda request id", got not in the 2-line log"#,
                "expect.http.statusCode: want 502, got 500",
            ]
        );
    }

    #[test]
    fn a_matching_evaluation_has_no_failures() {
        let text = SCENARIO
            .replace(", 'nope'", "")
            .replace(", X-Error = \"true\"", "")
            .replace(", \"Lambda request id\"", "")
            .replace(
                "[expect.http]\nstatusCode = 502",
                "[expect.http]\nstatusCode = 500",
            );
        let s = parse(&text, "s.toml").unwrap();
        let custom = result(
            Mode::Custom,
            500,
            r#"{"message": "boom"}"#,
            Some(selection(Some("boom"), Some("500"))),
        );
        assert_eq!(check(&s, &evaluation(custom)), []);
    }

    #[test]
    fn body_json_compares_values_and_reports_non_json() {
        let s = parse(
            "title='t'\n[handler]\nreturns='1'\n[expect.custom]\nbodyJson = '{\"a\": [1, 2]}'\nselected = \"\"\n",
            "s",
        )
        .unwrap();
        let ok = result(
            Mode::Custom,
            200,
            "{ \"a\" : [1,2] }",
            Some(selection(Some(""), None)),
        );
        assert_eq!(check(&s, &evaluation(ok)), []);
        let bad = result(Mode::Custom, 200, "{\"a\": [2, 1]}", None);
        let f = check(&s, &evaluation(bad));
        assert_eq!(
            f[0].to_string(),
            r#"expect.custom.bodyJson: want {"a":[1,2]}, got {"a":[2,1]}"#
        );
        let text = result(Mode::Custom, 200, "oops", None);
        assert!(
            check(&s, &evaluation(text))[0]
                .got
                .starts_with("a body that is not JSON")
        );
    }

    #[test]
    fn body_encoding_tells_bytes_from_text_with_the_same_base64() {
        let s = parse(
            "title='t'\n[handler]\nreturns='1'\n[expect.custom]\nbodyEncoding = \"base64\"\nbody = \"AQI=\"\n",
            "s",
        )
        .unwrap();
        let mut bytes = result(Mode::Custom, 200, "", None);
        bytes.response.body = Body::Binary(vec![1, 2]);
        assert_eq!(check(&s, &evaluation(bytes)), []);
        let text = result(Mode::Custom, 200, "AQI=", None);
        let f = check(&s, &evaluation(text));
        assert_eq!(
            f.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [r#"expect.custom.bodyEncoding: want "base64", got "text" (4 bytes)"#]
        );
        let wrong =
            "title='t'\n[handler]\nreturns='1'\n[expect.custom]\nbodyEncoding = \"binary\"\n";
        assert!(parse(wrong, "s").is_err());
    }

    #[test]
    fn long_text_is_cut_in_reports() {
        let long = "é".repeat(1500);
        let q = quote(&long);
        assert!(q.ends_with("… (1000 more bytes)"), "{}", &q[q.len() - 40..]);
    }

    #[test]
    fn positions_point_at_the_member() {
        let path: Vec<String> = ["expect", "custom", "bodyContains[1]"]
            .map(String::from)
            .into();
        assert_eq!(position_of(SCENARIO, &path), Some((10, 25)));
        let header: Vec<String> = ["expect", "custom", "headers", "X-Error"]
            .map(String::from)
            .into();
        assert_eq!(position_of(SCENARIO, &header), Some((11, 58)));
    }
}
