//! The interactive lab: edit the handler, the integration responses, templates and the request on
//! the left; see the Lambda output, the selection and the custom / proxy / HTTP API responses on
//! the right, re-evaluated on every keystroke.
//!
//! Structure (gitui / television style): terminal events become [`Action`]s in [`keymap`],
//! [`update::update`] is the only place state changes, [`view::draw`] is a pure function of the
//! state, and the event loop in this file ties them to the terminal and the evaluation thread.

pub mod action;
pub mod derived;
pub mod forms;
pub mod highlight;
pub mod keymap;
pub mod layout;
pub mod lessons;
pub mod state;
pub mod store;
pub mod text;
pub mod theme;
pub mod update;
pub mod view;
pub mod worker;

use std::io;
use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;

pub use action::{Action, Cmd};
pub use state::State;
pub use theme::Theme;
pub use update::update;
pub use view::draw;

use state::{Overlay, Severity};

/// How long a keystroke's frame waits for an evaluation off the UI thread before it shows the
/// previous results dimmed: under a frame at 60 Hz, longer than a template edit takes with the
/// handler's run remembered.
const QUICK_ANSWER: Duration = Duration::from_millis(8);

/// How long after the last edit the recovery file is written.
const AUTOSAVE_AFTER: Duration = Duration::from_millis(800);

/// Opens the lab on `path`, or on the first built-in scenario.
pub fn run(path: Option<PathBuf>) -> io::Result<()> {
    let mut state = initial_state(path)?;
    state.state_dir = store::state_dir();
    offer_recovery(&mut state);
    let mut terminal = ratatui::try_init()?;
    let _ = execute!(io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    install_panic_hook();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        event_loop(&mut terminal, &mut state)
    }));
    let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
    match outcome {
        Ok(result) => result,
        Err(panic) => {
            // The hook already printed the panic; keep the user's work.
            match update::write_recovery(&mut state) {
                Some(file) => eprintln!("apigw-lab: your unsaved edits are in {}", file.display()),
                None if state.dirty() => eprintln!("apigw-lab: could not save the unsaved edits"),
                None => {}
            }
            std::panic::resume_unwind(panic)
        }
    }
}

/// The scenario to open: a file, or the first built-in one.
pub fn initial_state(path: Option<PathBuf>) -> io::Result<State> {
    let theme = Theme::from_env();
    match path {
        Some(p) => {
            let invalid = |m: String| io::Error::new(io::ErrorKind::InvalidData, m);
            let text = crate::scenario::read_text(&p).map_err(|e| invalid(e.to_string()))?;
            let name = p.display().to_string();
            match parse_lenient(&text, &name) {
                Ok((scenario, problem)) => {
                    let mut s = State::new(scenario, Some(p.clone()), name, theme);
                    if let Some(problem) = problem {
                        s.set_status(Severity::Warning, problem);
                    }
                    Ok(s)
                }
                Err(e) => Err(invalid(e.render_with_source(&text))),
            }
        }
        None => {
            let first = crate::scenario::builtin()
                .first()
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no built-in scenario"))?;
            let scenario = first
                .scenario()
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
            Ok(State::new(
                scenario,
                None,
                format!("built-in: {}", first.name),
                theme,
            ))
        }
    }
}

/// If a recovery file exists for what is being opened, ask whether to restore it.
pub fn offer_recovery(s: &mut State) {
    let Some(dir) = s.state_dir.clone() else {
        return;
    };
    let origin = update::recovery_origin(s);
    let file = store::recovery_file(&dir, &origin);
    let Ok(text) = std::fs::read_to_string(&file) else {
        return;
    };
    let body = text.split_once('\n').map(|(_, rest)| rest).unwrap_or("");
    match parse_lenient(body, &file.display().to_string()).map(|(sc, _)| sc) {
        Ok(scenario) if scenario != s.scenario => {
            let origin = s.path.clone();
            s.overlay = Some(Overlay::Recovery {
                file,
                scenario: Box::new(scenario),
                origin,
            });
        }
        Ok(_) => {
            let _ = std::fs::remove_file(&file);
        }
        Err(e) => s.set_status(
            Severity::Warning,
            format!("a recovery file could not be read: {e}"),
        ),
    }
}

/// Loads a scenario the loader rejects only for its *values* (a template or pattern that does not
/// parse, say) anyway, so the lab can show the problem where it is and the user can fix it there;
/// the loader's message comes back as the second member.
fn parse_lenient(
    text: &str,
    name: &str,
) -> Result<(crate::scenario::Scenario, Option<String>), crate::scenario::LoadError> {
    match crate::scenario::parse(text, name) {
        Ok(s) => Ok((s, None)),
        Err(e) => match toml::from_str::<crate::scenario::Scenario>(text) {
            Ok(s) if s.handler.behaviour().is_some() => Ok((s, Some(e.to_string()))),
            _ => Err(e),
        },
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if worker::in_engine() {
            // Caught and shown in the status line; the lab goes on.
            return;
        }
        // Restore the terminal first so the message is readable.
        let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
        ratatui::restore();
        previous(info);
    }));
}

/// Messages into the loop: terminal events and finished evaluations.
enum Msg {
    Term(event::Event),
    TermError(io::Error),
    Evaluated(u64, Box<Result<crate::trace::Evaluation, String>>),
}

fn event_loop(terminal: &mut ratatui::DefaultTerminal, s: &mut State) -> io::Result<()> {
    let (tx, rx) = mpsc::channel::<Msg>();
    let input_tx = tx.clone();
    std::thread::Builder::new()
        .name("apigw-lab-input".into())
        .spawn(move || {
            loop {
                let msg = match event::read() {
                    Ok(ev) => Msg::Term(ev),
                    Err(e) => Msg::TermError(e),
                };
                let stop = matches!(msg, Msg::TermError(_));
                if input_tx.send(msg).is_err() || stop {
                    return;
                }
            }
        })?;
    let eval_tx = tx;
    let worker = worker::spawn(move |generation, result| {
        let _ = eval_tx.send(Msg::Evaluated(generation, Box::new(result)));
    })?;
    let size = terminal.size()?;
    s.screen = (size.width, size.height);
    let mut requested = 0u64;
    loop {
        if update::wants_evaluation(s) && s.generation > requested {
            requested = s.generation;
            if worker::is_slow(&s.scenario) {
                s.stale = s.eval.is_some();
                let _ = worker.send((s.generation, s.scenario.clone()));
                // Most answers are quick (the handler's run is remembered): wait a moment for
                // this one rather than draw the results dimmed and then again.
                match rx.recv_timeout(QUICK_ANSWER) {
                    Ok(msg) => handle(s, msg)?,
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Disconnected) => return Ok(()),
                }
            } else {
                update::evaluate_now(s);
            }
        }
        terminal.draw(|f| draw(s, f))?;
        if s.quit {
            return Ok(());
        }
        // Block until something happens (an idle lab uses no CPU); wake for the autosave.
        let msg = if s.autosave_pending {
            match rx.recv_timeout(AUTOSAVE_AFTER) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => {
                    update(s, Action::Autosave);
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        } else {
            match rx.recv() {
                Ok(m) => m,
                Err(_) => return Ok(()),
            }
        };
        handle(s, msg)?;
        // Drain whatever else is queued before drawing (a paste burst, a fast typist).
        while let Ok(msg) = rx.try_recv() {
            handle(s, msg)?;
        }
    }
}

fn handle(s: &mut State, msg: Msg) -> io::Result<()> {
    match msg {
        Msg::Term(ev) => {
            if let Some(a) = keymap::translate(s, ev) {
                update(s, a);
            }
        }
        Msg::TermError(e) => return Err(e),
        Msg::Evaluated(g, r) => update(s, Action::Evaluated(g, r)),
    }
    Ok(())
}
