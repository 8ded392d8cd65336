//! `update`: the only place the lab's state changes. Pure apart from the file writes the user
//! asks for (save) and the recovery/progress files.

use std::path::PathBuf;

use ratatui::layout::Rect;
use ratatui_textarea::{CursorMove, Input, Key, TextArea};

use super::action::{Action, Cmd};
use super::derived::Derived;
use super::forms;
use super::layout::{self, shown_right};
use super::lessons;
use super::state::{
    Column, Editor, HandlerKind, InputError, NO_LINE, Overlay, Pane, Prompt, PromptTarget,
    Severity, State, TemplateTarget,
};
use super::store;
use crate::scenario::{IntegrationResponse, Map, RUNTIMES};
use crate::trace::{Evaluation, Mode};

pub fn update(s: &mut State, action: Action) {
    match action {
        Action::Cmd(c) => command(s, c),
        Action::Edit(input) => edit(s, input),
        Action::PasteText(t) => paste_text(s, &t),
        Action::Click { column, row } => click(s, column, row),
        Action::Wheel { column, row, down } => wheel(s, column, row, down),
        Action::Resize(w, h) => s.screen = (w, h),
        Action::Evaluated(generation, result) => evaluated(s, generation, *result),
        Action::Autosave => autosave(s),
    }
}

fn command(s: &mut State, c: Cmd) {
    match &s.overlay {
        Some(Overlay::Help { .. }) => return help_command(s, c),
        Some(Overlay::ConfirmQuit) => return confirm_quit(s, c),
        Some(Overlay::Recovery { .. }) => return recovery_command(s, c),
        Some(Overlay::Lessons { .. }) => return lessons_command(s, c),
        Some(Overlay::Prompt(_)) => return prompt_command(s, c),
        None => {}
    }
    match c {
        Cmd::Quit => {
            if s.dirty() {
                s.overlay = Some(Overlay::ConfirmQuit);
            } else {
                s.quit = true;
            }
        }
        Cmd::Save => save(s),
        Cmd::Help => s.overlay = Some(Overlay::Help { scroll: 0 }),
        Cmd::Lessons => {
            let selected = s
                .lesson
                .as_ref()
                .and_then(|l| lessons::lessons().iter().position(|f| f.id == l.id))
                .unwrap_or(0);
            s.overlay = Some(Overlay::Lessons { selected });
        }
        Cmd::Hint => hint(s),
        Cmd::Theme => {
            s.theme = s.theme.toggled_light();
            s.set_status(Severity::Info, format!("theme: {}", s.theme.name()));
        }
        Cmd::FocusNext | Cmd::FocusPrev => cycle_focus(s, c == Cmd::FocusNext),
        Cmd::FocusLeft => s.set_focus(s.last_left),
        Cmd::FocusRight => s.set_focus(s.last_right),
        Cmd::FocusUp | Cmd::FocusDown => focus_vertical(s, c == Cmd::FocusDown),
        Cmd::Zoom => s.zoom = !s.zoom,
        Cmd::Log => toggle_right(s, Pane::Log),
        Cmd::LessonPane => toggle_right(s, Pane::Lesson),
        Cmd::CycleMode => {
            let i = Mode::ALL.iter().position(|m| *m == s.mode).unwrap_or(0);
            s.mode = Mode::ALL[(i + 1) % 3];
            s.scroll[scroll_slot(Pane::Log)] = 0;
        }
        Cmd::RowUp | Cmd::RowDown => move_row(s, c == Cmd::RowDown),
        Cmd::ColLeft | Cmd::ColRight => {
            let i = Column::ALL.iter().position(|x| *x == s.column).unwrap_or(0);
            let n = Column::ALL.len();
            s.column = Column::ALL[if c == Cmd::ColRight {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }];
        }
        Cmd::EditCell => edit_cell(s),
        Cmd::AddResponse => open_prompt(
            s,
            PromptTarget::NewResponse,
            "New integration response: status code",
            "",
        ),
        Cmd::DeleteResponse => delete_response(s),
        Cmd::MoveResponseUp | Cmd::MoveResponseDown => move_response(s, c == Cmd::MoveResponseDown),
        Cmd::NextContentType => {
            let (types, _) = s.template_types();
            if types.len() > 1 {
                s.content_type = (s.content_type + 1) % types.len();
                s.reload_template_editor();
            }
        }
        Cmd::AddContentType => open_prompt(
            s,
            PromptTarget::ContentType,
            "Add a template for content type",
            "text/plain",
        ),
        Cmd::RemoveTemplate => remove_template(s),
        Cmd::UndoTable => undo_table(s),
        Cmd::Undo | Cmd::Redo | Cmd::Copy | Cmd::Cut | Cmd::Paste | Cmd::SelectAll => {
            editor_command(s, c)
        }
        Cmd::Search => {
            if let Some(e) = s.focus.editor() {
                open_prompt(s, PromptTarget::Search(e), "Search (regex)", "");
            }
        }
        Cmd::SearchNext | Cmd::SearchPrev => {
            if let Some(e) = s.focus.editor() {
                let t = s.editor_mut(e);
                let found = if c == Cmd::SearchNext {
                    t.search_forward(false)
                } else {
                    t.search_back(false)
                };
                if !found {
                    s.set_status(Severity::Info, "no match");
                }
            }
        }
        Cmd::CycleHandlerKind => cycle_handler_kind(s),
        Cmd::CycleRuntime => {
            let i = RUNTIMES
                .iter()
                .position(|r| *r == s.scenario.handler.runtime)
                .map_or(0, |i| i + 1);
            s.scenario.handler.runtime = RUNTIMES[i % RUNTIMES.len()].to_string();
            s.mark_edited();
        }
        Cmd::EditErrorType => {
            if s.handler_kind == HandlerKind::Throws {
                let current = s
                    .scenario
                    .handler
                    .throws
                    .as_ref()
                    .and_then(|t| t.error_type.clone())
                    .unwrap_or_default();
                open_prompt(
                    s,
                    PromptTarget::ErrorType,
                    "Error type (empty: the runtime's default)",
                    &current,
                );
            } else {
                s.set_status(
                    Severity::Info,
                    "the error type applies to `throws` handlers (Alt-k to switch)",
                );
            }
        }
        Cmd::ToggleTemplateTarget => {
            s.template_target = match s.template_target {
                TemplateTarget::Response => TemplateTarget::Request,
                TemplateTarget::Request => TemplateTarget::Response,
            };
            s.content_type = 0;
            s.reload_template_editor();
            s.set_focus(s.focus);
        }
        Cmd::ScrollUp | Cmd::ScrollDown | Cmd::PageUp | Cmd::PageDown => scroll(s, c),
        Cmd::Cancel => {
            if s.focus.editor().is_some() {
                s.set_focus(Pane::Integration);
            }
        }
        Cmd::Accept | Cmd::Yes | Cmd::No | Cmd::Discard => {}
    }
}

// ---------------------------------------------------------------- dialogs

fn help_command(s: &mut State, c: Cmd) {
    let Some(Overlay::Help { scroll }) = &mut s.overlay else {
        return;
    };
    match c {
        Cmd::ScrollUp => *scroll = scroll.saturating_sub(1),
        Cmd::ScrollDown => *scroll = scroll.saturating_add(1),
        Cmd::PageUp => *scroll = scroll.saturating_sub(10),
        Cmd::PageDown => *scroll = scroll.saturating_add(10),
        Cmd::Cancel | Cmd::Help => s.overlay = None,
        _ => {}
    }
}

fn confirm_quit(s: &mut State, c: Cmd) {
    match c {
        Cmd::Save => {
            s.overlay = None;
            save(s);
            if !s.dirty() {
                s.quit = true;
            }
        }
        Cmd::Yes => {
            // The user chose to drop the edits: the recovery file goes too.
            remove_recovery(s);
            s.quit = true;
        }
        Cmd::No | Cmd::Cancel => s.overlay = None,
        _ => {}
    }
}

fn recovery_command(s: &mut State, c: Cmd) {
    let Some(Overlay::Recovery {
        file,
        scenario,
        origin,
    }) = s.overlay.clone()
    else {
        return;
    };
    match c {
        Cmd::Yes => {
            s.overlay = None;
            let saved = s.saved.clone();
            let label = s.origin.clone();
            s.replace_scenario(*scenario, origin, label, saved);
            s.autosave_pending = true;
            s.set_status(
                Severity::Ok,
                "restored the unsaved edits (Ctrl-S saves them)",
            );
        }
        Cmd::Discard => {
            s.overlay = None;
            let _ = std::fs::remove_file(&file);
            s.set_status(Severity::Info, "discarded the recovered edits");
        }
        Cmd::No | Cmd::Cancel => {
            s.overlay = None;
            s.set_status(
                Severity::Info,
                format!("recovered edits kept in {}", file.display()),
            );
        }
        _ => {}
    }
}

fn lessons_command(s: &mut State, c: Cmd) {
    let n = lessons::lessons().len();
    let Some(Overlay::Lessons { selected }) = &mut s.overlay else {
        return;
    };
    match c {
        Cmd::RowUp => *selected = selected.saturating_sub(1),
        Cmd::RowDown => *selected = (*selected + 1).min(n.saturating_sub(1)),
        Cmd::Accept => {
            let i = *selected;
            s.overlay = None;
            open_lesson(s, i);
        }
        Cmd::Cancel | Cmd::Lessons => s.overlay = None,
        _ => {}
    }
}

/// Opens lesson `i` of the built-in list.
pub fn open_lesson(s: &mut State, i: usize) {
    let Some(file) = lessons::lessons().get(i) else {
        return;
    };
    match file.scenario() {
        Ok(sc) => {
            s.replace_scenario(sc.clone(), None, format!("lesson {}", file.id), sc);
            let solved = store::solved_lessons(s.state_dir.as_deref())
                .iter()
                .any(|x| x == file.id);
            s.lesson = Some(super::state::LessonState {
                id: file.id.to_string(),
                hints_shown: 0,
                solved,
            });
            s.last_right = Pane::Lesson;
            s.set_status(
                Severity::Info,
                format!("lesson: {} (F7 or h reveals a hint)", s.scenario.title),
            );
        }
        Err(e) => s.set_status(Severity::Error, format!("lesson {}: {e}", file.id)),
    }
}

fn hint(s: &mut State) {
    let Some(l) = &mut s.lesson else {
        s.set_status(
            Severity::Info,
            "hints belong to lessons: F5 opens the lesson list",
        );
        return;
    };
    let total = s.scenario.lesson.as_ref().map_or(0, |l| l.hints.len());
    if l.hints_shown < total {
        l.hints_shown += 1;
    } else {
        s.set_status(Severity::Info, "no more hints");
    }
    s.last_right = Pane::Lesson;
}

// ---------------------------------------------------------------- prompts

fn open_prompt(s: &mut State, target: PromptTarget, title: &str, text: &str) {
    let multiline = target == PromptTarget::Parameters;
    let mut input = TextArea::new(text.split('\n').map(String::from).collect());
    input.set_cursor_line_style(ratatui::style::Style::default());
    input.move_cursor(CursorMove::Bottom);
    input.move_cursor(CursorMove::End);
    s.overlay = Some(Overlay::Prompt(Box::new(Prompt {
        target,
        title: title.to_string(),
        input,
        multiline,
        before: s.scenario.clone(),
        error: None,
    })));
}

fn prompt_command(s: &mut State, c: Cmd) {
    let Some(Overlay::Prompt(p)) = &mut s.overlay else {
        return;
    };
    match c {
        Cmd::Accept => accept_prompt(s),
        Cmd::Cancel => {
            let before = p.before.clone();
            let target = p.target;
            s.overlay = None;
            if s.scenario != before {
                s.scenario = before;
                s.mark_edited();
            }
            if let PromptTarget::Search(e) = target {
                let _ = s.editor_mut(e).set_search_pattern("");
            }
        }
        Cmd::Undo => {
            p.input.undo();
            apply_prompt_live(s);
        }
        _ => {}
    }
}

fn prompt_text(s: &State) -> Option<(PromptTarget, String, Vec<String>)> {
    let Some(Overlay::Prompt(p)) = &s.overlay else {
        return None;
    };
    Some((
        p.target,
        p.input.lines().join("\n"),
        p.input.lines().to_vec(),
    ))
}

fn set_prompt_error(s: &mut State, error: Option<String>) {
    if let Some(Overlay::Prompt(p)) = &mut s.overlay {
        p.error = error;
    }
}

/// Fields that change the result are applied on every keystroke (live); the rest on Enter.
fn apply_prompt_live(s: &mut State) {
    let Some((target, text, lines)) = prompt_text(s) else {
        return;
    };
    let before = s.scenario.clone();
    let mut error = None;
    match target {
        PromptTarget::Pattern => {
            if let Some((_, r)) = s
                .scenario
                .integration
                .integration_responses
                .get_index_mut(s.row)
            {
                r.selection_pattern = (!text.is_empty()).then_some(text);
            }
        }
        PromptTarget::Parameters => match forms::parse_parameters(&lines) {
            Ok(p) => {
                if let Some((_, r)) = s
                    .scenario
                    .integration
                    .integration_responses
                    .get_index_mut(s.row)
                {
                    r.response_parameters = p;
                }
            }
            Err(e) => error = Some(format!("line {}: {}", e.line + 1, e.message)),
        },
        PromptTarget::ErrorType => {
            if let Some(t) = &mut s.scenario.handler.throws {
                t.error_type = (!text.trim().is_empty()).then(|| text.trim().to_string());
            }
        }
        PromptTarget::Search(e) => {
            let t = s.editor_mut(e);
            match t.set_search_pattern(&text) {
                Ok(()) => {
                    t.search_forward(true);
                }
                Err(err) => error = Some(err.to_string()),
            }
        }
        PromptTarget::Status | PromptTarget::NewResponse => error = status_problem(s, &text),
        PromptTarget::ContentType | PromptTarget::SaveAs => {}
    }
    set_prompt_error(s, error);
    if s.scenario != before {
        s.mark_edited();
    }
}

fn status_problem(s: &State, text: &str) -> Option<String> {
    let own = match prompt_text(s) {
        Some((PromptTarget::Status, ..)) => s.selected_status(),
        _ => None,
    };
    if text.len() != 3
        || !text.chars().all(|c| c.is_ascii_digit())
        || !('1'..='5').contains(&text.chars().next()?)
    {
        Some("a status code is three digits, 100–599".into())
    } else if own.as_deref() != Some(text)
        && s.scenario
            .integration
            .integration_responses
            .contains_key(text)
    {
        Some(format!("{text} already has an integration response"))
    } else {
        None
    }
}

fn accept_prompt(s: &mut State) {
    let Some((target, text, _)) = prompt_text(s) else {
        return;
    };
    let problem = match target {
        PromptTarget::Status | PromptTarget::NewResponse => status_problem(s, text.trim()),
        PromptTarget::Parameters | PromptTarget::Search(_) => match &s.overlay {
            Some(Overlay::Prompt(p)) => p.error.clone(),
            _ => None,
        },
        PromptTarget::ContentType if !text.contains('/') => {
            Some("a media type looks like `text/plain`".into())
        }
        PromptTarget::SaveAs if text.trim().is_empty() => Some("type a file name".into()),
        _ => None,
    };
    if let Some(p) = problem {
        set_prompt_error(s, Some(p));
        return;
    }
    let text = text.trim().to_string();
    let before = match s.overlay.take() {
        Some(Overlay::Prompt(p)) => p.before,
        _ => return,
    };
    match target {
        PromptTarget::Status => {
            if s.selected_status().as_deref() != Some(text.as_str()) {
                s.history.push(before);
                rename_response(s, &text);
                s.mark_edited();
            }
        }
        PromptTarget::NewResponse => {
            s.history.push(before);
            let responses = &mut s.scenario.integration.integration_responses;
            let has_default = responses.values().any(IntegrationResponse::is_default);
            responses.insert(text, IntegrationResponse::default());
            s.row = responses.len() - 1;
            s.column = Column::Pattern;
            s.reload_template_editor();
            s.mark_edited();
            if has_default {
                // A second default would make selection ambiguous: ask for its pattern now.
                open_prompt(
                    s,
                    PromptTarget::Pattern,
                    "selectionPattern (Java regex, whole errorMessage)",
                    "",
                );
            }
        }
        PromptTarget::ContentType => {
            if s.template_target == TemplateTarget::Request {
                s.scenario
                    .integration
                    .request_templates
                    .entry(text.clone())
                    .or_default();
            } else if let Some((_, r)) = s
                .scenario
                .integration
                .integration_responses
                .get_index_mut(s.row)
            {
                s.history.push(before);
                r.response_templates.entry(text.clone()).or_default();
            }
            let (types, _) = s.template_types();
            s.content_type = types.iter().position(|t| *t == text).unwrap_or(0);
            s.reload_template_editor();
            s.mark_edited();
        }
        PromptTarget::SaveAs => {
            s.path = Some(PathBuf::from(text));
            save(s);
        }
        PromptTarget::Pattern | PromptTarget::Parameters => {
            if s.scenario != before {
                s.history.push(before);
            }
        }
        PromptTarget::ErrorType | PromptTarget::Search(_) => {}
    }
}

fn rename_response(s: &mut State, to: &str) {
    let responses = std::mem::take(&mut s.scenario.integration.integration_responses);
    let renamed: Map<IntegrationResponse> = responses
        .into_iter()
        .enumerate()
        .map(|(i, (k, v))| {
            if i == s.row {
                (to.to_string(), v)
            } else {
                (k, v)
            }
        })
        .collect();
    s.scenario.integration.integration_responses = renamed;
}

// ---------------------------------------------------------------- table

fn move_row(s: &mut State, down: bool) {
    let n = s.scenario.integration.integration_responses.len();
    if n == 0 {
        return;
    }
    s.row = if down {
        (s.row + 1).min(n - 1)
    } else {
        s.row.saturating_sub(1)
    };
    s.content_type = 0;
    s.reload_template_editor();
}

fn edit_cell(s: &mut State) {
    let Some((status, r)) = s
        .scenario
        .integration
        .integration_responses
        .get_index(s.row)
    else {
        return open_prompt(
            s,
            PromptTarget::NewResponse,
            "New integration response: status code",
            "",
        );
    };
    let (status, r) = (status.clone(), r.clone());
    match s.column {
        Column::Status => open_prompt(s, PromptTarget::Status, "Status code", &status),
        Column::Pattern => open_prompt(
            s,
            PromptTarget::Pattern,
            &format!(
                "selectionPattern for {status} (Java regex, whole errorMessage; empty = default)"
            ),
            r.selection_pattern.as_deref().unwrap_or(""),
        ),
        Column::Templates => {
            s.template_target = TemplateTarget::Response;
            s.reload_template_editor();
            s.set_focus(Pane::Template);
        }
        Column::Parameters => open_prompt(
            s,
            PromptTarget::Parameters,
            &format!("responseParameters for {status} (one per line)"),
            &forms::parameters_text(&r.response_parameters),
        ),
    }
}

fn delete_response(s: &mut State) {
    if s.row >= s.scenario.integration.integration_responses.len() {
        return;
    }
    s.checkpoint();
    let (status, _) = s
        .scenario
        .integration
        .integration_responses
        .shift_remove_index(s.row)
        .unwrap_or_default();
    clamp_row(s);
    s.reload_template_editor();
    s.mark_edited();
    s.set_status(
        Severity::Info,
        format!("deleted integration response {status} (u undoes)"),
    );
}

/// Keeps the selected integration response inside the table after rows went away.
fn clamp_row(s: &mut State) {
    let last = s
        .scenario
        .integration
        .integration_responses
        .len()
        .saturating_sub(1);
    s.row = s.row.min(last);
}

fn move_response(s: &mut State, down: bool) {
    let n = s.scenario.integration.integration_responses.len();
    let to = if down {
        s.row + 1
    } else {
        s.row.wrapping_sub(1)
    };
    if to >= n {
        return;
    }
    s.checkpoint();
    s.scenario
        .integration
        .integration_responses
        .move_index(s.row, to);
    s.row = to;
    s.mark_edited();
}

fn remove_template(s: &mut State) {
    let (_, ct) = s.template_types();
    let Some(ct) = ct else { return };
    s.checkpoint();
    match s.template_target {
        TemplateTarget::Request => {
            s.scenario.integration.request_templates.shift_remove(&ct);
        }
        TemplateTarget::Response => {
            if let Some((_, r)) = s
                .scenario
                .integration
                .integration_responses
                .get_index_mut(s.row)
            {
                r.response_templates.shift_remove(&ct);
            }
        }
    }
    s.content_type = 0;
    s.reload_template_editor();
    s.mark_edited();
}

fn undo_table(s: &mut State) {
    let Some(prev) = s.history.pop() else {
        s.set_status(Severity::Info, "nothing to undo");
        return;
    };
    s.scenario = prev;
    clamp_row(s);
    s.load_editors();
    s.set_focus(s.focus);
    s.validate_editors();
    s.mark_edited();
}

// ---------------------------------------------------------------- editors

fn cycle_handler_kind(s: &mut State) {
    s.handler_stash[s.handler_kind as usize] = s.editor_text(Editor::Handler);
    s.handler_kind = s.handler_kind.next();
    let text = s.handler_stash[s.handler_kind as usize].clone();
    let mut t = TextArea::new(text.split('\n').map(String::from).collect());
    t.set_cursor_line_style(ratatui::style::Style::default());
    t.set_line_number_style(
        ratatui::style::Style::default().add_modifier(ratatui::style::Modifier::DIM),
    );
    t.set_tab_length(2);
    s.editors[Editor::Handler as usize] = t;
    s.set_focus(s.focus);
    s.apply_handler();
    s.validate_editors();
    s.mark_edited();
    s.set_status(
        Severity::Info,
        format!("handler {} (Alt-k: next kind)", s.handler_kind.name()),
    );
}

fn editor_command(s: &mut State, c: Cmd) {
    let Some(e) = s.focus.editor() else { return };
    let clipboard = s.clipboard.clone();
    let t = s.editor_mut(e);
    let changed = match c {
        Cmd::Undo => t.undo(),
        Cmd::Redo => t.redo(),
        Cmd::Copy => {
            t.copy();
            false
        }
        Cmd::Cut => t.cut(),
        Cmd::Paste => {
            t.set_yank_text(clipboard);
            t.paste()
        }
        Cmd::SelectAll => {
            t.select_all();
            false
        }
        _ => false,
    };
    if matches!(c, Cmd::Copy | Cmd::Cut) {
        s.clipboard = s.editor(e).yank_text();
    }
    if changed {
        editor_changed(s, e);
    }
}

fn editor_changed(s: &mut State, e: Editor) {
    if s.sync_editor(e) {
        s.mark_edited();
    } else {
        // Text that cannot become a scenario: still an unsaved edit worth keeping.
        s.autosave_pending = true;
    }
    // The template was edited by hand: drop stale engine marks on it until the next evaluation.
    s.engine_errors.retain(|x| x.pane != e.pane());
}

fn edit(s: &mut State, input: Input) {
    if let Some(Overlay::Prompt(p)) = &mut s.overlay {
        if (p.multiline || input.key != Key::Enter) && p.input.input(input) {
            apply_prompt_live(s);
        }
        return;
    }
    let Some(e) = s.focus.editor() else { return };
    if s.editor_mut(e).input(input) {
        editor_changed(s, e);
    }
}

fn paste_text(s: &mut State, text: &str) {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if let Some(Overlay::Prompt(p)) = &mut s.overlay {
        let t = if p.multiline {
            text
        } else {
            text.replace('\n', " ")
        };
        if p.input.insert_str(t) {
            apply_prompt_live(s);
        }
        return;
    }
    if s.overlay.is_some() {
        return;
    }
    if let Some(e) = s.focus.editor()
        && s.editor_mut(e).insert_str(text)
    {
        editor_changed(s, e);
    }
}

// ---------------------------------------------------------------- focus and mouse

fn focusable(s: &State) -> Vec<Pane> {
    let right = layout::right_tabs(s);
    Pane::ORDER
        .into_iter()
        .filter(|p| p.is_left() || right.contains(p))
        .collect()
}

fn cycle_focus(s: &mut State, forward: bool) {
    let all = focusable(s);
    let i = all.iter().position(|p| *p == s.focus).unwrap_or(0);
    let n = all.len();
    let next = all[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }];
    s.set_focus(next);
}

fn focus_vertical(s: &mut State, down: bool) {
    let column: Vec<Pane> = if s.focus.is_left() {
        vec![Pane::Handler, Pane::Integration, s.bottom_tab]
    } else if matches!(shown_right(s), Pane::Log | Pane::Lesson) {
        layout::right_tabs(s)
    } else {
        vec![Pane::Output, Pane::Selection, Pane::Responses]
    };
    let i = column.iter().position(|p| *p == s.focus).unwrap_or(0);
    let j = if down {
        (i + 1).min(column.len() - 1)
    } else {
        i.saturating_sub(1)
    };
    s.set_focus(column[j]);
}

fn toggle_right(s: &mut State, pane: Pane) {
    if !layout::right_tabs(s).contains(&pane) {
        s.set_status(
            Severity::Info,
            "this scenario has no lesson or expectations (F5: lessons)",
        );
        return;
    }
    let target = if shown_right(s) == pane {
        Pane::Responses
    } else {
        pane
    };
    if s.focus.is_left() {
        s.last_right = target;
    } else {
        s.set_focus(target);
    }
}

fn screen_rect(s: &State) -> Rect {
    Rect {
        x: 0,
        y: 0,
        width: s.screen.0,
        height: s.screen.1,
    }
}

fn click(s: &mut State, column: u16, row: u16) {
    if s.overlay.is_some() {
        return;
    }
    let areas = layout::build(screen_rect(s), s);
    let Some(pane) = areas.pane_at(column, row) else {
        return;
    };
    s.set_focus(pane);
    let Some(rect) = areas.pane(pane) else { return };
    // Inside the border: place the cursor or pick the row.
    let (x, y) = (
        column.saturating_sub(rect.x + 1),
        row.saturating_sub(rect.y + 1),
    );
    if row <= rect.y || row + 1 >= rect.bottom() {
        return;
    }
    if let Some(e) = pane.editor() {
        let t = s.editor_mut(e);
        let (top, left) = t.scroll_offset();
        let col = (x + left).saturating_sub(t.line_number_width());
        let at = t.screen_to_data((y + top) as usize, col as usize);
        t.cancel_selection();
        t.move_cursor(CursorMove::Jump(at.0 as u16, at.1 as u16));
    } else if pane == Pane::Integration {
        // Row 0 is the table header.
        let n = s.scenario.integration.integration_responses.len();
        if y >= 1 && ((y - 1) as usize) < n {
            s.row = (y - 1) as usize;
            s.content_type = 0;
            s.reload_template_editor();
        }
    }
}

fn wheel(s: &mut State, column: u16, row: u16, down: bool) {
    if let Some(Overlay::Help { .. }) = s.overlay {
        return help_command(s, if down { Cmd::ScrollDown } else { Cmd::ScrollUp });
    }
    if s.overlay.is_some() {
        return;
    }
    let areas = layout::build(screen_rect(s), s);
    let Some(pane) = areas.pane_at(column, row) else {
        return;
    };
    if let Some(e) = pane.editor() {
        let key = if down {
            Key::MouseScrollDown
        } else {
            Key::MouseScrollUp
        };
        s.editor_mut(e).input(Input {
            key,
            ..Input::default()
        });
    } else if pane != Pane::Integration {
        let slot = scroll_slot(pane);
        s.scroll[slot] = if down {
            s.scroll[slot].saturating_add(3)
        } else {
            s.scroll[slot].saturating_sub(3)
        };
    }
}

/// Index into [`State::scroll`] for a result pane.
pub fn scroll_slot(p: Pane) -> usize {
    match p {
        Pane::Output => 0,
        Pane::Selection => 1,
        Pane::Responses => 2,
        Pane::Log => 3,
        _ => 4,
    }
}

fn scroll(s: &mut State, c: Cmd) {
    if s.focus.is_left() {
        return;
    }
    let slot = scroll_slot(s.focus);
    let v = &mut s.scroll[slot];
    *v = match c {
        Cmd::ScrollUp => v.saturating_sub(1),
        Cmd::ScrollDown => v.saturating_add(1),
        Cmd::PageUp => v.saturating_sub(10),
        Cmd::PageDown => v.saturating_add(10),
        _ => *v,
    };
}

// ---------------------------------------------------------------- files

/// Saves to the scenario's file (atomic, through the scenario module).
pub fn save(s: &mut State) {
    let Some(path) = s.path.clone() else {
        let name = slug(&s.scenario.title);
        open_prompt(
            s,
            PromptTarget::SaveAs,
            "Save as (file name)",
            &format!("{name}.toml"),
        );
        return;
    };
    match crate::scenario::save(&path, &s.scenario) {
        Ok(()) => {
            s.saved = s.scenario.clone();
            remove_recovery(s);
            s.set_status(Severity::Ok, format!("saved {}", path.display()));
        }
        Err(e) => s.set_status(
            Severity::Error,
            format!("could not save {}: {e}", path.display()),
        ),
    }
}

fn slug(title: &str) -> String {
    let s: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if s.is_empty() { "scenario".into() } else { s }
}

/// The key recovery files are named by.
pub fn recovery_origin(s: &State) -> String {
    match &s.path {
        Some(p) => std::fs::canonicalize(p)
            .unwrap_or_else(|_| p.clone())
            .display()
            .to_string(),
        None => s.origin.clone(),
    }
}

fn remove_recovery(s: &mut State) {
    s.autosave_pending = false;
    if let Some(dir) = &s.state_dir {
        let _ = std::fs::remove_file(store::recovery_file(dir, &recovery_origin(s)));
    }
}

/// Writes unsaved edits to the recovery file; returns where, when it wrote one.
pub fn write_recovery(s: &mut State) -> Option<PathBuf> {
    let dir = s.state_dir.clone()?;
    if !s.dirty() {
        remove_recovery(s);
        return None;
    }
    let origin = recovery_origin(s);
    let file = store::recovery_file(&dir, &origin);
    match store::write_recovery(&file, &origin, &crate::scenario::to_toml(&s.scenario)) {
        Ok(()) => {
            s.autosave_pending = false;
            Some(file)
        }
        Err(e) => {
            s.set_status(
                Severity::Warning,
                format!("could not write the recovery file {}: {e}", file.display()),
            );
            None
        }
    }
}

fn autosave(s: &mut State) {
    if s.autosave_pending {
        write_recovery(s);
    }
}

// ---------------------------------------------------------------- evaluation

/// The scenario to evaluate, when the input changed since the last request and can be evaluated.
pub fn wants_evaluation(s: &State) -> bool {
    s.generation > s.evaluated && s.form_errors.is_empty()
}

fn evaluated(s: &mut State, generation: u64, result: Result<Evaluation, String>) {
    if generation < s.evaluated {
        return;
    }
    s.evaluated = generation;
    match result {
        Err(panic) => {
            s.stale = s.eval.is_some();
            s.set_status(
                Severity::Error,
                format!("the engine failed on this input: {panic}"),
            );
        }
        Ok(eval) => {
            s.engine_errors = input_errors(s, &eval);
            let invalid = s.engine_errors.iter().any(|e| e.syntax) && s.eval.is_some();
            if invalid {
                // Keep the last good results on screen (dimmed) while the input is invalid.
                s.stale = true;
            } else {
                s.derived = Derived::from_evaluation(&eval);
                s.eval = Some(eval);
                s.expect_failures = Default::default();
                s.stale = generation < s.generation;
            }
            check_lesson(s);
            if let Some(first) = s.engine_errors.first() {
                let line = first.message.lines().next().unwrap_or("");
                let msg = format!("{}: {line}", first.pane.title());
                s.set_status(Severity::Error, msg);
            } else if matches!(s.status, Some((Severity::Error, _))) {
                s.status = None;
            }
        }
    }
}

/// Problems in the input the engine found (a template that does not parse, handler code that
/// does not load), placed on the pane that shows them.
pub fn input_errors(s: &State, eval: &Evaluation) -> Vec<InputError> {
    let mut out: Vec<InputError> = Vec::new();
    let (_, ct) = s.template_types();
    let shown_role = match s.template_target {
        TemplateTarget::Request => crate::trace::TemplateRole::Request,
        TemplateTarget::Response => {
            crate::trace::TemplateRole::Response(s.selected_status().unwrap_or_default())
        }
    };
    if let Some(sel) = &eval.mode(Mode::Custom).selection {
        for tr in &sel.trials {
            if let crate::selection::Outcome::Invalid { error } = &tr.outcome {
                let row = s
                    .scenario
                    .integration
                    .integration_responses
                    .get_index_of(&tr.status);
                out.push(InputError {
                    pane: Pane::Integration,
                    line: row.unwrap_or(NO_LINE),
                    column: 0,
                    message: format!("selectionPattern of {}: {error}", tr.status),
                    syntax: true,
                });
            }
        }
    }
    for m in Mode::ALL {
        let r = eval.mode(m);
        for run in &r.templates {
            let Err(err) = &run.outcome else { continue };
            let here = run.role == shown_role && Some(&run.content_type) == ct.as_ref();
            let e = if here {
                InputError {
                    pane: Pane::Template,
                    line: err.line.saturating_sub(1),
                    column: err.column.saturating_sub(1),
                    message: err.message.clone(),
                    syntax: template_syntax_error(s, run),
                }
            } else {
                let which = match &run.role {
                    crate::trace::TemplateRole::Request => "request template".to_string(),
                    crate::trace::TemplateRole::Response(st) => format!("template of {st}"),
                };
                InputError {
                    pane: Pane::Integration,
                    line: NO_LINE,
                    column: 0,
                    message: format!("{which}: {}", err.message),
                    syntax: false,
                }
            };
            if !out.contains(&e) {
                out.push(e);
            }
        }
        if let Some(inv) = &r.invocation
            && inv.outcome == crate::lambda::OutcomeKind::InitError
        {
            let payload = serde_json::from_str::<serde_json::Value>(&inv.payload).ok();
            let field = |k: &str| {
                payload
                    .as_ref()
                    .and_then(|v| v.get(k)?.as_str().map(String::from))
            };
            let msg = field("errorMessage").unwrap_or_else(|| inv.payload.to_string());
            let syntax = field("errorType").is_some_and(|t| t.contains("Syntax"));
            let e = InputError {
                pane: Pane::Handler,
                line: line_in_message(&msg).unwrap_or(NO_LINE),
                column: 0,
                message: msg,
                syntax,
            };
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
    out
}

/// Whether a failed template run failed because the template does not parse (rather than at
/// run time, which is a result AWS gives too).
fn template_syntax_error(s: &State, run: &crate::trace::TemplateRun) -> bool {
    let integration = &s.scenario.integration;
    let source = match &run.role {
        crate::trace::TemplateRole::Request => integration.request_templates.get(&run.content_type),
        crate::trace::TemplateRole::Response(st) => integration
            .integration_responses
            .get(st)
            .and_then(|r| r.response_templates.get(&run.content_type)),
    };
    source.is_some_and(|src| crate::vtl::Template::parse(src).is_err())
}

/// `… line 3 …` or `…:3:…` in an engine message, as a 0-based line.
fn line_in_message(msg: &str) -> Option<usize> {
    let after = msg.split("line ").nth(1)?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<usize>().ok()?.checked_sub(1)
}

fn check_lesson(s: &mut State) {
    if s.eval.is_none() || s.stale || s.lesson.is_none() {
        return;
    }
    let solved_now = s.expect_failures().is_empty() && !s.scenario.expect.is_empty();
    let Some(l) = &mut s.lesson else { return };
    if solved_now && !l.solved {
        l.solved = true;
        let id = l.id.clone();
        if let Some(dir) = &s.state_dir {
            let _ = store::mark_solved(dir, &id);
        }
        s.set_status(Severity::Ok, "✓ lesson solved! F5 opens the next one");
    }
}

/// Evaluates synchronously (tests, and the fast path of the event loop).
pub fn evaluate_now(s: &mut State) {
    if !wants_evaluation(s) {
        return;
    }
    let generation = s.generation;
    let result = super::worker::evaluate_caught(&s.scenario, &mut s.memo);
    update(s, Action::Evaluated(generation, Box::new(result)));
}
