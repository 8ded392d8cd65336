//! Scenario files (format 1, `shared/spec/scenario-format.md`): the model, loading with
//! file:line:column errors, saving, and checking `[expect.*]` against an evaluation.

mod model;

pub use model::*;
