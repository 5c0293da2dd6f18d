//! Fuzz target: see `copydesk_fuzz::segment` for what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| copydesk_fuzz::segment(data));
