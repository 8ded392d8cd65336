//! The interactive lab.
