//! Fuzz target: see `copydesk_fuzz::proto_request` for what it checks.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| copydesk_fuzz::proto_request(data));
