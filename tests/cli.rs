//! The `apigw-lab` binary: each subcommand, its output and its exit status.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_apigw-lab");

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// The seed story's first case with `returns` instead of code, so that these tests exercise
/// the command line rather than the JavaScript engine.
const RETURNED_400: &str = r#"title = "Returning statusCode 400 still answers 200"

[handler]
runtime = "nodejs20.x"
returns = '{"statusCode": 400, "body": "\"Hello from Lambda!\""}'

[integration.integrationResponses."200"]

[expect.custom]
statusCode = 200
selected = "200"

[expect.proxy]
statusCode = 400
body = '"Hello from Lambda!"'

[expect.http]
statusCode = 400
"#;

fn first_scenario() -> PathBuf {
    write(&scratch("fixture"), "returned-400.toml", RETURNED_400)
}

fn apigw(args: &[&str]) -> Output {
    apigw_with_stdin(args, "")
}

fn apigw_with_stdin(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A scratch directory for this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("apigw-lab-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes atomically (temp file + rename): tests share fixtures such as `first_scenario()`, and
/// a plain write truncates the file while another test's run may be reading it.
fn write(dir: &Path, file: &str, text: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = dir.join(file);
    let tmp = dir.join(format!(
        ".{file}.{}.tmp",
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, &path).unwrap();
    path
}

#[test]
fn help_shows_examples_for_every_subcommand() {
    let o = apigw(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Examples:"), "{}", stdout(&o));
    for sub in ["open", "run", "check", "match", "render"] {
        let o = apigw(&[sub, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{sub}");
        assert!(stdout(&o).contains("Examples:"), "{sub}: {}", stdout(&o));
        assert!(stdout(&o).contains(&format!("apigw-lab {sub}")), "{sub}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let o = apigw(&["run"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("FILE"), "{}", stderr(&o));
    let o = apigw(&["run", "x.toml", "--format", "yaml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn run_prints_log_and_responses() {
    let o = apigw(&["run", first_scenario().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("Returning statusCode 400 still answers 200\n"),
        "{out}"
    );
    for want in [
        "HTTP 200 OK",
        "HTTP 400 Bad Request",
        "Content-Type: application/json",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    assert!(!out.contains('\u{1b}'), "NO_COLOR output has escape codes");
}

#[test]
fn run_json_is_the_contract() {
    let o = apigw(&[
        "run",
        first_scenario().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["custom"]["statusCode"], 200);
    assert_eq!(v["custom"]["selected"], "200");
    assert_eq!(v["custom"]["selectionInput"], "");
    assert_eq!(v["proxy"]["statusCode"], 400);
    assert_eq!(v["proxy"]["body"], "\"Hello from Lambda!\"");
    assert_eq!(v["http"]["statusCode"], 400);
    assert!(v["custom"]["log"].as_array().is_some_and(|l| !l.is_empty()));
}

#[test]
fn run_mode_shows_one_mode() {
    let file = first_scenario();
    let o = apigw(&[
        "run",
        file.to_str().unwrap(),
        "--format",
        "json",
        "--mode",
        "proxy",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["proxy"]);
    let o = apigw(&["run", file.to_str().unwrap(), "--mode", "custom"]);
    assert!(stdout(&o).contains("HTTP 200 OK"));
    assert!(!stdout(&o).contains("HTTP 400"), "{}", stdout(&o));
}

/// Semantics §4.2: AWS refuses a mapping to a header the method response does not declare
/// (formerly `tests/cases-failing/params-4.2-undeclared-header-rejected.toml`).
#[test]
fn mapping_an_undeclared_header_is_a_load_error_at_the_mapping_key() {
    let dir = scratch("undeclared-header");
    let bad = write(
        &dir,
        "undeclared.toml",
        r#"title = "Mapping a header the method response does not declare is rejected"

[handler]
runtime = "nodejs20.x"
returns = '{}'

[integration.integrationResponses."200"]
responseParameters = { "method.response.header.X-A" = "'v'" }

[methodResponses."200"]
"#,
    );
    let o = apigw(&["run", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains(
            "undeclared.toml:8:24: integration.integrationResponses.\"200\".responseParameters.\
             \"method.response.header.X-A\": AWS rejects this mapping: \"Invalid mapping expression \
             parameter specified: method.response.header.X-A\""
        ),
        "{err}"
    );
    assert!(
        err.contains("declare it under [methodResponses.\"200\"] responseParameters"),
        "{err}"
    );
    assert!(
        err.contains("\n  |                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn run_reports_invalid_files_with_position_and_caret() {
    let dir = scratch("invalid");
    let bad = write(
        &dir,
        "bad.toml",
        "title = \"t\"\n[handler]\nreturns = '{\"a\": nope}'\n",
    );
    let o = apigw(&["run", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("bad.toml:3:19: handler.returns: not JSON"),
        "{err}"
    );
    assert!(
        err.contains("3 | returns = '{\"a\": nope}'\n  |                   ^"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());

    let o = apigw(&["run", dir.join("missing.toml").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("missing.toml: no such file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_passes_the_built_in_story() {
    // The story's own files (lessons in scenarios/lessons/ start unsolved by design).
    let story: Vec<String> = std::fs::read_dir(scenarios())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.display().to_string())
        .collect();
    let mut args = vec!["check"];
    args.extend(story.iter().map(String::as_str));
    let o = apigw(&args);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("5 passed"), "{}", stdout(&o));
}

#[test]
fn check_reports_every_failing_line_and_exits_1() {
    let dir = scratch("failing");
    let text = RETURNED_400
        .replace(
            "[expect.custom]\nstatusCode = 200",
            "[expect.custom]\nstatusCode = 201",
        )
        .replace(
            "[expect.proxy]\nstatusCode = 400",
            "[expect.proxy]\nstatusCode = 418",
        );
    let file = write(&dir, "wrong.toml", &text);
    let o = apigw(&["check", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    let line = |needle: &str| text.lines().position(|l| l == needle).unwrap() + 1;
    assert!(
        out.contains(&format!(
            "wrong.toml:{}:14: expect.custom.statusCode: want 201, got 200",
            line("statusCode = 201")
        )),
        "{out}"
    );
    assert!(
        out.contains("expect.proxy.statusCode: want 418, got 400"),
        "{out}"
    );
    assert!(
        out.contains("1 scenario: 0 passed, 1 failed (2 expectations not met)"),
        "{out}"
    );
}

#[test]
fn check_with_an_invalid_file_exits_2_and_checks_the_rest() {
    let dir = scratch("mixed");
    let bad = write(&dir, "bad.toml", "title = 't'\n[handler]\n");
    let o = apigw(&[
        "check",
        bad.to_str().unwrap(),
        first_scenario().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("bad.toml:2:2: handler: say what the function does"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("1 passed"), "{}", stdout(&o));
    assert!(stdout(&o).contains("1 invalid"), "{}", stdout(&o));
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let file = first_scenario();
    let o = apigw(&["run", file.to_str().unwrap(), "--color", "always"]);
    assert!(
        stdout(&o).contains('\u{1b}'),
        "no escape codes with --color always"
    );
    let o = apigw(&["run", file.to_str().unwrap()]);
    assert!(!stdout(&o).contains('\u{1b}'));
}

#[test]
fn match_explains_each_message() {
    let o = apigw(&[
        "match",
        "^Internal Error.*",
        "Internal Error - boom",
        "Internal",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("✓ \"Internal Error - boom\""), "{out}");
    assert!(lines[1].starts_with("✗ \"Internal\""), "{out}");
}

#[test]
fn match_warns_about_star_as_prefix() {
    let o = apigw(&["match", "Internal*", "Internal Error - boom"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("only a prefix"), "{out}");
    assert!(out.contains("try: Internal.*"), "{out}");
}

#[test]
fn match_reads_messages_from_stdin() {
    let o = apigw_with_stdin(&["match", "--format", "json", "[a-z]+"], "abc\nABC\r\n");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let results = v["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["message"], "abc");
    assert_eq!(results[0]["matched"], true);
    assert_eq!(results[1]["message"], "ABC");
    assert_eq!(results[1]["matched"], false);
}

#[test]
fn match_rejects_an_invalid_pattern_with_exit_2() {
    let o = apigw(&["match", "^(Internal", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("Unclosed group near index 10"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn render_prints_only_the_rendered_text() {
    let dir = scratch("render");
    let template = write(
        &dir,
        "t.vtl",
        r#"{"message": "$util.escapeJavaScript($input.path('$.errorMessage'))"}"#,
    );
    let payload = write(
        &dir,
        "p.json",
        r#"{"errorMessage": "It's \"x\"", "errorType": "Error"}"#,
    );
    let o = apigw(&[
        "render",
        template.to_str().unwrap(),
        "--payload",
        payload.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), r#"{"message": "It\'s \"x\""}"#);
}

#[test]
fn render_reads_the_template_from_stdin_and_the_request_from_a_file() {
    let dir = scratch("render-request");
    let request = write(
        &dir,
        "r.json",
        r#"{"querystring": {"name": "Ann"}, "stageVariables": {"env": "test"}, "context": {"stage": "dev"}}"#,
    );
    let o = apigw_with_stdin(
        &["render", "-", "--request", request.to_str().unwrap()],
        "$input.params('name') $stageVariables.env $context.stage\n",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "Ann test dev\n");
}

#[test]
fn render_errors_have_line_column_and_caret_and_exit_2() {
    let dir = scratch("render-error");
    let template = write(&dir, "bad.vtl", "line1\n#if($x\n");
    let o = apigw(&["render", template.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert!(err.contains("bad.vtl:2:"), "{err}");
    assert!(err.contains("2 | #if($x\n"), "{err}");
    assert!(err.contains('^'), "{err}");

    let request = write(&dir, "r.json", r#"{"query": {}}"#);
    let o = apigw(&[
        "render",
        template.to_str().unwrap(),
        "--request",
        request.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("query: unknown member"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn opening_an_invalid_file_reports_it_before_the_lab_starts() {
    let dir = scratch("open");
    let bad = write(&dir, "bad.toml", "title = 't'\n[handler]\nreturns = '{'\n");
    for args in [
        vec![bad.to_str().unwrap()],
        vec!["open", bad.to_str().unwrap()],
    ] {
        let o = apigw(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("bad.toml:3:12: handler.returns: not JSON"),
            "{}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("3 | returns = '{'"), "{}", stderr(&o));
    }
}

#[test]
fn the_lab_without_a_terminal_says_what_to_use_instead() {
    let o = apigw(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the interactive lab needs a terminal"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).is_empty());
}
