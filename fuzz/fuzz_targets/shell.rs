//! Arbitrary bytes, read as UTF-8 with replacement characters, as the shell of a RUN in shell
//! form, heredocs and exec form: source map, shell rules, tokens, hover, completion and
//! navigation. The checks live in `dockls_fuzz::check_shell`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    dockls_fuzz::check_shell(bytes);
});
