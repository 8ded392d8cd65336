//! Colours: one palette per (colour depth, light/dark). Everything the lab draws asks the theme
//! for a *role* (border, error, ok, …), so 16-colour terminals, true colour and `NO_COLOR` differ
//! only here.

use ratatui::style::{Color, Modifier, Style};

/// How many colours the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// `NO_COLOR` is set: only bold, reverse, underline and dim.
    Mono,
    /// The 16 ANSI colours (the user's terminal palette decides the exact hues).
    Ansi16,
    /// 24-bit colour (`COLORTERM=truecolor` or `24bit`).
    TrueColor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub depth: Depth,
    pub light: bool,
}

/// What a piece of text is, for colouring (syntax scopes map onto the same roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Text,
    Muted,
    Border,
    Focus,
    Title,
    Ok,
    Error,
    Warning,
    Accent,
    Match,
    Invisible,
    // syntax roles
    Comment,
    Str,
    Number,
    Keyword,
    Variable,
    Function,
    Operator,
}

impl Theme {
    /// The theme the environment asks for: `NO_COLOR` (any non-empty value) wins, then
    /// `COLORTERM`; `APIGW_LAB_THEME=light` picks the light palette.
    pub fn from_env() -> Theme {
        let var = |k: &str| std::env::var(k).unwrap_or_default();
        let depth = if !var("NO_COLOR").is_empty() {
            Depth::Mono
        } else if matches!(var("COLORTERM").as_str(), "truecolor" | "24bit") {
            Depth::TrueColor
        } else {
            Depth::Ansi16
        };
        Theme {
            depth,
            light: var("APIGW_LAB_THEME").eq_ignore_ascii_case("light"),
        }
    }

    /// The theme used by snapshot tests and benchmarks: independent of the environment.
    pub fn plain() -> Theme {
        Theme {
            depth: Depth::Ansi16,
            light: false,
        }
    }

    pub fn toggled_light(self) -> Theme {
        Theme {
            light: !self.light,
            ..self
        }
    }

    pub fn name(self) -> &'static str {
        match (self.depth, self.light) {
            (Depth::Mono, _) => "no colour",
            (_, false) => "dark",
            (_, true) => "light",
        }
    }

    pub fn style(self, role: Role) -> Style {
        let base = Style::default();
        match self.depth {
            Depth::Mono => match role {
                Role::Focus | Role::Title | Role::Error => base.add_modifier(Modifier::BOLD),
                Role::Match => base.add_modifier(Modifier::REVERSED),
                Role::Muted | Role::Comment | Role::Invisible => base.add_modifier(Modifier::DIM),
                Role::Warning => base.add_modifier(Modifier::UNDERLINED),
                _ => base,
            },
            _ => {
                let style = base.fg(self.color(role));
                match role {
                    Role::Focus | Role::Title => style.add_modifier(Modifier::BOLD),
                    Role::Match => style.add_modifier(Modifier::REVERSED),
                    _ => style,
                }
            }
        }
    }

    fn color(self, role: Role) -> Color {
        let true_color = self.depth == Depth::TrueColor;
        let pick = |ansi: Color, dark: (u8, u8, u8), light: (u8, u8, u8)| {
            if !true_color {
                return ansi;
            }
            let (r, g, b) = if self.light { light } else { dark };
            Color::Rgb(r, g, b)
        };
        match (role, self.light) {
            (Role::Text, false) => pick(Color::Reset, (220, 223, 228), (40, 44, 52)),
            (Role::Text, true) => pick(Color::Reset, (220, 223, 228), (40, 44, 52)),
            (Role::Muted | Role::Comment, false) => {
                pick(Color::DarkGray, (125, 133, 144), (125, 133, 144))
            }
            (Role::Muted | Role::Comment, true) => {
                pick(Color::Gray, (125, 133, 144), (110, 116, 126))
            }
            (Role::Border, _) => pick(Color::DarkGray, (92, 99, 112), (170, 175, 185)),
            (Role::Focus, false) => pick(Color::LightCyan, (97, 175, 239), (1, 132, 188)),
            (Role::Focus, true) => pick(Color::Blue, (97, 175, 239), (1, 132, 188)),
            (Role::Title, _) => pick(Color::Reset, (220, 223, 228), (40, 44, 52)),
            (Role::Ok, false) => pick(Color::LightGreen, (152, 195, 121), (80, 161, 79)),
            (Role::Ok, true) => pick(Color::Green, (152, 195, 121), (80, 161, 79)),
            (Role::Error, false) => pick(Color::LightRed, (224, 108, 117), (228, 86, 73)),
            (Role::Error, true) => pick(Color::Red, (224, 108, 117), (228, 86, 73)),
            (Role::Warning, false) => pick(Color::Yellow, (229, 192, 123), (193, 132, 1)),
            (Role::Warning, true) => pick(Color::Magenta, (229, 192, 123), (193, 132, 1)),
            (Role::Accent | Role::Match, _) => pick(Color::Yellow, (229, 192, 123), (193, 132, 1)),
            (Role::Invisible, _) => pick(Color::DarkGray, (92, 99, 112), (170, 175, 185)),
            (Role::Str, false) => pick(Color::Green, (152, 195, 121), (80, 161, 79)),
            (Role::Str, true) => pick(Color::Green, (152, 195, 121), (80, 161, 79)),
            (Role::Number, _) => pick(Color::Yellow, (209, 154, 102), (152, 104, 1)),
            (Role::Keyword, _) => pick(Color::Magenta, (198, 120, 221), (166, 38, 164)),
            (Role::Variable, false) => pick(Color::LightRed, (224, 108, 117), (228, 86, 73)),
            (Role::Variable, true) => pick(Color::Red, (224, 108, 117), (228, 86, 73)),
            (Role::Function, _) => pick(Color::Blue, (97, 175, 239), (64, 120, 242)),
            (Role::Operator, _) => pick(Color::Cyan, (86, 182, 194), (1, 132, 188)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_uses_no_colour_at_all() {
        let t = Theme {
            depth: Depth::Mono,
            light: false,
        };
        for role in [
            Role::Text,
            Role::Error,
            Role::Ok,
            Role::Str,
            Role::Focus,
            Role::Match,
        ] {
            let s = t.style(role);
            assert_eq!(s.fg, None, "{role:?}");
            assert_eq!(s.bg, None, "{role:?}");
        }
    }

    #[test]
    fn ansi16_never_emits_rgb() {
        for light in [false, true] {
            let t = Theme {
                depth: Depth::Ansi16,
                light,
            };
            assert!(!matches!(t.style(Role::Keyword).fg, Some(Color::Rgb(..))));
        }
        let t = Theme {
            depth: Depth::TrueColor,
            light: true,
        };
        assert!(matches!(t.style(Role::Keyword).fg, Some(Color::Rgb(..))));
    }
}
