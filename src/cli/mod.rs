//! The command line: `run`, `check`, `match`, `render`, and the lab itself without a command.
//!
//! Exit status: 0 evaluated, 1 expectations failed, 2 invalid input (3 would be a bug in the lab:
//! an internal error is reported as such, never as a panic trace).

mod args;
mod check;
mod out;
mod render;
mod run;
mod select;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

pub use args::{Cli, ColorWhen, Command, Format, ModeArg};
use out::Term;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Evaluated (whatever the HTTP answer was).
    Ok = 0,
    /// Some `[expect.*]` did not hold.
    Failed = 1,
    /// A file could not be read or is invalid, or the input is malformed.
    Invalid = 2,
    /// The lab itself failed (a bug).
    Internal = 3,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}

/// The binary's entry point: parses the arguments, runs the command, and turns a panic into an
/// internal-error message.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                Exit::Invalid as u8
            } else {
                0
            });
        }
    };
    let term = Term::new(cli.color);
    let panic_term = term.clone();
    std::panic::set_hook(Box::new(move |info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        panic_term.error(&format!(
            "internal error{at}: {what}\nThis is a bug in apigw-lab, not in your scenario; \
             please report it with the file you used."
        ));
    }));
    let exit = std::panic::catch_unwind(|| dispatch(cli, &term)).unwrap_or(Exit::Internal);
    term.flush();
    exit.into()
}

fn dispatch(cli: Cli, term: &Term) -> Exit {
    match cli.command {
        None => open(cli.file, term),
        Some(Command::Open { file }) => open(file, term),
        Some(Command::Run { file, format, mode }) => run::run(&file, format, mode, term),
        Some(Command::Check { paths }) => check::check(&paths, term),
        Some(Command::Match {
            pattern,
            messages,
            format,
        }) => select::matches(&pattern, messages, format, term),
        Some(Command::Render {
            template,
            payload,
            request,
        }) => render::render(&template, payload.as_deref(), request.as_deref(), term),
    }
}

/// The interactive lab. A file that does not load is reported here, with its source line and
/// a caret, before the lab takes over the screen.
fn open(file: Option<PathBuf>, term: &Term) -> Exit {
    if let Some(path) = &file
        && load(path, term).is_none()
    {
        return Exit::Invalid;
    }
    use std::io::IsTerminal;
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        term.error(
            "the interactive lab needs a terminal (standard input and output are redirected); \
             use `apigw-lab run FILE` or `apigw-lab check FILE` in scripts (see `apigw-lab --help`)",
        );
        return Exit::Invalid;
    }
    open_lab(file, term)
}

#[cfg(feature = "tui")]
fn open_lab(file: Option<PathBuf>, term: &Term) -> Exit {
    match crate::tui::run(file) {
        Ok(()) => Exit::Ok,
        Err(e) => {
            term.error(&e.to_string());
            match e.kind() {
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::NotFound => Exit::Invalid,
                _ => Exit::Internal,
            }
        }
    }
}

#[cfg(not(feature = "tui"))]
fn open_lab(file: Option<PathBuf>, term: &Term) -> Exit {
    let _ = file;
    term.error(
        "this apigw-lab was built without the interactive lab (the `tui` feature); \
         use `apigw-lab run FILE` or `apigw-lab check FILE` (see `apigw-lab --help`)",
    );
    Exit::Invalid
}

/// Reads a scenario and reports a load error (with the source line and a caret) on stderr.
fn load(path: &std::path::Path, term: &Term) -> Option<crate::scenario::Scenario> {
    let text = match crate::scenario::read_text(path) {
        Ok(t) => t,
        Err(e) => {
            term.error(&e.to_string());
            return None;
        }
    };
    match crate::scenario::parse(&text, &path.display().to_string()) {
        Ok(s) => Some(s),
        Err(e) => {
            term.error(&e.render_with_source(&text));
            None
        }
    }
}
