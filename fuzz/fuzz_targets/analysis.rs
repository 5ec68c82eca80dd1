//! Arbitrary bytes, read as UTF-8 with replacement characters, through every analysis feature.
//! The checks live in `dockls_fuzz::check_analysis`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    dockls_fuzz::check_analysis(bytes);
});
