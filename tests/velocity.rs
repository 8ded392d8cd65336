//! Differential test: every template of `tests/vtl/corpus/` is rendered by our engine and by
//! Apache Velocity 1.7 (one JVM for the whole corpus, `tests/java/VelocityOracle.java`) and the
//! outputs must agree exactly. `tests/vtl/divergences.toml` lists the cases where API Gateway
//! behaves differently from plain 1.7: those must also give the AWS behaviour in API Gateway mode.
//!
//! Without Java or the Velocity jars the test skips with a note, except under `CI=true`.
//! Failing cases are written to `tests/vtl/FAILURES.md` (the engine owner's to-do list).

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use apigw_lab::vtl::{self, Env, RenderOptions, Template};
use serde::Deserialize;
use serde_json::{Map, Value};

const JARS: [&str; 3] = [
    "/usr/share/java/velocity-1.7.jar",
    "/usr/share/java/commons-collections3.jar",
    "/usr/share/java/commons-lang-2.6.jar",
];
const MIN_CORPUS: usize = 300;

/// One corpus entry: a template, the top-level variables and what it is meant to show.
#[derive(Debug)]
struct Case {
    id: String,
    note: String,
    context: Map<String, Value>,
    template: String,
}

/// What Velocity 1.7 did with a case.
#[derive(Debug, Deserialize)]
struct Oracle {
    id: String,
    ok: bool,
    #[serde(default)]
    output: String,
    #[serde(default)]
    error: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    line: i64,
    #[serde(default)]
    column: i64,
}

#[derive(Debug, Deserialize)]
struct Divergences {
    #[serde(default)]
    divergence: Vec<Divergence>,
}

/// A case where AWS is known to render differently from plain Velocity 1.7.
#[derive(Debug, Deserialize)]
struct Divergence {
    id: String,
    reason: String,
    /// The output recorded on AWS, which our engine must produce.
    #[serde(default)]
    aws: Option<String>,
    /// AWS rejects the template: our engine must report an error.
    #[serde(default)]
    aws_error: bool,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Parses one corpus file. Format (one case after another):
///
/// ```text
/// @@ case <name>
/// @@ note <free text>            (optional)
/// @@ context <JSON object>       (optional, one line)
/// @@ json <JSON string>          (optional: the template as a JSON string, for CR/TAB/trailing blanks)
/// <template lines>               (joined with "\n"; add an empty line to end with a newline)
/// @@ end
/// ```
fn parse_corpus_file(path: &Path) -> Vec<Case> {
    let text = fs::read_to_string(path).unwrap();
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    let mut cases = Vec::new();
    let mut current: Option<(Case, Vec<&str>, bool)> = None;
    for (n, line) in text.split('\n').enumerate() {
        let at = || format!("{}:{}", path.display(), n + 1);
        let Some((case, body, from_json)) = current.as_mut() else {
            if let Some(name) = line.strip_prefix("@@ case ") {
                let case = Case {
                    id: format!("{stem}/{}", name.trim()),
                    note: String::new(),
                    context: Map::new(),
                    template: String::new(),
                };
                current = Some((case, Vec::new(), false));
            } else {
                assert!(line.trim().is_empty(), "{}: text outside a case", at());
            }
            continue;
        };
        if line == "@@ end" {
            if !*from_json {
                case.template = body.join("\n");
            }
            cases.push(current.take().unwrap().0);
        } else if let Some(note) = line.strip_prefix("@@ note ") {
            case.note = note.trim().to_owned();
        } else if let Some(json) = line.strip_prefix("@@ context ") {
            case.context = serde_json::from_str(json).unwrap_or_else(|e| panic!("{}: {e}", at()));
        } else if let Some(json) = line.strip_prefix("@@ json ") {
            case.template = serde_json::from_str(json).unwrap_or_else(|e| panic!("{}: {e}", at()));
            *from_json = true;
        } else {
            assert!(!line.starts_with("@@"), "{}: unknown header {line:?}", at());
            assert!(!*from_json, "{}: template lines after @@ json", at());
            body.push(line);
        }
    }
    assert!(
        current.is_none(),
        "{}: last case lacks `@@ end`",
        path.display()
    );
    cases
}

fn load_corpus() -> Vec<Case> {
    let dir = root().join("tests/vtl/corpus");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "vtl"))
        .collect();
    files.sort();
    let cases: Vec<Case> = files.iter().flat_map(|f| parse_corpus_file(f)).collect();
    let mut seen = HashSet::new();
    for case in &cases {
        assert!(
            seen.insert(case.id.as_str()),
            "duplicate case id {}",
            case.id
        );
    }
    cases
}

fn load_divergences() -> BTreeMap<String, Divergence> {
    let text = fs::read_to_string(root().join("tests/vtl/divergences.toml")).unwrap();
    let parsed: Divergences = toml::from_str(&text).unwrap();
    parsed
        .divergence
        .into_iter()
        .map(|d| (d.id.clone(), d))
        .collect()
}

/// Whether Java and the jars are present; under CI=true their absence is a failure.
fn reference_available() -> bool {
    let java = Command::new("javac")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    let jars = JARS.iter().all(|j| Path::new(j).exists());
    if java && jars {
        return true;
    }
    let why = if java {
        "the Velocity 1.7 jars are missing"
    } else {
        "javac is missing"
    };
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {why}: install `velocity libcommons-lang-java libcommons-collections3-java default-jdk-headless`"
    );
    eprintln!("SKIPPED velocity differential test: {why}");
    false
}

/// Compiles the oracle and renders every case with Velocity 1.7 in one JVM.
fn run_oracle(cases: &[Case]) -> Vec<Oracle> {
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("velocity-oracle");
    let classes = work.join("classes");
    fs::create_dir_all(&classes).unwrap();
    let classpath = JARS.join(":");
    let status = Command::new("javac")
        .args(["-nowarn", "-encoding", "UTF-8", "-cp", &classpath, "-d"])
        .arg(&classes)
        .arg(root().join("tests/java/VelocityOracle.java"))
        .status()
        .unwrap();
    assert!(status.success(), "javac failed on VelocityOracle.java");

    let mut input = String::new();
    for case in cases {
        let line =
            serde_json::json!({"id": case.id, "template": case.template, "context": case.context});
        writeln!(input, "{line}").unwrap();
    }
    let input_path = work.join("cases.jsonl");
    fs::write(&input_path, input).unwrap();
    let out = Command::new("java")
        .args(["-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp"])
        .arg(format!("{}:{classpath}", classes.display()))
        .arg("VelocityOracle")
        .arg(&input_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "oracle failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Oracle> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        results.len(),
        cases.len(),
        "oracle answered a different number of cases"
    );
    for (case, result) in cases.iter().zip(&results) {
        assert_eq!(case.id, result.id);
    }
    results
}

/// Our engine's error: its line and the text users see.
struct OurError {
    line: usize,
    text: String,
}

fn our_error(case: &Case) -> impl Fn(vtl::VtlError) -> OurError + '_ {
    |e| OurError {
        line: e.line,
        text: e.render_with_source(&case.template),
    }
}

/// Our engine as plain Velocity 1.7: the output, or the error.
fn render_ours(case: &Case) -> Result<String, OurError> {
    let template = Template::parse(&case.template).map_err(our_error(case))?;
    vtl::render_plain(&template, &case.context, &RenderOptions::default())
        .map(|r| r.output)
        .map_err(our_error(case))
}

/// Our engine in API Gateway mode, with an empty request.
fn render_ours_aws(case: &Case) -> Result<String, OurError> {
    let template = Template::parse(&case.template).map_err(our_error(case))?;
    vtl::render(&template, &Env::default(), &RenderOptions::default())
        .map(|r| r.output)
        .map_err(our_error(case))
}

fn describe_oracle(o: &Oracle) -> String {
    if o.ok {
        o.output.clone()
    } else {
        format!(
            "{} (line {}, column {}): {}",
            o.error, o.line, o.column, o.message
        )
    }
}

/// A readable listing of what Velocity 1.7 did with each case (to review the corpus itself).
fn write_oracle_report(cases: &[Case], results: &[Oracle]) {
    let mut report = String::from("# Velocity 1.7 outputs for the corpus\n\n");
    for (case, o) in cases.iter().zip(results) {
        let _ = write!(report, "## {}\n\n", case.id);
        if !case.note.is_empty() {
            let _ = write!(report, "{}\n\n", case.note);
        }
        let _ = write!(
            report,
            "template (as JSON string: `{}`):\n\n```vtl\n{}\n```\n\n",
            Value::String(case.template.clone()),
            case.template
        );
        if !case.context.is_empty() {
            let _ = write!(
                report,
                "context: `{}`\n\n",
                Value::Object(case.context.clone())
            );
        }
        if o.ok {
            let _ = write!(
                report,
                "output (as JSON string: `{}`):\n\n",
                Value::String(o.output.clone())
            );
        } else {
            let _ = write!(report, "error:\n\n");
        }
        let _ = write!(report, "```text\n{}\n```\n\n", describe_oracle(o));
    }
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("velocity-oracle/report.md");
    fs::write(&path, report).unwrap();
    eprintln!("Velocity 1.7 outputs: {}", path.display());
}

/// How one case came out.
enum Verdict {
    Agree,
    /// Agrees with Velocity 1.7 and, in API Gateway mode, with the listed AWS behaviour.
    Diverges,
    Fail(String),
}

fn judge(case: &Case, oracle: &Oracle, divergence: Option<&Divergence>) -> Verdict {
    let verdict = judge_plain(&render_ours(case), oracle);
    match (verdict, divergence) {
        (Verdict::Agree, Some(d)) => judge_aws(&render_ours_aws(case), d),
        (verdict, _) => verdict,
    }
}

/// Plain rendering against Velocity 1.7.
fn judge_plain(ours: &Result<String, OurError>, oracle: &Oracle) -> Verdict {
    match (ours, oracle.ok) {
        (Ok(out), true) if *out == oracle.output => Verdict::Agree,
        // Both reject a template that does not parse: the line must agree (messages differ
        // by design, ours carry hints; columns differ since JavaCC counts a tab as 8).
        (Err(e), false)
            if oracle.error == "ParseErrorException"
                && oracle.line > 0
                && e.line as i64 != oracle.line =>
        {
            Verdict::Fail(format!(
                "both reject the template, but on different lines.\n\nVelocity 1.7:\n\n```text\n{}\n```\n\nours:\n\n```text\n{}\n```\n",
                describe_oracle(oracle),
                e.text
            ))
        }
        (Err(_), false) => Verdict::Agree,
        _ => Verdict::Fail(format!(
            "Velocity 1.7:\n\n```text\n{}\n```\n\nours:\n\n```text\n{}\n```\n",
            describe_oracle(oracle),
            show(ours)
        )),
    }
}

/// API Gateway mode against the AWS behaviour of a listed divergence.
fn judge_aws(ours: &Result<String, OurError>, d: &Divergence) -> Verdict {
    match ours {
        Err(_) if d.aws_error => Verdict::Diverges,
        Ok(out) if !d.aws_error && Some(out) == d.aws.as_ref() => Verdict::Diverges,
        _ => {
            let expected = if d.aws_error {
                "an error"
            } else {
                d.aws.as_deref().unwrap_or_default()
            };
            Verdict::Fail(format!(
                "plain rendering agrees with Velocity 1.7, but in API Gateway mode this is a listed divergence ({}); expected:\n\n```text\n{expected}\n```\n\nours (API Gateway mode):\n\n```text\n{}\n```\n",
                d.reason,
                show(ours)
            ))
        }
    }
}

fn show(ours: &Result<String, OurError>) -> String {
    match ours {
        Ok(out) => out.clone(),
        Err(e) => format!("ERROR {}", e.text),
    }
}

fn write_failures(failures: &[(&Case, String)], total: usize) {
    let mut text = format!(
        "# Velocity differential failures\n\nGenerated by `cargo test --test velocity`: {} of {total} cases differ from Apache Velocity 1.7.\n\n",
        failures.len()
    );
    for (case, detail) in failures {
        let _ = write!(text, "## {}\n\n", case.id);
        if !case.note.is_empty() {
            let _ = write!(text, "{}\n\n", case.note);
        }
        if !case.context.is_empty() {
            let _ = write!(
                text,
                "context: `{}`\n\n",
                Value::Object(case.context.clone())
            );
        }
        let _ = write!(
            text,
            "template (as JSON string: `{}`):\n\n```vtl\n{}\n```\n\n{detail}\n",
            Value::String(case.template.clone()),
            case.template
        );
    }
    let path = if std::env::var("CI").as_deref() == Ok("true") {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("velocity-oracle/FAILURES.md")
    } else {
        root().join("tests/vtl/FAILURES.md")
    };
    fs::write(&path, text).unwrap();
    eprintln!("failing cases written to {}", path.display());
}

#[test]
fn corpus_has_enough_cases_and_valid_divergences() {
    let cases = load_corpus();
    assert!(
        cases.len() >= MIN_CORPUS,
        "corpus has {} cases, want at least {MIN_CORPUS}",
        cases.len()
    );
    let ids: HashSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    for (id, d) in load_divergences() {
        assert!(
            ids.contains(id.as_str()),
            "divergence {id} names no corpus case"
        );
        assert!(
            !d.reason.trim().is_empty(),
            "divergence {id} gives no reason"
        );
        assert!(
            d.aws_error != d.aws.is_some(),
            "divergence {id}: give exactly one of `aws` and `aws_error`"
        );
    }
}

#[test]
fn corpus_agrees_with_velocity_1_7() {
    if !reference_available() {
        return;
    }
    let cases = load_corpus();
    let divergences = load_divergences();
    let results = run_oracle(&cases);
    write_oracle_report(&cases, &results);

    let (mut agree, mut diverge) = (0, 0);
    let mut failures = Vec::new();
    for (case, oracle) in cases.iter().zip(&results) {
        match judge(case, oracle, divergences.get(&case.id)) {
            Verdict::Agree => agree += 1,
            Verdict::Diverges => diverge += 1,
            Verdict::Fail(detail) => failures.push((case, detail)),
        }
    }
    eprintln!(
        "velocity differential: {}/{} agree with Velocity 1.7 (of which {diverge} also match a listed API Gateway divergence), {} failures",
        agree + diverge,
        cases.len(),
        failures.len()
    );
    write_failures(&failures, cases.len());
    assert!(
        failures.is_empty(),
        "{} cases differ from Velocity 1.7 (see tests/vtl/FAILURES.md); first: {}",
        failures.len(),
        failures[0].0.id
    );
}
