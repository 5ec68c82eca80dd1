"""Helpers shared by the end-to-end benchmark scripts in this directory.

Python 3.11 standard library only.  Paths default relative to the repository root, which is
two directories above this file, so the scripts work from any current directory.
"""

import os
import pathlib
import platform
import subprocess

REPO = pathlib.Path(__file__).resolve().parent.parent.parent
DEFAULT_DOCKLS = REPO / "target" / "release" / "dockls"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
OUT_DIR = REPO / "target" / "lspbench"


def percentile(sorted_vals, q):
    """Linear interpolation between closest ranks, as lspbench.py computes it."""
    if not sorted_vals:
        return None
    if len(sorted_vals) == 1:
        return sorted_vals[0]
    pos = (len(sorted_vals) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_vals) - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (pos - lo)


def median(vals):
    return percentile(sorted(vals), 0.5)


def corpus_files(directory, recursive=False):
    """Files whose name contains "dockerfile" (any case), sorted, as lspbench.py selects them."""
    directory = pathlib.Path(directory)
    walk = directory.rglob("*") if recursive else directory.iterdir()
    return sorted(p for p in walk if p.is_file() and "dockerfile" in p.name.lower())


def require_file(path, what, hint):
    """Exits with a message naming `what` and how to get it when `path` is not a file."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise SystemExit("error: %s not found at %s\n%s" % (what, path, hint))
    return path


def display_path(path):
    """A path relative to the repository root when it lies inside, else as given."""
    # Absolute but with symbolic links kept, so node_modules/.bin/x stays as it was named.
    path = pathlib.Path(os.path.abspath(path))
    try:
        return str(path.relative_to(REPO))
    except ValueError:
        try:
            return "../" + str(path.relative_to(REPO.parent))
        except ValueError:
            return str(path)


def command_output(argv, cwd=None):
    """The stripped standard output of a command, or None when it cannot run or fails."""
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip()


def proc_status_kb(pid, key):
    """A `kB` field of /proc/PID/status (VmRSS, VmHWM), or None once the process is gone."""
    try:
        with open("/proc/%d/status" % pid) as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def machine():
    """CPU model, core count, memory, kernel and load of this machine."""
    cpu = None
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
                    break
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu or platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "mem_gib": round(mem_kb / 1048576.0, 1) if mem_kb else None,
        "kernel": platform.release(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }
