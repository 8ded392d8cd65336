//! `java.util.regex` semantics on top of fancy-regex: a translation layer that makes Java patterns
//! behave as Java runs them (whole-string `matches`, line terminators, ASCII classes, flags, ...).
