#!/usr/bin/env bash
# Checks the Helix (and Neovim query) files without Helix itself, which no reachable registry
# packages: editors/helix/languages.toml parses and has the keys Helix reads; every query shipped
# in editors/helix/runtime/queries/dockerfile/ and editors/nvim/queries/dockerfile/ is a byte-for-byte
# copy of grammar/queries/ and compiles against the grammar (tree-sitter query).
# Needs python3 (3.11+, for tomllib) and the tree-sitter CLI.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
status=0
fail() { echo "FAIL $*" >&2; status=1; }

echo "== editors/helix/languages.toml"
python3 - editors/helix/languages.toml <<'PY' || status=1
import sys, tomllib
path = sys.argv[1]
with open(path, "rb") as f:
    doc = tomllib.load(f)
problems = []
def need(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        problems.append(what)
server = doc.get("language-server", {}).get("dockls", {})
need(server.get("command") == "dockls", '[language-server.dockls] command = "dockls"')
need(isinstance(server.get("config", {}), dict), "[language-server.dockls] config is a table")
langs = [l for l in doc.get("language", []) if l.get("name") == "dockerfile"]
need(len(langs) == 1, 'one [[language]] name = "dockerfile"')
lang = langs[0] if langs else {}
need(lang.get("language-servers") == ["dockls"], 'language-servers = ["dockls"]')
need(lang.get("scope") == "source.dockerfile", 'scope = "source.dockerfile"')
need(isinstance(lang.get("roots"), list) and ".dockls.toml" in lang.get("roots", []), 'roots has ".dockls.toml"')
need(isinstance(lang.get("comment-token"), str), "comment-token is a string")
ft = lang.get("file-types", [])
need(all(isinstance(x, str) or (isinstance(x, dict) and set(x) == {"glob"}) for x in ft),
     "file-types are strings or { glob = ... }")
globs = {x["glob"] for x in ft if isinstance(x, dict)}
exts = {x for x in ft if isinstance(x, str)}
for g in ["Dockerfile", "Dockerfile.*", "Containerfile", "*.dockerfile"]:
    need(g in globs, f'file-types has {{ glob = "{g}" }}')
need("dockerfile" in exts, 'file-types has the extension "dockerfile"')
grammar_name = lang.get("grammar", lang.get("name"))
grammars = [g for g in doc.get("grammar", []) if g.get("name") == grammar_name]
need(len(grammars) == 1, f'one [[grammar]] name = "{grammar_name}"')
source = grammars[0].get("source", {}) if grammars else {}
need(isinstance(source.get("git"), str) and source["git"].startswith("https://"), "grammar source.git is an https URL")
need(isinstance(source.get("rev"), str) and len(source["rev"]) == 40, "grammar source.rev is a 40-character commit")
need(source.get("subpath") == "grammar", 'grammar source.subpath = "grammar"')
sys.exit(1 if problems else 0)
PY

sample=$(mktemp -d)
trap 'rm -rf "$sample"' EXIT
cat > "$sample/Dockerfile" <<'DOCKERFILE'
# syntax=docker/dockerfile:1
ARG BASE=alpine:3.19
FROM ${BASE} AS build
ENV A=1 B="two"
RUN <<SCRIPT
apk add curl
SCRIPT
RUN apk add --no-cache git \
    && echo done
COPY --from=build ["/a", "/b"]
HEALTHCHECK CMD ["true"]
ONBUILD RUN echo hi
CMD ["sh", "-c", "echo $A"]
DOCKERFILE

for dir in editors/helix/runtime/queries/dockerfile editors/nvim/queries/dockerfile; do
  echo "== $dir"
  for original in grammar/queries/*.scm; do
    name=$(basename "$original")
    if [ ! -f "$dir/$name" ]; then
      fail "$dir/$name is missing (copy of $original)"
    elif ! cmp -s "$original" "$dir/$name"; then
      fail "$dir/$name differs from $original: cp $original $dir/"
    else
      echo "ok   $dir/$name is identical to $original"
    fi
  done
  for query in "$dir"/*.scm; do
    [ -f "grammar/queries/$(basename "$query")" ] || fail "$query has no original in grammar/queries/"
    if (cd grammar && tree-sitter query "$repo/$query" "$sample/Dockerfile" >/dev/null 2>"$sample/err"); then
      echo "ok   $query compiles"
    else
      cat "$sample/err" >&2
      fail "$query does not compile against grammar/"
    fi
  done
done

if [ "$status" -eq 0 ]; then echo "helix check: all passed"; else echo "helix check: failed" >&2; fi
exit $status
