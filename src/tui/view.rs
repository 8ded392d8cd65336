//! `draw`: the whole screen from the state, nothing else. Every value on the right comes from
//! the evaluation's trace; this module only lays it out and colours it.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui_textarea::TextArea;

use super::derived::{Shown, mode_index};
use super::highlight::{self, Lang};
use super::keymap::{self, KEYMAP};
use super::layout::{self, Areas, MIN_HEIGHT, MIN_WIDTH};
use super::lessons;
use super::state::{Column, Editor, InputError, Overlay, Pane, Severity, State, TemplateTarget};
use super::text::{self, char_width, fit, reason_phrase, visible_lines, wrap};
use super::theme::{Role, Theme};
use super::update::scroll_slot;
use crate::selection::{Outcome, SelectionTrace};
use crate::trace::{HttpResponse, Mode, ModeResult};

pub fn draw(s: &State, f: &mut Frame) {
    let area = f.area();
    let areas = layout::build(area, s);
    if areas.too_small {
        return too_small(f, area);
    }
    header(s, f, areas.header);
    tabs(s, f, &areas);
    for (pane, rect) in &areas.panes {
        draw_pane(s, f, *pane, *rect);
    }
    status_line(s, f, areas.status);
    key_bar(s, f, areas.keybar);
    overlay(s, f, area);
}

fn too_small(f: &mut Frame, area: Rect) {
    let msg = format!(
        "terminal too small: {}×{} (apigw-lab needs {MIN_WIDTH}×{MIN_HEIGHT})",
        area.width, area.height
    );
    let y = area.height / 2;
    let rect = Rect {
        x: area.x,
        y: area.y + y,
        width: area.width,
        height: area.height - y,
    };
    f.render_widget(
        Paragraph::new(msg)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        rect,
    );
}

fn header(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    // The right side (statuses, focus) always fits; the names on the left give way.
    let mut right = Vec::new();
    if let Some(e) = &s.eval {
        for m in Mode::ALL {
            let st = e.mode(m).response.status;
            right.push(Span::styled(
                format!(" {} ", m.label()),
                t.style(Role::Muted),
            ));
            right.push(Span::styled(
                st.to_string(),
                t.style(status_role(st)).add_modifier(Modifier::BOLD),
            ));
        }
        right.push(Span::styled(" │", t.style(Role::Border)));
    }
    right.push(Span::styled(
        format!(" focus: {} ", s.mode.label()),
        t.style(Role::Focus),
    ));
    let right_w: usize = right.iter().map(|sp| sp.width()).sum();
    let mut marks = Vec::new();
    if s.dirty() {
        marks.push(Span::styled(" ● edited", t.style(Role::Warning)));
    }
    if let Some(l) = &s.lesson {
        let (mark, role) = if s.expect_failures().is_empty() && !s.stale && s.eval.is_some() {
            (" ✓ solved", Role::Ok)
        } else if l.solved {
            (" ✓ solved before", Role::Ok)
        } else {
            (" goal not met yet", Role::Warning)
        };
        marks.push(Span::styled(mark, t.style(role)));
    }
    let marks_w: usize = marks.iter().map(|sp| sp.width()).sum();
    let budget = (area.width as usize).saturating_sub(right_w + marks_w + 12 + 3 + 2);
    let name = match &s.path {
        Some(p) => p.display().to_string(),
        None => s.origin.clone(),
    };
    let name = fit(&name, budget.max(1));
    let title_budget = budget.saturating_sub(name.chars().count() + 3);
    let mut spans = vec![
        Span::styled(" apigw-lab ", t.style(Role::Title)),
        Span::styled("─ ", t.style(Role::Border)),
        Span::styled(name, t.style(Role::Text)),
    ];
    spans.extend(marks);
    if title_budget > 8 {
        spans.push(Span::styled(" ─ ", t.style(Role::Border)));
        spans.push(Span::styled(
            fit(&s.scenario.title, title_budget),
            t.style(Role::Muted),
        ));
    }
    let left_w: usize = spans.iter().map(|sp| sp.width()).sum();
    let pad = (area.width as usize).saturating_sub(left_w + right_w + 1);
    spans.push(Span::styled(
        format!(" {}", "─".repeat(pad)),
        t.style(Role::Border),
    ));
    spans.extend(right);
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn tabs(s: &State, f: &mut Frame, areas: &Areas) {
    let t = s.theme;
    let shown: Vec<Pane> = areas.panes.iter().map(|(p, _)| *p).collect();
    for (pane, rect) in &areas.tabs {
        let style = if s.focus == *pane {
            t.style(Role::Focus).add_modifier(Modifier::REVERSED)
        } else if shown.contains(pane) {
            t.style(Role::Focus)
        } else {
            t.style(Role::Muted)
        };
        f.render_widget(
            Paragraph::new(format!(" {} ", pane.tab())).style(style),
            *rect,
        );
    }
}

fn pane_title(s: &State, pane: Pane) -> Vec<Span<'static>> {
    let t = s.theme;
    let mut v = vec![Span::raw(format!(" {} ", pane.title()))];
    let mut extra = |text: String, role: Role| {
        v.push(Span::styled("· ", t.style(Role::Border)));
        v.push(Span::styled(format!("{text} "), t.style(role)));
    };
    match pane {
        Pane::Handler => {
            extra(s.scenario.handler.runtime.clone(), Role::Text);
            extra(s.handler_kind.name().to_string(), Role::Accent);
            if let Some(Some(et)) = s
                .scenario
                .handler
                .throws
                .as_ref()
                .map(|x| x.error_type.clone())
            {
                extra(et, Role::Muted);
            }
        }
        Pane::Template => {
            let (types, ct) = s.template_types();
            let target = match s.template_target {
                TemplateTarget::Request => "request".to_string(),
                TemplateTarget::Response => s.selected_status().unwrap_or_else(|| "—".into()),
            };
            extra(target, Role::Text);
            if let Some(ct) = ct {
                let n = if types.len() > 1 {
                    format!(" ({}/{})", s.content_type + 1, types.len())
                } else {
                    String::new()
                };
                extra(format!("{ct}{n}"), Role::Accent);
            }
        }
        Pane::Output => {
            if let Some(inv) = s
                .eval
                .as_ref()
                .and_then(|e| e.mode(Mode::Custom).invocation.as_ref())
            {
                match &inv.function_error {
                    Some(fe) => extra(format!("X-Amz-Function-Error: {fe}"), Role::Error),
                    None => extra("no function error".into(), Role::Ok),
                }
            }
        }
        Pane::Log => extra(s.mode.label().to_string(), Role::Accent),
        Pane::Selection => extra("custom integration".into(), Role::Muted),
        _ => {}
    }
    v
}

fn draw_pane(s: &State, f: &mut Frame, pane: Pane, rect: Rect) {
    let t = s.theme;
    let focused = s.focus == pane;
    let has_error = s.errors().any(|e| e.pane == pane);
    let border = if has_error {
        t.style(Role::Error)
    } else if focused {
        t.style(Role::Focus)
    } else {
        t.style(Role::Border)
    };
    let block = Block::bordered()
        .border_style(border)
        .title(Line::from(pane_title(s, pane)));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    match pane {
        Pane::Template => template_pane(s, f, inner),
        Pane::Integration => table(s, f, inner),
        Pane::Handler | Pane::Request | Pane::Methods => {
            if let Some(e) = pane.editor() {
                editor(s, f.buffer_mut(), e, inner);
            }
        }
        _ => {
            let scroll = s.scroll[scroll_slot(pane)];
            if pane == Pane::Responses {
                responses(s, f, inner, scroll);
            } else {
                let lines = result_lines(s, pane, inner.width as usize);
                let scroll = scroll.min(lines.len().saturating_sub(1) as u16);
                // Wrapping re-flows every line: only for text of a reasonable size.
                let small = pane != Pane::Output
                    || s.derived.payload.as_ref().is_some_and(|p| {
                        p.lines.len() < 5000
                            && p.lines.iter().map(String::len).sum::<usize>() < 64 * 1024
                    });
                let mut p = Paragraph::new(lines).scroll((scroll, 0));
                if small {
                    p = p.wrap(Wrap { trim: false });
                }
                f.render_widget(p, inner);
            }
            if s.dimmed() && pane != Pane::Lesson {
                f.buffer_mut()
                    .set_style(inner, Style::default().add_modifier(Modifier::DIM));
            }
        }
    }
}

// ---------------------------------------------------------------- editors

fn editor(s: &State, buf: &mut Buffer, e: Editor, area: Rect) {
    let ta: &TextArea = s.editor(e);
    ratatui::widgets::Widget::render(ta, area, buf);
    let errors: Vec<&InputError> = s.errors().filter(|x| x.pane == e.pane()).collect();
    paint(s.theme, buf, area, ta, s.lang(e), &errors);
}

/// Colours the visible lines of an editor the textarea has drawn: syntax roles and error marks.
fn paint(
    t: Theme,
    buf: &mut Buffer,
    area: Rect,
    ta: &TextArea,
    lang: Lang,
    errors: &[&InputError],
) {
    let (top, left) = ta.scroll_offset();
    let (top, left) = (top as usize, left as usize);
    let lnw = ta.line_number_width() as usize;
    let lines = ta.lines();
    let height = area.height as usize;
    let roles = highlight::highlight(lang, lines, top, height);
    let tab = ta.tab_length().max(1) as usize;
    for (i, line) in lines.iter().enumerate().skip(top).take(height) {
        let y = area.y + (i - top) as u16;
        let line_roles = roles.get(i - top).map(Vec::as_slice).unwrap_or(&[]);
        let error_at = errors.iter().find(|x| x.line == i).map(|x| x.column);
        if error_at.is_some() {
            for x in area.x..area.x + (lnw as u16).min(area.width) {
                buf[(x, y)].set_style(t.style(Role::Error).add_modifier(Modifier::BOLD));
            }
        }
        let mut col = 0usize;
        let mut next_range = 0;
        for (byte, c) in line.char_indices() {
            if col >= left + area.width as usize {
                break; // the rest of a long line is off screen
            }
            let w = char_width(c, col, tab);
            // Ranges are sorted: walk them along with the text.
            while line_roles
                .get(next_range)
                .is_some_and(|(r, _)| r.end <= byte)
            {
                next_range += 1;
            }
            let role = line_roles
                .get(next_range)
                .filter(|(r, _)| r.contains(&byte))
                .map(|(_, role)| *role);
            let bad = error_at.is_some_and(|at| col >= at);
            if col >= left {
                let x = lnw + col - left;
                if x < area.width as usize {
                    let cell = &mut buf[(area.x + x as u16, y)];
                    if !cell.modifier.contains(Modifier::REVERSED) {
                        if bad {
                            cell.set_style(t.style(Role::Error).add_modifier(Modifier::UNDERLINED));
                        } else if let Some(role) = role {
                            if let Some(fg) = t.style(role).fg {
                                cell.set_fg(fg);
                            }
                            cell.modifier |= t.style(role).add_modifier;
                        }
                    }
                }
            }
            col += w;
        }
    }
}

fn template_pane(s: &State, f: &mut Frame, inner: Rect) {
    let inspect = inspector_lines(s, inner.width as usize);
    let h = if !inspect.is_empty() && inner.height > 6 {
        (inspect.len() as u16 + 1).min(inner.height / 2)
    } else {
        0
    };
    let [edit, insp] = Layout::vertical([Constraint::Min(1), Constraint::Length(h)]).areas(inner);
    editor(s, f.buffer_mut(), Editor::Template, edit);
    if h > 0 {
        let mut lines = vec![Line::styled(
            "─".repeat(insp.width as usize),
            s.theme.style(Role::Border),
        )];
        lines.extend(inspect);
        f.render_widget(Paragraph::new(lines), insp);
    }
}

/// What the template inspector shows for the cursor position: the Velocity engine's
/// inspections of the last evaluation that cover the cursor.
fn inspector_lines(s: &State, width: usize) -> Vec<Line<'static>> {
    let t = s.theme;
    let Some(eval) = &s.eval else {
        return Vec::new();
    };
    let (_, ct) = s.template_types();
    let role = match s.template_target {
        TemplateTarget::Request => crate::trace::TemplateRole::Request,
        TemplateTarget::Response => {
            crate::trace::TemplateRole::Response(s.selected_status().unwrap_or_default())
        }
    };
    // Templates render in the custom integration; prefer the focused mode when it has one.
    let found = [s.mode, Mode::Custom].into_iter().find_map(|m| {
        eval.mode(m)
            .templates
            .iter()
            .find(|r| r.role == role && Some(&r.content_type) == ct.as_ref())
            .map(|r| (m, r))
    });
    if s.template_text().is_none() {
        return vec![Line::styled(
            fit("▏no template for this content type: type one above", width),
            t.style(Role::Muted),
        )];
    }
    let Some((mode, run)) = found else {
        let why = match (&role, selected_response(s)) {
            (crate::trace::TemplateRole::Response(st), Some(fired)) if *st != fired => {
                format!("▏not rendered: integration response {fired} fired, not {st}")
            }
            _ => "▏not rendered in the last evaluation".to_string(),
        };
        return vec![Line::styled(fit(&why, width), t.style(Role::Muted))];
    };
    let mut out = Vec::new();
    match &run.outcome {
        Ok(text) => {
            let first = text.lines().next().unwrap_or("");
            let more = if text.lines().count() > 1 { " …" } else { "" };
            out.push(Line::styled(
                fit(&format!("▏{} rendered: {first}{more}", mode.label()), width),
                t.style(Role::Muted),
            ));
        }
        Err(e) => out.push(Line::styled(
            fit(
                &format!("▏error {}:{}: {}", e.line, e.column, e.message),
                width,
            ),
            t.style(Role::Error),
        )),
    }
    let ratatui_textarea::DataCursor(row, col) = s.editor(Editor::Template).cursor();
    let (line, col) = (row + 1, col + 1);
    let on_line: Vec<&crate::vtl::Inspection> =
        run.inspections.iter().filter(|i| i.line == line).collect();
    let covers =
        |i: &&crate::vtl::Inspection| i.column <= col && col <= i.column + i.source.chars().count();
    let mut here: Vec<&crate::vtl::Inspection> = on_line.iter().copied().filter(covers).collect();
    if here.is_empty() {
        here = on_line;
    }
    if here.is_empty() {
        out.push(Line::styled(
            "▏move the cursor onto a $reference or #directive to see its value",
            t.style(Role::Muted),
        ));
        return out;
    }
    // The innermost (latest-starting) reference first; repeated evaluations (loops) once.
    here.sort_by_key(|i| std::cmp::Reverse(i.column));
    let mut seen: Vec<(usize, &str)> = Vec::new();
    for i in here {
        if seen.contains(&(i.column, i.source.as_str())) {
            continue;
        }
        seen.push((i.column, i.source.as_str()));
        let times = run
            .inspections
            .iter()
            .filter(|j| j.line == i.line && j.column == i.column && j.source == i.source)
            .count();
        let times = if times > 1 {
            format!(" (×{times}, first shown)")
        } else {
            String::new()
        };
        out.push(Line::from(vec![
            Span::styled("▏", t.style(Role::Border)),
            Span::styled(fit(&i.source, width / 2), t.style(Role::Variable)),
            Span::styled(" → ", t.style(Role::Muted)),
            Span::styled(
                fit(
                    &format!("{}{times}", i.value),
                    width.saturating_sub(width / 2 + 4),
                ),
                t.style(Role::Text),
            ),
        ]));
        if let Some(o) = &i.output {
            out.push(Line::styled(
                fit(&format!("▏  prints {}", visible_lines(o).concat()), width),
                t.style(Role::Muted),
            ));
        }
        if let Some(n) = &i.note {
            out.push(Line::styled(
                fit(&format!("▏  {n}"), width),
                t.style(Role::Warning),
            ));
        }
    }
    out
}

// ---------------------------------------------------------------- integration responses

fn table(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let w = area.width as usize;
    let chosen = selected_response(s);
    let tmpl_w = 12.min(w / 6);
    let param_w = 16.min(w / 6);
    let pat_w = w.saturating_sub(3 + 7 + tmpl_w + param_w + 3).max(4);
    let trials = s
        .eval
        .as_ref()
        .and_then(|e| e.mode(Mode::Custom).selection.as_ref())
        .map(|sel| sel.trials.clone())
        .unwrap_or_default();
    let mut lines = vec![Line::styled(
        format!(
            "   {:<7}{:<pat_w$} {:<tmpl_w$} {}",
            "status",
            fit("selectionPattern", pat_w),
            fit("templates", tmpl_w),
            fit("parameters", param_w)
        ),
        t.style(Role::Muted),
    )];
    let focused = s.focus == Pane::Integration;
    let errors: Vec<&InputError> = s.errors().filter(|e| e.pane == Pane::Integration).collect();
    for (i, (status, r)) in s
        .scenario
        .integration
        .integration_responses
        .iter()
        .enumerate()
    {
        let sel = i == s.row;
        let is_chosen = chosen.as_deref() == Some(status.as_str());
        let mark = if is_chosen {
            '→'
        } else {
            trials
                .iter()
                .find(|tr| tr.status == *status)
                .map_or(' ', |tr| tr.outcome.mark())
        };
        let marker = format!("{}{mark} ", if sel { '▸' } else { ' ' });
        let pattern = match &r.selection_pattern {
            None => "(default)".to_string(),
            Some(p) if p.is_empty() => "(default: \"\")".to_string(),
            Some(p) => visible_lines(p).concat(),
        };
        let templates = if r.response_templates.is_empty() {
            "—".to_string()
        } else {
            r.response_templates
                .keys()
                .map(|k| k.rsplit('/').next().unwrap_or(k))
                .collect::<Vec<_>>()
                .join(",")
        };
        let params = if r.response_parameters.is_empty() {
            "—".to_string()
        } else {
            r.response_parameters
                .iter()
                .map(|(k, v)| format!("{}={v}", k.rsplit('.').next().unwrap_or(k)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let row_error = errors.iter().any(|e| e.line == i);
        let cell = |col: Column, text: String, width: usize| {
            let text = format!("{:<width$}", fit(&text, width));
            let mut style = if col == Column::Pattern && row_error {
                t.style(Role::Error).add_modifier(Modifier::UNDERLINED)
            } else if col == Column::Pattern && r.is_default() {
                t.style(Role::Muted)
            } else {
                t.style(Role::Text)
            };
            if sel && focused && s.column == col {
                style = style.add_modifier(Modifier::REVERSED);
            } else if sel {
                style = style.add_modifier(Modifier::BOLD);
            }
            Span::styled(text, style)
        };
        let marker_role = if is_chosen { Role::Ok } else { Role::Focus };
        lines.push(Line::from(vec![
            Span::styled(marker, t.style(marker_role)),
            cell(Column::Status, status.clone(), 6),
            Span::raw(" "),
            cell(Column::Pattern, pattern, pat_w),
            Span::raw(" "),
            cell(Column::Templates, templates, tmpl_w),
            Span::raw(" "),
            cell(Column::Parameters, params, param_w),
        ]));
    }
    if s.scenario.integration.integration_responses.is_empty() {
        lines.push(Line::styled(
            "  (no integration responses: a to add one)",
            t.style(Role::Muted),
        ));
    }
    lines.push(Line::styled("  + a: add response", t.style(Role::Muted)));
    for e in errors {
        // Java's pattern errors end with the pattern and a caret line: keep their alignment.
        for (i, text) in e.message.lines().enumerate() {
            let text = if i == 0 {
                format!("✗ {text}")
            } else {
                format!("  {text}")
            };
            for l in wrap(&text, w) {
                lines.push(Line::styled(l, t.style(Role::Error)));
            }
        }
    }
    let visible = area.height as usize;
    let scroll = (s.row + 2).saturating_sub(visible.saturating_sub(1)) as u16;
    f.render_widget(
        Paragraph::new(lines).scroll((scroll.min(s.row as u16), 0)),
        area,
    );
}

/// The integration response the custom integration chose, from the selection trace.
fn selected_response(s: &State) -> Option<String> {
    s.eval
        .as_ref()?
        .mode(Mode::Custom)
        .selection
        .as_ref()?
        .chosen
        .clone()
}

// ---------------------------------------------------------------- result panes

fn result_lines(s: &State, pane: Pane, width: usize) -> Vec<Line<'static>> {
    let Some(eval) = &s.eval else {
        let msg = if s.form_errors.is_empty() {
            "evaluating…"
        } else {
            "fix the marked input to see results"
        };
        return vec![Line::styled(msg, s.theme.style(Role::Muted))];
    };
    match pane {
        Pane::Output => output_lines(s, width),
        Pane::Selection => selection_lines(s, eval.mode(Mode::Custom), width),
        Pane::Log => log_lines(s, eval.mode(s.mode), width),
        Pane::Lesson => lesson_lines(s, width),
        _ => Vec::new(),
    }
}

/// Lines `first..first + count` of prepared text, highlighted, each cut to `max_bytes` (a
/// megabyte on one line is never copied into a frame).
fn shown_lines(
    t: Theme,
    shown: &Shown,
    first: usize,
    count: usize,
    max_bytes: usize,
) -> Vec<Line<'static>> {
    let roles = highlight::highlight(shown.lang(), &shown.lines, first, count);
    shown
        .lines
        .iter()
        .skip(first)
        .take(count)
        .zip(roles)
        .map(|(line, ranges)| {
            let mut cut = line.len().min(max_bytes);
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            let line = &line[..cut];
            let mut spans = Vec::new();
            let mut at = 0;
            for (r, role) in ranges {
                if r.start >= cut {
                    break;
                }
                let end = r.end.min(cut);
                if r.start > at {
                    spans.push(Span::raw(line[at..r.start].to_string()));
                }
                spans.push(Span::styled(line[r.start..end].to_string(), t.style(role)));
                at = end;
            }
            if at < line.len() {
                spans.push(Span::raw(line[at..].to_string()));
            }
            Line::from(spans)
        })
        .collect()
}

fn output_lines(s: &State, _width: usize) -> Vec<Line<'static>> {
    let t = s.theme;
    let Some(shown) = &s.derived.payload else {
        return vec![Line::styled(
            "(the request never reached Lambda)",
            t.style(Role::Muted),
        )];
    };
    // Highlight only what can be on screen: the scroll position plus a screenful.
    let first = s.scroll[scroll_slot(Pane::Output)] as usize;
    let mut lines = vec![Line::default(); first.min(shown.lines.len())];
    lines.extend(shown_lines(t, shown, first, 80, 4096));
    lines
}

fn selection_lines(s: &State, r: &ModeResult, width: usize) -> Vec<Line<'static>> {
    let t = s.theme;
    let mut out = Vec::new();
    let Some(sel) = &r.selection else {
        out.push(Line::styled(
            "no selection in this evaluation (the response did not come from Lambda)",
            t.style(Role::Muted),
        ));
        return out;
    };
    match &sel.input {
        None => out.push(Line::styled(
            "the function error has no errorMessage: there is nothing to match",
            t.style(Role::Warning),
        )),
        Some(input) => {
            let what = if input.is_empty() {
                "success: patterns are matched against the empty string ⟦⟧"
            } else {
                "matched against errorMessage:"
            };
            out.push(Line::styled(what, t.style(Role::Muted)));
            if !input.is_empty() {
                out.extend(marked_input(
                    t,
                    input,
                    highlight_range(s, sel, input),
                    width,
                ));
            }
        }
    }
    let selected = s.selected_status();
    let pat_w = sel
        .trials
        .iter()
        .map(|tr| tr.pattern.as_deref().map_or(9, |p| p.chars().count()))
        .max()
        .unwrap_or(9)
        .min(width / 3);
    for tr in &sel.trials {
        let role = match &tr.outcome {
            Outcome::Matched { .. } => Role::Ok,
            Outcome::NotMatched { .. } => Role::Error,
            Outcome::Invalid { .. } | Outcome::TooExpensive { .. } => Role::Warning,
            Outcome::Default { .. } => Role::Muted,
        };
        let pattern = match tr.pattern.as_deref() {
            None | Some("") => "(default)".to_string(),
            Some(p) => visible_lines(p).concat(),
        };
        let head = format!(
            "{} {:<4} {:<pat_w$}  ",
            tr.outcome.mark(),
            tr.status,
            fit(&pattern, pat_w)
        );
        let indent = head.chars().count();
        let reason_w = width.saturating_sub(indent).max(12);
        let reason = tr.outcome.reason().lines().next().unwrap_or("").to_string();
        let mut style = t.style(role);
        if selected.as_deref() == Some(tr.status.as_str()) {
            style = style.add_modifier(Modifier::BOLD);
        }
        for (i, piece) in text::reflow(&reason, reason_w).into_iter().enumerate() {
            let lead = if i == 0 {
                head.clone()
            } else {
                " ".repeat(indent)
            };
            out.push(Line::from(vec![
                Span::styled(lead, style),
                Span::styled(piece, t.style(Role::Text)),
            ]));
        }
        if let Outcome::Invalid { error } = &tr.outcome {
            // Java's message ends with the pattern and a caret line: keep them aligned.
            for l in error.lines().skip(1) {
                out.push(Line::styled(
                    format!("{}{l}", " ".repeat(indent)),
                    t.style(Role::Warning),
                ));
            }
        }
    }
    let fired = match sel.rule {
        crate::selection::Rule::NoMatch => Role::Error,
        crate::selection::Rule::Ambiguous { .. } => Role::Warning,
        _ => Role::Ok,
    };
    for l in text::reflow(&format!("→ {}", sel.summary()), width) {
        out.push(Line::styled(l, t.style(fired).add_modifier(Modifier::BOLD)));
    }
    for lint in &sel.lints {
        for l in text::reflow(&format!("⚠ {}", lint.message), width) {
            out.push(Line::styled(l, t.style(Role::Warning)));
        }
        if let Some(fix) = &lint.suggestion {
            for l in wrap(&format!("  fix: {fix}"), width) {
                out.push(Line::styled(l, t.style(Role::Accent)));
            }
        }
    }
    for u in &sel.unconfirmed {
        for l in text::reflow(&format!("⚠ UNCONFIRMED [{}] {}", u.id, u.text), width) {
            out.push(Line::styled(l, t.style(Role::Muted)));
        }
    }
    out
}

/// Which part of the input to highlight: all of it when a pattern fired, else where the
/// selected row's pattern finds a match (the engine's `find`), showing why a whole-string match
/// failed.
fn highlight_range(s: &State, sel: &SelectionTrace, input: &str) -> Option<std::ops::Range<usize>> {
    let fired = sel
        .trials
        .iter()
        .any(|tr| Some(&tr.status) == sel.chosen.as_ref() && tr.outcome.is_match());
    if fired {
        return Some(0..input.len());
    }
    let status = s.selected_status()?;
    let tr = sel.trials.iter().find(|tr| tr.status == status)?;
    let p = tr.pattern.as_deref().filter(|p| !p.is_empty())?;
    let re = crate::javaregex::JavaRegex::new(p).ok()?;
    re.find_at(input, 0).ok()?.filter(|r| !r.is_empty())
}

/// The matched string with invisibles shown, `⟦…⟧` around it and `range` highlighted.
fn marked_input(
    t: Theme,
    input: &str,
    range: Option<std::ops::Range<usize>>,
    width: usize,
) -> Vec<Line<'static>> {
    let width = width.max(4);
    let plain = t.style(Role::Text);
    let hit = t.style(Role::Match);
    let mut lines = Vec::new();
    let mut spans: Vec<Span<'static>> = vec![Span::styled("⟦", t.style(Role::Muted))];
    let mut used = 1;
    let trailing_from = input.trim_end_matches(' ').len();
    for (i, c) in input.char_indices() {
        let shown = match c {
            '\n' => "↵".to_string(),
            '\r' => "␍".to_string(),
            '\t' => "⇥".to_string(),
            ' ' if i >= trailing_from => "·".to_string(),
            c if c.is_control() => format!("\\u{{{:04x}}}", c as u32),
            c => c.to_string(),
        };
        let style = if range.as_ref().is_some_and(|r| r.contains(&i)) {
            hit
        } else {
            plain
        };
        let style = if matches!(c, '\n' | '\r' | '\t') || (c == ' ' && i >= trailing_from) {
            style.patch(t.style(Role::Invisible))
        } else {
            style
        };
        let w = shown.chars().count();
        if used + w > width {
            lines.push(Line::from(std::mem::take(&mut spans)));
            used = 0;
        }
        spans.push(Span::styled(shown, style));
        used += w;
        if c == '\n' {
            lines.push(Line::from(std::mem::take(&mut spans)));
            used = 0;
        }
    }
    spans.push(Span::styled("⟧", t.style(Role::Muted)));
    lines.push(Line::from(spans));
    lines
}

fn log_lines(s: &State, r: &ModeResult, width: usize) -> Vec<Line<'static>> {
    let t = s.theme;
    let mut out = vec![Line::styled(
        format!("Execution log · {} (m cycles the mode)", r.mode.label()),
        t.style(Role::Muted),
    )];
    for l in &r.log {
        // The console's timestamp prefix is muted; the lab's own lines ([lab] …) stand out.
        let line = if l.starts_with("[lab]") {
            Line::styled(l.clone(), t.style(Role::Accent))
        } else if let Some((stamp, rest)) = l.split_once(" : ") {
            Line::from(vec![
                Span::styled(format!("{stamp} : "), t.style(Role::Muted)),
                Span::styled(rest.to_string(), t.style(Role::Text)),
            ])
        } else {
            Line::from(l.clone())
        };
        out.push(line);
    }
    out.push(Line::styled(
        "── why: the gateway's steps ──",
        t.style(Role::Border),
    ));
    for st in &r.steps {
        let role = if st.failed { Role::Error } else { Role::Text };
        for l in wrap(&format!("{:?}: {}", st.stage, st.summary), width) {
            out.push(Line::styled(l, t.style(role)));
        }
        for d in &st.details {
            for l in wrap(&format!("    {d}"), width) {
                out.push(Line::styled(l, t.style(Role::Muted)));
            }
        }
        for u in &st.unconfirmed {
            for l in wrap(&format!("    ⚠ UNCONFIRMED [{}] {}", u.id, u.text), width) {
                out.push(Line::styled(l, t.style(Role::Warning)));
            }
        }
    }
    out
}

fn lesson_lines(s: &State, width: usize) -> Vec<Line<'static>> {
    let t = s.theme;
    let mut out = vec![Line::styled(s.scenario.title.clone(), t.style(Role::Title))];
    for l in text::reflow(&s.scenario.description, width) {
        out.push(Line::from(l));
    }
    out.push(Line::default());
    if s.scenario.expect.is_empty() {
        out.push(Line::styled(
            "(no [expect] goals in this scenario)",
            t.style(Role::Muted),
        ));
    } else if s.stale || s.eval.is_none() {
        out.push(Line::styled(
            "goals: waiting for a valid evaluation",
            t.style(Role::Muted),
        ));
    } else if s.expect_failures().is_empty() {
        out.push(Line::styled("✓ every goal holds", t.style(Role::Ok)));
    } else {
        out.push(Line::styled("goals not met yet:", t.style(Role::Warning)));
        for fl in s.expect_failures() {
            // A failure is `field: want …, got …` or the field then indented want/got lines.
            for (i, part) in format!("✗ {fl}").lines().enumerate() {
                let role = if i == 0 { Role::Error } else { Role::Text };
                for l in wrap(part, width) {
                    out.push(Line::styled(l, t.style(role)));
                }
            }
        }
    }
    if let (Some(l), Some(lesson)) = (&s.lesson, &s.scenario.lesson) {
        out.push(Line::default());
        for (i, h) in lesson.hints.iter().take(l.hints_shown).enumerate() {
            for line in text::reflow(&format!("hint {}: {h}", i + 1), width) {
                out.push(Line::styled(line, t.style(Role::Accent)));
            }
        }
        let left = lesson.hints.len().saturating_sub(l.hints_shown);
        if left > 0 {
            out.push(Line::styled(
                format!("{left} more hint(s): F7 or h"),
                t.style(Role::Muted),
            ));
        }
    }
    out
}

/// The three modes side by side; lines that are not the same in every mode are marked.
fn responses(s: &State, f: &mut Frame, area: Rect, scroll: u16) {
    let t = s.theme;
    let Some(eval) = &s.eval else { return };
    let cols = Layout::horizontal([
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
        Constraint::Ratio(1, 3),
    ])
    .split(area);
    let texts: Vec<Vec<(String, bool)>> = Mode::ALL
        .iter()
        .map(|m| response_text(s, eval.mode(*m)))
        .collect();
    for (i, m) in Mode::ALL.iter().enumerate() {
        let rect = cols[i];
        let w = rect.width.saturating_sub(1) as usize;
        let r = &eval.mode(*m).response;
        let head_role = if *m == s.mode {
            Role::Focus
        } else {
            Role::Muted
        };
        let mut lines = vec![Line::styled(
            fit(
                &format!("{}{}", if *m == s.mode { "▸ " } else { "" }, m.label()),
                w,
            ),
            t.style(head_role),
        )];
        for l in text::reflow(&format!("{} {}", r.status, reason_phrase(r.status)), w) {
            lines.push(Line::styled(
                l,
                t.style(status_role(r.status)).add_modifier(Modifier::BOLD),
            ));
        }
        let body_start = texts[i]
            .iter()
            .position(|(l, _)| l.is_empty())
            .unwrap_or(texts[i].len());
        let body_shown = &s.derived.bodies[mode_index(*m)];
        for (j, (line, comparable)) in texts[i].iter().enumerate() {
            if j >= body_start {
                break;
            }
            let differs = *comparable
                && !texts.iter().all(|other| {
                    other
                        .iter()
                        .take_while(|(l, _)| !l.is_empty())
                        .any(|(l, _)| l == line)
                });
            let role = if differs { Role::Accent } else { Role::Muted };
            for l in text::reflow(line, w) {
                lines.push(Line::styled(l, t.style(role)));
            }
        }
        let same_body = Mode::ALL
            .iter()
            .all(|o| s.derived.bodies[mode_index(*o)].lines == body_shown.lines);
        lines.push(Line::styled(
            if same_body {
                "body:"
            } else {
                "body (differs):"
            },
            t.style(if same_body { Role::Muted } else { Role::Accent }),
        ));
        let first = scroll as usize;
        let budget = first + area.height as usize + 2;
        let mut body = Vec::new();
        for line in shown_lines(t, body_shown, 0, budget, budget * w.max(1) * 4) {
            // Wrap long body lines by hand so each column stays in its lane.
            let plain: String = line.spans.iter().map(|sp| sp.content.as_ref()).collect();
            if plain.chars().count() <= w {
                body.push(line);
            } else {
                body.extend(wrap(&plain, w).into_iter().map(Line::from));
            }
            if body.len() > budget {
                break;
            }
        }
        lines.extend(body);
        let col_rect = Rect {
            width: rect.width.saturating_sub(1),
            ..rect
        };
        f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), col_rect);
        if i < 2 {
            for y in rect.y..rect.bottom() {
                let x = rect.right().saturating_sub(1);
                f.buffer_mut()[(x, y)]
                    .set_symbol("│")
                    .set_style(t.style(Role::Border));
            }
        }
    }
}

/// Header lines of a response, then an empty line (the body follows separately).
/// The headers API Gateway adds to every response are folded into one muted line: they would
/// push the body out of view and say nothing about the integration.
fn response_text(_s: &State, r: &ModeResult) -> Vec<(String, bool)> {
    let (transport, own): (Vec<_>, Vec<_>) = r
        .response
        .headers
        .iter()
        .partition(|(k, _)| HttpResponse::is_transport_header(k));
    let mut v: Vec<(String, bool)> = own
        .iter()
        .map(|(k, val)| (format!("{k}: {val}"), true))
        .collect();
    if !transport.is_empty() {
        v.push((format!("+{} standard headers", transport.len()), false));
    }
    v.push((String::new(), false));
    v
}

// ---------------------------------------------------------------- bottom lines

fn status_line(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let (role, text) = match (&s.status, s.form_errors.first()) {
        (_, Some(e)) => (
            Role::Error,
            format!(
                "✗ {} line {}: {}  (results dimmed: last valid input)",
                e.pane.title(),
                e.line + 1,
                e.message
            ),
        ),
        (Some((sev, msg)), None) => (
            match sev {
                Severity::Info => Role::Text,
                Severity::Ok => Role::Ok,
                Severity::Warning => Role::Warning,
                Severity::Error => Role::Error,
            },
            msg.clone(),
        ),
        (None, None) => (Role::Muted, idle_status(s)),
    };
    f.render_widget(
        Paragraph::new(fit(&format!(" {text}"), area.width as usize)).style(t.style(role)),
        area,
    );
}

fn idle_status(s: &State) -> String {
    match &s.eval {
        None => "evaluating…".into(),
        Some(_) if s.stale => "updating…".into(),
        Some(_) => "every edit on the left re-evaluates custom, proxy and HTTP API at once".into(),
    }
}

fn status_role(status: u16) -> Role {
    match status {
        200..=299 => Role::Ok,
        400..=499 => Role::Warning,
        _ => Role::Error,
    }
}

fn key_bar(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let mut spans = Vec::new();
    let mut used = 0usize;
    let items = keymap::bar(s);
    for (key, label) in items {
        let piece = format!(" {key} {label} ");
        let w = piece.chars().count() + 1;
        if used + w > area.width as usize {
            break;
        }
        used += w;
        spans.push(Span::styled(format!(" {key}"), t.style(Role::Focus)));
        spans.push(Span::styled(format!(" {label} "), t.style(Role::Text)));
        spans.push(Span::styled("·", t.style(Role::Border)));
    }
    spans.pop();
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

// ---------------------------------------------------------------- overlays

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn dialog(
    s: &State,
    f: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    width: u16,
) -> Rect {
    let h = lines.len() as u16 + 2;
    let rect = centered(area, width, h);
    f.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(format!(" {title} "))
        .border_style(s.theme.style(Role::Focus));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    inner
}

fn overlay(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    match &s.overlay {
        None => {}
        Some(Overlay::Help { scroll }) => help(s, f, area, *scroll),
        Some(Overlay::ConfirmQuit) => {
            let lines = vec![
                Line::from("The scenario has unsaved edits."),
                Line::default(),
                Line::from(vec![
                    Span::styled(" s ", t.style(Role::Focus)),
                    Span::raw("save and quit"),
                ]),
                Line::from(vec![
                    Span::styled(" y ", t.style(Role::Focus)),
                    Span::raw("quit without saving"),
                ]),
                Line::from(vec![
                    Span::styled(" n ", t.style(Role::Focus)),
                    Span::raw("keep editing"),
                ]),
            ];
            dialog(s, f, area, "Quit?", lines, 44);
        }
        Some(Overlay::Recovery { file, scenario, .. }) => {
            let w = area.width.saturating_sub(4).min(76);
            let mut lines = vec![
                Line::from("Unsaved edits from an earlier session were found:"),
                Line::styled(
                    fit(&file.display().to_string(), w as usize - 2),
                    t.style(Role::Muted),
                ),
                Line::from(format!(
                    "scenario: {}",
                    fit(&scenario.title, w as usize - 12)
                )),
                Line::default(),
            ];
            for (k, what) in [
                ("r", "restore them"),
                ("d", "discard them"),
                ("Esc", "decide later (the file stays)"),
            ] {
                lines.push(Line::from(vec![
                    Span::styled(format!(" {k} "), t.style(Role::Focus)),
                    Span::raw(what),
                ]));
            }
            dialog(s, f, area, "Recover unsaved edits?", lines, w);
        }
        Some(Overlay::Lessons { selected }) => {
            let solved = super::store::solved_lessons(s.state_dir.as_deref());
            let w = area.width.saturating_sub(4).min(80);
            let mut lines = vec![Line::styled(
                "Each lesson starts broken; fix it with your edits.",
                t.style(Role::Muted),
            )];
            for (i, l) in lessons::lessons().iter().enumerate() {
                let mark = if solved.iter().any(|x| x == l.id) {
                    "✓"
                } else {
                    " "
                };
                let text = fit(&format!("{mark} {}. {}", i + 1, l.title()), w as usize - 2);
                let style = if i == *selected {
                    t.style(Role::Focus).add_modifier(Modifier::REVERSED)
                } else {
                    t.style(Role::Text)
                };
                lines.push(Line::styled(text, style));
            }
            lines.push(Line::styled(
                format!("{}/{} solved", solved.len(), lessons::lessons().len()),
                t.style(Role::Muted),
            ));
            dialog(s, f, area, "Lessons", lines, w);
        }
        Some(Overlay::Prompt(p)) => {
            let w = area.width.saturating_sub(4).min(90);
            let rows = if p.multiline {
                (p.input.lines().len() as u16 + 1).clamp(3, 10)
            } else {
                1
            };
            let h = rows + 2 + u16::from(p.error.is_some()) + 1;
            let rect = centered(area, w, h + 2);
            f.render_widget(Clear, rect);
            let block = Block::bordered()
                .title(format!(" {} ", p.title))
                .border_style(t.style(Role::Focus));
            let inner = block.inner(rect);
            f.render_widget(block, rect);
            let [edit, msg] =
                Layout::vertical([Constraint::Length(rows), Constraint::Min(0)]).areas(inner);
            f.render_widget(&p.input, edit);
            let mut lines = Vec::new();
            if let Some(e) = &p.error {
                lines.push(Line::styled(format!("✗ {e}"), t.style(Role::Error)));
            }
            let keys = if p.multiline {
                "Esc done · ^Z undo"
            } else {
                "Enter accept · Esc cancel · ^Z undo"
            };
            lines.push(Line::styled(keys, t.style(Role::Muted)));
            f.render_widget(Paragraph::new(lines), msg);
        }
    }
}

/// The help overlay: every binding of the keymap table, by context.
pub fn help_lines() -> Vec<String> {
    let mut out = Vec::new();
    for ctx in keymap::HELP_ORDER {
        out.push(ctx.title().to_string());
        for b in KEYMAP.iter().filter(|b| b.ctx == ctx) {
            out.push(format!("  {:<10} {}", keymap::key_name(b.key), b.label));
        }
        out.push(String::new());
    }
    out.pop();
    out.push(String::new());
    out.push("Mouse: click to focus (and place the cursor), wheel to scroll.".into());
    out.push("Editors also take ratatui-textarea's Emacs keys (^A/^E line ends, ^K kill, Alt-f/b words).".into());
    out
}

fn help(s: &State, f: &mut Frame, area: Rect, scroll: u16) {
    let t = s.theme;
    let rect = centered(
        area,
        area.width.saturating_sub(4).min(84),
        area.height.saturating_sub(2),
    );
    f.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(" Help · every key (Esc closes, ↑↓ scroll) ")
        .border_style(t.style(Role::Focus));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let lines: Vec<Line> = help_lines()
        .into_iter()
        .map(|l| {
            if l.starts_with(' ') || l.is_empty() {
                Line::from(l)
            } else {
                Line::styled(l, t.style(Role::Title))
            }
        })
        .collect();
    // Two columns when there is room.
    if inner.width >= 80 {
        let half = lines.len().div_ceil(2);
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(inner);
        let (l, r) = lines.split_at(half);
        f.render_widget(Paragraph::new(l.to_vec()).scroll((scroll, 0)), a);
        f.render_widget(Paragraph::new(r.to_vec()).scroll((scroll, 0)), b);
    } else {
        f.render_widget(Paragraph::new(lines).scroll((scroll, 0)), inner);
    }
}
