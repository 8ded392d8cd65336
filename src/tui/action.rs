//! Everything that can happen to the lab. Key presses become [`Action`]s in
//! [`keymap`](super::keymap) (terminal types stop there); [`update`](super::update::update) is the
//! only place that changes [`State`](super::state::State).

use ratatui_textarea::Input;

use crate::trace::Evaluation;

/// A bound command: what a key in the keymap table does. One doc line each; the help overlay and
/// the key bar take their words from the keymap table, not from here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cmd {
    // --- application
    /// Quit; asks first when edits are unsaved.
    Quit,
    /// Save the scenario (atomic write); asks for a file name when there is none.
    Save,
    /// Show or hide the help overlay.
    Help,
    /// Open the lesson list.
    Lessons,
    /// Reveal the next hint of the current lesson.
    Hint,
    /// Switch between the dark and the light theme.
    Theme,
    // --- focus and layout
    FocusNext,
    FocusPrev,
    FocusLeft,
    FocusRight,
    FocusUp,
    FocusDown,
    /// Zoom the focused pane to the whole screen (and back).
    Zoom,
    /// Show the focused mode's execution log instead of the results.
    Log,
    /// Show the lesson (goal, expectations, hints) instead of the results.
    LessonPane,
    /// Cycle the focused integration mode (custom → proxy → HTTP API).
    CycleMode,
    // --- integration responses table
    RowUp,
    RowDown,
    ColLeft,
    ColRight,
    EditCell,
    AddResponse,
    DeleteResponse,
    MoveResponseUp,
    MoveResponseDown,
    /// Next content type of the selected response's templates (adds none).
    NextContentType,
    /// Add a template for another content type.
    AddContentType,
    /// Remove the selected content type's template.
    RemoveTemplate,
    /// Undo the last table change.
    UndoTable,
    // --- editors
    Undo,
    Redo,
    Copy,
    Cut,
    Paste,
    SelectAll,
    Search,
    SearchNext,
    SearchPrev,
    /// Handler: code → returns → throws → fails.
    CycleHandlerKind,
    /// Handler: next Lambda runtime.
    CycleRuntime,
    /// Handler (throws): edit the error type.
    EditErrorType,
    /// Template editor: response template ↔ request template.
    ToggleTemplateTarget,
    // --- scrolling result panes and lists
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    // --- dialogs
    Accept,
    Cancel,
    Yes,
    No,
    /// Recovery prompt: discard the recovered edits.
    Discard,
}

/// One thing that happened.
#[derive(Debug, Clone)]
pub enum Action {
    Cmd(Cmd),
    /// A key for the focused text editor or prompt.
    Edit(Input),
    /// Bracketed paste.
    PasteText(String),
    /// Mouse click at a screen cell.
    Click {
        column: u16,
        row: u16,
    },
    /// Mouse wheel over a screen cell.
    Wheel {
        column: u16,
        row: u16,
        down: bool,
    },
    /// The terminal changed size.
    Resize(u16, u16),
    /// An evaluation finished (generation, result or the engine's panic message).
    Evaluated(u64, Box<Result<Evaluation, String>>),
    /// Time to write the recovery file if edits are pending.
    Autosave,
}

impl From<Cmd> for Action {
    fn from(c: Cmd) -> Action {
        Action::Cmd(c)
    }
}
