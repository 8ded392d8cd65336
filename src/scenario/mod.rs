//! Scenario files (format 1, `shared/spec/scenario-format.md`): the model, loading with
//! file:line:column errors, saving, and checking `[expect.*]` against an evaluation.
//!
//! ```
//! let text = "title = \"Throwing still returns 200\"\n[handler]\n[handler.throws]\nerrorMessage = \"boom\"\n";
//! let scenario = apigw_lab::scenario::parse(text, "throw.toml").unwrap();
//! assert_eq!(apigw_lab::scenario::parse(&apigw_lab::scenario::to_toml(&scenario), "x").unwrap(), scenario);
//! ```

mod builtin;
mod check;
mod doc;
mod error;
mod load;
mod model;
#[cfg(test)]
mod proptests;
mod save;
mod update;
mod validate;

pub use builtin::{BuiltinScenario, builtin};
pub use check::{ExpectFailure, check, position_of};
pub use error::LoadError;
pub use load::{load, parse, read_text};
pub use model::*;
pub use save::{save, to_toml};
pub use update::update_toml;
pub use validate::RUNTIMES;
