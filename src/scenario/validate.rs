//! The rules of the scenario format that serde can't express: exactly one handler behaviour,
//! JSON where JSON is expected, status codes, runtime ids, mapping expressions. Each violation is
//! an [`Issue`] at a field path; the loader turns it into a positioned error.

use super::load::closest;
use super::model::{Expect, Handler, IntegrationResponse, Map, MethodResponse, Scenario};

/// The Lambda runtime ids a scenario may name (the ones the lab models errors for).
pub const RUNTIMES: &[&str] = &[
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "python3.9",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "java17",
    "java21",
    "ruby3.3",
    "dotnet8",
    "provided.al2023",
];

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// One rule violation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Issue {
    pub path: Vec<String>,
    pub message: String,
    /// Byte index inside the string value where the problem is (a regex or template error).
    pub index: Option<usize>,
    /// The problem is the key (a mapping target), not the value: point there.
    pub at_key: bool,
}

#[derive(Default)]
struct Issues(Vec<Issue>);

impl Issues {
    fn add(&mut self, path: &[&str], message: impl Into<String>) {
        self.add_at(path, message, None);
    }

    fn add_at(&mut self, path: &[&str], message: impl Into<String>, index: Option<usize>) {
        self.0.push(Issue {
            path: path.iter().map(|s| s.to_string()).collect(),
            message: message.into(),
            index,
            at_key: false,
        });
    }

    fn add_at_key(&mut self, path: &[&str], message: impl Into<String>) {
        self.add(path, message);
        if let Some(last) = self.0.last_mut() {
            last.at_key = true;
        }
    }
}

/// Every rule the scenario breaks.
pub(crate) fn validate(s: &Scenario) -> Vec<Issue> {
    let mut out = Issues::default();
    if s.title.trim().is_empty() {
        out.add(
            &["title"],
            "give the scenario a title (it names it in lists and reports)",
        );
    }
    handler(&s.handler, &mut out);
    request(s, &mut out);
    integration(s, &mut out);
    if let Some(mrs) = &s.method_responses {
        method_responses(mrs, &mut out);
    }
    for (mode, e) in [
        ("custom", &s.expect.custom),
        ("proxy", &s.expect.proxy),
        ("http", &s.expect.http),
    ] {
        if let Some(e) = e {
            expect(mode, e, &mut out);
        }
    }
    out.0
}

fn handler(h: &Handler, out: &mut Issues) {
    let set: Vec<&str> = [
        h.code.as_ref().map(|_| "code"),
        h.returns.as_ref().map(|_| "returns"),
        h.throws.as_ref().map(|_| "throws"),
        h.fails.as_ref().map(|_| "fails"),
    ]
    .into_iter()
    .flatten()
    .collect();
    match set.as_slice() {
        [] => out.add(
            &["handler"],
            "say what the function does with exactly one of `code`, `returns`, \
             [handler.throws] or [handler.fails]",
        ),
        [_] => {}
        [first, second, ..] => out.add(
            &["handler", second],
            format!(
                "`{first}` already says what the function does; keep exactly one of `code`, \
                 `returns`, [handler.throws] or [handler.fails]"
            ),
        ),
    }
    if !RUNTIMES.contains(&h.runtime.as_str()) {
        let hint = closest(&h.runtime, RUNTIMES)
            .map(|r| format!(" Did you mean `{r}`?"))
            .unwrap_or_default();
        out.add(
            &["handler", "runtime"],
            format!(
                "`{}` is not a Lambda runtime the lab knows; use one of {}.{hint}",
                h.runtime,
                RUNTIMES.join(", ")
            ),
        );
    }
    if let Some(code) = &h.code {
        if !h.runtime.starts_with("nodejs") {
            out.add(
                &["handler", "code"],
                format!(
                    "`code` is JavaScript and runs only on a nodejs runtime, not {}; \
                     use `returns` or [handler.throws] to say what this function does",
                    h.runtime
                ),
            );
        } else if code.trim().is_empty() {
            out.add(&["handler", "code"], "the handler code is empty");
        }
    }
    if let Some(json) = &h.returns
        && let Err(e) = serde_json::from_str::<serde_json::Value>(json)
    {
        out.add_at(
            &["handler", "returns"],
            format!("not JSON: {}", json_error(&e)),
            json_error_index(json, &e),
        );
    }
    if !(1..=900).contains(&h.timeout) {
        out.add(
            &["handler", "timeout"],
            "a Lambda function's timeout is 1 to 900 seconds",
        );
    }
    if !(128..=10_240).contains(&h.memory_size) {
        out.add(
            &["handler", "memorySize"],
            "a Lambda function's memory is 128 to 10240 MB",
        );
    }
}

fn request(s: &Scenario, out: &mut Issues) {
    let r = &s.request;
    if !METHODS.contains(&r.method.as_str()) {
        out.add(
            &["request", "method"],
            format!(
                "`{}` is not an HTTP method; use one of {} (upper case)",
                r.method,
                METHODS.join(", ")
            ),
        );
    }
    if !r.path.starts_with('/') {
        out.add(&["request", "path"], "the request path starts with `/`");
    }
    for (name, _) in &r.headers {
        if !is_header_name(name) {
            out.add(
                &["request", "headers", name],
                "not a valid HTTP header name",
            );
        }
    }
    for (i, t) in s.api.binary_media_types.iter().enumerate() {
        if !t.contains('/') {
            out.add(
                &["api", "binaryMediaTypes"],
                format!(
                    "entry {} (`{t}`) is not a media type like `image/png`",
                    i + 1
                ),
            );
        }
    }
}

fn integration(s: &Scenario, out: &mut Issues) {
    let i = &s.integration;
    if !(50..=300_000).contains(&i.timeout_in_millis) {
        out.add(
            &["integration", "timeoutInMillis"],
            "an integration timeout is 50 to 29000 ms (raisable up to 300000 on request)",
        );
    }
    for (ct, src) in &i.request_templates {
        let path = ["integration", "requestTemplates", ct.as_str()];
        media_type_key(&path, ct, out);
        template(&path, src, out);
    }
    for (status, ir) in &i.integration_responses {
        let base = ["integration", "integrationResponses", status.as_str()];
        status_key(&base, status, out);
        integration_response(&base, ir, out);
        if let Some(mr) = s.method_responses.as_ref().and_then(|m| m.get(status)) {
            undeclared_headers(&base, ir, mr, out);
        }
    }
}

/// AWS refuses, when the integration response is written, a mapping to a header the method
/// response does not declare (semantics §4.2). Without `[methodResponses]` everything counts as
/// declared; a status missing from it fails at run time instead (as on AWS), so only a declared
/// status is checked here.
fn undeclared_headers(
    base: &[&str; 3],
    ir: &IntegrationResponse,
    mr: &MethodResponse,
    out: &mut Issues,
) {
    let status = base[2];
    for (target, _) in &ir.response_parameters {
        if mapping_target(target).is_err() || mr.response_parameters.contains_key(target) {
            continue;
        }
        out.add_at_key(
            &[base[0], base[1], status, "responseParameters", target],
            format!(
                "AWS rejects this mapping: \"Invalid mapping expression parameter specified: \
                 {target}\" (the method response {status} does not declare the header); \
                 declare it under [methodResponses.\"{status}\"] \
                 responseParameters = {{ \"{target}\" = false }}"
            ),
        );
    }
}

fn integration_response(base: &[&str; 3], ir: &IntegrationResponse, out: &mut Issues) {
    if let Some(pattern) = &ir.selection_pattern {
        selection_pattern(
            &[base[0], base[1], base[2], "selectionPattern"],
            pattern,
            out,
        );
    }
    for (ct, src) in &ir.response_templates {
        let path = [base[0], base[1], base[2], "responseTemplates", ct];
        media_type_key(&path, ct, out);
        template(&path, src, out);
    }
    for (target, source) in &ir.response_parameters {
        let path = [base[0], base[1], base[2], "responseParameters", target];
        if let Err(msg) = mapping_target(target) {
            out.add(&path, msg);
        } else if let Err(msg) = mapping_source(source) {
            out.add(&path, msg);
        }
    }
}

fn method_responses(mrs: &Map<MethodResponse>, out: &mut Issues) {
    for (status, mr) in mrs {
        status_key(&["methodResponses", status], status, out);
        for (target, _) in &mr.response_parameters {
            if let Err(msg) = mapping_target(target) {
                out.add(
                    &["methodResponses", status, "responseParameters", target],
                    msg,
                );
            }
        }
        for (ct, _) in &mr.response_models {
            media_type_key(&["methodResponses", status, "responseModels", ct], ct, out);
        }
    }
}

fn expect(mode: &str, e: &Expect, out: &mut Issues) {
    if let Some(code) = e.status_code
        && !(100..=599).contains(&code)
    {
        out.add(
            &["expect", mode, "statusCode"],
            "an HTTP status code is 100 to 599",
        );
    }
    if let Some(json) = &e.body_json
        && let Err(err) = serde_json::from_str::<serde_json::Value>(json)
    {
        out.add_at(
            &["expect", mode, "bodyJson"],
            format!("not JSON: {}", json_error(&err)),
            json_error_index(json, &err),
        );
    }
    if let Some(sel) = &e.selected
        && !sel.is_empty()
        && !is_status(sel)
    {
        out.add(
            &["expect", mode, "selected"],
            "the status code of an integration response (like \"500\"), or \"\" for none",
        );
    }
    if mode != "custom" {
        for (field, set) in [
            ("selected", e.selected.is_some()),
            ("selectionInput", e.selection_input.is_some()),
        ] {
            if set {
                out.add(
                    &["expect", mode, field],
                    format!(
                        "only a custom integration selects an integration response; \
                         move `{field}` to [expect.custom]"
                    ),
                );
            }
        }
    }
    for (name, _) in &e.headers {
        if !is_header_name(name) {
            out.add(
                &["expect", mode, "headers", name],
                "not a valid HTTP header name",
            );
        }
    }
}

/// A `selectionPattern` must compile as `java.util.regex` compiles it (AWS rejects the
/// integration response otherwise).
fn selection_pattern(path: &[&str], pattern: &str, out: &mut Issues) {
    if pattern.is_empty() {
        return;
    }
    if let Err(e) = crate::javaregex::JavaRegex::new(pattern) {
        // Java counts characters; the loader needs a byte index into the value.
        let index = e.index.map(|i| {
            pattern
                .char_indices()
                .nth(i)
                .map_or(pattern.len(), |(b, _)| b)
        });
        out.add_at(
            path,
            format!("not a valid Java regex: {}", lower_first(&e.description)),
            index,
        );
    }
}

/// A mapping template must parse as Velocity; the error points inside the template.
fn template(path: &[&str], src: &str, out: &mut Issues) {
    if let Err(e) = crate::vtl::Template::parse(src) {
        let mut message = format!("not a valid Velocity template: {}", e.message);
        if let Some(hint) = &e.hint {
            message.push_str(&format!(" ({hint})"));
        }
        out.add_at(path, message, byte_index(src, e.line, e.column));
    }
}

/// Byte index of a 1-based line and character column.
fn byte_index(src: &str, line: usize, column: usize) -> Option<usize> {
    let start: usize = src
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let text = src.get(start..)?.lines().next().unwrap_or("");
    let col = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    Some(start + col)
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn status_key(path: &[&str], key: &str, out: &mut Issues) {
    if !is_status(key) {
        out.add(
            path,
            format!("`{key}` is not a status code: use three digits from 100 to 599, like \"200\""),
        );
    }
}

fn is_status(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 3 && (b'1'..=b'5').contains(&b[0]) && b[1..].iter().all(u8::is_ascii_digit)
}

fn media_type_key(path: &[&str], key: &str, out: &mut Issues) {
    let ok = key
        .split_once('/')
        .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty() && !key.contains(char::is_whitespace));
    if !ok {
        out.add(
            path,
            format!("`{key}` is not a media type: templates are keyed like \"application/json\""),
        );
    }
}

/// `method.response.header.NAME`, the only target API Gateway allows (semantics §4.1).
fn mapping_target(target: &str) -> Result<(), String> {
    match target.strip_prefix("method.response.header.") {
        Some(name) if is_header_name(name) => Ok(()),
        Some(_) => Err(format!(
            "`{target}`: the header name after `method.response.header.` is not valid"
        )),
        None => Err(format!(
            "`{target}` is not a mapping target: response parameters map to \
             `method.response.header.<name>`"
        )),
    }
}

/// The mapping sources API Gateway accepts (semantics §4.1).
fn mapping_source(source: &str) -> Result<(), String> {
    if source.starts_with('\'') {
        return if source.len() >= 2 && source.ends_with('\'') {
            Ok(())
        } else {
            Err(format!(
                "`{source}`: a static value is enclosed in single quotes, like \"'true'\""
            ))
        };
    }
    const PREFIXES: &[&str] = &[
        "integration.response.header.",
        "integration.response.multivalueheader.",
        "integration.response.body.",
        "stageVariables.",
        "context.",
    ];
    let named = PREFIXES
        .iter()
        .any(|p| source.strip_prefix(p).is_some_and(|rest| !rest.is_empty()));
    if named || source == "integration.response.body" {
        Ok(())
    } else {
        Err(format!(
            "`{source}` is not a mapping expression: use a static value in single quotes \
             (\"'true'\"), integration.response.header.<name>, integration.response.body, \
             integration.response.body.<JSONPath without $.>, stageVariables.<name> or \
             context.<name>"
        ))
    }
}

/// RFC 9110 token characters.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json appends " at line L column C": the position is given as ours instead.
    let text = match text.rfind(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    match text {
        "expected ident" | "expected value" => {
            "expected a JSON value here (text needs double quotes; true, false, null are lower case)"
                .into()
        }
        "key must be a string" => "keys need double quotes in JSON".into(),
        _ => text.to_string(),
    }
}

/// Byte index in `json` of serde_json's (line, column) error position.
fn json_error_index(json: &str, e: &serde_json::Error) -> Option<usize> {
    if e.line() == 0 {
        return None;
    }
    let line_start: usize = json
        .split_inclusive('\n')
        .take(e.line() - 1)
        .map(str::len)
        .sum();
    let line = json[line_start..].lines().next().unwrap_or("");
    let col = line
        .char_indices()
        .nth(e.column().saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    Some(line_start + col)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues(text: &str) -> Vec<String> {
        let s: Scenario = toml::from_str(text).unwrap();
        validate(&s)
            .into_iter()
            .map(|i| format!("{}: {}", i.path.join("."), i.message))
            .collect()
    }

    #[test]
    fn exactly_one_behaviour() {
        let none = issues("title = 't'\n[handler]\n");
        assert!(
            none[0].starts_with("handler: say what the function does"),
            "{none:?}"
        );
        let two =
            issues("title = 't'\n[handler]\nreturns = '1'\n[handler.throws]\nerrorMessage = 'x'\n");
        assert!(
            two[0].starts_with("handler.throws: `returns` already says"),
            "{two:?}"
        );
    }

    #[test]
    fn runtime_ids_are_checked_with_a_suggestion() {
        let v = issues("title = 't'\n[handler]\nruntime = 'nodejs20'\nreturns = '1'\n");
        assert!(v[0].contains("Did you mean `nodejs20.x`?"), "{v:?}");
        let v = issues("title = 't'\n[handler]\nruntime = 'python3.12'\ncode = 'x'\n");
        assert!(
            v[0].starts_with("handler.code: `code` is JavaScript"),
            "{v:?}"
        );
    }

    #[test]
    fn returns_must_be_json() {
        let v = issues("title = 't'\n[handler]\nreturns = '{\"a\": }'\n");
        assert!(
            v[0].starts_with("handler.returns: not JSON: expected a JSON value"),
            "{v:?}"
        );
    }

    #[test]
    fn status_keys_are_three_digits() {
        let v = issues(
            "title = 't'\n[handler]\nreturns = '1'\n[integration.integrationResponses.\"2xx\"]\n[methodResponses.\"600\"]\n",
        );
        assert_eq!(v.len(), 2, "{v:?}");
        assert!(
            v[0].starts_with("integration.integrationResponses.2xx: `2xx` is not a status code")
        );
        assert!(v[1].starts_with("methodResponses.600:"));
    }

    #[test]
    fn mapping_an_undeclared_header_is_rejected_only_with_method_responses() {
        let base = "title = 't'\n[handler]\nreturns = '1'\n\
                    [integration.integrationResponses.\"200\"]\n\
                    responseParameters = { \"method.response.header.X-A\" = \"'v'\" }\n";
        assert_eq!(issues(base), Vec::<String>::new());
        let v = issues(&format!("{base}[methodResponses.\"200\"]\n"));
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(
            v[0].starts_with(
                "integration.integrationResponses.200.responseParameters.method.response.header.X-A: \
                 AWS rejects this mapping: \"Invalid mapping expression parameter specified: \
                 method.response.header.X-A\""
            ),
            "{v:?}"
        );
        assert!(v[0].contains("[methodResponses.\"200\"]"), "{v:?}");
        let declared = format!(
            "{base}[methodResponses.\"200\"]\n\
             responseParameters = {{ \"method.response.header.X-A\" = false }}\n"
        );
        assert_eq!(issues(&declared), Vec::<String>::new());
        // A status the method responses lack fails at run time, not here.
        assert_eq!(
            issues(&format!("{base}[methodResponses.\"500\"]\n")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn mapping_expressions() {
        assert!(mapping_target("method.response.header.X-Error").is_ok());
        assert!(mapping_target("method.response.body").is_err());
        assert!(mapping_source("'true'").is_ok());
        assert!(mapping_source("'true").is_err());
        assert!(mapping_source("integration.response.body").is_ok());
        assert!(mapping_source("integration.response.body.errorMessage.trace").is_ok());
        assert!(mapping_source("integration.response.header.x-amzn-RequestId").is_ok());
        assert!(mapping_source("true").is_err());
        assert!(mapping_source("integration.response.header.").is_err());
    }

    #[test]
    fn selection_expectations_belong_to_custom() {
        let v = issues("title = 't'\n[handler]\nreturns = '1'\n[expect.proxy]\nselected = '200'\n");
        assert!(
            v[0].starts_with("expect.proxy.selected: only a custom integration"),
            "{v:?}"
        );
    }

    #[test]
    fn selection_patterns_compile_as_java_regexes() {
        let v = issues(
            "title = 't'\n[handler]\nreturns = '1'\n[integration.integrationResponses.\"500\"]\nselectionPattern = '^(Internal'\n",
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(
            v[0].starts_with("integration.integrationResponses.500.selectionPattern: not a valid Java regex: unclosed group"),
            "{v:?}"
        );
    }

    #[test]
    fn templates_parse_as_velocity() {
        let v = issues(
            "title = 't'\n[handler]\nreturns = '1'\n[integration.integrationResponses.\"200\"]\nresponseTemplates = { \"application/json\" = '#if($x)' }\n",
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("not a valid Velocity template:"), "{v:?}");
    }

    #[test]
    fn template_positions_are_byte_indexes() {
        assert_eq!(byte_index("ab\ncd", 2, 2), Some(4));
        assert_eq!(byte_index("é$x", 1, 2), Some(2));
    }

    #[test]
    fn json_positions_are_byte_indexes() {
        let json = "{\n  \"a\": x}";
        let e = serde_json::from_str::<serde_json::Value>(json).unwrap_err();
        assert_eq!(&json[json_error_index(json, &e).unwrap()..], "x}");
    }
}
