//! `RUN --mount` types and the keys each one accepts.

use super::values::BOOLEANS;
use crate::knowledge::{MountKey, MountType, Value};

const SHARING_VALUES: &[Value] = &[
    Value {
        name: "shared",
        docs: "Default: concurrent builds use the same cache directory at the same time.",
    },
    Value {
        name: "private",
        docs: "A concurrent writer gets a fresh cache directory of its own instead of sharing.",
    },
    Value {
        name: "locked",
        docs: "A second writer waits until the first releases the cache; needed by tools such \
               as apt that require exclusive access.",
    },
];

const fn target(docs: &'static str) -> MountKey {
    MountKey {
        name: "target",
        value: Some("<path>"),
        docs,
        values: &[],
    }
}

const fn dst(docs: &'static str) -> MountKey {
    MountKey {
        name: "dst",
        value: Some("<path>"),
        docs,
        values: &[],
    }
}

const fn destination(docs: &'static str) -> MountKey {
    MountKey {
        name: "destination",
        value: Some("<path>"),
        docs,
        values: &[],
    }
}

const fn mode(docs: &'static str) -> MountKey {
    MountKey {
        name: "mode",
        value: Some("<octal>"),
        docs,
        values: &[],
    }
}

const fn uid(docs: &'static str) -> MountKey {
    MountKey {
        name: "uid",
        value: Some("<uid>"),
        docs,
        values: &[],
    }
}

const fn gid(docs: &'static str) -> MountKey {
    MountKey {
        name: "gid",
        value: Some("<gid>"),
        docs,
        values: &[],
    }
}

const fn required(docs: &'static str) -> MountKey {
    MountKey {
        name: "required",
        value: Some("<bool>"),
        docs,
        values: BOOLEANS,
    }
}

const TARGET_DOCS: &str = "Path inside the build container where the mount appears. Required.";
const DST_DOCS: &str = "Short alias of `target`: where the mount appears in the build container.";
const DESTINATION_DOCS: &str = "Alias of `target`: where the mount appears in the build container.";

const BIND_KEYS: &[MountKey] = &[
    target(TARGET_DOCS),
    dst(DST_DOCS),
    destination(DESTINATION_DOCS),
    MountKey {
        name: "source",
        value: Some("<path>"),
        docs: "Path inside `from` to mount. Defaults to its root.",
        values: &[],
    },
    MountKey {
        name: "src",
        value: Some("<path>"),
        docs: "Alias of `source`: path inside `from` to mount.",
        values: &[],
    },
    MountKey {
        name: "from",
        value: Some("<stage|image|context>"),
        docs: "Build stage, image or named context to mount from. Defaults to the build \
               context. Variables are not expanded here; name a stage instead.",
        values: &[],
    },
    MountKey {
        name: "rw",
        value: None,
        docs: "Make the mount writable. Writes are thrown away when the `RUN` ends and never \
               reach the image layer.",
        values: &[],
    },
    MountKey {
        name: "readwrite",
        value: None,
        docs: "Alias of `rw`: allow writes, discarded after the `RUN`.",
        values: &[],
    },
];

const CACHE_KEYS: &[MountKey] = &[
    MountKey {
        name: "id",
        value: Some("<id>"),
        docs: "Identifies the cache, so that different `RUN`s (or stages) can share or separate \
               caches. Defaults to the `target` path.",
        values: &[],
    },
    target(TARGET_DOCS),
    dst(DST_DOCS),
    destination(DESTINATION_DOCS),
    MountKey {
        name: "ro",
        value: None,
        docs: "Mount the cache read-only.",
        values: &[],
    },
    MountKey {
        name: "readonly",
        value: None,
        docs: "Alias of `ro`: mount the cache read-only.",
        values: &[],
    },
    MountKey {
        name: "sharing",
        value: Some("shared|private|locked"),
        docs: "What happens when several builds use the same cache at once. Defaults to \
               `shared`.",
        values: SHARING_VALUES,
    },
    MountKey {
        name: "from",
        value: Some("<stage|image|context>"),
        docs: "Build stage, image or named context whose contents seed the cache. Defaults to \
               an empty directory.",
        values: &[],
    },
    MountKey {
        name: "source",
        value: Some("<path>"),
        docs: "Subdirectory of `from` to use as the cache. Defaults to its root.",
        values: &[],
    },
    MountKey {
        name: "src",
        value: Some("<path>"),
        docs: "Alias of `source`: subdirectory of `from` to use.",
        values: &[],
    },
    mode("Permissions of a newly created cache directory, in octal. Defaults to `0755`."),
    uid("Owner user ID of a newly created cache directory. Defaults to `0`."),
    gid("Owner group ID of a newly created cache directory. Defaults to `0`."),
];

const TMPFS_KEYS: &[MountKey] = &[
    target(TARGET_DOCS),
    dst(DST_DOCS),
    destination(DESTINATION_DOCS),
    MountKey {
        name: "size",
        value: Some("<bytes>"),
        docs: "Maximum size of the filesystem, in bytes or with a unit such as `64m` or `1g`.",
        values: &[],
    },
];

const SECRET_TARGET_DOCS: &str = "File path where the secret appears. Defaults to \
                                  `/run/secrets/<id>` unless `env` is set.";

const SECRET_KEYS: &[MountKey] = &[
    MountKey {
        name: "id",
        value: Some("<id>"),
        docs: "Name of the secret, as passed with `docker build --secret id=<id>,...`. \
               Defaults to the file name of `target`.",
        values: &[],
    },
    target(SECRET_TARGET_DOCS),
    dst(SECRET_TARGET_DOCS),
    destination(SECRET_TARGET_DOCS),
    MountKey {
        name: "env",
        value: Some("<name>"),
        docs: "Expose the secret as this environment variable instead of, or as well as (when \
               `target` is also set), a file. Dockerfile syntax 1.10 and later.",
        values: &[],
    },
    required(
        "With `true`, the build fails when the secret is not provided. Defaults to `false`, \
         which mounts nothing and lets the command run.",
    ),
    mode("Permissions of the secret file, in octal. Defaults to `0400`."),
    uid("Owner user ID of the secret file. Defaults to `0`."),
    gid("Owner group ID of the secret file. Defaults to `0`."),
];

const SSH_TARGET_DOCS: &str = "Path of the SSH agent socket. Defaults to \
                               `/run/buildkit/ssh_agent.<n>`, which `SSH_AUTH_SOCK` points to.";

const SSH_KEYS: &[MountKey] = &[
    MountKey {
        name: "id",
        value: Some("<id>"),
        docs: "Which agent socket or key to forward, as passed with `docker build --ssh \
               <id>=...`. Defaults to `default`.",
        values: &[],
    },
    target(SSH_TARGET_DOCS),
    dst(SSH_TARGET_DOCS),
    destination(SSH_TARGET_DOCS),
    required(
        "With `true`, the build fails when the SSH agent or key is not provided. Defaults to \
         `false`.",
    ),
    mode("Permissions of the socket, in octal. Defaults to `0600`."),
    uid("Owner user ID of the socket. Defaults to `0`."),
    gid("Owner group ID of the socket. Defaults to `0`."),
];

pub(super) const MOUNT_TYPES: &[MountType] = &[
    MountType {
        name: "bind",
        docs: r#"Mounts files from the build context, another stage, an image or a named context into the build container, read-only unless `rw` is given. Nothing is copied into the image, so this avoids a `COPY` layer for files needed only while building. This is the default type.

```dockerfile
RUN --mount=type=bind,source=requirements.txt,target=/tmp/req.txt \
    pip install -r /tmp/req.txt
RUN --mount=from=build,source=/out,target=/dist ls /dist
```"#,
        keys: BIND_KEYS,
    },
    MountType {
        name: "cache",
        docs: r#"Mounts a persistent cache directory for package managers and compilers. Its contents survive between builds without being part of the image or invalidating the build cache; treat it as a speed-up only, since it may be emptied at any time.

```dockerfile
RUN --mount=type=cache,target=/root/.cache/go-build \
    go build -o /out/app .
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends gcc
```"#,
        keys: CACHE_KEYS,
    },
    MountType {
        name: "tmpfs",
        docs: r#"Mounts an in-memory `tmpfs` filesystem for scratch files that must not end up in the layer.

```dockerfile
RUN --mount=type=tmpfs,target=/tmp,size=512m ./run-tests.sh
```"#,
        keys: TMPFS_KEYS,
    },
    MountType {
        name: "secret",
        docs: r#"Gives one `RUN` access to a secret (a token, a credentials file) passed with `docker build --secret`, without storing it in the image, its history or the build cache. Mounted as a file under `/run/secrets/` by default, or as an environment variable with `env`.

```dockerfile
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
RUN --mount=type=secret,id=API_TOKEN,env=API_TOKEN ./fetch-assets.sh
```

Build with `docker build --secret id=npmrc,src=$HOME/.npmrc --secret id=API_TOKEN .`"#,
        keys: SECRET_KEYS,
    },
    MountType {
        name: "ssh",
        docs: r#"Forwards an SSH agent socket (or key) from the client into one `RUN`, for example to clone private repositories, without copying keys into the image. Keys with passphrases work through the agent.

```dockerfile
RUN --mount=type=ssh git clone git@github.com:example/private.git
```

Build with `docker build --ssh default .` (the agent from `$SSH_AUTH_SOCK`)."#,
        keys: SSH_KEYS,
    },
];
