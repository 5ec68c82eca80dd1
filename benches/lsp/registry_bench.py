#!/usr/bin/env python3
"""Completion and hover latency of dockls with the registry feature off, on with a warm cache,
and on with the registry unreachable (stopped, or stalling: it accepts connections and never
answers).

One document, the same in every mode: two stages whose base images live on Debian's
docker-registry, started on 127.0.0.1 by tests/editors/registry.py. In each mode a fresh dockls
(its disk cache in a fresh temporary directory) opens the document and answers --requests rounds
of four requests, one after the other: completion in the tag (right after
`FROM HOST/team/app:`), completion at the image (right after `FROM `), completion on an empty
line, and hover on the image. The rounds of "off" and "warm" alternate, then, with the registry
stopped, those of "stopped" and "stalled". In the warm mode the requests are first repeated until
the tag completion is complete and the hover shows the registry's facts, so the timed rounds
answer from the cache. All of it is repeated --repeat times with fresh servers and the times
pooled, since two server processes doing the same work differ by tens of microseconds on a
shared machine (the empty-line row, where the registry plays no part, shows how much). A round
trip is timed by lspbench.py's client (request written to answer read), the harness of
benches/lsp/compare.py.

Python 3.11 standard library only.

  python3 benches/lsp/registry_bench.py                  # prints the table
  python3 benches/lsp/registry_bench.py --write-docs     # and puts it into docs/benchmarks.md
"""

import argparse
import datetime
import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True

import benchlib  # noqa: E402

DEFAULT_LSPBENCH = benchlib.REPO.parent / "shared" / "tools" / "lspbench.py"
DOCS = benchlib.REPO / "docs" / "benchmarks.md"
START = "<!-- registry-bench:start -->"
END = "<!-- registry-bench:end -->"
MODES = ("off", "warm", "stopped", "stalled")
KINDS = (
    ("tag", "completion in the tag (right after `app:`)"),
    ("image", "completion at the image (right after `FROM `)"),
    ("line", "completion on an empty line"),
    ("hover", "hover on the image"),
)


def load_lspbench(path):
    sys.path.insert(0, str(pathlib.Path(path).resolve().parent))
    import lspbench  # noqa: E402

    return lspbench


def document(host):
    return (
        f"FROM {host}/team/app:2.0 AS build\n"
        "WORKDIR /src\n"
        "COPY . .\n"
        "RUN make build && make test\n"
        "\n"
        f"FROM {host}/team/app:1.0\n"
        "COPY --from=build /src/out /usr/local/bin/app\n"
        'ENTRYPOINT ["app"]\n'
    )


def start_registry():
    """tests/editors/registry.py: returns (process, host); it serves until its stdin closes."""
    proc = subprocess.Popen(["python3", str(benchlib.REPO / "tests" / "editors" / "registry.py")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().split()
    if len(line) != 2:
        proc.kill()
        raise SystemExit("error: the test registry did not start (is docker-registry installed? "
                         ".ci/setup registry)")
    return proc, line[0]


def stop_registry(proc):
    proc.stdin.close()
    proc.wait(timeout=30)


class Staller:
    """A TCP server on 127.0.0.1 that accepts connections, reads, and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.host = "127.0.0.1:%d" % self.sock.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


class Session:
    """A fresh dockls (its disk cache in a fresh temporary directory) with the document open."""

    def __init__(self, lspbench, args, mode, host):
        self.mode, self.timeout = mode, args.timeout
        text = document(host)
        first = text.split("\n")[0]
        tag_col = first.index("/team/app:") + len("/team/app:")
        image_col = len("FROM ")
        self.uri = "file:///bench/registry/Dockerfile"
        self.positions = {
            "tag": ("textDocument/completion", position(0, tag_col)),
            "image": ("textDocument/completion", position(0, image_col)),
            "line": ("textDocument/completion", position(4, 0)),
            "hover": ("textDocument/hover", position(0, image_col + 1)),
        }
        self.cache = tempfile.TemporaryDirectory(prefix="dockls-registry-bench-")
        argv = ["env", "XDG_CACHE_HOME=" + self.cache.name, str(args.dockls)]
        self.client = lspbench.LspClient(argv, mode)
        options = {"registry": {"network": mode != "off", "insecure": [host], "timeout": 5}}
        params = {"processId": os.getpid(), "rootUri": None,
                  "capabilities": lspbench.default_client_capabilities(),
                  "initializationOptions": options}
        _, answer = self.client.request("initialize", params, 30)
        if "error" in answer:
            raise SystemExit("error: initialize failed: %s" % answer["error"])
        self.client.notify("initialized", {})
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri, "languageId": "dockerfile", "version": 1, "text": text}})
        self.times = {kind: [] for kind, _ in KINDS}
        self.sizes = {kind: 0 for kind, _ in KINDS}

    def ask(self, kind):
        method, pos = self.positions[kind]
        return self.client.request(method, {"textDocument": {"uri": self.uri}, "position": pos},
                                   self.timeout)

    def round(self):
        for kind, _ in KINDS:
            ms, answer = self.ask(kind)
            self.times[kind].append(ms)
            self.sizes[kind] = answer_size(answer.get("result"))

    def close(self):
        try:
            self.client.shutdown()
        except Exception:  # noqa: BLE001 - a bench run reports, it does not stop here
            self.client.kill()
        self.cache.cleanup()


def position(line, column):
    return {"line": line, "character": column}


def interleaved(lspbench, args, modes):
    """Runs the sessions of `modes` (mode -> host) round by round, alternating, so that a change
    of the machine's load falls on all of them alike and each goes first as often. Returns mode -> (times, sizes)."""
    sessions = {}
    try:
        for mode, host in modes.items():
            print("mode %s against %s" % (mode, host), file=sys.stderr)
            sessions[mode] = Session(lspbench, args, mode, host)
            if mode == "warm":
                warm_up(sessions[mode].ask)
        order = list(sessions.values())
        for number in range(args.requests):
            # Each goes first in every other round: the second of two back-to-back requests
            # was measurably slower on this machine.
            for session in order if number % 2 == 0 else reversed(order):
                session.round()
        return {mode: (s.times, s.sizes) for mode, s in sessions.items()}
    finally:
        for session in sessions.values():
            session.close()


def warm_up(ask):
    """Asks until tags and image facts are cached; fails after 20 s."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        _, tags = ask("tag")
        _, hover = ask("hover")
        result = tags.get("result") or {}
        complete = isinstance(result, dict) and result.get("isIncomplete") is False
        facts = "Platforms" in json.dumps(hover.get("result"))
        if complete and facts:
            return
        time.sleep(0.05)
    raise SystemExit("error: the registry answers never reached the cache")


def pooled(found):
    """The times of several sessions of one mode together; the sizes of the last."""
    times = {kind: [t for one in found for t in one[0][kind]] for kind, _ in KINDS}
    return times, found[-1][1]


def answer_size(result):
    if isinstance(result, dict) and "items" in result:
        return len(result["items"])
    if isinstance(result, list):
        return len(result)
    if isinstance(result, dict) and "contents" in result:
        return len(json.dumps(result["contents"]))
    return 0


def fmt(ms):
    return "%.2f" % ms


def render(args, results, dockls_version):
    pct = benchlib.percentile
    lines = [
        START,
        "## Registry: completion and hover with a warm cache, without the feature, and offline",
        "",
        "Measured by `benches/lsp/registry_bench.py` (round trips timed by the client of "
        "`lspbench.py`) against Debian's docker-registry 2.8 on 127.0.0.1; dockls %s, %d rounds "
        "in each of %d fresh sessions per mode, pooled; %s, load average %s at the start. Milliseconds, p50 / p95 / max; in brackets the "
        "items (completion) or characters of markdown (hover) in the last answer." % (
            dockls_version, args.requests, args.repeat, args.when,
            " ".join(str(x) for x in benchlib.machine()["loadavg"])),
        "",
        "- off: `registry.network` false (the registry feature does nothing);",
        "- warm: network on, tags and image facts already cached (the first answers were awaited);",
        "- stopped: network on, the registry's port closed, nothing cached: every request starts a "
        "fetch that fails at once;",
        "- stalled: network on, a server that accepts connections and never answers, nothing "
        "cached: every fetch runs into its timeout in the background.",
        "",
        "| request | " + " | ".join(MODES) + " |",
        "|---|" + "--:|" * len(MODES),
    ]
    for kind, title in KINDS:
        cells = []
        for mode in MODES:
            times, sizes = results[mode]
            values = sorted(times[kind])
            cells.append("%s / %s / %s (%d)" % (fmt(pct(values, 0.5)), fmt(pct(values, 0.95)),
                                                 fmt(values[-1]), sizes[kind]))
        lines.append("| %s | %s |" % (title, " | ".join(cells)))
    ratios = []
    for kind, title in KINDS:
        warm, off = (pct(sorted(results[m][0][kind]), 0.5) for m in ("warm", "off"))
        ratios.append("%s %.2f" % (kind, warm / off if off else float("nan")))
    lines += ["", "p50 of warm over p50 of off: %s (the tag row answers 3 tags warm and 1 "
              "item off)." % ", ".join(ratios), "", END]
    return "\n".join(lines)


def write_docs(section):
    text = DOCS.read_text()
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.write_text(text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dockls", default=benchlib.DEFAULT_DOCKLS, type=pathlib.Path)
    parser.add_argument("--lspbench", default=DEFAULT_LSPBENCH, type=pathlib.Path)
    parser.add_argument("--requests", type=int, default=100, help="rounds per session")
    parser.add_argument("--repeat", type=int, default=5,
                        help="fresh sessions per mode (their times are pooled)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per request")
    parser.add_argument("--write-docs", action="store_true",
                        help="replace the registry section of docs/benchmarks.md")
    args = parser.parse_args(argv)
    benchlib.require_file(args.dockls, "dockls", "build it: cargo build --release")
    benchlib.require_file(args.lspbench, "lspbench.py", "pass --lspbench PATH")
    lspbench = load_lspbench(args.lspbench)
    args.when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    version = benchlib.command_output([str(args.dockls), "--version"]) or "unknown version"
    commit = benchlib.command_output(["git", "rev-parse", "--short", "HEAD"], cwd=benchlib.REPO)
    dockls_version = "`%s`%s" % (version, " at `%s`" % commit if commit else "")

    runs = []
    for repetition in range(args.repeat):
        print("repetition %d of %d" % (repetition + 1, args.repeat), file=sys.stderr)
        registry, host = start_registry()
        try:
            found = interleaved(lspbench, args, {"off": host, "warm": host})
        finally:
            stop_registry(registry)
        staller = Staller()
        try:
            found.update(interleaved(lspbench, args, {"stopped": host, "stalled": staller.host}))
        finally:
            staller.close()
        runs.append(found)
    results = {mode: pooled([run[mode] for run in runs]) for mode in MODES}

    section = render(args, results, dockls_version)
    print(section)
    if args.write_docs:
        write_docs(section)
        print("wrote %s" % benchlib.display_path(DOCS), file=sys.stderr)


if __name__ == "__main__":
    main()
