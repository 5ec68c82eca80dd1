#!/bin/sh
# Runs one fuzz target with the C code of the grammar (tree-sitter's runtime, parser.c and the
# external scanner.c) compiled with AddressSanitizer and libFuzzer's coverage instrumentation,
# like the Rust code that cargo-fuzz instruments.
#
#   fuzz/fuzz_asan.sh <target> [libFuzzer options...]
#   fuzz/fuzz_asan.sh build            # builds every target, runs nothing
#
# (The incremental target is named `incremental_reparse`: Cargo forbids a binary named
# `incremental`, the name of one of its build directories.)
#
# The `cc` crate reads CC and CFLAGS. Clang is needed for `-fsanitize=fuzzer-no-link` (the
# coverage feedback); with GCC only AddressSanitizer is applied and the fuzzer is blind to the
# C code's branches. The sanitizer runtimes come from rustc and libfuzzer-sys, not the C
# compiler, so clang needs no compiler-rt package.
set -eu
cd "$(dirname "$0")"

if [ -z "${CC:-}" ]; then
    for candidate in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
        if command -v "$candidate" >/dev/null 2>&1; then
            CC=$candidate
            break
        fi
    done
fi
if [ -n "${CC:-}" ] && "$CC" --version 2>/dev/null | grep -q clang; then
    CFLAGS="${CFLAGS:-} -fsanitize=address -fsanitize=fuzzer-no-link -fno-omit-frame-pointer -g"
else
    echo "fuzz_asan.sh: no clang found; compiling the C code with AddressSanitizer only" >&2
    CC=${CC:-cc}
    CFLAGS="${CFLAGS:-} -fsanitize=address -fno-omit-frame-pointer -g"
fi
export CC CFLAGS

target=${1:?usage: fuzz_asan.sh <analysis|incremental_reparse|jsonrpc|build> [libFuzzer options...]}
shift
if [ "$target" = build ]; then
    exec cargo +nightly fuzz build --sanitizer address
fi
exec cargo +nightly fuzz run --sanitizer address "$target" -- "$@"
