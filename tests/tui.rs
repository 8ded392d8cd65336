//! The lab without a terminal: `update` driven by Actions, and whole screens drawn on
//! ratatui's TestBackend (insta snapshots of the symbols, not the styles).

#![cfg(feature = "tui")]

mod common;

use apigw_lab::tui::state::{Column, Overlay, Pane, State};
use apigw_lab::tui::{Action, Cmd, draw, update};
use common::{builtin_state, screen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::Input;

fn key(c: char) -> Action {
    Action::Edit(Input::from(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::NONE,
    )))
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(c));
    }
}

fn draw_every_size(s: &mut State) {
    let mut term = Terminal::new(TestBackend::new(1, 1)).unwrap();
    for w in 1..=200u16 {
        for h in 1..=60u16 {
            update(s, Action::Resize(w, h));
            term.backend_mut().resize(w, h);
            term.resize(ratatui::layout::Rect::new(0, 0, w, h)).unwrap();
            term.draw(|f| draw(s, f)).unwrap();
        }
    }
}

#[test]
fn every_size_draws_without_panic() {
    let mut s = builtin_state(0);
    draw_every_size(&mut s);
}

#[test]
fn too_small_says_so() {
    let mut s = builtin_state(0);
    let text = screen(&mut s, 40, 10);
    assert!(text.contains("terminal too small"), "{text}");
}

#[test]
fn editing_a_pattern_changes_the_scenario_live_and_esc_restores_it() {
    let mut s = builtin_state(0);
    s.row = 0;
    s.column = Column::Pattern;
    update(&mut s, Cmd::EditCell.into());
    assert!(matches!(s.overlay, Some(Overlay::Prompt(_))));
    let before = s.scenario.clone();
    let g = s.generation;
    // Clear whatever the pattern was, then type a new one.
    for _ in 0..80 {
        update(
            &mut s,
            Action::Edit(Input::from(KeyEvent::new(
                KeyCode::Backspace,
                KeyModifiers::NONE,
            ))),
        );
    }
    type_text(&mut s, "^Internal Error.*");
    let first = s
        .scenario
        .integration
        .integration_responses
        .get_index(0)
        .unwrap()
        .1;
    assert_eq!(
        first.selection_pattern.as_deref(),
        Some("^Internal Error.*")
    );
    assert!(
        s.generation > g,
        "every keystroke asks for a new evaluation"
    );
    assert!(s.dirty());
    update(&mut s, Cmd::Cancel.into());
    assert_eq!(s.scenario, before);
    assert!(s.overlay.is_none());
}

#[test]
fn adding_a_response_and_accepting_its_status() {
    let mut s = builtin_state(0);
    let n = s.scenario.integration.integration_responses.len();
    update(&mut s, Cmd::AddResponse.into());
    type_text(&mut s, "418");
    update(&mut s, Cmd::Accept.into());
    assert_eq!(s.scenario.integration.integration_responses.len(), n + 1);
    assert!(
        s.scenario
            .integration
            .integration_responses
            .contains_key("418")
    );
    // A bad status is refused with a message, not accepted.
    if matches!(s.overlay, Some(Overlay::Prompt(_))) {
        update(&mut s, Cmd::Cancel.into());
    }
    update(&mut s, Cmd::AddResponse.into());
    type_text(&mut s, "41");
    update(&mut s, Cmd::Accept.into());
    match &s.overlay {
        Some(Overlay::Prompt(p)) => {
            assert!(p.error.as_deref().unwrap_or("").contains("three digits"))
        }
        other => panic!("prompt should stay open: {other:?}"),
    }
    update(&mut s, Cmd::Cancel.into());
    update(&mut s, Cmd::UndoTable.into());
    assert_eq!(s.scenario.integration.integration_responses.len(), n);
}

#[test]
fn switching_the_focused_mode_and_panes() {
    let mut s = builtin_state(0);
    let m = s.mode;
    update(&mut s, Cmd::CycleMode.into());
    assert_ne!(s.mode, m);
    update(&mut s, Cmd::CycleMode.into());
    update(&mut s, Cmd::CycleMode.into());
    assert_eq!(s.mode, m);
    s.set_focus(Pane::Handler);
    update(&mut s, Cmd::FocusNext.into());
    assert_eq!(s.focus, Pane::Integration);
    update(&mut s, Cmd::FocusPrev.into());
    assert_eq!(s.focus, Pane::Handler);
    update(&mut s, Cmd::FocusRight.into());
    assert!(!s.focus.is_left());
    update(&mut s, Cmd::Log.into());
    assert_eq!(s.focus, Pane::Log);
}

#[test]
fn handler_edits_reach_the_scenario_and_bad_json_is_marked() {
    let mut s = builtin_state(0);
    s.set_focus(Pane::Handler);
    while s.handler_kind != apigw_lab::tui::state::HandlerKind::Returns {
        update(&mut s, Cmd::CycleHandlerKind.into());
    }
    update(&mut s, Cmd::SelectAll.into());
    update(&mut s, Cmd::Cut.into());
    type_text(&mut s, "{\"statusCode\": ");
    assert!(
        s.form_errors.iter().any(|e| e.pane == Pane::Handler),
        "{:?}",
        s.form_errors
    );
    assert!(!apigw_lab::tui::update::wants_evaluation(&s));
    type_text(&mut s, "400}");
    assert!(s.form_errors.is_empty(), "{:?}", s.form_errors);
    assert_eq!(
        s.scenario.handler.returns.as_deref(),
        Some("{\"statusCode\": 400}")
    );
}

#[test]
fn save_writes_the_file_and_clears_dirty() {
    let dir = std::env::temp_dir().join(format!("apigw-lab-tui-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("s.toml");
    let mut s = builtin_state(0);
    s.path = Some(path.clone());
    s.scenario.title = "Saved from the lab".into();
    assert!(s.dirty());
    update(&mut s, Cmd::Save.into());
    assert!(!s.dirty());
    let back = apigw_lab::scenario::load(&path).unwrap();
    assert_eq!(back, s.scenario);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn quit_asks_when_there_are_unsaved_edits() {
    let mut s = builtin_state(0);
    update(&mut s, Cmd::Quit.into());
    assert!(s.quit, "nothing edited: quits at once");
    let mut s = builtin_state(0);
    s.scenario.title.push('!');
    update(&mut s, Cmd::Quit.into());
    assert!(!s.quit);
    assert!(matches!(s.overlay, Some(Overlay::ConfirmQuit)));
    update(&mut s, Cmd::No.into());
    assert!(s.overlay.is_none() && !s.quit);
    update(&mut s, Cmd::Quit.into());
    update(&mut s, Cmd::Yes.into());
    assert!(s.quit);
}

#[test]
#[ignore]
fn time_one_draw() {
    let mut s = builtin_state(0);
    for (w, h) in [(200u16, 60u16), (80, 24), (50, 10)] {
        update(&mut s, Action::Resize(w, h));
        let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
        term.draw(|f| draw(&s, f)).unwrap();
        let t = std::time::Instant::now();
        for _ in 0..100 {
            term.draw(|f| draw(&s, f)).unwrap();
        }
        eprintln!("{w}x{h}: {:?} per draw", t.elapsed() / 100);
    }
}

fn evaluated(mut s: State) -> State {
    apigw_lab::tui::update::evaluate_now(&mut s);
    s
}

#[test]
fn every_size_draws_with_overlays_and_errors_too() {
    let mut s = evaluated(builtin_state(2));
    update(&mut s, Cmd::Help.into());
    for (w, h) in [
        (1, 1),
        (2, 60),
        (200, 1),
        (59, 15),
        (60, 16),
        (61, 17),
        (119, 29),
        (120, 30),
    ] {
        screen(&mut s, w, h);
    }
    update(&mut s, Cmd::Cancel.into());
    update(&mut s, Cmd::EditCell.into());
    for (w, h) in [(1, 1), (60, 16), (80, 24), (200, 60)] {
        screen(&mut s, w, h);
    }
}

#[test]
#[ignore]
fn print_screens() {
    for (w, h) in [(80u16, 24u16), (150, 40)] {
        let mut s = builtin_state(2);
        apigw_lab::tui::update::evaluate_now(&mut s);
        println!("{}", screen(&mut s, w, h));
    }
}

#[test]
fn unsaved_edits_are_autosaved_and_offered_back() {
    let dir = std::env::temp_dir().join(format!("apigw-lab-tui-recovery-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let file = dir.join("s.toml");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&file, apigw_lab::scenario::builtin()[2].source).unwrap();

    let open = || {
        let mut s = apigw_lab::tui::initial_state(Some(file.clone())).unwrap();
        s.state_dir = Some(dir.join("state"));
        apigw_lab::tui::offer_recovery(&mut s);
        s
    };
    let mut s = open();
    assert!(s.overlay.is_none(), "nothing to recover yet");
    s.row = 1;
    s.column = Column::Pattern;
    update(&mut s, Cmd::EditCell.into());
    type_text(&mut s, "X");
    update(&mut s, Cmd::Accept.into());
    update(&mut s, Action::Autosave);
    assert!(!s.autosave_pending);

    // The next start offers the edits back; restoring them makes them unsaved edits again.
    let mut again = open();
    assert!(
        matches!(again.overlay, Some(Overlay::Recovery { .. })),
        "{:?}",
        again.overlay
    );
    update(&mut again, Cmd::Yes.into());
    assert_eq!(again.scenario, s.scenario);
    assert!(again.dirty());
    assert_eq!(
        again.path.as_deref(),
        Some(file.as_path()),
        "saving goes to the original file"
    );

    // Saving removes the recovery file: nothing is offered after that.
    update(&mut again, Cmd::Save.into());
    assert!(!again.dirty());
    assert!(open().overlay.is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_with_a_broken_template_opens_with_the_problem_shown() {
    let dir = std::env::temp_dir().join(format!("apigw-lab-tui-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.toml");
    let text = apigw_lab::scenario::builtin()[3].source.replace(
        "{\"message\": \"$input.path('$.errorMessage')\"}",
        "#if($input.path('$.x') {\"message\": 1}",
    );
    assert!(
        text.contains("#if("),
        "the built-in template changed: update this test"
    );
    std::fs::write(&file, &text).unwrap();
    assert!(apigw_lab::scenario::parse(&text, "broken.toml").is_err());
    let mut s = apigw_lab::tui::initial_state(Some(file.clone())).unwrap();
    assert!(
        matches!(
            s.status,
            Some((apigw_lab::tui::state::Severity::Warning, _))
        ),
        "{:?}",
        s.status
    );
    // The broken template is in the editor, marked where it breaks.
    assert!(
        s.editor_text(apigw_lab::tui::state::Editor::Template)
            .starts_with("#if(")
    );
    apigw_lab::tui::update::evaluate_now(&mut s);
    let marked: Vec<_> = s.errors().filter(|e| e.pane == Pane::Template).collect();
    assert!(
        marked.iter().any(|e| e.line == 0 && e.syntax),
        "{:?}",
        s.engine_errors
    );
    // A file that is not a scenario at all still fails with the loader's message.
    std::fs::write(&file, "title = 3").unwrap();
    let e = apigw_lab::tui::initial_state(Some(file))
        .err()
        .expect("not a scenario");
    assert!(e.to_string().contains("broken.toml"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn clicks_focus_panes_and_pick_rows_and_the_wheel_scrolls() {
    let mut s = evaluated(builtin_state(2));
    update(&mut s, Action::Resize(150, 40));
    let areas = apigw_lab::tui::layout::build(ratatui::layout::Rect::new(0, 0, 150, 40), &s);
    let handler = areas.pane(Pane::Handler).unwrap();
    update(
        &mut s,
        Action::Click {
            column: handler.x + 5,
            row: handler.y + 1,
        },
    );
    assert_eq!(s.focus, Pane::Handler);
    let table = areas.pane(Pane::Integration).unwrap();
    // Row 0 of the inner area is the header; row 1 the first response.
    update(
        &mut s,
        Action::Click {
            column: table.x + 3,
            row: table.y + 2,
        },
    );
    assert_eq!((s.focus, s.row), (Pane::Integration, 0));
    update(
        &mut s,
        Action::Click {
            column: table.x + 3,
            row: table.y + 3,
        },
    );
    assert_eq!(s.row, 1);
    let (tab, rect) = areas
        .tabs
        .iter()
        .find(|(p, _)| *p == Pane::Log)
        .copied()
        .unwrap();
    update(
        &mut s,
        Action::Click {
            column: rect.x,
            row: rect.y,
        },
    );
    assert_eq!(s.focus, tab);
    update(
        &mut s,
        Action::Wheel {
            column: rect.x + 2,
            row: rect.y + 5,
            down: true,
        },
    );
    assert!(s.scroll[apigw_lab::tui::update::scroll_slot(Pane::Log)] > 0);
}

#[test]
fn template_keystrokes_reuse_the_handler_run_and_handler_keystrokes_rerun_it() {
    let mut s = builtin_state(0);
    assert!(s.scenario.handler.code.is_some(), "seed 0 runs JavaScript");
    apigw_lab::tui::update::evaluate_now(&mut s);
    let (_, ran) = s.memo.stats();
    s.set_focus(Pane::Template);
    type_text(&mut s, "$input.body");
    apigw_lab::tui::update::evaluate_now(&mut s);
    let (hits, misses) = s.memo.stats();
    assert_eq!(misses, ran, "the template does not reach the function");
    assert_eq!(hits, 3, "one remembered run per mode");
    let json = |e: &apigw_lab::Evaluation| serde_json::to_value(e).unwrap();
    let fresh = apigw_lab::evaluate(&s.scenario);
    assert_eq!(
        json(s.eval.as_ref().unwrap()),
        json(&fresh),
        "the memo shows what a fresh run shows"
    );

    s.set_focus(Pane::Handler);
    update(&mut s, key(' '));
    apigw_lab::tui::update::evaluate_now(&mut s);
    assert_eq!(
        s.memo.stats().1,
        ran + 3,
        "edited code runs again in every mode"
    );
    assert_eq!(
        json(s.eval.as_ref().unwrap()),
        json(&apigw_lab::evaluate(&s.scenario))
    );
}

#[test]
fn goals_are_checked_when_shown_and_belong_to_the_evaluation_on_screen() {
    let mut s = builtin_state(0);
    apigw_lab::tui::update::evaluate_now(&mut s);
    screen(&mut s, 160, 48);
    assert!(
        s.expect_failures.get().is_none(),
        "the Responses view does not check the goals"
    );
    update(&mut s, Cmd::LessonPane.into());
    let shown = screen(&mut s, 160, 48);
    assert_eq!(s.expect_failures(), [] as [String; 0]);
    assert!(shown.contains("every goal holds"), "{shown}");

    // Add a pattern that turns the success into a 500: the custom goals fail on the next
    // evaluation, and the pane says so.
    update(&mut s, Cmd::FocusLeft.into());
    s.scenario
        .integration
        .integration_responses
        .insert("500".into(), Default::default());
    s.scenario.integration.integration_responses["500"].selection_pattern = Some(".*".into());
    s.scenario
        .integration
        .integration_responses
        .move_index(1, 0);
    s.mark_edited();
    apigw_lab::tui::update::evaluate_now(&mut s);
    assert!(
        s.expect_failures.get().is_none(),
        "reset by the new evaluation"
    );
    let want = apigw_lab::tui::lessons::expect_failures(&s.scenario, s.eval.as_ref().unwrap());
    assert!(!want.is_empty());
    let shown = screen(&mut s, 160, 48);
    assert_eq!(s.expect_failures(), want.as_slice());
    assert!(shown.contains("goals not met yet"), "{shown}");
}
