//! The three gateway pipelines (custom, proxy, HTTP API) and [`evaluate`].

use crate::scenario::Scenario;
use crate::trace::Evaluation;

/// Evaluates a scenario under every integration mode.
pub fn evaluate(_scenario: &Scenario) -> Evaluation {
    unimplemented!("gateway pipelines land with issue #2")
}
