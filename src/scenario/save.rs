//! Writing scenarios: TOML that loads back equal, laid out as the spec's examples (same key
//! order, one table per integration response), with regexes, templates, code and JSON kept as
//! literal strings so that they read exactly as typed.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use super::model::*;

/// The scenario as a TOML document (format 1).
pub fn to_toml(s: &Scenario) -> String {
    let mut w = Writer::default();
    w.field("title", &text(&s.title));
    if !s.description.is_empty() {
        w.field("description", &text(&s.description));
    }
    handler(&mut w, &s.handler);
    request(&mut w, &s.request);
    api(&mut w, &s.api);
    integration(&mut w, &s.integration);
    if let Some(mrs) = &s.method_responses {
        if mrs.is_empty() {
            w.table("methodResponses");
        }
        for (status, mr) in mrs {
            w.table(&format!("methodResponses.{}", key(status)));
            if !mr.response_parameters.is_empty() {
                let map = inline(&mr.response_parameters, |b| b.to_string());
                w.field("responseParameters", &map);
            }
            w.map("responseModels", &mr.response_models, raw);
        }
    }
    for (mode, e) in [
        ("custom", &s.expect.custom),
        ("proxy", &s.expect.proxy),
        ("http", &s.expect.http),
    ] {
        if let Some(e) = e {
            expect(&mut w, mode, e);
        }
    }
    if let Some(lesson) = &s.lesson {
        w.table("lesson");
        w.list("hints", &lesson.hints, text);
    }
    w.out
}

/// Writes the scenario to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over the target, so that a crash never leaves a half-written scenario.
/// Saving over an existing scenario keeps its comments and layout (see [`update_toml`]).
///
/// [`update_toml`]: super::update_toml
pub fn save(path: &Path, scenario: &Scenario) -> std::io::Result<()> {
    let text = match std::fs::read_to_string(path) {
        Ok(old) => super::update::update_toml(&old, scenario),
        Err(_) => to_toml(scenario),
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the path names no file"))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable; not every platform can open a directory.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    let result = write();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn handler(w: &mut Writer, h: &Handler) {
    w.table("handler");
    w.field("runtime", &text(&h.runtime));
    if h.timeout != 3 {
        w.field("timeout", &h.timeout.to_string());
    }
    if h.memory_size != 128 {
        w.field("memorySize", &h.memory_size.to_string());
    }
    if let Some(code) = &h.code {
        w.field("code", &raw(code));
    }
    if let Some(json) = &h.returns {
        w.field("returns", &raw(json));
    }
    if let Some(t) = &h.throws {
        w.table("handler.throws");
        if let Some(ty) = &t.error_type {
            w.field("errorType", &text(ty));
        }
        w.field("errorMessage", &raw(&t.error_message));
    }
    if let Some(f) = &h.fails {
        w.table("handler.fails");
        let kind = match f.kind {
            FailKind::Timeout => "timeout",
            FailKind::OutOfMemory => "out-of-memory",
            FailKind::ResponseTooLarge => "response-too-large",
        };
        w.field("kind", &text(kind));
    }
}

fn request(w: &mut Writer, r: &Request) {
    if *r == Request::default() {
        return;
    }
    w.table("request");
    w.field("method", &text(&r.method));
    w.field("path", &text(&r.path));
    w.map("headers", &r.headers, text);
    w.map("query", &r.query, text);
    if !r.body.is_empty() {
        w.field("body", &raw(&r.body));
    }
}

fn api(w: &mut Writer, a: &Api) {
    if *a == Api::default() {
        return;
    }
    w.table("api");
    w.list("binaryMediaTypes", &a.binary_media_types, text);
    w.map("stageVariables", &a.stage_variables, text);
}

fn integration(w: &mut Writer, i: &Integration) {
    let defaults = Integration::default();
    let plain = Integration {
        integration_responses: Map::new(),
        ..i.clone()
    };
    if plain != defaults {
        w.table("integration");
        w.field("type", &text(&enum_name(&i.kind)));
        if i.passthrough_behavior != defaults.passthrough_behavior {
            w.field(
                "passthroughBehavior",
                &text(&enum_name(&i.passthrough_behavior)),
            );
        }
        w.map("requestTemplates", &i.request_templates, raw);
        if i.timeout_in_millis != defaults.timeout_in_millis {
            w.field("timeoutInMillis", &i.timeout_in_millis.to_string());
        }
        if let Some(ch) = &i.content_handling {
            w.field("contentHandling", &text(&enum_name(ch)));
        }
    }
    for (status, ir) in &i.integration_responses {
        w.table(&format!("integration.integrationResponses.{}", key(status)));
        if let Some(p) = &ir.selection_pattern {
            w.field("selectionPattern", &raw(p));
        }
        w.map("responseTemplates", &ir.response_templates, raw);
        w.map("responseParameters", &ir.response_parameters, text);
        if let Some(ch) = &ir.content_handling {
            w.field("contentHandling", &text(&enum_name(ch)));
        }
    }
}

fn expect(w: &mut Writer, mode: &str, e: &Expect) {
    w.table(&format!("expect.{mode}"));
    if let Some(code) = e.status_code {
        w.field("statusCode", &code.to_string());
    }
    if let Some(body) = &e.body {
        w.field("body", &raw(body));
    }
    if let Some(json) = &e.body_json {
        w.field("bodyJson", &raw(json));
    }
    if let Some(enc) = e.body_encoding {
        w.field("bodyEncoding", &text(enc.name()));
    }
    w.list("bodyContains", &e.body_contains, raw);
    w.map("headers", &e.headers, text);
    if let Some(sel) = &e.selected {
        w.field("selected", &text(sel));
    }
    if let Some(input) = &e.selection_input {
        w.field("selectionInput", &raw(input));
    }
    w.list("logContains", &e.log_contains, text);
}

/// The serde name of a unit enum variant (`AWS_PROXY`, `WHEN_NO_MATCH`, ...).
fn enum_name<T: serde::Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn table(&mut self, header: &str) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        let _ = writeln!(self.out, "[{header}]");
    }

    fn field(&mut self, name: &str, value: &str) {
        let _ = writeln!(self.out, "{name} = {value}");
    }

    fn map(&mut self, name: &str, map: &Map<String>, show: fn(&str) -> String) {
        if !map.is_empty() {
            self.field(name, &inline(map, |v| show(v)));
        }
    }

    fn list(&mut self, name: &str, items: &[String], show: fn(&str) -> String) {
        if items.is_empty() {
            return;
        }
        let shown: Vec<String> = items.iter().map(|s| show(s)).collect();
        let one_line = format!("[{}]", shown.join(", "));
        if one_line.len() + name.len() <= 96 && !one_line.contains('\n') {
            self.field(name, &one_line);
        } else {
            let mut v = String::from("[\n");
            for s in shown {
                let _ = writeln!(v, "    {s},");
            }
            v.push(']');
            self.field(name, &v);
        }
    }
}

fn inline<V>(map: &Map<V>, show: impl Fn(&V) -> String) -> String {
    let entries: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{} = {}", key(k), show(v)))
        .collect();
    format!("{{ {} }}", entries.join(", "))
}

/// A key: bare when TOML allows it and it is not a number (status codes are quoted as in the
/// spec), else a basic string.
fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !k.chars().all(|c| c.is_ascii_digit());
    if bare { k.to_string() } else { basic(k) }
}

/// Prose and names: `"…"` unless that would need escapes a literal string avoids.
fn text(s: &str) -> String {
    if s.contains('\n') {
        return multi_line(s);
    }
    if (s.contains('"') || s.contains('\\')) && literal_ok(s, false) && !s.contains('\'') {
        return format!("'{s}'");
    }
    basic(s)
}

/// Regexes, templates, code, JSON: literal strings (exactly as typed) whenever TOML allows.
fn raw(s: &str) -> String {
    if s.contains('\n') {
        return multi_line(s);
    }
    if literal_ok(s, false) {
        if !s.contains('\'') {
            return format!("'{s}'");
        }
        if !s.contains("'''") && !s.ends_with('\'') && !s.starts_with('\'') {
            return format!("'''{s}'''");
        }
    }
    basic(s)
}

fn multi_line(s: &str) -> String {
    if literal_ok(s, true) && !s.contains("'''") && !s.ends_with('\'') {
        // The newline after the opening quotes is not part of the value.
        format!("'''\n{s}'''")
    } else {
        basic(s)
    }
}

/// Whether a literal string can hold `s` verbatim (no control characters but tab, no CR).
fn literal_ok(s: &str, multi_line: bool) -> bool {
    s.chars()
        .all(|c| c == '\t' || (multi_line && c == '\n') || !(c < ' ' || c == '\u{7f}'))
}

/// A basic string with every escape TOML needs.
fn basic(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c < ' ' || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    const SPEC_LIKE: &str = r#"title = "Throwing still returns 200"
description = '''
A "thrown" error.
'''

[handler]
runtime = "nodejs20.x"
code = '''
exports.handler = async (event) => {
  throw new Error('Internal Error - Intentionally throw this error');
};
'''

[integration.integrationResponses."200"]

[integration.integrationResponses."500"]
selectionPattern = '^Internal Error.*'
responseTemplates = { "application/json" = '''{"message": "$util.escapeJavaScript($input.path('$.errorMessage'))"}''' }
responseParameters = { "method.response.header.X-Error" = "'true'" }

[methodResponses."200"]

[methodResponses."500"]
responseParameters = { "method.response.header.X-Error" = false }

[expect.custom]
statusCode = 500
bodyContains = ['"errorType":"Error"']
headers = { X-Error = "true" }
selected = "500"
logContains = ["Method completed with status: 500"]
"#;

    #[test]
    fn writes_the_spec_layout() {
        let s = parse(SPEC_LIKE, "s.toml").unwrap();
        assert_eq!(to_toml(&s), SPEC_LIKE);
    }

    #[test]
    fn strings_choose_the_readable_quoting() {
        assert_eq!(raw("^Internal Error.*"), "'^Internal Error.*'");
        assert_eq!(raw("It's"), "'''It's'''");
        assert_eq!(raw("ends'"), "\"ends'\"");
        assert_eq!(raw("a\r\nb"), "\"a\\r\\nb\"");
        assert_eq!(raw("x'''y"), "\"x'''y\"");
        assert_eq!(text("plain"), "\"plain\"");
        assert_eq!(text("say \"hi\""), "'say \"hi\"'");
        assert_eq!(key("500"), "\"500\"");
        assert_eq!(key("X-Error"), "X-Error");
        assert_eq!(key("application/json"), "\"application/json\"");
    }

    #[test]
    fn awkward_values_round_trip() {
        let mut s = parse("title = 't'\n[handler]\nreturns = '1'\n", "s").unwrap();
        s.title = "\u{7f}\t\"'\\ é".into();
        s.description = "line\n'''\n".into();
        s.handler.returns = Some("\"'x'\"".into());
        s.request.headers.insert("".into(), "\u{1}".into());
        s.method_responses = Some(Map::new());
        s.lesson = Some(Lesson::default());
        s.expect.http = Some(Expect::default());
        let back = parse(&to_toml(&s), "s");
        // Validation rejects the empty header name; the text itself must still parse back.
        assert!(back.is_err());
        let doc: Scenario = toml::from_str(&to_toml(&s)).unwrap();
        assert_eq!(doc, s);
    }

    #[test]
    fn save_is_atomic_and_leaves_no_temp_file() {
        let dir = std::env::temp_dir().join(format!("apigw-lab-save-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.toml");
        let s = parse(SPEC_LIKE, "s.toml").unwrap();
        save(&path, &s).unwrap();
        save(&path, &s).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), SPEC_LIKE);
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["s.toml"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
