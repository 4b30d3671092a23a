//! Any bytes (as UTF-8, lossily) into the lessons crate's `parse`: it must never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    packetwalk_fuzz::parse_only(&String::from_utf8_lossy(data));
});
