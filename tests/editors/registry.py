#!/usr/bin/env python3
"""A registry for the editor tests: starts Debian's docker-registry on 127.0.0.1 with a
temporary configuration (storage in a temporary directory, a port chosen by the system and read
from its log), pushes small synthetic images to team/app over the HTTP API, prints
`HOST INDEX_DIGEST` on one line, and serves until its standard input closes; then it stops the
registry by its PID and removes the directory.

  tags: 2.0 and latest (an OCI index of linux/amd64 and linux/arm64/v8), 1.0 (one OCI manifest)
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request

REPOSITORY = "team/app"


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def request(method, url, body=None, headers=None):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    with opener.open(req, timeout=20) as response:
        return response.status, response.headers, response.read()


def push_blob(base, data):
    _, headers, _ = request("POST", f"{base}/v2/{REPOSITORY}/blobs/uploads/")
    location = headers["Location"]
    if location.startswith("/"):
        location = base + location
    separator = "&" if "?" in location else "?"
    request("PUT", f"{location}{separator}digest={digest(data)}", data,
            {"Content-Type": "application/octet-stream"})
    return digest(data), len(data)


def push_manifest(base, target, media_type, manifest):
    data = json.dumps(manifest, sort_keys=True).encode()
    request("PUT", f"{base}/v2/{REPOSITORY}/manifests/{target}", data, {"Content-Type": media_type})
    return digest(data), len(data)


def push_image(base, architecture, version, tag=None):
    layer = f"layer of {architecture} {version}".encode()
    layer_digest, layer_size = push_blob(base, layer)
    config = json.dumps({
        "architecture": architecture, "os": "linux", "created": "2024-01-02T03:04:05Z",
        "config": {"Labels": {"org.opencontainers.image.version": version}},
        "rootfs": {"type": "layers", "diff_ids": [digest(layer)]},
    }, sort_keys=True).encode()
    config_digest, config_size = push_blob(base, config)
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": layer_digest, "size": layer_size}],
    }
    data = json.dumps(manifest, sort_keys=True).encode()
    return push_manifest(base, tag or digest(data), manifest["mediaType"], manifest)


def main():
    directory = tempfile.mkdtemp(prefix="dockls-editor-registry-")
    config = os.path.join(directory, "config.yml")
    with open(config, "w") as f:
        f.write("version: 0.1\nlog:\n  level: info\n  formatter: text\nstorage:\n  filesystem:\n"
                f"    rootdirectory: {directory}/data\nhttp:\n  addr: 127.0.0.1:0\n"
                "  secret: dockls-editor-tests\n")
    registry = subprocess.Popen(["docker-registry", "serve", config], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        host = None
        for line in registry.stderr:
            found = re.search(r"listening on (127\.0\.0\.1:\d+)", line)
            if found:
                host = found.group(1)
                break
        if host is None:
            sys.exit("docker-registry did not report its address")
        # Keep reading its log so it never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in registry.stderr], daemon=True).start()
        base = f"http://{host}"
        amd64 = push_image(base, "amd64", "2.0")
        arm64 = push_image(base, "arm64", "2.0")
        index = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": amd64[0],
                 "size": amd64[1], "platform": {"os": "linux", "architecture": "amd64"}},
                {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": arm64[0],
                 "size": arm64[1],
                 "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
            ],
        }
        for tag in ("2.0", "latest"):
            index_digest, _ = push_manifest(base, tag, index["mediaType"], index)
        push_image(base, "amd64", "1.0", tag="1.0")
        print(host, index_digest, flush=True)
        sys.stdin.read()
    finally:
        registry.kill()
        registry.wait()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
