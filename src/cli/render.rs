//! `apigw-lab render TEMPLATE`: a response mapping template rendered as API Gateway would, the
//! output raw on stdout (nothing added, so it can be piped or diffed).

use std::io::Read;
use std::path::Path;

use super::Exit;
use super::out::Term;
use crate::scenario::Map;
use crate::vtl::{Env, RenderOptions, Template, VtlError};

pub fn render(
    template: &Path,
    payload: Option<&Path>,
    request: Option<&Path>,
    term: &Term,
) -> Exit {
    match render_to_string(template, payload, request) {
        Ok((output, warnings)) => {
            term.raw(&output);
            for w in warnings {
                term.error(&format!("warning: {w}"));
            }
            Exit::Ok
        }
        Err(message) => {
            term.error(&message);
            Exit::Invalid
        }
    }
}

fn render_to_string(
    template: &Path,
    payload: Option<&Path>,
    request: Option<&Path>,
) -> Result<(String, Vec<String>), String> {
    let name = template.display().to_string();
    let src = read(template)?;
    let mut env = match request {
        Some(path) => request_env(path)?,
        None => Env::default(),
    };
    env.body = match payload {
        Some(path) => read(path)?,
        None => String::new(),
    };
    let t = Template::parse(&src).map_err(|e| located(&name, &src, &e))?;
    let rendered = crate::vtl::render(&t, &env, &RenderOptions::default())
        .map_err(|e| located(&name, &src, &e))?;
    Ok((rendered.output, rendered.warnings))
}

/// A file's text, or standard input for `-`.
fn read(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("standard input: {e}"))?;
        return Ok(s);
    }
    crate::scenario::read_text(path).map_err(|e| e.to_string())
}

/// `template.vtl:3:5: message`, the line, a caret under the column, and the hint.
fn located(name: &str, src: &str, e: &VtlError) -> String {
    let mut out = format!("{name}:{}:{}: {}", e.line, e.column, e.message);
    if let Some(line) = src.lines().nth(e.line.saturating_sub(1)) {
        let gutter = e.line.to_string();
        let pad = " ".repeat(gutter.len());
        let before: String = line
            .chars()
            .take(e.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        out.push_str(&format!("\n{pad} |\n{gutter} | {line}\n{pad} | {before}^"));
    }
    if let Some(hint) = &e.hint {
        out.push_str(&format!(
            "\n{} = hint: {hint}",
            " ".repeat(e.line.to_string().len())
        ));
    }
    out
}

/// The method request as `$input.params()`, `$stageVariables` and `$context` see it:
/// `{"path": {..}, "querystring": {..}, "header": {..}, "stageVariables": {..}, "context": {..}}`.
fn request_env(path: &Path) -> Result<Env, String> {
    let name = path.display().to_string();
    let text = read(path)?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{name}: not JSON: {e}"))?;
    let Some(obj) = value.as_object() else {
        return Err(format!(
            "{name}: the request is a JSON object, like {{\"querystring\": {{\"name\": \"Ann\"}}}}"
        ));
    };
    let mut env = Env::default();
    for (key, v) in obj {
        match key.as_str() {
            "path" => env.path_params = strings(&name, key, v)?,
            "querystring" => env.query_params = strings(&name, key, v)?,
            "header" => env.header_params = strings(&name, key, v)?,
            "stageVariables" => env.stage_variables = strings(&name, key, v)?,
            "context" if v.is_object() => env.context = v.clone(),
            "context" => return Err(format!("{name}: context: a JSON object of $context fields")),
            _ => {
                return Err(format!(
                    "{name}: {key}: unknown member; the request has path, querystring, header, \
                     stageVariables and context"
                ));
            }
        }
    }
    Ok(env)
}

fn strings(file: &str, key: &str, v: &serde_json::Value) -> Result<Map<String>, String> {
    let err = || format!("{file}: {key}: an object of strings, like {{\"name\": \"Ann\"}}");
    let obj = v.as_object().ok_or_else(err)?;
    obj.iter()
        .map(|(k, v)| Ok((k.clone(), v.as_str().ok_or_else(err)?.to_string())))
        .collect()
}
