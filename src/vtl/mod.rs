//! Apache Velocity 1.7 (the Velocity Template Language) as API Gateway runs it in mapping
//! templates: lexer, parser, evaluator with Java values, and API Gateway's `$input`, `$util`,
//! `$context` and `$stageVariables`.

use serde::Serialize;

pub mod util;

/// A template error with its position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VtlError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// One reference or directive evaluated, with its value (for the template inspector).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inspection {
    pub line: usize,
    pub column: usize,
}
