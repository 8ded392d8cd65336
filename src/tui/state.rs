//! The lab's state: the scenario being edited, the editors that show parts of it, the last
//! evaluation and everything the screen needs to know (focus, overlays, scroll positions).

use std::cell::OnceCell;
use std::path::PathBuf;

use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;

use super::derived::Derived;
use super::forms::{self, FormError};
use super::highlight::Lang;
use super::theme::Theme;
use crate::lambda::InvocationMemo;
use crate::scenario::{Behaviour, FailKind, Handler, Scenario, Throws};
use crate::trace::{Evaluation, Mode};

/// A region of the screen that can have the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Handler,
    Integration,
    Template,
    Request,
    Methods,
    Output,
    Selection,
    Responses,
    Log,
    Lesson,
}

impl Pane {
    /// Tab order.
    pub const ORDER: [Pane; 10] = [
        Pane::Handler,
        Pane::Integration,
        Pane::Template,
        Pane::Request,
        Pane::Methods,
        Pane::Output,
        Pane::Selection,
        Pane::Responses,
        Pane::Log,
        Pane::Lesson,
    ];
    pub const LEFT: [Pane; 5] = [
        Pane::Handler,
        Pane::Integration,
        Pane::Template,
        Pane::Request,
        Pane::Methods,
    ];
    pub const RIGHT: [Pane; 5] = [
        Pane::Output,
        Pane::Selection,
        Pane::Responses,
        Pane::Log,
        Pane::Lesson,
    ];

    pub fn is_left(self) -> bool {
        Pane::LEFT.contains(&self)
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Handler => "Handler",
            Pane::Integration => "Integration responses",
            Pane::Template => "Mapping template",
            Pane::Request => "Request",
            Pane::Methods => "Method responses",
            Pane::Output => "Lambda output",
            Pane::Selection => "Selection",
            Pane::Responses => "Responses",
            Pane::Log => "Log",
            Pane::Lesson => "Lesson",
        }
    }

    /// Short name for tab strips.
    pub fn tab(self) -> &'static str {
        match self {
            Pane::Integration => "Int. responses",
            Pane::Template => "Template",
            Pane::Methods => "Method resp.",
            other => other.title(),
        }
    }

    pub fn editor(self) -> Option<Editor> {
        match self {
            Pane::Handler => Some(Editor::Handler),
            Pane::Template => Some(Editor::Template),
            Pane::Request => Some(Editor::Request),
            Pane::Methods => Some(Editor::Methods),
            _ => None,
        }
    }
}

/// The text editors (index into [`State::editors`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Editor {
    Handler = 0,
    Template = 1,
    Request = 2,
    Methods = 3,
}

impl Editor {
    pub fn pane(self) -> Pane {
        match self {
            Editor::Handler => Pane::Handler,
            Editor::Template => Pane::Template,
            Editor::Request => Pane::Request,
            Editor::Methods => Pane::Methods,
        }
    }
}

/// What the handler editor holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerKind {
    Code,
    Returns,
    Throws,
    Fails,
}

impl HandlerKind {
    pub fn name(self) -> &'static str {
        match self {
            HandlerKind::Code => "code",
            HandlerKind::Returns => "returns",
            HandlerKind::Throws => "throws",
            HandlerKind::Fails => "fails",
        }
    }
    pub fn next(self) -> HandlerKind {
        match self {
            HandlerKind::Code => HandlerKind::Returns,
            HandlerKind::Returns => HandlerKind::Throws,
            HandlerKind::Throws => HandlerKind::Fails,
            HandlerKind::Fails => HandlerKind::Code,
        }
    }
}

/// Columns of the integration responses table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Status,
    Pattern,
    Templates,
    Parameters,
}

impl Column {
    pub const ALL: [Column; 4] = [
        Column::Status,
        Column::Pattern,
        Column::Templates,
        Column::Parameters,
    ];
}

/// Which template the template editor shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateTarget {
    /// The selected integration response's template.
    Response,
    /// The integration request template.
    Request,
}

/// What the right column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RightView {
    Results,
    Log,
    Lesson,
}

/// A one-line (or small multi-line) editor over the screen.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub target: PromptTarget,
    pub title: String,
    pub input: TextArea<'static>,
    pub multiline: bool,
    /// The scenario before the prompt opened (Esc restores it).
    pub before: Scenario,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptTarget {
    Status,
    Pattern,
    Parameters,
    NewResponse,
    ContentType,
    ErrorType,
    SaveAs,
    Search(Editor),
}

/// A dialog or overlay on top of the screen (takes the keys while open).
#[derive(Debug, Clone)]
pub enum Overlay {
    Help {
        scroll: u16,
    },
    ConfirmQuit,
    Recovery {
        file: PathBuf,
        scenario: Box<Scenario>,
        origin: Option<PathBuf>,
    },
    Lessons {
        selected: usize,
    },
    Prompt(Box<Prompt>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Info,
    Ok,
    Warning,
    Error,
}

/// A problem in what the user typed, shown where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub pane: Pane,
    /// For the table: the row; for editors: the line (0-based).
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The input does not even parse (syntax): the last good results stay on screen, dimmed.
    /// Other problems are results in their own right (AWS answers them) and are shown live.
    pub syntax: bool,
}

/// Line index meaning "the whole pane" (no position known).
pub const NO_LINE: usize = usize::MAX;

/// The current lesson, when the scenario came from the lesson list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonState {
    pub id: String,
    pub hints_shown: usize,
    pub solved: bool,
}

pub struct State {
    pub scenario: Scenario,
    /// The scenario as last saved or opened (unsaved edits = difference).
    pub saved: Scenario,
    pub path: Option<PathBuf>,
    /// Where the scenario came from, for the title bar ("built-in: …", "lesson: …").
    pub origin: String,
    pub editors: [TextArea<'static>; 4],
    pub handler_kind: HandlerKind,
    /// Text of the other handler kinds, so switching kinds loses nothing.
    pub handler_stash: [String; 4],
    pub row: usize,
    pub column: Column,
    pub content_type: usize,
    pub template_target: TemplateTarget,
    pub focus: Pane,
    /// Which editor the bottom-left slot shows (wide layout).
    pub bottom_tab: Pane,
    pub last_left: Pane,
    pub last_right: Pane,
    pub right_view: RightView,
    pub zoom: bool,
    pub mode: Mode,
    pub overlay: Option<Overlay>,
    pub theme: Theme,
    /// The evaluation on screen.
    pub eval: Option<Evaluation>,
    pub derived: Derived,
    /// The evaluation on screen is older than the input (the input is invalid, or a newer
    /// evaluation is running): drawn dimmed.
    pub stale: bool,
    /// Editors whose text cannot become a scenario (blocks evaluation).
    pub form_errors: Vec<InputError>,
    /// Problems the engine reported in the input (bad pattern, template or handler syntax).
    pub engine_errors: Vec<InputError>,
    pub status: Option<(Severity, String)>,
    /// Bumped on every edit of the scenario.
    pub generation: u64,
    /// The generation the last accepted evaluation was for.
    pub evaluated: u64,
    /// Edits not yet written to the recovery file.
    pub autosave_pending: bool,
    pub scroll: [u16; 5],
    pub history: Vec<Scenario>,
    pub lesson: Option<LessonState>,
    /// `[expect.*]` lines that do not hold in [`State::eval`], worked out when first needed
    /// (checking a megabyte body against `bodyJson` is not free, and most screens do not show
    /// the goals); reset whenever `eval` changes.
    pub expect_failures: OnceCell<Vec<String>>,
    pub clipboard: String,
    pub quit: bool,
    pub screen: (u16, u16),
    /// Where recovery files and lesson progress go (`None`: nowhere, e.g. in tests).
    pub state_dir: Option<PathBuf>,
    /// Invocations of evaluations made on the UI thread ([`super::update::evaluate_now`]); the
    /// worker thread keeps its own.
    pub memo: InvocationMemo,
}

fn new_editor(text: &str) -> TextArea<'static> {
    let lines: Vec<String> = text.split('\n').map(String::from).collect();
    let mut t = TextArea::new(lines);
    t.set_cursor_line_style(Style::default());
    t.set_line_number_style(Style::default().add_modifier(Modifier::DIM));
    t.set_tab_length(2);
    t.set_max_histories(500);
    t.set_cursor_style(Style::default());
    t
}

impl State {
    pub fn new(scenario: Scenario, path: Option<PathBuf>, origin: String, theme: Theme) -> State {
        let mode = match scenario.integration.kind {
            crate::scenario::IntegrationType::Aws => Mode::Custom,
            crate::scenario::IntegrationType::AwsProxy => Mode::Proxy,
        };
        let mut s = State {
            saved: scenario.clone(),
            scenario,
            path,
            origin,
            editors: [
                new_editor(""),
                new_editor(""),
                new_editor(""),
                new_editor(""),
            ],
            handler_kind: HandlerKind::Code,
            handler_stash: Default::default(),
            row: 0,
            column: Column::Pattern,
            content_type: 0,
            template_target: TemplateTarget::Response,
            focus: Pane::Integration,
            bottom_tab: Pane::Template,
            last_left: Pane::Integration,
            last_right: Pane::Responses,
            right_view: RightView::Results,
            zoom: false,
            mode,
            overlay: None,
            theme,
            eval: None,
            derived: Derived::default(),
            stale: false,
            form_errors: Vec::new(),
            engine_errors: Vec::new(),
            status: None,
            generation: 1,
            evaluated: 0,
            autosave_pending: false,
            scroll: [0; 5],
            history: Vec::new(),
            lesson: None,
            expect_failures: OnceCell::new(),
            clipboard: String::new(),
            quit: false,
            screen: (0, 0),
            state_dir: None,
            memo: InvocationMemo::default(),
        };
        s.load_editors();
        // Start on the first response with a pattern (where the story usually is).
        s.row = s
            .scenario
            .integration
            .integration_responses
            .values()
            .position(|r| !r.is_default())
            .unwrap_or(0);
        s.reload_template_editor();
        s.set_focus(Pane::Integration);
        s.validate_editors();
        s
    }

    /// Replace the whole scenario (open a lesson, restore a recovery file).
    pub fn replace_scenario(
        &mut self,
        scenario: Scenario,
        path: Option<PathBuf>,
        origin: String,
        saved: Scenario,
    ) {
        let theme = self.theme;
        let screen = self.screen;
        let clipboard = std::mem::take(&mut self.clipboard);
        let generation = self.generation + 1;
        let state_dir = self.state_dir.take();
        let memo = std::mem::take(&mut self.memo);
        *self = State::new(scenario, path, origin, theme);
        self.state_dir = state_dir;
        self.memo = memo;
        self.saved = saved;
        self.screen = screen;
        self.clipboard = clipboard;
        self.generation = generation;
    }

    pub fn dirty(&self) -> bool {
        self.scenario != self.saved
    }

    pub fn editor(&self, e: Editor) -> &TextArea<'static> {
        &self.editors[e as usize]
    }

    pub fn editor_mut(&mut self, e: Editor) -> &mut TextArea<'static> {
        &mut self.editors[e as usize]
    }

    pub fn editor_text(&self, e: Editor) -> String {
        self.editor(e).lines().join("\n")
    }

    pub fn lang(&self, e: Editor) -> Lang {
        match e {
            Editor::Handler => match self.handler_kind {
                HandlerKind::Code => Lang::JavaScript,
                HandlerKind::Returns => Lang::Json,
                _ => Lang::Plain,
            },
            Editor::Template => Lang::Vtl,
            Editor::Request | Editor::Methods => Lang::Plain,
        }
    }

    fn set_editor_text(&mut self, e: Editor, text: &str) {
        let cursor_style = self.editor(e).cursor_style();
        let mut t = new_editor(text);
        t.set_cursor_style(cursor_style);
        t.set_placeholder_text(match e {
            Editor::Methods => "(empty: every integration response status counts as declared)",
            Editor::Template => "(no template: type to add one)",
            _ => "",
        });
        self.editors[e as usize] = t;
    }

    /// Fill every editor from the scenario.
    pub fn load_editors(&mut self) {
        let h = &self.scenario.handler;
        let kind = match h.behaviour() {
            Some(Behaviour::Code(_)) | None => HandlerKind::Code,
            Some(Behaviour::Returns(_)) => HandlerKind::Returns,
            Some(Behaviour::Throws(_)) => HandlerKind::Throws,
            Some(Behaviour::Fails(_)) => HandlerKind::Fails,
        };
        self.handler_kind = kind;
        self.handler_stash = [
            h.code
                .clone()
                .unwrap_or_else(|| "exports.handler = async (event) => {\n  return {};\n};".into()),
            h.returns.clone().unwrap_or_else(|| "{}".into()),
            h.throws
                .as_ref()
                .map(|t| t.error_message.clone())
                .unwrap_or_else(|| "Internal Error - something broke".into()),
            fail_name(
                h.fails
                    .as_ref()
                    .map(|f| f.kind)
                    .unwrap_or(FailKind::Timeout),
            )
            .into(),
        ];
        let text = self.handler_stash[kind as usize].clone();
        self.set_editor_text(Editor::Handler, &text);
        let req = forms::request_text(&self.scenario.request);
        self.set_editor_text(Editor::Request, &req);
        let m = forms::method_responses_text(&self.scenario.method_responses);
        self.set_editor_text(Editor::Methods, m.trim_end_matches('\n'));
        self.reload_template_editor();
    }

    /// The selected integration response's status key.
    pub fn selected_status(&self) -> Option<String> {
        self.scenario
            .integration
            .integration_responses
            .get_index(self.row)
            .map(|(k, _)| k.clone())
    }

    /// The content types the template editor can show, and the selected one.
    pub fn template_types(&self) -> (Vec<String>, Option<String>) {
        let map = match self.template_target {
            TemplateTarget::Request => Some(&self.scenario.integration.request_templates),
            TemplateTarget::Response => self
                .scenario
                .integration
                .integration_responses
                .get_index(self.row)
                .map(|(_, r)| &r.response_templates),
        };
        let types: Vec<String> = map.map(|m| m.keys().cloned().collect()).unwrap_or_default();
        let selected = types
            .get(self.content_type)
            .cloned()
            .or_else(|| map.is_some().then(|| "application/json".to_string()));
        (types, selected)
    }

    pub fn template_text(&self) -> Option<String> {
        let (_, ct) = self.template_types();
        let ct = ct?;
        match self.template_target {
            TemplateTarget::Request => self
                .scenario
                .integration
                .request_templates
                .get(&ct)
                .cloned(),
            TemplateTarget::Response => self
                .scenario
                .integration
                .integration_responses
                .get_index(self.row)
                .and_then(|(_, r)| r.response_templates.get(&ct).cloned()),
        }
    }

    pub fn reload_template_editor(&mut self) {
        let (types, _) = self.template_types();
        if self.content_type >= types.len() {
            self.content_type = 0;
        }
        let text = self.template_text().unwrap_or_default();
        self.set_editor_text(Editor::Template, &text);
    }

    /// Moves focus, making the pane visible and giving text editors the cursor.
    pub fn set_focus(&mut self, pane: Pane) {
        if pane == Pane::Lesson && self.lesson.is_none() && self.scenario.expect.is_empty() {
            return;
        }
        self.focus = pane;
        match pane {
            Pane::Template | Pane::Request | Pane::Methods => self.bottom_tab = pane,
            Pane::Output | Pane::Selection | Pane::Responses => {
                self.right_view = RightView::Results
            }
            Pane::Log => self.right_view = RightView::Log,
            Pane::Lesson => self.right_view = RightView::Lesson,
            _ => {}
        }
        if pane.is_left() {
            self.last_left = pane;
        } else {
            self.last_right = pane;
        }
        for e in [
            Editor::Handler,
            Editor::Template,
            Editor::Request,
            Editor::Methods,
        ] {
            let style = if e.pane() == pane {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            self.editor_mut(e).set_cursor_style(style);
        }
    }

    /// Writes an editor's text into the scenario (when it can be represented) and records
    /// where the text is wrong. Returns whether the scenario changed.
    pub fn sync_editor(&mut self, e: Editor) -> bool {
        let before = self.scenario.clone();
        let lines: Vec<String> = self.editor(e).lines().to_vec();
        let text = lines.join("\n");
        match e {
            Editor::Handler => {
                self.handler_stash[self.handler_kind as usize] = text.clone();
                self.apply_handler();
            }
            Editor::Template => self.write_template(text),
            Editor::Request => {
                if let Ok(r) = forms::parse_request(&lines) {
                    self.scenario.request = r;
                }
            }
            Editor::Methods => {
                if let Ok(m) = forms::parse_method_responses(&lines) {
                    self.scenario.method_responses = m;
                }
            }
        }
        self.validate_editor(e);
        self.scenario != before
    }

    /// Builds `scenario.handler` from the kind and the editor's text.
    pub fn apply_handler(&mut self) {
        let text = self.handler_stash[self.handler_kind as usize].clone();
        let h: &mut Handler = &mut self.scenario.handler;
        let keep_type = h.throws.as_ref().and_then(|t| t.error_type.clone());
        h.code = None;
        h.returns = None;
        h.throws = None;
        h.fails = None;
        match self.handler_kind {
            HandlerKind::Code => h.code = Some(text),
            HandlerKind::Returns => h.returns = Some(text),
            HandlerKind::Throws => {
                h.throws = Some(Throws {
                    error_type: keep_type,
                    error_message: text,
                })
            }
            HandlerKind::Fails => {
                let kind = parse_fail(text.trim()).unwrap_or(FailKind::Timeout);
                h.fails = Some(crate::scenario::Fails { kind });
            }
        }
    }

    fn write_template(&mut self, text: String) {
        let (_, ct) = self.template_types();
        let Some(ct) = ct else { return };
        match self.template_target {
            TemplateTarget::Request => {
                self.scenario.integration.request_templates.insert(ct, text);
            }
            TemplateTarget::Response => {
                if let Some((_, r)) = self
                    .scenario
                    .integration
                    .integration_responses
                    .get_index_mut(self.row)
                {
                    if text.is_empty() && !r.response_templates.contains_key(&ct) {
                        return;
                    }
                    r.response_templates.insert(ct, text);
                }
            }
        }
    }

    /// Re-checks every editor's text (form errors), keeping engine-reported errors.
    pub fn validate_editors(&mut self) {
        for e in [Editor::Handler, Editor::Request, Editor::Methods] {
            self.validate_editor(e);
        }
    }

    /// Re-checks one editor's text (the others' marks stay): a keystroke in the template must
    /// not re-parse a megabyte of handler JSON.
    pub fn validate_editor(&mut self, e: Editor) {
        let pane = e.pane();
        self.form_errors.retain(|x| x.pane != pane);
        let lines = self.editors[e as usize].lines();
        let problem = match e {
            Editor::Handler => match self.handler_kind {
                HandlerKind::Returns => forms::check_json(&lines.join("\n")).err(),
                HandlerKind::Fails if parse_fail(lines.join("\n").trim()).is_none() => {
                    Some(FormError {
                        line: 0,
                        column: 0,
                        message: "fails: write timeout, out-of-memory or response-too-large".into(),
                    })
                }
                _ => None,
            },
            Editor::Request => forms::parse_request(lines).err(),
            Editor::Methods => forms::parse_method_responses(lines).err(),
            Editor::Template => None,
        };
        if let Some(f) = problem {
            self.form_errors.push(InputError {
                syntax: true,
                pane,
                line: f.line,
                column: f.column,
                message: f.message,
            });
        }
    }

    /// Whether the results on screen are older than the input (drawn dimmed).
    pub fn dimmed(&self) -> bool {
        self.stale || !self.form_errors.is_empty()
    }

    /// Every known problem in the input, editors' first.
    pub fn errors(&self) -> impl Iterator<Item = &InputError> {
        self.form_errors.iter().chain(&self.engine_errors)
    }

    pub fn mark_edited(&mut self) {
        self.generation += 1;
        self.autosave_pending = true;
    }

    /// Remember the scenario before a structural (table) change, for `u`.
    pub fn checkpoint(&mut self) {
        self.history.push(self.scenario.clone());
        if self.history.len() > 200 {
            self.history.remove(0);
        }
    }

    pub fn set_status(&mut self, severity: Severity, text: impl Into<String>) {
        self.status = Some((severity, text.into()));
    }

    /// The `[expect.*]` lines that do not hold in the evaluation on screen (none without one).
    /// Only `[expect]` is read from the scenario, and the lab does not edit it, so the answer
    /// belongs to the evaluation.
    pub fn expect_failures(&self) -> &[String] {
        self.expect_failures.get_or_init(|| match &self.eval {
            Some(eval) => super::lessons::expect_failures(&self.scenario, eval),
            None => Vec::new(),
        })
    }

    /// The mode whose details (log, inspector) are shown.
    pub fn focused_result(&self) -> Option<&crate::trace::ModeResult> {
        self.eval.as_ref().map(|e| e.mode(self.mode))
    }
}

pub fn fail_name(k: FailKind) -> &'static str {
    match k {
        FailKind::Timeout => "timeout",
        FailKind::OutOfMemory => "out-of-memory",
        FailKind::ResponseTooLarge => "response-too-large",
    }
}

pub fn parse_fail(s: &str) -> Option<FailKind> {
    match s {
        "timeout" => Some(FailKind::Timeout),
        "out-of-memory" => Some(FailKind::OutOfMemory),
        "response-too-large" => Some(FailKind::ResponseTooLarge),
        _ => None,
    }
}
