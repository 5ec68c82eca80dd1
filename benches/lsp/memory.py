#!/usr/bin/env python3
"""Memory of one dockls language server process across rounds of opening and closing files.

Drives `dockls` over stdio with a small JSON-RPC client of its own: initialize, then open every
corpus file (the real files and stress/), close them all, and repeat for --rounds rounds.  The
resident set size (VmRSS from /proc/PID/status) is read after initialize and after each round's
open and close; VmHWM (the peak) at the end.  The check: RSS after the last round's close is
within --tolerance of RSS after the first round's close (a server that frees closed documents
keeps a flat line; one that leaks grows by the corpus every round).

A round counts as processed when every opened document has had its diagnostics published
(after a close: the empty publish that clears them) and a request sent after the last
notification has been answered, since the server handles messages in order.

Python 3.11 standard library only.

Examples:
  python3 benches/lsp/memory.py
  python3 benches/lsp/memory.py --rounds 3 --json target/lspbench/memory.json
"""

import argparse
import json
import pathlib
import queue
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True

import benchlib  # noqa: E402


class ServerGone(Exception):
    """The server closed its output or exited."""


class RpcClient:
    """A JSON-RPC client over a child's stdin/stdout with Content-Length framing.

    One reader thread parses frames; notifications and responses reach the caller through a
    queue.  Requests from the server (workspace/configuration, registrations) are answered at
    once from the reader thread, so the server never waits on us.
    """

    def __init__(self, argv):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.inbox = queue.Queue()
        self.write_lock = threading.Lock()
        self.next_id = 1
        self.stderr_tail = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self):
        for line in self.proc.stderr:
            self.stderr_tail.append(line.decode("utf-8", "replace").rstrip())
            del self.stderr_tail[:-20]

    def _read(self):
        out = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        raise ServerGone("end of output")
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length is None:
                    raise ServerGone("a message without Content-Length")
                body = out.read(length)
                if len(body) < length:
                    raise ServerGone("end of output inside a message")
                msg = json.loads(body)
                if "method" in msg and "id" in msg:
                    self._answer(msg)
                else:
                    self.inbox.put(msg)
        except (ServerGone, ValueError, OSError) as err:
            self.inbox.put(err if isinstance(err, ServerGone) else ServerGone(str(err)))

    def _answer(self, msg):
        method, params = msg.get("method"), msg.get("params") or {}
        if method == "workspace/configuration":
            result = [None for _ in params.get("items") or []]
        elif method == "workspace/workspaceFolders":
            result = []
        else:
            result = None
        self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})

    def send(self, msg):
        body = json.dumps(msg, ensure_ascii=False).encode("utf-8")
        with self.write_lock:
            try:
                self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
                self.proc.stdin.flush()
            except OSError as err:
                raise ServerGone("cannot write: %s" % err) from err

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        rid = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        return rid

    def next_message(self, deadline):
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        try:
            msg = self.inbox.get(timeout=left)
        except queue.Empty:
            raise TimeoutError from None
        if isinstance(msg, ServerGone):
            raise msg
        return msg

    def close(self):
        try:
            rid = self.request("shutdown", None)
            deadline = time.monotonic() + 10
            while self.next_message(deadline).get("id") != rid:
                pass
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except (ServerGone, TimeoutError, subprocess.TimeoutExpired):
            pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Session:
    """The benchmark's view of one server: which documents got which publishes."""

    def __init__(self, client, timeout):
        self.client = client
        self.timeout = timeout
        self.publishes = 0

    def wait_until(self, pending_uris, want_empty, barrier_id):
        """Reads messages until every uri in `pending_uris` got a publish (an empty one when
        `want_empty`) and the response to `barrier_id` arrived."""
        pending = set(pending_uris)
        answered = False
        deadline = time.monotonic() + self.timeout
        while pending or not answered:
            try:
                msg = self.client.next_message(deadline)
            except TimeoutError:
                raise SystemExit("error: no progress within %ss: %d documents without their "
                                 "diagnostics, barrier answered: %s"
                                 % (self.timeout, len(pending), answered)) from None
            if msg.get("id") == barrier_id:
                answered = True
            elif msg.get("method") == "textDocument/publishDiagnostics":
                self.publishes += 1
                params = msg.get("params") or {}
                if not want_empty or not params.get("diagnostics"):
                    pending.discard(params.get("uri"))

    def barrier(self):
        # An unknown method: the server answers MethodNotFound, after everything sent before.
        return self.client.request("dockls-bench/barrier", {})


def rss_kb(pid):
    return benchlib.proc_status_kb(pid, "VmRSS")


def run(args):
    dockls = benchlib.require_file(args.dockls, "the dockls binary",
                                   "build it with `cargo build --release` or pass --dockls PATH")
    corpus = pathlib.Path(args.corpus)
    files = benchlib.corpus_files(corpus) + benchlib.corpus_files(corpus / "stress")
    if not files:
        raise SystemExit("error: no Dockerfiles in %s or %s/stress" % (corpus, corpus))
    docs = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        docs.append((path.resolve().as_uri(), text))
    total_bytes = sum(len(t.encode("utf-8")) for _, t in docs)

    client = RpcClient([str(dockls), "--stdio"])
    pid = client.proc.pid
    session = Session(client, args.timeout)
    result = {"dockls": benchlib.display_path(dockls), "corpus": benchlib.display_path(corpus),
              "files": len(docs), "bytes": total_bytes, "rounds": []}
    try:
        rid = client.request("initialize", {
            "processId": None, "rootUri": corpus.resolve().as_uri(),
            "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": True}},
                             "workspace": {"configuration": True}},
        })
        session.wait_until([], False, rid)
        client.notify("initialized", {})
        session.wait_until([], False, session.barrier())
        result["rss_after_init_kb"] = rss_kb(pid)
        print("after initialize: RSS %s KiB" % result["rss_after_init_kb"], file=sys.stderr)
        for number in range(1, args.rounds + 1):
            started = time.monotonic()
            for uri, text in docs:
                client.notify("textDocument/didOpen", {"textDocument": {
                    "uri": uri, "languageId": "dockerfile", "version": 1, "text": text}})
            session.wait_until([u for u, _ in docs], False, session.barrier())
            opened = rss_kb(pid)
            open_s = time.monotonic() - started
            for uri, _ in docs:
                client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            session.wait_until([u for u, _ in docs], True, session.barrier())
            closed = rss_kb(pid)
            result["rounds"].append({"round": number, "rss_after_open_kb": opened,
                                     "rss_after_close_kb": closed, "open_s": round(open_s, 3)})
            print("round %2d: RSS after open %s KiB, after close %s KiB (open+diagnostics %.2fs)"
                  % (number, opened, closed, open_s), file=sys.stderr)
        result["vm_hwm_kb"] = benchlib.proc_status_kb(pid, "VmHWM")
    except ServerGone as err:
        tail = "\n".join(client.stderr_tail[-10:])
        raise SystemExit("error: dockls stopped: %s\n%s" % (err, tail)) from None
    finally:
        client.close()
    result["publishes"] = session.publishes

    rounds = result["rounds"]
    first, last = rounds[0], rounds[-1]
    result["check"] = {}
    for key in ("rss_after_close_kb", "rss_after_open_kb"):
        if first[key] and last[key]:
            growth = last[key] / first[key] - 1.0
            result["check"][key] = {"first_kb": first[key], "last_kb": last[key],
                                    "growth": round(growth, 4),
                                    "pass": abs(growth) <= args.tolerance}
    result["tolerance"] = args.tolerance
    close_check = result["check"].get("rss_after_close_kb")
    result["pass"] = bool(close_check and close_check["pass"])
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dockls", default=str(benchlib.DEFAULT_DOCKLS),
                    help="the dockls binary (default: target/release/dockls)")
    ap.add_argument("--corpus", default=str(benchlib.DEFAULT_CORPUS),
                    help="corpus directory; its Dockerfiles and those of its stress/ are opened "
                         "(default: ../shared/corpus)")
    ap.add_argument("--rounds", type=int, default=10, help="open-all/close-all rounds (default 10)")
    ap.add_argument("--tolerance", type=float, default=0.10,
                    help="allowed growth of RSS from the first round to the last (default 0.10)")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="seconds to wait for one round's open or close to be processed")
    ap.add_argument("--json", help="write the result here")
    args = ap.parse_args(argv)
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    result = run(args)
    check = result["check"].get("rss_after_close_kb")
    if check:
        print("RSS after close, round 1 -> %d: %d -> %d KiB (%+.1f%%): %s"
              % (args.rounds, check["first_kb"], check["last_kb"], check["growth"] * 100,
                 "pass" if check["pass"] else "FAIL"), file=sys.stderr)
    print("peak (VmHWM): %s KiB" % result.get("vm_hwm_kb"), file=sys.stderr)
    if args.json:
        out = pathlib.Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=1) + "\n")
        print("wrote %s" % args.json, file=sys.stderr)
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
