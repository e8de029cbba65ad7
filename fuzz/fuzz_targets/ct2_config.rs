//! Fuzzes a CTranslate2 model's config.json; the checks are in `rehearse::fuzz`, shared with the corpus replay test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rehearse::fuzz::run("ct2_config", data));
