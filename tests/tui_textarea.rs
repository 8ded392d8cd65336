//! The vendored ratatui-textarea draws only the visible part of a long line
//! (vendor/ratatui-textarea/PATCHES.md): a line that goes on far past the right edge must look
//! exactly like the same line cut just after the edge, which the patch leaves alone.

#![cfg(feature = "tui")]

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::Widget;
use ratatui_textarea::{CursorMove, TextArea};

const W: u16 = 40;
const H: u16 = 4;

fn textarea(
    lines: &[String],
    cursor: (u16, u16),
    select_from: Option<(u16, u16)>,
) -> TextArea<'static> {
    let mut t = TextArea::new(lines.to_vec());
    t.set_line_number_style(Style::default().add_modifier(Modifier::DIM));
    t.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
    t.set_selection_style(Style::default().bg(Color::Blue));
    t.set_tab_length(2);
    if let Some((r, c)) = select_from {
        t.move_cursor(CursorMove::Jump(r, c));
        t.start_selection();
    }
    t.move_cursor(CursorMove::Jump(cursor.0, cursor.1));
    t
}

/// Draws twice (the second frame uses the scroll position the first one settled on).
fn draw(t: &TextArea) -> Buffer {
    let area = Rect::new(0, 0, W, H);
    let mut buf = Buffer::empty(area);
    t.render(area, &mut buf);
    let mut buf = Buffer::empty(area);
    t.render(area, &mut buf);
    buf
}

/// `line` cut at the first grapheme that starts `cols` columns in (tabs of 2, as drawn).
fn cut_at_column(line: &str, cols: usize) -> String {
    use ratatui::buffer::CellWidth;
    use unicode_segmentation::UnicodeSegmentation;
    let mut col = 0;
    for (at, g) in line.grapheme_indices(true) {
        if col >= cols {
            return line[..at].to_string();
        }
        col += match g {
            "\t" => 2 - col % 2,
            _ if g.contains(char::is_control) => 0,
            _ => usize::from(g.cell_width()),
        };
    }
    line.to_string()
}

/// The long line against the same line ending 4 columns past the right edge: long enough to fill
/// the screen, short enough to be drawn as upstream draws it.
fn assert_same_screen(line: String, cursor_col: u16, select_from: Option<u16>) {
    let other = "short line".to_string();
    let sel = select_from.map(|c| (1, c));
    let long = textarea(
        &[other.clone(), line.clone(), other.clone()],
        (1, cursor_col),
        sel,
    );
    let a = draw(&long);
    let (_, left) = long.scroll_offset();
    let edge = usize::from(left) + usize::from(W);
    let short_line = cut_at_column(&line, edge + 4);
    // Upstream's own path draws the short line (the patch starts above 4096 bytes).
    assert!(short_line.len() <= 4096 && line.len() > 4096);
    let b = draw(&textarea(
        &[other.clone(), short_line, other],
        (1, cursor_col),
        sel,
    ));
    assert_eq!(
        a, b,
        "cursor at {cursor_col}, selection from {select_from:?}"
    );
}

#[test]
fn a_long_line_looks_like_its_visible_part() {
    let ascii: String = (0..20_000).map(|i| format!("{{\"id\":{i}}},")).collect();
    let tabs: String = (0..5_000).map(|i| format!("\tx{i}\t")).collect();
    let wide: String = "漢字かなé\u{301}👍🏽👨‍👩‍👧 ab\t".repeat(2_000);
    for line in [ascii, tabs, wide] {
        for cursor in [0, 3, 37, 38, 39, 40, 41, 75, 200, 600] {
            assert_same_screen(line.clone(), cursor, None);
            assert_same_screen(line.clone(), cursor, Some(cursor.saturating_sub(30)));
        }
    }
}
