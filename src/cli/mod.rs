//! The command line: `run`, `check`, `match`, `render`.
