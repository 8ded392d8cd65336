//! `apigw-lab check FILE|DIR...`: evaluate scenarios and report every expectation that fails.

use std::path::{Path, PathBuf};

use super::Exit;
use super::out::{GREEN, RED, Term, YELLOW, paint};
use crate::scenario::{self, ExpectFailure};

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    invalid: usize,
    unchecked: usize,
    internal: usize,
    failures: usize,
}

pub fn check(paths: &[PathBuf], term: &Term) -> Exit {
    let mut tally = Tally::default();
    for path in paths {
        let files = match scenario_files(path) {
            Ok(files) => files,
            Err(message) => {
                term.error(&format!("{}: {message}", path.display()));
                tally.invalid += 1;
                continue;
            }
        };
        for file in files {
            check_file(&file, term, &mut tally);
        }
    }
    summary(&tally, term);
    if tally.invalid > 0 {
        Exit::Invalid
    } else if tally.internal > 0 {
        Exit::Internal
    } else if tally.failed > 0 {
        Exit::Failed
    } else {
        Exit::Ok
    }
}

fn check_file(file: &Path, term: &Term, tally: &mut Tally) {
    let name = file.display().to_string();
    let text = match scenario::read_text(file) {
        Ok(t) => t,
        Err(e) => {
            term.error(&e.to_string());
            tally.invalid += 1;
            return;
        }
    };
    let s = match scenario::parse(&text, &name) {
        Ok(s) => s,
        Err(e) => {
            term.error(&e.render_with_source(&text));
            tally.invalid += 1;
            return;
        }
    };
    if s.expect.is_empty() {
        term.line(&format!(
            "{} {name}: no [expect.*] tables",
            paint(YELLOW, "skip")
        ));
        tally.unchecked += 1;
        return;
    }
    // One scenario that trips a bug in the lab must not hide the others' results.
    let Ok(failures) = std::panic::catch_unwind(|| scenario::check(&s, &crate::evaluate(&s)))
    else {
        tally.internal += 1;
        return;
    };
    if failures.is_empty() {
        term.line(&format!("{} {name}", paint(GREEN, "ok  ")));
        tally.passed += 1;
        return;
    }
    // A lesson starts failing: the learner's edits make it pass.
    let lesson = if s.lesson.is_some() {
        " (a lesson, not solved yet)"
    } else {
        ""
    };
    term.line(&format!(
        "{} {name}: {}{lesson}",
        paint(RED.bold(), "FAIL"),
        s.title
    ));
    for f in &failures {
        term.line(&format!("  {}", located(&name, &text, f)));
    }
    tally.failed += 1;
    tally.failures += failures.len();
}

/// `file:line:col: expect.custom.statusCode: want 500, got 200`.
fn located(name: &str, text: &str, f: &ExpectFailure) -> String {
    match scenario::position_of(text, &f.path) {
        Some((line, col)) => format!("{name}:{line}:{col}: {f}"),
        None => format!("{name}: {f}"),
    }
}

fn summary(t: &Tally, term: &Term) {
    let files = t.passed + t.failed + t.invalid + t.unchecked + t.internal;
    let mut parts = vec![format!("{} passed", t.passed)];
    if t.failed > 0 {
        parts.push(format!(
            "{} failed ({} expectation{} not met)",
            t.failed,
            t.failures,
            if t.failures == 1 { "" } else { "s" }
        ));
    }
    if t.invalid > 0 {
        parts.push(format!("{} invalid", t.invalid));
    }
    if t.internal > 0 {
        parts.push(format!("{} stopped by an internal error", t.internal));
    }
    if t.unchecked > 0 {
        parts.push(format!("{} without expectations", t.unchecked));
    }
    let style = if t.failed + t.invalid + t.internal > 0 {
        RED.bold()
    } else {
        GREEN.bold()
    };
    term.line(&paint(
        style,
        &format!(
            "{files} scenario{}: {}",
            if files == 1 { "" } else { "s" },
            parts.join(", ")
        ),
    ));
}

/// A file as given, or every `*.toml` under a directory (sorted, recursive).
fn scenario_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(path).map_err(|e| scenario_io(&e))?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    collect(path, &mut out).map_err(|e| scenario_io(&e))?;
    if out.is_empty() {
        return Err("no .toml scenario files in this directory".into());
    }
    out.sort();
    Ok(out)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

fn scenario_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        _ => e.to_string(),
    }
}
