//! Fuzzes the CTranslate2 model.bin header reader of `rehearse model import`; the checks are in `rehearse::fuzz`, shared with the corpus replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rehearse::fuzz::run("ct2", data));
