//! Arbitrary bytes as the client's stdin, through the framing filter `dockls::lsp::input`. The
//! checks live in `dockls_fuzz::check_jsonrpc`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    dockls_fuzz::check_jsonrpc(bytes);
});
