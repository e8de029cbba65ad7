//! Fuzzes the compressed-audio front of the decoder: content sniffing, symphonia probing and decoding; the checks are in `rehearse::fuzz`, shared with the corpus replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rehearse::fuzz::run("audio", data));
