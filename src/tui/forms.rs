//! The plain-text forms the editors show for structured parts of a scenario (the request, method
//! responses, response parameters), and their parsers. Parse errors carry the line (0-based) so
//! the editor can mark where the problem is.

use crate::scenario::{Map, MethodResponse, Request};

/// A problem in an editor's text, at a line and column (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

fn err(line: usize, column: usize, message: impl Into<String>) -> FormError {
    FormError {
        line,
        column,
        message: message.into(),
    }
}

/// `METHOD PATH?query`, header lines, a blank line, then the body (like an HTTP request).
pub fn request_text(r: &Request) -> String {
    let mut out = format!("{} {}", r.method, r.path);
    for (i, (k, v)) in r.query.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out.push('\n');
    for (k, v) in &r.headers {
        out.push_str(&format!("{k}: {v}\n"));
    }
    out.push('\n');
    out.push_str(&r.body);
    out
}

pub fn parse_request(lines: &[String]) -> Result<Request, FormError> {
    let first = lines.first().map(String::as_str).unwrap_or("").trim();
    let (method, target) = first.split_once(' ').ok_or_else(|| {
        err(
            0,
            0,
            "the first line is `METHOD /path?query`, e.g. `GET /hello`",
        )
    })?;
    let target = target.trim();
    if method.is_empty() || !method.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(err(0, 0, format!("`{method}` is not an HTTP method")));
    }
    if !target.starts_with('/') {
        return Err(err(0, method.len() + 1, "the path must start with `/`"));
    }
    let (path, query_text) = target.split_once('?').unwrap_or((target, ""));
    let mut query = Map::new();
    for pair in query_text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        query.insert(k.to_string(), v.to_string());
    }
    let mut headers = Map::new();
    let mut body_start = lines.len();
    for (i, line) in lines.iter().enumerate().skip(1) {
        if line.trim().is_empty() {
            body_start = i + 1;
            break;
        }
        let (k, v) = line.split_once(':').ok_or_else(|| {
            err(
                i,
                0,
                "a header line is `Name: value` (a blank line starts the body)",
            )
        })?;
        if k.trim().is_empty() || k.trim().contains(' ') {
            return Err(err(i, 0, format!("`{}` is not a header name", k.trim())));
        }
        headers.insert(k.trim().to_string(), v.trim().to_string());
    }
    let body = lines.get(body_start..).unwrap_or(&[]).join("\n");
    Ok(Request {
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        headers,
        query,
        body,
    })
}

/// One line per declared status: `500 method.response.header.X-Error=false application/json=Empty`.
pub fn method_responses_text(m: &Option<Map<MethodResponse>>) -> String {
    let Some(m) = m else { return String::new() };
    let mut out = String::new();
    for (status, mr) in m {
        out.push_str(status);
        for (k, v) in &mr.response_parameters {
            out.push_str(&format!(" {k}={v}"));
        }
        for (k, v) in &mr.response_models {
            out.push_str(&format!(" {k}={v}"));
        }
        out.push('\n');
    }
    out
}

/// Empty text means "no `[methodResponses]`": every integration response status counts as declared.
pub fn parse_method_responses(lines: &[String]) -> Result<Option<Map<MethodResponse>>, FormError> {
    if lines.iter().all(|l| l.trim().is_empty()) {
        return Ok(None);
    }
    let mut out = Map::new();
    for (i, line) in lines.iter().enumerate() {
        let mut words = line.split_whitespace();
        let Some(status) = words.next() else { continue };
        if status.len() != 3 || !status.chars().all(|c| c.is_ascii_digit()) {
            return Err(err(
                i,
                0,
                format!("`{status}` is not a status code (three digits)"),
            ));
        }
        let mut mr = MethodResponse::default();
        for word in words {
            let col = line.find(word).unwrap_or(0);
            let (k, v) = word
                .split_once('=')
                .ok_or_else(|| err(i, col, format!("`{word}`: write `name=value`")))?;
            if k.starts_with("method.response.") {
                let required = match v {
                    "true" => true,
                    "false" => false,
                    _ => return Err(err(i, col, format!("`{k}` takes true or false, not `{v}`"))),
                };
                mr.response_parameters.insert(k.to_string(), required);
            } else if k.contains('/') {
                mr.response_models.insert(k.to_string(), v.to_string());
            } else {
                return Err(err(
                    i,
                    col,
                    format!(
                        "`{k}`: expected `method.response.header.NAME=true|false` or `media/type=Model`"
                    ),
                ));
            }
        }
        out.insert(status.to_string(), mr);
    }
    Ok(Some(out))
}

/// `method.response.header.X = 'value'`, one per line.
pub fn parameters_text(p: &Map<String>) -> String {
    p.iter()
        .map(|(k, v)| format!("{k} = {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn parse_parameters(lines: &[String]) -> Result<Map<String>, FormError> {
    let mut out = Map::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (k, v) = line.split_once('=').ok_or_else(|| {
            err(
                i,
                0,
                "write `method.response.header.NAME = 'value'` or `= integration.response.body.x`",
            )
        })?;
        let (k, v) = (k.trim(), v.trim());
        if !k.starts_with("method.response.") {
            return Err(err(
                i,
                0,
                format!("`{k}`: the target starts with `method.response.header.`"),
            ));
        }
        if v.is_empty() {
            return Err(err(
                i,
                line.len(),
                "the source is missing: a 'static value' or integration.response.…",
            ));
        }
        out.insert(k.to_string(), v.to_string());
    }
    Ok(out)
}

/// Where serde_json says JSON text is wrong, as a form error.
pub fn check_json(text: &str) -> Result<(), FormError> {
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => Ok(()),
        Err(e) => Err(err(
            e.line().saturating_sub(1),
            e.column().saturating_sub(1),
            format!("JSON: {e}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<String> {
        s.split('\n').map(String::from).collect()
    }

    #[test]
    fn request_round_trips() {
        let mut r = Request {
            method: "POST".into(),
            path: "/pets".into(),
            ..Request::default()
        };
        r.query.insert("name".into(), "Ann".into());
        r.query.insert("x".into(), "1".into());
        r.headers.insert("Accept".into(), "application/json".into());
        r.body = "{\n  \"a\": 1\n}".into();
        let text = request_text(&r);
        assert_eq!(
            text,
            "POST /pets?name=Ann&x=1\nAccept: application/json\n\n{\n  \"a\": 1\n}"
        );
        assert_eq!(parse_request(&lines(&text)).unwrap(), r);
        let d = Request::default();
        assert_eq!(parse_request(&lines(&request_text(&d))).unwrap(), d);
    }

    #[test]
    fn request_errors_point_at_the_line() {
        let e = parse_request(&lines("GET /x\nAccept application/json\n")).unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse_request(&lines("GET x")).unwrap_err();
        assert_eq!((e.line, e.column), (0, 4));
        assert!(parse_request(&lines("")).is_err());
    }

    #[test]
    fn method_responses_round_trip_and_empty_means_absent() {
        let text = "200\n500 method.response.header.X-Error=false application/json=Empty\n";
        let m = parse_method_responses(&lines(text)).unwrap();
        assert_eq!(method_responses_text(&m), text);
        assert_eq!(parse_method_responses(&lines("\n")).unwrap(), None);
        let e = parse_method_responses(&lines("200\n5000")).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(parse_method_responses(&lines("200 method.response.header.X=maybe")).is_err());
    }

    #[test]
    fn parameters_round_trip() {
        let text = "method.response.header.X-Error = 'true'\nmethod.response.header.Y = integration.response.body.a";
        let p = parse_parameters(&lines(text)).unwrap();
        assert_eq!(p["method.response.header.X-Error"], "'true'");
        assert_eq!(parameters_text(&p), text);
        assert!(parse_parameters(&lines("X-Error = 'true'")).is_err());
    }

    #[test]
    fn json_errors_have_positions() {
        let e = check_json("{\n  \"a\": ,\n}").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(check_json(r#"{"statusCode": 400}"#).is_ok());
    }
}
