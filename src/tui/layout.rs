//! Geometry: where each pane goes for a terminal size and the state's focus/zoom. Pure, so the
//! draw code and mouse clicks agree on it and tests can check it.

use ratatui::layout::{Constraint, Layout, Rect};

use super::state::{Pane, State};

/// Below this the lab says "terminal too small".
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;
/// At or above both, editors and results sit side by side.
pub const WIDE_WIDTH: u16 = 120;
pub const WIDE_HEIGHT: u16 = 30;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Areas {
    pub too_small: bool,
    pub narrow: bool,
    pub header: Rect,
    pub status: Rect,
    pub keybar: Rect,
    /// Visible panes and their rectangles (borders included).
    pub panes: Vec<(Pane, Rect)>,
    /// Tab strips: each label's pane and rectangle.
    pub tabs: Vec<(Pane, Rect)>,
}

impl Areas {
    pub fn pane(&self, p: Pane) -> Option<Rect> {
        self.panes.iter().find(|(q, _)| *q == p).map(|(_, r)| *r)
    }

    pub fn pane_at(&self, column: u16, row: u16) -> Option<Pane> {
        let hit = |r: &Rect| column >= r.x && column < r.right() && row >= r.y && row < r.bottom();
        self.tabs
            .iter()
            .chain(&self.panes)
            .find(|(_, r)| hit(r))
            .map(|(p, _)| *p)
    }
}

/// The left pane on screen (the focused one, or the last focused).
pub fn shown_left(s: &State) -> Pane {
    if s.focus.is_left() {
        s.focus
    } else {
        s.last_left
    }
}

/// The right pane on screen.
pub fn shown_right(s: &State) -> Pane {
    if s.focus.is_left() {
        s.last_right
    } else {
        s.focus
    }
}

/// The panes the tab strips offer.
pub fn right_tabs(s: &State) -> Vec<Pane> {
    Pane::RIGHT
        .into_iter()
        .filter(|p| *p != Pane::Lesson || s.lesson.is_some() || !s.scenario.expect.is_empty())
        .collect()
}

pub fn build(area: Rect, s: &State) -> Areas {
    let mut a = Areas::default();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        a.too_small = true;
        return a;
    }
    let [header, body, status, keybar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    a.header = header;
    a.status = status;
    a.keybar = keybar;
    a.narrow = area.width < WIDE_WIDTH || area.height < WIDE_HEIGHT;
    if s.zoom {
        a.panes.push((s.focus, body));
        return a;
    }
    if a.narrow {
        stacked(&mut a, body, s);
    } else {
        side_by_side(&mut a, body, s);
    }
    a
}

/// A one-row strip of tab labels.
fn tab_strip(a: &mut Areas, strip: Rect, panes: &[Pane]) {
    let mut x = strip.x;
    for p in panes {
        let w = p.tab().chars().count() as u16 + 2;
        if x + w > strip.right() {
            break;
        }
        a.tabs.push((
            *p,
            Rect {
                x,
                y: strip.y,
                width: w,
                height: 1,
            },
        ));
        x += w + 1;
    }
}

fn stacked(a: &mut Areas, body: Rect, s: &State) {
    let [ltabs, left, rtabs, right] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Percentage(50),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(body);
    tab_strip(a, ltabs, &Pane::LEFT);
    tab_strip(a, rtabs, &right_tabs(s));
    a.panes.push((shown_left(s), left));
    a.panes.push((shown_right(s), right));
}

fn side_by_side(a: &mut Areas, body: Rect, s: &State) {
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body);
    let [handler, table, tabs, bottom] = Layout::vertical([
        Constraint::Percentage(30),
        Constraint::Percentage(30),
        Constraint::Length(1),
        Constraint::Min(3),
    ])
    .areas(left);
    a.panes.push((Pane::Handler, handler));
    a.panes.push((Pane::Integration, table));
    tab_strip(a, tabs, &[Pane::Template, Pane::Request, Pane::Methods]);
    a.panes.push((s.bottom_tab, bottom));
    let shown = shown_right(s);
    if matches!(shown, Pane::Log | Pane::Lesson) {
        let [tabs, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(right);
        tab_strip(a, tabs, &right_tabs(s));
        a.panes.push((shown, rest));
    } else {
        let [tabs, output, selection, responses] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Percentage(26),
            Constraint::Percentage(30),
            Constraint::Min(6),
        ])
        .areas(right);
        tab_strip(a, tabs, &right_tabs(s));
        a.panes.push((Pane::Output, output));
        a.panes.push((Pane::Selection, selection));
        a.panes.push((Pane::Responses, responses));
    }
}
