//! Every conformance case (`../shared/conformance/*.toml`, real AWS answers) and every scenario
//! shipped in `scenarios/` is evaluated through the library, and each `[expect.*]` must hold.
//! One test reports every failing case at once, not just the first.
//!
//! Lessons (scenarios with a `[lesson]` table) are the exception: they must start *unsolved*,
//! since the learner's edits are what make their expectations hold.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use apigw_lab::scenario::{self, Scenario};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `shared/` sits beside the repository (CI clones the repository next to it); a git worktree
/// one level further down finds it too.
fn conformance_dir() -> Option<PathBuf> {
    let dir = manifest_dir().join("../shared/conformance");
    if dir.is_dir() {
        return dir.canonicalize().ok();
    }
    let worktree = manifest_dir().join("../../shared/conformance");
    if worktree.is_dir() {
        return worktree.canonicalize().ok();
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the conformance cases are missing: expected them in {} (clone the repository beside `shared/`)",
        dir.display()
    );
    eprintln!(
        "warning: {} not found; checking only the repository's scenarios",
        dir.display()
    );
    None
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

fn cases() -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(dir) = conformance_dir() {
        toml_files(&dir, &mut files);
        assert!(
            files.len() >= 30,
            "only {} conformance cases found",
            files.len()
        );
    }
    toml_files(&manifest_dir().join("scenarios"), &mut files);
    toml_files(&manifest_dir().join("tests/cases"), &mut files);
    files
}

fn name(path: &Path) -> String {
    let root = manifest_dir();
    let shown = path.strip_prefix(&root).unwrap_or(path);
    shown.display().to_string()
}

/// What is wrong with one case, or `None` when it holds.
fn verdict(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let s: Scenario = match scenario::parse(&text, &name(path)) {
        Ok(s) => s,
        Err(e) => return Some(e.render_with_source(&text)),
    };
    let evaluated = catch_unwind(AssertUnwindSafe(|| apigw_lab::evaluate(&s)));
    let evaluation = match evaluated {
        Ok(ev) => ev,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            return Some(format!("{}: evaluation panicked: {what}", name(path)));
        }
    };
    let failures = scenario::check(&s, &evaluation);
    if s.lesson.is_some() {
        return failures.is_empty().then(|| {
            format!(
                "{}: this lesson is already solved before the learner edits anything",
                name(path)
            )
        });
    }
    if failures.is_empty() {
        return None;
    }
    let lines: Vec<String> = failures
        .iter()
        .map(|f| match scenario::position_of(&text, &f.path) {
            Some((l, c)) => format!("  {}:{l}:{c}: {f}", name(path)),
            None => format!("  {}: {f}", name(path)),
        })
        .collect();
    Some(format!(
        "{} ({}):\n{}",
        name(path),
        s.title,
        lines.join("\n")
    ))
}

#[test]
fn every_case_holds() {
    let cases = cases();
    // The evaluation of a broken case may panic; its message is reported with the case instead.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let failing: Vec<String> = cases.iter().filter_map(|p| verdict(p)).collect();
    std::panic::set_hook(hook);
    assert!(
        failing.is_empty(),
        "{} of {} cases fail:\n\n{}",
        failing.len(),
        cases.len(),
        failing.join("\n\n")
    );
}

#[test]
fn every_case_survives_a_save_round_trip() {
    let mut broken = Vec::new();
    for path in cases() {
        let text = std::fs::read_to_string(&path).unwrap();
        let Ok(s) = scenario::parse(&text, &name(&path)) else {
            continue; // reported by every_case_holds
        };
        let written = scenario::to_toml(&s);
        match scenario::parse(&written, &name(&path)) {
            Ok(back) if back == s => {}
            Ok(_) => broken.push(format!("{}: differs after to_toml", name(&path))),
            Err(e) => broken.push(format!("{e}\n{written}")),
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n\n"));
}
