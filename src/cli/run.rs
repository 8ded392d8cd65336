//! `apigw-lab run FILE`: evaluate a scenario and print every mode's log and response.

use std::path::Path;

use super::args::{Format, ModeArg};
use super::out::{BOLD, CYAN, DIM, GREEN, RED, Term, YELLOW, paint};
use super::{Exit, load};
use crate::trace::{Body, Evaluation, Mode, ModeResult};

pub fn run(file: &Path, format: Format, mode: Option<ModeArg>, term: &Term) -> Exit {
    let Some(scenario) = load(file, term) else {
        return Exit::Invalid;
    };
    let evaluation = crate::evaluate(&scenario);
    let modes = modes(&evaluation, mode);
    match format {
        Format::Json => json(&evaluation, &modes, term),
        Format::Text => {
            term.styled(BOLD, &scenario.title);
            for m in modes {
                term.line("");
                text(evaluation.mode(m), m == evaluation.focus, term);
            }
        }
    }
    Exit::Ok
}

/// The modes to show: one when asked, else all three with the scenario's own first.
fn modes(evaluation: &Evaluation, only: Option<ModeArg>) -> Vec<Mode> {
    match only {
        Some(m) => vec![m.into()],
        None => {
            let mut all = vec![evaluation.focus];
            all.extend(Mode::ALL.into_iter().filter(|m| *m != evaluation.focus));
            all
        }
    }
}

/// The contract JSON (all three modes, or the one asked for, under its key).
fn json(evaluation: &Evaluation, modes: &[Mode], term: &Term) {
    let mut value = crate::gateway::contract_json(evaluation);
    if modes.len() == 1
        && let Some(obj) = value.as_object_mut()
    {
        obj.retain(|k, _| k == modes[0].key());
    }
    let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
    term.line(&text);
}

fn text(result: &ModeResult, focus: bool, term: &Term) {
    let title = format!("── {} · {} ", result.mode.label(), describe(result.mode));
    let title = if focus {
        format!("{title}(the scenario's integration) ")
    } else {
        title
    };
    term.styled(CYAN.bold(), &format!("{title:─<78}"));
    for line in &result.log {
        term.styled(log_style(line), line);
    }
    response(result, term);
}

/// Console lines dim; the lab's own explanations (`[lab] …`) stand out, UNCONFIRMED ones most.
fn log_style(line: &str) -> anstyle::Style {
    match line.strip_prefix("[lab] ") {
        Some(rest) if rest.starts_with("UNCONFIRMED") => YELLOW,
        Some(_) => CYAN,
        None => DIM,
    }
}

fn describe(mode: Mode) -> &'static str {
    match mode {
        Mode::Custom => "REST API, Lambda custom integration (AWS)",
        Mode::Proxy => "REST API, Lambda proxy integration (AWS_PROXY)",
        Mode::Http => "HTTP API, Lambda integration (payload 2.0)",
    }
}

fn response(result: &ModeResult, term: &Term) {
    let r = &result.response;
    let style = match r.status {
        200..=299 => GREEN,
        400..=499 => YELLOW,
        _ => RED,
    };
    term.line("");
    term.styled(
        style.bold(),
        &format!("HTTP {} {}", r.status, reason(r.status)),
    );
    for (name, value) in &r.headers {
        term.line(&format!("{}: {value}", paint(BOLD, name)));
    }
    term.line("");
    match &r.body {
        Body::Text(t) => term.line(t),
        Body::Binary(bytes) => {
            use base64::Engine as _;
            term.styled(
                DIM,
                &format!("({} bytes of binary body, as base64:)", bytes.len()),
            );
            term.line(&base64::engine::general_purpose::STANDARD.encode(bytes));
        }
    }
}

/// The reason phrase sent with a status.
pub fn reason(status: u16) -> &'static str {
    crate::trace::reason_phrase(status)
}
