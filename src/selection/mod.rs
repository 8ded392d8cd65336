//! Integration response selection for Lambda custom integrations (semantics §1, Appendix A step 4):
//! which string is matched, each `selectionPattern` tried with Java's whole-string semantics and
//! the reason it did or did not match, the winner and the rule that made it win, and lint warnings
//! with suggested fixes.

use serde::Serialize;

/// The full record of one selection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SelectionTrace {
    /// The string matched: the function error's `errorMessage` (JSON-unescaped), `Some("")` on
    /// success, `None` when a function error carries no `errorMessage`.
    pub input: Option<String>,
}
