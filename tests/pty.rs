//! The real binary in a pseudo-terminal (portable-pty feeding a vt100 parser: ratatui redraws
//! only changed cells, so the screen has to be reconstructed, not grepped as bytes).
//!
//! Story: open a seed scenario (a function that throws), add a 500 integration response with a
//! selection pattern, see the custom status go from 200 to 500; Ctrl-S writes the file; Ctrl-Q
//! exits and the terminal is restored.

#![cfg(all(feature = "tui", unix))]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const APP: &str = env!("CARGO_BIN_EXE_apigw-lab");
const ROWS: u16 = 40;
const COLS: u16 = 140;

struct Lab {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Lab {
    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, needle: &str) -> String {
        self.wait_for_all(&[needle])
    }

    /// Waits until the screen shows every needle at once: a frame arrives in pieces, so one
    /// needle seen does not mean the rest of its frame has been drawn.
    fn wait_for_all(&self, needles: &[&str]) -> String {
        let t = Instant::now();
        loop {
            let s = self.screen();
            if needles.iter().all(|n| s.contains(n)) {
                return s;
            }
            if t.elapsed() > Duration::from_secs(20) {
                panic!("timed out waiting for {needles:?}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).unwrap();
        self.writer.flush().unwrap();
        // Let the lab read each burst as its own keys.
        std::thread::sleep(Duration::from_millis(30));
    }
}

fn start(file: &std::path::Path, state: &std::path::Path) -> Lab {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(APP);
    cmd.arg(file);
    cmd.env("TERM", "xterm-256color");
    cmd.env("XDG_STATE_HOME", state);
    cmd.env_remove("NO_COLOR");
    let child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let writer = pair.master.take_writer().unwrap();
    let rows = NonZeroU16::new(ROWS).unwrap();
    let cols = NonZeroU16::new(COLS).unwrap();
    let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
    let p2 = parser.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            p2.lock().unwrap().process(&buf[..n]);
        }
    });
    // Keep the master alive as long as the child runs.
    std::mem::forget(pair.master);
    Lab {
        parser,
        writer,
        child,
    }
}

const SEED: &str = r#"title = "Throwing an error still answers 200"

[handler]
runtime = "nodejs20.x"

[handler.throws]
errorMessage = "Internal Error - Intentionally throw this error"

[integration.integrationResponses."200"]
"#;

#[test]
fn type_a_pattern_see_500_save_and_quit() {
    let dir = std::env::temp_dir().join(format!("apigw-lab-pty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("seed.toml");
    std::fs::write(&file, SEED).unwrap();
    let t0 = Instant::now();
    let mut lab = start(&file, &dir.join("state"));
    lab.wait_for("focus:");
    // A figure for the closing note, not an assertion (speed targets live in benches/).
    eprintln!(
        "first frame after {:?} (debug build, including process start)",
        t0.elapsed()
    );

    lab.wait_for_all(&["custom 200", "Integration responses"]);

    // The table has the focus: add a 500 response; a default exists, so the lab asks for
    // its selection pattern right away.
    lab.send(b"a");
    lab.wait_for("New integration response");
    lab.send(b"500");
    lab.send(b"\r");
    lab.wait_for("selectionPattern");
    lab.send(b"^Internal Error.*");
    lab.send(b"\r");
    lab.wait_for_all(&["custom 500", "edited"]);

    // Ctrl-S saves (atomically) to the file it opened.
    lab.send(b"\x13");
    lab.wait_for("saved");
    let saved = std::fs::read_to_string(&file).unwrap();
    let back = apigw_lab::scenario::parse(&saved, "seed.toml").unwrap();
    let r = &back.integration.integration_responses["500"];
    assert_eq!(
        r.selection_pattern.as_deref(),
        Some("^Internal Error.*"),
        "{saved}"
    );

    // Ctrl-Q quits at once (nothing unsaved) and gives the terminal back.
    lab.send(b"\x11");
    let status = lab.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    std::thread::sleep(Duration::from_millis(100));
    let parser = lab.parser.lock().unwrap();
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "left the alternate screen");
    assert!(!screen.hide_cursor(), "cursor visible again");
    drop(parser);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn quit_with_unsaved_edits_asks_first() {
    let dir = std::env::temp_dir().join(format!("apigw-lab-pty-q-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("seed.toml");
    std::fs::write(&file, SEED).unwrap();
    let mut lab = start(&file, &dir.join("state"));
    lab.wait_for("custom 200");
    lab.send(b"d"); // delete the only response: an unsaved edit
    lab.wait_for("edited");
    lab.send(b"\x11");
    lab.wait_for("unsaved edits");
    lab.send(b"y");
    let status = lab.child.wait().unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        SEED,
        "quitting without saving keeps the file"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A developer's tour: prints the screen after each step (`cargo test --test pty tour -- --ignored --nocapture`).
#[test]
#[ignore]
fn tour() {
    let dir = std::env::temp_dir().join(format!("apigw-lab-tour-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("seed.toml");
    std::fs::write(
        &file,
        std::env::var("TOUR_FILE")
            .map(|f| std::fs::read_to_string(f).unwrap())
            .unwrap_or(SEED.into()),
    )
    .unwrap();
    let mut lab = start(&file, &dir.join("state"));
    lab.wait_for("focus:");
    let steps = std::env::var("TOUR").unwrap_or_default();
    for step in steps.split('|') {
        let bytes = step
            .replace("\\r", "\r")
            .replace("\\t", "\t")
            .replace("\\e", "\x1b")
            .replace("^S", "\x13")
            .replace("^Q", "\x11");
        lab.send(bytes.as_bytes());
        std::thread::sleep(Duration::from_millis(300));
        println!("=== after {step:?}\n{}", lab.screen());
    }
    lab.send(b"\x11");
    std::thread::sleep(Duration::from_millis(200));
    lab.send(b"y");
    let _ = lab.child.wait();
}
