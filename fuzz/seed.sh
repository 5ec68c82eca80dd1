#!/bin/sh
# Fills fuzz/corpus/<target>/ with seed inputs; the directories are not committed.
#
#   fuzz/seed.sh [shared-corpus-dir]     (default: ../shared/corpus next to the repository)
#
# - analysis, incremental_reparse: every file of the vendored tests/corpus/ and the shared
#   corpus (recursively, with the hostile files under invalid/ and the big files under stress/),
#   cut to 64 KiB, plus every case of the grammar's test/corpus/*.txt, one file each.
# - jsonrpc: a few LSP sessions, well-formed and damaged, written below.
# - shell: the saved inputs of tests/data/fuzz/shell/, and the RUN commands of every corpus
#   file (shell form, continuation lines included, without the `RUN`), one seed per file.
#
# Re-running the script replaces the seeds it wrote and keeps what the fuzzers added.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
shared=${1:-$repo/../shared/corpus}
max_seed_bytes=65536

for target in analysis incremental_reparse jsonrpc shell; do
    mkdir -p "$here/corpus/$target"
    rm -f "$here/corpus/$target"/seed-*
done

# Dockerfiles, named by their path so that two files of one name do not collide.
add_dockerfile() {
    name=$(printf '%s' "$2" | tr -c 'A-Za-z0-9._-' '_')
    for target in analysis incremental_reparse; do
        head -c "$max_seed_bytes" "$1" >"$here/corpus/$target/seed-$name"
    done
}
for root in "$repo/tests/corpus" "$shared"; do
    [ -d "$root" ] || continue
    find "$root" -type f ! -name '*.tsv' ! -name '*.md' | sort | while read -r file; do
        add_dockerfile "$file" "$(basename "$root")-${file#"$root"/}"
    done
done

# RUN commands: a line starting with RUN, without the keyword and its flags, and the lines it
# continues with a trailing backslash.
for root in "$repo/tests/corpus" "$shared"; do
    [ -d "$root" ] || continue
    find "$root" -type f ! -name '*.tsv' ! -name '*.md' | sort | while read -r file; do
        name=$(printf '%s' "$(basename "$root")-${file#"$root"/}" | tr -c 'A-Za-z0-9._-' '_')
        head -c "$max_seed_bytes" "$file" | awk '
            !going && toupper($1) == "RUN" {
                sub(/^[ \t]*[Rr][Uu][Nn][ \t]+/, "")
                while ($1 ~ /^--/) sub(/^--[^ \t]*[ \t]*/, "")
                going = 1
            }
            going { print; going = /\\$/ }
        ' >"$here/corpus/shell/seed-$name"
        [ -s "$here/corpus/shell/seed-$name" ] || rm -f "$here/corpus/shell/seed-$name"
    done
done
cp "$repo"/tests/data/fuzz/shell/* "$here/corpus/shell/"

# The grammar's test cases: the input is what lies between a case's second `===` line and its
# `---` line, without the line break before the `---` line.
for file in "$repo"/grammar/test/corpus/*.txt; do
    area=$(basename "$file" .txt)
    awk -v out="$here/corpus/analysis/seed-grammar-$area-" '
        /^====+$/ { header = !header; if (!header) { case += 1; collecting = 1; input = ""; first = 1 } next }
        header { next }
        collecting && /^----+$/ {
            path = out case
            printf "%s", input > path
            close(path)
            collecting = 0
            next
        }
        collecting {
            input = first ? $0 : input "\n" $0
            first = 0
        }
    ' "$file"
done
for seed in "$here"/corpus/analysis/seed-grammar-*; do
    cp "$seed" "$here/corpus/incremental_reparse/"
done

# JSON-RPC sessions: each message is framed with its exact length.
frame() {
    printf 'Content-Length: %s\r\n\r\n%s' "$(printf '%s' "$1" | wc -c | tr -d ' ')" "$1"
}
jsonrpc="$here/corpus/jsonrpc"
initialize='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{"general":{"positionEncodings":["utf-8","utf-16"]}}}}'
initialized='{"jsonrpc":"2.0","method":"initialized","params":{}}'
open='{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///w/Dockerfile","languageId":"dockerfile","version":1,"text":"FROM alpine:3.20\nRUN apk add curl\n"}}}'
change='{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///w/Dockerfile","version":2},"contentChanges":[{"range":{"start":{"line":1,"character":4},"end":{"line":1,"character":7}},"text":"apt-get"}]}}'
hover='{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///w/Dockerfile"},"position":{"line":0,"character":2}}}'
completion='{"jsonrpc":"2.0","id":"c","method":"textDocument/completion","params":{"textDocument":{"uri":"file:///w/Dockerfile"},"position":{"line":1,"character":0}}}'
response='{"jsonrpc":"2.0","id":7,"result":null}'
shutdown='{"jsonrpc":"2.0","id":3,"method":"shutdown"}'
exit_='{"jsonrpc":"2.0","method":"exit"}'
{
    frame "$initialize"; frame "$initialized"; frame "$open"; frame "$change"
    frame "$hover"; frame "$completion"; frame "$response"; frame "$shutdown"; frame "$exit_"
} >"$jsonrpc/seed-session"
{
    frame "$initialize"
    printf 'X-Junk: 1\r\n\r\n'
    printf 'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n'
    frame "$hover"
    frame '{"jsonrpc":"2.0","id":4,"method":5}'
    frame '{garbage}'
    frame '{"jsonrpc":"2.0","method":"x","params":["\ud800","\ud83d\ude00","\\ud800"]}'
    printf 'Content-Length: 9\r\n\r\n{"a":"\377"}'
    printf 'Content-Length: -1\r\n\r\n'
    printf 'noise Content-Length: 2\r\n\r\n{}'
    frame "$shutdown"
} >"$jsonrpc/seed-damaged"
frame "$initialize" >"$jsonrpc/seed-initialize"
printf 'Content-Length: 100\r\n\r\n{"jsonrpc":"2.0"' >"$jsonrpc/seed-truncated"
printf 'Content-Length: 2\n\n[]Content-Length: 4\r\n\r\nnull' >"$jsonrpc/seed-not-objects"

for target in analysis incremental_reparse jsonrpc shell; do
    echo "$target: $(find "$here/corpus/$target" -name 'seed-*' | wc -l) seeds"
done
