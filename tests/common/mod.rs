//! Helpers shared by the lab's test files: a state on a built-in scenario, and a screen drawn on
//! ratatui's TestBackend as text (symbols only: styles would make snapshots fragile).

#![allow(dead_code)]

use apigw_lab::tui::state::State;
use apigw_lab::tui::{Action, Theme, draw, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn builtin_state(i: usize) -> State {
    let b = &apigw_lab::scenario::builtin()[i];
    let sc = b.scenario().expect("built-in scenario loads");
    State::new(sc, None, format!("built-in: {}", b.name), Theme::plain())
}

pub fn screen(s: &mut State, w: u16, h: u16) -> String {
    update(s, Action::Resize(w, h));
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| draw(s, f)).unwrap();
    let buf = term.backend().buffer();
    (0..h)
        .map(|y| {
            (0..w)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
