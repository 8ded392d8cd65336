//! Differential test: `apigw_lab::javaregex` against the real `java.util.regex` (Java 17).
//!
//! The corpus (`tests/java_regex/*.txt`: OpenJDK's own regex test cases plus ours) runs through
//! one JVM (`tests/java/RegexOracle.java`, compiled here with javac) and through the Rust side;
//! both answer in the same line format (compile error with description and index, `matches()`,
//! every `find()` span in UTF-16 units, `replaceAll` / `replaceFirst` / `split` results and Java
//! exceptions). Every answer must agree, except patterns listed with a reason in
//! `tests/java_regex/known-differences.txt` (also documented in docs/selection.md).
//! Without Java the test is skipped with a note, and fails under `CI=true`.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use apigw_lab::javaregex::{Flags, JavaRegex, MatchError, PatternError};

const CORPUS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/java_regex");
const ORACLE_SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/java/RegexOracle.java");

#[derive(Debug, Clone)]
struct Case {
    origin: String,
    op: &'static str,
    flags: u16,
    pattern: String,
    input: String,
    extra: String,
}

impl Case {
    fn request(&self) -> String {
        [
            self.op.to_string(),
            self.flags.to_string(),
            hex(&self.pattern),
            hex(&self.input),
            hex(&self.extra),
        ]
        .join("\t")
    }
}

#[test]
fn java_regex_agrees_with_java_17() {
    let cases = corpus();
    assert!(cases.len() >= 500, "corpus too small: {}", cases.len());
    let started = std::time::Instant::now();
    let Some(java) = java_answers(&cases) else {
        return;
    };
    let java_time = started.elapsed();
    let started = std::time::Instant::now();
    let known = known_differences();
    let (mut agree, mut tolerated) = (0, 0);
    let mut failures = Vec::new();
    let mut by_kind: HashMap<&str, usize> = HashMap::new();
    let mut compiled = HashMap::new();
    for (case, want) in cases.iter().zip(&java) {
        let re = compiled
            .entry((case.pattern.clone(), case.flags))
            .or_insert_with(|| JavaRegex::with_flags(&case.pattern, Flags(case.flags)));
        let got = rust_answer(case, re);
        *by_kind.entry(case.op).or_default() += 1;
        if got == *want {
            agree += 1;
        } else if known.contains_key(&case.pattern) {
            tolerated += 1;
        } else {
            failures.push(format!(
                "{}: op {} pattern {:?} input {:?} extra {:?}\n    java: {}\n    rust: {}",
                case.origin,
                case.op,
                case.pattern,
                case.input,
                case.extra,
                decode(want),
                decode(&got)
            ));
        }
    }
    println!(
        "java_regex: {} cases ({by_kind:?}): {agree} agree with Java 17, {tolerated} known \
         differences (tests/java_regex/known-differences.txt), {} unexpected \
         (javac + JVM {java_time:.1?}, Rust side {:.1?})",
        cases.len(),
        failures.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} disagreement(s) with java.util.regex:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ----- the Rust side, in the oracle's answer format -----

fn rust_answer(case: &Case, re: &Result<JavaRegex, PatternError>) -> String {
    let re = match re {
        Ok(re) => re,
        Err(e) => {
            let index = e.index.map_or(-1, |i| i as i64);
            return format!("E\t{}\t{index}", hex(&e.description));
        }
    };
    let text = &case.input;
    let answer = match case.op {
        "m" => re.matches(text).and_then(|whole| {
            let spans = re.find_all(text)?;
            let spans: Vec<String> = spans
                .iter()
                .take(1000)
                .map(|r| format!("{}-{}", utf16(text, r.start), utf16(text, r.end)))
                .collect();
            Ok(format!("M\t{}\t{}", u8::from(whole), spans.join(",")))
        }),
        "r" => re
            .replace_all(text, &case.extra)
            .map(|s| format!("R\t{}", hex(&s))),
        "f" => re
            .replace_first(text, &case.extra)
            .map(|s| format!("R\t{}", hex(&s))),
        "s" => re
            .split(text, case.extra.parse().unwrap_or(0))
            .map(|parts| {
                let hexed: Vec<String> = parts.iter().map(|p| hex(p)).collect();
                format!("S\t{}\t{}", parts.len(), hexed.join(","))
            }),
        other => panic!("unknown op {other}"),
    };
    match answer {
        Ok(a) => a,
        Err(MatchError::TooExpensive) => "T".to_string(),
        Err(MatchError::Replacement { exception, message }) => {
            format!("X\t{}", hex(&format!("{exception}: {message}")))
        }
    }
}

fn utf16(text: &str, byte: usize) -> usize {
    text[..byte].encode_utf16().count()
}

// ----- the Java side -----

/// Compiles the oracle and runs the whole corpus through one JVM. `None` = Java is missing.
fn java_answers(cases: &[Case]) -> Option<Vec<String>> {
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("java-regex-oracle");
    std::fs::create_dir_all(&out_dir).expect("oracle dir");
    if !oracle_is_current(&out_dir) {
        compile_oracle(&out_dir)?;
    }
    let mut child = Command::new("java")
        .args([
            "-Xss16m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
        ])
        .arg(&out_dir)
        .arg("RegexOracle")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("java");
    let input: String = cases.iter().map(|c| c.request() + "\n").collect();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().expect("java output");
    writer.join().expect("writer").expect("write cases");
    assert!(output.status.success(), "RegexOracle failed");
    let lines: Vec<String> = String::from_utf8(output.stdout)
        .expect("utf-8")
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), cases.len(), "one answer per case");
    Some(lines)
}

/// javac into cargo's target tmp dir. `None` = no Java here (allowed unless `CI=true`).
fn compile_oracle(out_dir: &Path) -> Option<()> {
    let javac = Command::new("javac")
        .arg("-d")
        .arg(out_dir)
        .arg(ORACLE_SRC)
        .output();
    match javac {
        Ok(o) if o.status.success() => Some(()),
        Ok(o) => panic!(
            "javac failed on RegexOracle.java:\n{}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but Java (javac) is not available: {e}");
            }
            eprintln!("NOTE: java_regex differential test skipped: javac not found ({e})");
            None
        }
    }
}

/// The compiled oracle is newer than its source (javac costs a second or two).
fn oracle_is_current(out_dir: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (
        modified(&out_dir.join("RegexOracle.class")),
        modified(Path::new(ORACLE_SRC)),
    ) {
        (Some(class), Some(src)) => class > src,
        _ => false,
    }
}

// ----- the corpus -----

fn corpus() -> Vec<Case> {
    let dir = Path::new(CORPUS_DIR);
    let mut cases = openjdk_cases(&dir.join("openjdk-TestCases.txt"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("corpus dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("cases-") && n.ends_with(".txt"))
        })
        .collect();
    files.sort();
    for f in files {
        cases.extend(own_cases(&f));
    }
    cases
}

/// OpenJDK's `test/jdk/java/util/regex/TestCases.txt`: pattern, input, expected result lines
/// (we let Java compute the expectation), `\n` and `\uXXXX` decoded as its RegExTest.grabLine
/// does, `'pattern'flags` as its compileTestPattern does. Each case is also run as a split and
/// a replaceAll.
fn openjdk_cases(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).expect("openjdk corpus");
    let lines: Vec<(usize, String)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with("//"))
        .map(|(i, l)| (i + 1, grab_line(l)))
        .collect();
    let mut cases = Vec::new();
    for chunk in lines.chunks(3) {
        let [(line, pattern), (_, input), _] = chunk else {
            continue;
        };
        let (pattern, flags) = test_pattern(pattern);
        let origin = format!("openjdk-TestCases.txt:{line}");
        for (op, extra) in [("m", ""), ("s", "0"), ("r", "<$0>")] {
            cases.push(Case {
                origin: origin.clone(),
                op,
                flags,
                pattern: pattern.clone(),
                input: input.clone(),
                extra: extra.to_string(),
            });
        }
    }
    cases
}

fn grab_line(line: &str) -> String {
    let mut s = line.replace("\\n", "\n");
    while let Some(i) = s.find("\\u") {
        let code = u32::from_str_radix(&s[i + 2..i + 6], 16).expect("\\u escape");
        let c = char::from_u32(code).unwrap_or('\u{fffd}');
        s.replace_range(i..i + 6, &c.to_string());
    }
    s
}

fn test_pattern(p: &str) -> (String, u16) {
    if !p.starts_with('\'') {
        return (p.to_string(), 0);
    }
    let end = p.rfind('\'').expect("closing quote");
    let flags = match &p[end + 1..] {
        "i" => Flags::CASE_INSENSITIVE.0,
        "m" => Flags::MULTILINE.0,
        _ => 0,
    };
    (p[1..end].to_string(), flags)
}

/// Our cases: `op<TAB>pattern<TAB>input[<TAB>extra]`. The pattern is raw; input and extra take
/// escapes (`\n \r \t \\ \u{HEX}`). op: m (matches + finds), r (replaceAll), f (replaceFirst),
/// s (split; extra = limit).
fn own_cases(path: &Path) -> Vec<Case> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("?")
        .to_string();
    let text = std::fs::read_to_string(path).expect("corpus file");
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        assert!(f.len() >= 2, "{name}:{}: need op and pattern", i + 1);
        let op = match f[0] {
            "m" => "m",
            "r" => "r",
            "f" => "f",
            "s" => "s",
            other => panic!("{name}:{}: unknown op {other:?}", i + 1),
        };
        cases.push(Case {
            origin: format!("{name}:{}", i + 1),
            op,
            flags: 0,
            pattern: f[1].to_string(),
            input: unescape(f.get(2).copied().unwrap_or("")),
            extra: unescape(
                f.get(3)
                    .copied()
                    .unwrap_or(if op == "s" { "0" } else { "" }),
            ),
        });
    }
    cases
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                let code = u32::from_str_radix(&hex, 16).expect("\\u{..} escape");
                out.push(char::from_u32(code).expect("valid char"));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// `pattern<TAB>reason` lines.
fn known_differences() -> HashMap<String, String> {
    let text = std::fs::read_to_string(Path::new(CORPUS_DIR).join("known-differences.txt"))
        .unwrap_or_default();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(p, r)| (p.to_string(), r.to_string()))
        .collect()
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(h: &str) -> String {
    let bytes: Vec<u8> = (0..h.len() / 2)
        .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap_or(b'?'))
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// An answer line made readable for failure messages.
fn decode(answer: &str) -> String {
    let f: Vec<&str> = answer.split('\t').collect();
    match f.as_slice() {
        ["E", d, i] => format!("PatternSyntaxException {:?} at {i}", unhex(d)),
        ["X", m] => format!("exception {:?}", unhex(m)),
        ["R", r] => format!("result {:?}", unhex(r)),
        ["S", n, parts] => format!(
            "{n} parts {:?}",
            parts.split(',').map(unhex).collect::<Vec<_>>()
        ),
        _ => answer.to_string(),
    }
}
