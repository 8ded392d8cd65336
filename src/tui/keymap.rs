//! The one keymap table: key → command per context. The key bar and the help overlay are
//! generated from it, so what they say is what the keys do. Terminal events become
//! [`Action`]s here and nowhere else.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};

use super::action::{Action, Cmd};
use super::state::{Editor, Overlay, Pane, State};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    /// Everywhere (unless a dialog is open).
    Global,
    /// When the focus is not on a text editor (letters are free).
    Nav,
    /// Any text editor.
    Editor,
    HandlerEditor,
    TemplateEditor,
    Table,
    Results,
    Help,
    ConfirmQuit,
    Recovery,
    Lessons,
    Prompt,
    PromptMulti,
}

impl Ctx {
    pub fn title(self) -> &'static str {
        match self {
            Ctx::Global => "Everywhere",
            Ctx::Nav => "Outside text editors",
            Ctx::Editor => "Text editors",
            Ctx::HandlerEditor => "Handler editor",
            Ctx::TemplateEditor => "Mapping template editor",
            Ctx::Table => "Integration responses table",
            Ctx::Results => "Result panes",
            Ctx::Help => "Help",
            Ctx::ConfirmQuit => "Quit with unsaved edits",
            Ctx::Recovery => "Recovered edits",
            Ctx::Lessons => "Lesson list",
            Ctx::Prompt => "One-line field",
            Ctx::PromptMulti => "Multi-line field",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

const fn k(code: KeyCode, mods: KeyModifiers) -> Key {
    Key { code, mods }
}
const fn ch(c: char) -> Key {
    k(KeyCode::Char(c), NONE)
}
const fn ctrl(c: char) -> Key {
    k(KeyCode::Char(c), CTRL)
}
const fn alt(c: char) -> Key {
    k(KeyCode::Char(c), ALT)
}

/// One row of the keymap.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub ctx: Ctx,
    pub key: Key,
    pub cmd: Cmd,
    /// Short words for the key bar.
    pub label: &'static str,
    /// Whether the key bar shows it (the help overlay shows every binding).
    pub bar: bool,
}

const fn b(ctx: Ctx, key: Key, cmd: Cmd, label: &'static str, bar: bool) -> Binding {
    Binding {
        ctx,
        key,
        cmd,
        label,
        bar,
    }
}

use Cmd as C;
use Ctx as X;
use KeyCode as K;

/// Every binding, in the order the help overlay lists them.
pub const KEYMAP: &[Binding] = &[
    // dialogs
    b(X::Help, k(K::Esc, NONE), C::Cancel, "close", true),
    b(X::Help, ch('?'), C::Cancel, "close", false),
    b(X::Help, k(K::F(1), NONE), C::Cancel, "close", false),
    b(X::Help, ch('q'), C::Cancel, "close", false),
    b(X::Help, k(K::Up, NONE), C::ScrollUp, "scroll", true),
    b(X::Help, k(K::Down, NONE), C::ScrollDown, "scroll", false),
    b(X::Help, k(K::PageUp, NONE), C::PageUp, "page up", false),
    b(
        X::Help,
        k(K::PageDown, NONE),
        C::PageDown,
        "page down",
        false,
    ),
    b(X::ConfirmQuit, ch('s'), C::Save, "save and quit", true),
    b(X::ConfirmQuit, ch('y'), C::Yes, "quit without saving", true),
    b(X::ConfirmQuit, ch('n'), C::No, "keep editing", true),
    b(
        X::ConfirmQuit,
        k(K::Esc, NONE),
        C::No,
        "keep editing",
        false,
    ),
    b(X::Recovery, ch('r'), C::Yes, "restore the edits", true),
    b(X::Recovery, ch('d'), C::Discard, "discard them", true),
    b(X::Recovery, k(K::Esc, NONE), C::No, "decide later", true),
    b(X::Lessons, k(K::Up, NONE), C::RowUp, "previous", true),
    b(X::Lessons, k(K::Down, NONE), C::RowDown, "next", true),
    b(X::Lessons, k(K::Enter, NONE), C::Accept, "open", true),
    b(X::Lessons, k(K::Esc, NONE), C::Cancel, "close", true),
    b(X::Prompt, k(K::Enter, NONE), C::Accept, "accept", true),
    b(X::Prompt, k(K::Esc, NONE), C::Cancel, "cancel", true),
    b(X::PromptMulti, k(K::Esc, NONE), C::Accept, "done", true),
    b(X::PromptMulti, ctrl('z'), C::Undo, "undo", true),
    b(X::Prompt, ctrl('z'), C::Undo, "undo", false),
    // everywhere
    b(X::Global, k(K::Tab, NONE), C::FocusNext, "next pane", true),
    b(
        X::Global,
        k(K::BackTab, SHIFT),
        C::FocusPrev,
        "previous pane",
        false,
    ),
    b(
        X::Global,
        k(K::Left, ALT),
        C::FocusLeft,
        "focus left",
        false,
    ),
    b(
        X::Global,
        k(K::Right, ALT),
        C::FocusRight,
        "focus right",
        false,
    ),
    b(X::Global, k(K::Up, ALT), C::FocusUp, "focus up", false),
    b(
        X::Global,
        k(K::Down, ALT),
        C::FocusDown,
        "focus down",
        false,
    ),
    b(X::Global, ctrl('s'), C::Save, "save", true),
    b(X::Global, ctrl('q'), C::Quit, "quit", true),
    b(X::Global, k(K::F(1), NONE), C::Help, "help", true),
    b(
        X::Global,
        k(K::F(2), NONE),
        C::CycleMode,
        "focus mode",
        false,
    ),
    b(X::Global, k(K::F(3), NONE), C::Log, "log", false),
    b(X::Global, k(K::F(4), NONE), C::Zoom, "zoom", false),
    b(X::Global, k(K::F(5), NONE), C::Lessons, "lessons", false),
    b(
        X::Global,
        k(K::F(6), NONE),
        C::LessonPane,
        "lesson pane",
        false,
    ),
    b(X::Global, k(K::F(7), NONE), C::Hint, "next hint", false),
    b(X::Global, k(K::F(8), NONE), C::Theme, "dark/light", false),
    // outside editors
    b(X::Nav, ch('?'), C::Help, "help", true),
    b(X::Nav, ch('m'), C::CycleMode, "focus mode", true),
    b(X::Nav, ch('L'), C::Log, "log", true),
    b(X::Nav, ch('z'), C::Zoom, "zoom", true),
    b(X::Nav, ch('l'), C::Lessons, "lessons", false),
    b(X::Nav, ch('g'), C::LessonPane, "lesson pane", false),
    b(X::Nav, ch('h'), C::Hint, "hint", false),
    b(X::Nav, ch('t'), C::Theme, "dark/light", false),
    b(X::Nav, ch('q'), C::Quit, "quit", false),
    // integration responses table
    b(X::Table, k(K::Up, NONE), C::RowUp, "row", false),
    b(X::Table, k(K::Down, NONE), C::RowDown, "row", false),
    b(X::Table, ch('k'), C::RowUp, "row up", false),
    b(X::Table, ch('j'), C::RowDown, "row down", false),
    b(X::Table, k(K::Left, NONE), C::ColLeft, "column", false),
    b(X::Table, k(K::Right, NONE), C::ColRight, "column", false),
    b(X::Table, k(K::Enter, NONE), C::EditCell, "edit cell", true),
    b(X::Table, ch('a'), C::AddResponse, "add response", true),
    b(X::Table, ch('d'), C::DeleteResponse, "delete", true),
    b(X::Table, ch('K'), C::MoveResponseUp, "move up", false),
    b(X::Table, ch('J'), C::MoveResponseDown, "move down", false),
    b(X::Table, ch('c'), C::NextContentType, "content type", true),
    b(
        X::Table,
        ch('C'),
        C::AddContentType,
        "add content type",
        false,
    ),
    b(
        X::Table,
        ch('x'),
        C::RemoveTemplate,
        "remove template",
        false,
    ),
    b(X::Table, ch('u'), C::UndoTable, "undo", true),
    // result panes
    b(X::Results, k(K::Up, NONE), C::ScrollUp, "scroll", true),
    b(X::Results, k(K::Down, NONE), C::ScrollDown, "scroll", false),
    b(X::Results, k(K::PageUp, NONE), C::PageUp, "page up", false),
    b(
        X::Results,
        k(K::PageDown, NONE),
        C::PageDown,
        "page down",
        false,
    ),
    // text editors
    b(X::Editor, ctrl('z'), C::Undo, "undo", true),
    b(X::Editor, ctrl('y'), C::Redo, "redo", false),
    b(X::Editor, ctrl('c'), C::Copy, "copy", false),
    b(X::Editor, ctrl('x'), C::Cut, "cut", false),
    b(X::Editor, ctrl('v'), C::Paste, "paste", false),
    b(X::Editor, ctrl('a'), C::SelectAll, "select all", false),
    b(X::Editor, ctrl('f'), C::Search, "search", true),
    b(X::Editor, alt('n'), C::SearchNext, "next match", false),
    b(X::Editor, alt('p'), C::SearchPrev, "previous match", false),
    b(X::Editor, k(K::Esc, NONE), C::Cancel, "leave editor", false),
    b(
        X::HandlerEditor,
        alt('k'),
        C::CycleHandlerKind,
        "code/returns/throws/fails",
        true,
    ),
    b(X::HandlerEditor, alt('r'), C::CycleRuntime, "runtime", true),
    b(
        X::HandlerEditor,
        alt('e'),
        C::EditErrorType,
        "error type",
        false,
    ),
    b(
        X::TemplateEditor,
        alt('c'),
        C::NextContentType,
        "content type",
        true,
    ),
    b(
        X::TemplateEditor,
        alt('t'),
        C::ToggleTemplateTarget,
        "request/response",
        true,
    ),
];

/// The order the help overlay lists the contexts in: what a newcomer needs first.
pub const HELP_ORDER: [Ctx; 13] = [
    Ctx::Global,
    Ctx::Nav,
    Ctx::Table,
    Ctx::Editor,
    Ctx::HandlerEditor,
    Ctx::TemplateEditor,
    Ctx::Results,
    Ctx::Prompt,
    Ctx::PromptMulti,
    Ctx::ConfirmQuit,
    Ctx::Recovery,
    Ctx::Lessons,
    Ctx::Help,
];

/// The contexts that apply now, most specific first.
pub fn contexts(state: &State) -> Vec<Ctx> {
    match &state.overlay {
        Some(Overlay::Help { .. }) => return vec![Ctx::Help],
        Some(Overlay::ConfirmQuit) => return vec![Ctx::ConfirmQuit],
        Some(Overlay::Recovery { .. }) => return vec![Ctx::Recovery],
        Some(Overlay::Lessons { .. }) => return vec![Ctx::Lessons],
        Some(Overlay::Prompt(p)) => {
            return vec![if p.multiline {
                Ctx::PromptMulti
            } else {
                Ctx::Prompt
            }];
        }
        None => {}
    }
    let mut out = Vec::new();
    match state.focus.editor() {
        Some(e) => {
            match e {
                Editor::Handler => out.push(Ctx::HandlerEditor),
                Editor::Template => out.push(Ctx::TemplateEditor),
                _ => {}
            }
            out.push(Ctx::Editor);
        }
        None => {
            out.push(if state.focus == Pane::Integration {
                Ctx::Table
            } else {
                Ctx::Results
            });
            out.push(Ctx::Nav);
        }
    }
    out.push(Ctx::Global);
    out
}

fn same_key(key: Key, ev: &KeyEvent) -> bool {
    // Shift is part of the character for letters and symbols: compare without it there.
    let mods = if matches!(ev.code, KeyCode::Char(_)) {
        ev.modifiers - SHIFT
    } else {
        ev.modifiers
    };
    let want = if matches!(key.code, KeyCode::Char(_)) {
        key.mods - SHIFT
    } else {
        key.mods
    };
    key.code == ev.code && mods == want
        || (key.code == KeyCode::BackTab && ev.code == KeyCode::BackTab)
}

/// The command a key press means here, if any.
pub fn lookup(state: &State, ev: &KeyEvent) -> Option<Cmd> {
    let ctxs = contexts(state);
    ctxs.iter().find_map(|ctx| {
        KEYMAP
            .iter()
            .find(|b| b.ctx == *ctx && same_key(b.key, ev))
            .map(|b| b.cmd)
    })
}

/// Does the focused thing take text input?
fn takes_text(state: &State) -> bool {
    matches!(state.overlay, Some(Overlay::Prompt(_)))
        || (state.overlay.is_none() && state.focus.editor().is_some())
}

/// A terminal event as an [`Action`].
pub fn translate(state: &State, event: Event) -> Option<Action> {
    match event {
        Event::Key(ev) if ev.kind != KeyEventKind::Release => match lookup(state, &ev) {
            Some(cmd) => Some(Action::Cmd(cmd)),
            None if takes_text(state) => Some(Action::Edit(ev.into())),
            None => None,
        },
        Event::Paste(text) => Some(Action::PasteText(text)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(_) => Some(Action::Click {
                column: m.column,
                row: m.row,
            }),
            MouseEventKind::ScrollDown => Some(Action::Wheel {
                column: m.column,
                row: m.row,
                down: true,
            }),
            MouseEventKind::ScrollUp => Some(Action::Wheel {
                column: m.column,
                row: m.row,
                down: false,
            }),
            _ => None,
        },
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    }
}

/// How a key is written in the key bar and help ("^S", "Alt-←", "S-Tab").
pub fn key_name(key: Key) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::F(n) => format!("F{n}"),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => return "S-Tab".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        other => format!("{other:?}"),
    };
    if key.mods.contains(CTRL) {
        format!("^{}", base.to_uppercase())
    } else if key.mods.contains(ALT) {
        format!("Alt-{base}")
    } else {
        base
    }
}

/// The key bar: the bar bindings of the contexts that apply now, most specific first, without
/// repeating a command.
pub fn bar(state: &State) -> Vec<(String, &'static str)> {
    let mut seen: Vec<Cmd> = Vec::new();
    let mut out = Vec::new();
    for ctx in contexts(state) {
        for bnd in KEYMAP.iter().filter(|b| b.ctx == ctx && b.bar) {
            if !seen.contains(&bnd.cmd) {
                seen.push(bnd.cmd);
                out.push((bnd.cmd, key_name(bnd.key), bnd.label));
            }
        }
    }
    // Narrow terminals cut the bar from the right: help, save and quit go first.
    let rank = |c: &Cmd| match c {
        Cmd::Help => 0,
        Cmd::Quit | Cmd::Save => 2,
        _ => 1,
    };
    out.sort_by_key(|(c, _, _)| if state.overlay.is_some() { 1 } else { rank(c) });
    out.into_iter().map(|(_, k, l)| (k, l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in KEYMAP.iter().enumerate() {
            for b in &KEYMAP[i + 1..] {
                assert!(
                    !(a.ctx == b.ctx && a.key == b.key),
                    "{:?} {} bound twice",
                    a.ctx,
                    key_name(a.key)
                );
            }
        }
    }

    #[test]
    fn the_help_lists_every_context_of_the_keymap() {
        for b in KEYMAP {
            assert!(
                HELP_ORDER.contains(&b.ctx),
                "{:?} missing from HELP_ORDER",
                b.ctx
            );
        }
    }

    #[test]
    fn names() {
        assert_eq!(key_name(ctrl('s')), "^S");
        assert_eq!(key_name(k(K::Left, ALT)), "Alt-←");
        assert_eq!(key_name(ch('?')), "?");
    }
}
