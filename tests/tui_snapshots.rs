//! Whole screens of the lab as insta snapshots (symbols only, not styles) on ratatui's
//! TestBackend: each built-in scenario, the help overlay, an input error, the recovery prompt and
//! the lesson list, at 80×24, 120×40 and 200×60.

#![cfg(feature = "tui")]

mod common;

use apigw_lab::tui::state::{Overlay, Pane, State};
use apigw_lab::tui::{Action, Cmd, update};
use common::{builtin_state, screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::Input;

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        update(
            s,
            Action::Edit(Input::from(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            ))),
        );
    }
}

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

fn evaluated(mut s: State) -> State {
    apigw_lab::tui::update::evaluate_now(&mut s);
    s
}

#[test]
fn snapshots_of_each_builtin_scenario() {
    for (i, b) in apigw_lab::scenario::builtin().iter().enumerate() {
        let stem = b.name.trim_end_matches(".toml");
        for (w, h) in SIZES {
            let mut s = evaluated(builtin_state(i));
            insta::assert_snapshot!(format!("{stem}_{w}x{h}"), screen(&mut s, w, h));
        }
    }
}

#[test]
fn snapshots_of_the_help_overlay() {
    for (w, h) in SIZES {
        let mut s = evaluated(builtin_state(0));
        update(&mut s, Cmd::Help.into());
        insta::assert_snapshot!(format!("help_{w}x{h}"), screen(&mut s, w, h));
    }
}

#[test]
fn snapshots_of_an_input_error() {
    // Invalid JSON in a `returns` handler: marked in the editor, message in the status line,
    // last good results still on screen (dimmed).
    for (w, h) in SIZES {
        let mut s = evaluated(builtin_state(0));
        s.set_focus(Pane::Handler);
        while s.handler_kind != apigw_lab::tui::state::HandlerKind::Returns {
            update(&mut s, Cmd::CycleHandlerKind.into());
        }
        update(&mut s, Cmd::SelectAll.into());
        update(&mut s, Cmd::Cut.into());
        type_text(&mut s, "{\"statusCode\": 400,");
        apigw_lab::tui::update::evaluate_now(&mut s);
        assert!(s.dimmed());
        insta::assert_snapshot!(format!("error_json_{w}x{h}"), screen(&mut s, w, h));
    }
}

#[test]
fn snapshots_of_the_recovery_prompt() {
    for (w, h) in SIZES {
        let mut s = evaluated(builtin_state(0));
        let mut edited = s.scenario.clone();
        edited.title = "My edited scenario".into();
        s.overlay = Some(Overlay::Recovery {
            file: "/home/user/.local/state/apigw-lab/recovery/x.toml".into(),
            scenario: Box::new(edited),
            origin: None,
        });
        insta::assert_snapshot!(format!("recovery_{w}x{h}"), screen(&mut s, w, h));
        update(&mut s, Cmd::Yes.into());
        assert_eq!(s.scenario.title, "My edited scenario");
        assert!(s.dirty(), "restored edits are unsaved edits");
    }
}

#[test]
fn snapshots_of_the_lesson_list_and_a_lesson() {
    let mut s = evaluated(builtin_state(0));
    update(&mut s, Cmd::Lessons.into());
    insta::assert_snapshot!("lessons_120x40", screen(&mut s, 120, 40));
    update(&mut s, Cmd::RowDown.into());
    update(&mut s, Cmd::Accept.into());
    assert!(s.lesson.is_some());
    update(&mut s, Cmd::Hint.into());
    apigw_lab::tui::update::evaluate_now(&mut s);
    insta::assert_snapshot!("lesson_02_120x40", screen(&mut s, 120, 40));
}

/// The README's capture: `cargo test --test tui_snapshots readme_capture -- --ignored --nocapture`.
#[test]
#[ignore]
fn readme_capture() {
    let mut s = builtin_state(3);
    apigw_lab::tui::update::evaluate_now(&mut s);
    s.set_focus(Pane::Template);
    for _ in 0..16 {
        update(
            &mut s,
            Action::Edit(Input::from(KeyEvent::new(
                KeyCode::Right,
                KeyModifiers::NONE,
            ))),
        );
    }
    println!("{}", screen(&mut s, 120, 34));
}
