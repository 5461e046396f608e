//! The one integration-test binary of `tsafe` (one binary links once; modules keep it tidy).

// Tests may panic: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod amounts_diff;
mod bad_input;
mod bytecode;
mod classify_diff;
mod cli;
mod digest;
mod e2e;
mod evacuate;
mod fanout;
mod harness;
mod help;
mod json_docs;
mod layers;
mod props;
mod readme;
mod recovery_config;
mod treasury;
mod watch;
