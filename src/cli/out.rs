//! Terminal output: colour when stdout is a terminal (NO_COLOR and `--color` respected), and a
//! closed pipe (`apigw-lab run x | head`) ends the output quietly instead of panicking.

use std::io::Write;
use std::sync::{Arc, Mutex};

use anstream::{AutoStream, ColorChoice};
use anstyle::{AnsiColor, Style};

use super::ColorWhen;

/// Standard output and error, shared (the panic hook writes to stderr too).
#[derive(Clone)]
pub struct Term {
    out: Arc<Mutex<AutoStream<std::io::Stdout>>>,
    err: Arc<Mutex<AutoStream<std::io::Stderr>>>,
}

pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const GREEN: Style = AnsiColor::Green.on_default();
pub const YELLOW: Style = AnsiColor::Yellow.on_default();
pub const RED: Style = AnsiColor::Red.on_default();
pub const CYAN: Style = AnsiColor::Cyan.on_default();

impl Term {
    pub fn new(when: ColorWhen) -> Term {
        let out_choice = choice(when, AutoStream::choice(&std::io::stdout()));
        let err_choice = choice(when, AutoStream::choice(&std::io::stderr()));
        Term {
            out: Arc::new(Mutex::new(AutoStream::new(std::io::stdout(), out_choice))),
            err: Arc::new(Mutex::new(AutoStream::new(std::io::stderr(), err_choice))),
        }
    }

    /// Writes text as is (no newline added).
    pub fn raw(&self, text: &str) {
        if let Ok(mut out) = self.out.lock() {
            // A closed pipe is the reader's choice, not an error worth reporting.
            let _ = out.write_all(text.as_bytes());
        }
    }

    pub fn line(&self, text: &str) {
        self.raw(text);
        self.raw("\n");
    }

    /// A line in a style.
    pub fn styled(&self, style: Style, text: &str) {
        self.line(&paint(style, text));
    }

    /// An error on stderr, prefixed with the program's name.
    pub fn error(&self, text: &str) {
        if let Ok(mut err) = self.err.lock() {
            let _ = writeln!(
                err,
                "{}apigw-lab:{} {text}",
                RED.bold(),
                RED.bold().render_reset()
            );
        }
    }

    pub fn flush(&self) {
        if let Ok(mut out) = self.out.lock() {
            let _ = out.flush();
        }
        if let Ok(mut err) = self.err.lock() {
            let _ = err.flush();
        }
    }
}

/// `text` in `style` (escape codes are stripped later when colour is off).
pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

fn choice(when: ColorWhen, auto: ColorChoice) -> ColorChoice {
    match when {
        ColorWhen::Auto => auto,
        ColorWhen::Always => ColorChoice::Always,
        ColorWhen::Never => ColorChoice::Never,
    }
}
