//! # apigw-lab
//!
//! A lab that shows exactly how Amazon API Gateway turns an AWS Lambda result into an HTTP
//! response, for a Lambda custom integration, a Lambda proxy integration and an HTTP API at once.
//!
//! The engine is pure: it knows nothing of terminals. [`evaluate`] takes a [`Scenario`] and returns
//! an [`Evaluation`]: a trace of every step plus the responses. The CLI (`cli` feature) and the
//! interactive lab (`tui` feature) only render that trace.

pub mod gateway;
pub mod javaregex;
pub mod jsonpath;
pub mod lambda;
pub mod scenario;
mod scoped;
pub mod selection;
pub mod trace;
pub mod vtl;

#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "tui")]
pub mod tui;

pub use gateway::evaluate;
pub use scenario::Scenario;
pub use trace::{Evaluation, Mode, ModeResult};
