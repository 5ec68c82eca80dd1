//! The 18 Dockerfile instructions with their flags.

use super::values::{BOOLEANS, PLATFORM_VALUES};
use crate::knowledge::{Flag, Instruction, Value};

const CHOWN: Flag = Flag {
    name: "chown",
    value: Some("<user>[:<group>]"),
    docs: r#"Owner of the copied files, by name or numeric ID: `--chown=app:app`, `--chown=1000:1000`, `--chown=app`. Without it files belong to `0:0` (root). With only a user, the group gets the same numeric ID.

Names are looked up in `/etc/passwd` and `/etc/group` of the stage's filesystem; the build fails if they cannot be found there. Numeric IDs need no lookup. Not supported for Windows containers."#,
    values: &[],
    repeatable: false,
};

const CHMOD: Flag = Flag {
    name: "chmod",
    value: Some("<perms>"),
    docs: r#"Permissions of the copied files, in octal (`--chmod=755`, `--chmod=644`) or, since Dockerfile syntax 1.14, in symbolic form like `chmod(1)`: `--chmod=+x`, `--chmod=u=rwX,go=rX` (capital `X` sets execute only on directories and files that already have it). Saves a separate `RUN chmod` layer. Not supported for Windows containers."#,
    values: &[],
    repeatable: false,
};

const LINK: Flag = Flag {
    name: "link",
    value: None,
    docs: r#"Copy into a separate, independent layer instead of on top of the previous state (Dockerfile syntax 1.4+). The layer does not depend on earlier instructions, so it stays cached when they change and can be reused on a new base image without rebuilding; this is often a large speed-up for `COPY --from` in multi-stage builds.

Because the copy cannot see earlier layers, symlinks in the destination path are not followed. Write `--link=false` to turn it off explicitly."#,
    values: BOOLEANS,
    repeatable: false,
};

const EXCLUDE: Flag = Flag {
    name: "exclude",
    value: Some("<pattern>"),
    docs: r#"Leave out files matching the pattern, written like a source path with wildcards (Go `filepath.Match` rules). May be given several times (Dockerfile syntax 1.19+).

```dockerfile
COPY --exclude=*.md --exclude=tests/ . /app/
```"#,
    values: &[],
    repeatable: true,
};

const MOUNT_FLAG_VALUES: &[Value] = &[
    Value {
        name: "type=bind",
        docs: "Mount files from the context, a stage or an image, read-only by default (the \
               default type).",
    },
    Value {
        name: "type=cache",
        docs: "Persistent cache directory for package managers and compilers.",
    },
    Value {
        name: "type=tmpfs",
        docs: "In-memory scratch filesystem.",
    },
    Value {
        name: "type=secret",
        docs: "A secret passed with `docker build --secret`, never stored in the image.",
    },
    Value {
        name: "type=ssh",
        docs: "The SSH agent passed with `docker build --ssh`.",
    },
];

const RUN_FLAGS: &[Flag] = &[
    Flag {
        name: "mount",
        value: Some("[type=<type>][,<key>=<value>...]"),
        docs: r#"Gives this `RUN` a filesystem mount that exists only while the command runs and is not stored in the image (Dockerfile syntax 1.2+). Repeat the flag for several mounts.

- `type=bind` (default): files from the build context, another stage or an image.
- `type=cache`: a directory kept between builds, for package manager and compiler caches.
- `type=tmpfs`: an in-memory scratch directory.
- `type=secret`: a secret file or environment variable from `docker build --secret`.
- `type=ssh`: the SSH agent from `docker build --ssh`.

```dockerfile
RUN --mount=type=cache,target=/root/.npm \
    --mount=type=bind,source=package.json,target=package.json \
    npm install
```

[RUN --mount](https://docs.docker.com/reference/dockerfile/#run---mount)"#,
        values: MOUNT_FLAG_VALUES,
        repeatable: true,
    },
    Flag {
        name: "network",
        value: Some("default|none|host"),
        docs: r#"Network the command runs in (Dockerfile syntax 1.3+). `none` is a good way to prove a step needs nothing from the network.

```dockerfile
RUN --network=none pip install --no-index --find-links=/wheels app
```"#,
        values: &[
            Value {
                name: "default",
                docs: "The build's normal network; the same as leaving the flag out.",
            },
            Value {
                name: "none",
                docs: "No network access at all, only an isolated loopback interface.",
            },
            Value {
                name: "host",
                docs: "The host's network stack. Needs the `network.host` entitlement, allowed \
                       on both the builder and the build (`--allow network.host`).",
            },
        ],
        repeatable: false,
    },
    Flag {
        name: "security",
        value: Some("sandbox|insecure"),
        docs: r#"Sandboxing of the command. `insecure` runs it without the sandbox, like `docker run --privileged`, for steps that need elevated privileges. It requires the `security.insecure` entitlement on the builder and `--allow security.insecure` on the build. Stable since Dockerfile syntax 1.20; earlier only in the labs channel."#,
        values: &[
            Value {
                name: "sandbox",
                docs: "The default sandboxed mode; writing it changes nothing.",
            },
            Value {
                name: "insecure",
                docs: "Run without the sandbox, with full privileges. Needs the \
                       `security.insecure` entitlement.",
            },
        ],
        repeatable: false,
    },
    Flag {
        name: "device",
        value: Some("<name>[,required]"),
        docs: r#"Makes a CDI device (for example a GPU) registered with BuildKit available to the command. The name is one of: a kind (`vendor.com/device`, the first matching device), a specific device (`vendor.com/device=foo`), every device of a kind (`vendor.com/device=*`), or a class given by the device's `org.mobyproject.buildkit.device.class` annotation. `required` fails the build when the device is missing. May be repeated.

Labs feature: needs `# syntax=docker/dockerfile:1-labs`, BuildKit 0.20 or later, and the `device` entitlement.

```dockerfile
RUN --device=nvidia.com/gpu=all nvidia-smi
```"#,
        values: &[],
        repeatable: true,
    },
];

const COPY_FLAGS: &[Flag] = &[
    Flag {
        name: "from",
        value: Some("<stage|image|context>"),
        docs: r#"Copy from a build stage, an image, or a named build context instead of the local build context. Source paths are then taken from the root of that stage or image. This is how a multi-stage build moves only the finished artifacts into a small final image.

```dockerfile
COPY --from=build /out/app /usr/local/bin/app
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
```"#,
        values: &[],
        repeatable: false,
    },
    CHOWN,
    CHMOD,
    LINK,
    Flag {
        name: "parents",
        value: None,
        docs: r#"Keep the source paths' parent directories under the destination, like `cp --parents` (stable since Dockerfile syntax 1.20). A `./` inside a source path marks where the kept part starts, and `**` matches any number of directories.

```dockerfile
COPY --parents ./services/*/package.json /app/
# /app/services/api/package.json, /app/services/web/package.json
```"#,
        values: BOOLEANS,
        repeatable: false,
    },
    EXCLUDE,
];

const ADD_FLAGS: &[Flag] = &[
    Flag {
        name: "keep-git-dir",
        value: Some("<bool>"),
        docs: r#"When the source is a Git repository, keep its `.git` directory (left out by default), for example so that a later step can run `git describe`.

```dockerfile
ADD --keep-git-dir=true https://github.com/moby/buildkit.git#v0.14.1 /src
```"#,
        values: BOOLEANS,
        repeatable: false,
    },
    Flag {
        name: "checksum",
        value: Some("<hash>"),
        docs: r#"Verify a remote source before using it. For an HTTP(S) file give its SHA-256 digest as `sha256:<hex>` (the only supported algorithm); for a Git source give the commit SHA, in full or as a prefix. The build fails if it does not match.

```dockerfile
ADD --checksum=sha256:<64 hex digits> https://example.com/tool-1.2.tar.gz /opt/
ADD --checksum=3f1c2e9 https://github.com/example/tool.git#v1.2.0 /src/tool
```"#,
        values: &[],
        repeatable: false,
    },
    CHOWN,
    CHMOD,
    LINK,
    Flag {
        name: "unpack",
        value: Some("<bool>"),
        docs: r#"Whether to extract tar archives (plain, gzip, bzip2 or xz, recognised by content, not by name). Local archives are extracted by default and remote ones are not; `--unpack=true` extracts a downloaded archive, `--unpack=false` copies a local one as a file (Dockerfile syntax 1.17+)."#,
        values: BOOLEANS,
        repeatable: false,
    },
    EXCLUDE,
];

const DURATION: Option<&str> = Some("<duration>");

const HEALTHCHECK_FLAGS: &[Flag] = &[
    Flag {
        name: "interval",
        value: DURATION,
        docs: "Time between checks, also the wait before the first one. A Go duration such as \
               `30s`, `1m30s` or `5m`. Defaults to `30s`.",
        values: &[],
        repeatable: false,
    },
    Flag {
        name: "timeout",
        value: DURATION,
        docs: "How long one check may run before it counts as failed; the check process is \
               then killed. Defaults to `30s`.",
        values: &[],
        repeatable: false,
    },
    Flag {
        name: "start-period",
        value: DURATION,
        docs: "Grace period for a slow-starting container: failures during it do not count \
               towards `retries`, but a success ends it early. Defaults to `0s`.",
        values: &[],
        repeatable: false,
    },
    Flag {
        name: "start-interval",
        value: DURATION,
        docs: "Time between checks during the start period, so a container can be reported \
               healthy soon after it is ready. Defaults to `5s`; needs Docker Engine 25 or later.",
        values: &[],
        repeatable: false,
    },
    Flag {
        name: "retries",
        value: Some("<n>"),
        docs: "Consecutive failures needed before the container is `unhealthy`. At least 1; \
               defaults to `3`.",
        values: &[],
        repeatable: false,
    },
];

pub(super) const INSTRUCTIONS: &[Instruction] = &[
    Instruction {
        name: "ADD",
        summary: "Add files from the context, a URL or a Git repository; extracts local tar archives.",
        docs: r#"Copies files into the image like `COPY`, but also accepts remote sources and unpacks archives:

```dockerfile
ADD [OPTIONS] <src> ... <dest>
ADD [OPTIONS] ["<src>", ... "<dest>"]
```

- A local **tar archive** (gzip, bzip2, xz or plain) is extracted into `<dest>`; use `--unpack=false` to copy it as a file.
- A **URL** is downloaded (not extracted unless `--unpack=true`); verify it with `--checksum`. `ADD` cannot authenticate; use `RUN curl` with a secret mount for protected downloads.
- A **Git repository** (`https://...git#ref` or `git@...`) is cloned, without `.git` unless `--keep-git-dir=true`.
- Local sources come from the build context, like `COPY`. Prefer `COPY` for plain local files: it does only what it says.

```dockerfile
ADD --checksum=sha256:<digest> https://example.com/tool.tar.gz /opt/
ADD https://github.com/example/repo.git#v1.2.0 /src
ADD vendor.tar.gz /opt/vendor/
```

[Dockerfile reference: ADD](https://docs.docker.com/reference/dockerfile/#add)"#,
        snippet: "ADD ${1:src} ${2:dest}",
        flags: ADD_FLAGS,
        reference: "https://docs.docker.com/reference/dockerfile/#add",
    },
    Instruction {
        name: "ARG",
        summary: "Declare a build argument, optionally with a default, settable with --build-arg.",
        docs: r#"Declares a variable that can be set at build time with `docker build --build-arg <name>=<value>`:

```dockerfile
ARG <name>[=<default>] [<name>[=<default>]...]
```

- An `ARG` is visible from its line to the end of its stage. One declared **before the first `FROM`** is global: usable in `FROM` lines, but inside a stage only after `ARG <name>` is repeated there without a value.
- `RUN` commands see build arguments as environment variables, but unlike `ENV` they are **not kept** in the final image.
- An `ENV` of the same name overrides the `ARG`.
- A changed value invalidates the cache from the first instruction that uses it.
- Do not pass secrets this way: values show up in the image history and provenance. Use `RUN --mount=type=secret`.
- Platform arguments (`TARGETPLATFORM`, `TARGETARCH`, ...) and proxy arguments (`HTTP_PROXY`, ...) are predefined.

```dockerfile
ARG NODE_VERSION=20
FROM node:${NODE_VERSION}-alpine
ARG NODE_VERSION
RUN echo "built with node $NODE_VERSION"
```

[Dockerfile reference: ARG](https://docs.docker.com/reference/dockerfile/#arg)"#,
        snippet: "ARG ${1:name}=${2:default}",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#arg",
    },
    Instruction {
        name: "CMD",
        summary: "Default command (or default ENTRYPOINT arguments) of a container; the last one wins.",
        docs: concat!(
            r#"Sets what a container runs by default. Nothing runs at build time; that is what `RUN` is for.

```dockerfile
# exec form, preferred
CMD ["executable", "param1", "param2"]
# default arguments for ENTRYPOINT
CMD ["param1", "param2"]
# shell form: /bin/sh -c
CMD command param1 param2
```

- Only the **last** `CMD` in a stage takes effect.
- Arguments given to `docker run <image> ...` replace the whole `CMD`.
- Use the **exec form**: in shell form `/bin/sh` is PID 1 and does not pass `SIGTERM` on, so `docker stop` waits and then kills your program. Exec form does no variable expansion (`$PORT` stays literal) and must be valid JSON with double quotes, or Docker quietly falls back to shell form.
- A `CMD` inherited from the base image is dropped when this image sets `ENTRYPOINT`.

How `CMD` combines with `ENTRYPOINT`:

"#,
            cmd_entrypoint_table!(),
            r#"

```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["python", "app.py"]
```

[Dockerfile reference: CMD](https://docs.docker.com/reference/dockerfile/#cmd)"#
        ),
        snippet: "CMD [\"${1:executable}\", \"${2:param}\"]",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#cmd",
    },
    Instruction {
        name: "COPY",
        summary: "Copy files from the build context, another stage or an image into the image.",
        docs: r#"Copies files or directories into the image's filesystem:

```dockerfile
COPY [OPTIONS] <src> ... <dest>
# for paths with spaces
COPY [OPTIONS] ["<src>", ... "<dest>"]
```

- Sources are read from the **build context**, the directory sent to the builder (`.` in `docker build .`), not from your machine's filesystem: `COPY /opt/app /app` looks for `opt/app` inside the context, and files outside it or excluded by `.dockerignore` cannot be copied. Keep the context small.
- With `--from=<stage|image>` sources come from another stage or an image instead.
- A directory's **contents** are copied, not the directory itself. Wildcards follow Go's `filepath.Match`.
- With several sources, `<dest>` must be a directory ending in `/`. A relative `<dest>` is relative to `WORKDIR`; missing directories are created.
- Files are owned by root unless `--chown` is given. Copy dependency manifests before the rest of the sources so the install step stays cached.

```dockerfile
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY --chown=node:node . .
```

[Dockerfile reference: COPY](https://docs.docker.com/reference/dockerfile/#copy)"#,
        snippet: "COPY ${1:src} ${2:dest}",
        flags: COPY_FLAGS,
        reference: "https://docs.docker.com/reference/dockerfile/#copy",
    },
    Instruction {
        name: "ENTRYPOINT",
        summary: "The executable a container always runs; CMD and docker run arguments are appended.",
        docs: concat!(
            r#"Makes the container run like an executable. Arguments from `CMD`, or from `docker run <image> ...`, are appended to an exec-form `ENTRYPOINT`.

```dockerfile
# exec form, preferred
ENTRYPOINT ["executable", "param1"]
# shell form: /bin/sh -c, ignores CMD
ENTRYPOINT command param1
```

- Only the **last** `ENTRYPOINT` in a stage takes effect; `docker run --entrypoint` replaces it.
- **Exec form** runs the program as PID 1, so it receives `SIGTERM` from `docker stop` and can exit cleanly. No shell is involved: no variable expansion, and the array must be valid JSON with double quotes.
- **Shell form** runs under `/bin/sh -c`: the shell is PID 1 and does not forward signals, the program is killed after the stop timeout, and `CMD` and `docker run` arguments are ignored. If you must use it, start with `exec`: `ENTRYPOINT exec my-server`.
- Setting `ENTRYPOINT` resets a `CMD` inherited from the base image.
- For setup steps, use a script that ends with `exec "$@"` so the real program replaces the script as PID 1.

What runs for each combination of `ENTRYPOINT` and `CMD`:

"#,
            cmd_entrypoint_table!(),
            r#"

```dockerfile
COPY --chmod=755 docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
```

[Dockerfile reference: ENTRYPOINT](https://docs.docker.com/reference/dockerfile/#entrypoint)"#
        ),
        snippet: "ENTRYPOINT [\"${1:executable}\"]",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#entrypoint",
    },
    Instruction {
        name: "ENV",
        summary: "Set environment variables for later instructions and for the running container.",
        docs: r#"Sets environment variables:

```dockerfile
ENV <key>=<value> [<key>=<value>...]
```

- Values are available to the following instructions of the stage, to stages built on it, and are **stored in the image**, so they are set in every container (`docker run --env` can override them).
- Quote values with spaces, or escape the spaces: `ENV GREETING="hello world"`.
- Variables are substituted in one go per instruction: `ENV A=1 B=$A` sees the *previous* `A`.
- For a value needed only while building, prefer `ARG` or a prefix on one command (`RUN DEBIAN_FRONTEND=noninteractive apt-get install ...`), so it does not leak into the container.
- `ENV key value` (no `=`) is a deprecated legacy form that sets a single variable.
- Do not put secrets in `ENV`: they stay in the image.

```dockerfile
ENV APP_HOME=/app \
    PATH=/app/bin:$PATH
```

[Dockerfile reference: ENV](https://docs.docker.com/reference/dockerfile/#env)"#,
        snippet: "ENV ${1:key}=${2:value}",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#env",
    },
    Instruction {
        name: "EXPOSE",
        summary: "Document the ports the container listens on (does not publish them).",
        docs: r#"Records which ports the application listens on:

```dockerfile
EXPOSE <port>[/<protocol>] [<port>[/<protocol>]...]
```

- The protocol is `tcp` (default) or `udp`, in lowercase: `EXPOSE 80 443 53/udp`.
- `EXPOSE` does **not** publish anything. It is documentation for whoever runs the image; publish with `docker run -p 8080:80`, or `-P` to map every exposed port to a random host port.
- Only container ports belong here; an IP address or `host:container` mapping is a `docker run` concern.

```dockerfile
EXPOSE 8080
```

[Dockerfile reference: EXPOSE](https://docs.docker.com/reference/dockerfile/#expose)"#,
        snippet: "EXPOSE ${1:port}",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#expose",
    },
    Instruction {
        name: "FROM",
        summary: "Start a new build stage from a base image.",
        docs: r#"Starts a new build stage whose filesystem and settings come from a base image:

```dockerfile
FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]
```

- **Pin the base image** to a version (`python:3.12-slim`) or a digest. Without a tag `latest` is used, which moves over time and can break or silently change later builds.
- `AS <name>` names the stage for `FROM <name>`, `COPY --from=<name>`, `RUN --mount=from=<name>` and `docker build --target`. Use lowercase names.
- Several `FROM`s make a **multi-stage build**: each stage starts fresh, and only the final (or `--target`) stage becomes the image, so build tools can stay behind in earlier stages.
- Only `ARG` may come before the first `FROM`; such global arguments can be used in `FROM` lines.
- `FROM scratch` starts from an empty filesystem.

```dockerfile
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
```

[Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)"#,
        snippet: "FROM ${1:image}:${2:tag}",
        flags: &[Flag {
            name: "platform",
            value: Some("<platform>"),
            docs: r#"Platform to use when the base image is multi-platform, as `os/arch[/variant]`. Defaults to the build's target platform, so it is rarely needed.

- `--platform=$BUILDPLATFORM` runs the stage natively on the build machine; cross-compile there for `$TARGETPLATFORM` instead of emulating the target.
- A constant such as `linux/amd64` pins the stage to one platform and prevents multi-platform builds.
- Only global `ARG`s (declared before the first `FROM`) and the predefined platform arguments can be used in the value.

```dockerfile
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETOS TARGETARCH
RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
```"#,
            values: PLATFORM_VALUES,
            repeatable: false,
        }],
        reference: "https://docs.docker.com/reference/dockerfile/#from",
    },
    Instruction {
        name: "HEALTHCHECK",
        summary: "Tell Docker how to test that the container is still working.",
        docs: r#"Defines a command Docker runs inside the container to check its health:

```dockerfile
# shell or exec form
HEALTHCHECK [OPTIONS] CMD <command>
# disable a check inherited from the base image
HEALTHCHECK NONE
```

- The container's status starts as `starting`, becomes `healthy` after a successful check, and `unhealthy` after `--retries` consecutive failures.
- Exit code `0` means healthy, `1` unhealthy; `2` is reserved, do not use it.
- Options: `--interval` (30s), `--timeout` (30s), `--start-period` (0s), `--start-interval` (5s), `--retries` (3).
- Only the **last** `HEALTHCHECK` takes effect. The command runs in the container, so the tool it uses (curl, wget...) must be installed in the image. Output (first 4096 bytes) is shown by `docker inspect`.

```dockerfile
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD curl -fsS http://localhost:8080/health || exit 1
```

[Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)"#,
        snippet: "HEALTHCHECK --interval=${1:30s} CMD ${2:command}",
        flags: HEALTHCHECK_FLAGS,
        reference: "https://docs.docker.com/reference/dockerfile/#healthcheck",
    },
    Instruction {
        name: "LABEL",
        summary: "Add metadata to the image as key-value pairs.",
        docs: r#"Attaches metadata to the image:

```dockerfile
LABEL <key>=<value> [<key>=<value>...]
```

- Quote values containing spaces; use double quotes so variables are expanded.
- Labels are inherited from the base image; a later value for the same key wins. In a multi-stage build only labels of the final stage's `FROM` chain reach the image.
- Prefer the standard `org.opencontainers.image.*` keys. View labels with `docker image inspect --format '{{json .Config.Labels}}' <image>`.

```dockerfile
LABEL org.opencontainers.image.source="https://github.com/example/app" \
      org.opencontainers.image.version="1.4.2"
```

[Dockerfile reference: LABEL](https://docs.docker.com/reference/dockerfile/#label)"#,
        snippet: "LABEL ${1:key}=\"${2:value}\"",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#label",
    },
    Instruction {
        name: "MAINTAINER",
        summary: "Deprecated: set the image author; use LABEL instead.",
        docs: r#"Sets the *Author* field of the image. **Deprecated**: use a label, which is more flexible and shown with the other metadata:

```dockerfile
MAINTAINER <name>
```

```dockerfile
LABEL org.opencontainers.image.authors="jane@example.com"
```

[Dockerfile reference: MAINTAINER](https://docs.docker.com/reference/dockerfile/#maintainer-deprecated)"#,
        snippet: "MAINTAINER ${1:name}",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#maintainer-deprecated",
    },
    Instruction {
        name: "ONBUILD",
        summary: "Register an instruction to run later, when this image is used as a base.",
        docs: r#"Stores a trigger instruction in the image. It does nothing in this build; it runs when another Dockerfile uses the image in `FROM`, as if written right after that `FROM`:

```dockerfile
ONBUILD <INSTRUCTION>
```

- Triggers run in the order they were added; if one fails, the downstream build fails.
- They apply to direct children only, not to images built from those.
- `ONBUILD ONBUILD` is not allowed, and `FROM` and `MAINTAINER` cannot be triggers.
- Useful for builder images that expect the downstream project's sources; surprising elsewhere, so document it.

```dockerfile
ONBUILD COPY . /app/src
ONBUILD RUN make -C /app/src
```

[Dockerfile reference: ONBUILD](https://docs.docker.com/reference/dockerfile/#onbuild)"#,
        snippet: "ONBUILD ${1:INSTRUCTION}",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#onbuild",
    },
    Instruction {
        name: "RUN",
        summary: "Execute a command at build time and commit the result as a new layer.",
        docs: r#"Runs a command while building and saves the changes it makes to the filesystem as a new layer:

```dockerfile
# shell form: /bin/sh -c "<command>"
RUN [OPTIONS] <command>
# exec form: no shell
RUN [OPTIONS] ["<executable>", "<arg>"...]
# heredoc: a multi-line script
RUN [OPTIONS] <<EOF
<script>
EOF
```

- **Shell form** runs through `/bin/sh -c` (Windows: `cmd /S /C`, or the `SHELL` you set), so variables, `&&` and pipes work, and `\` continues a line.
- **Exec form** starts the program directly: `$VAR` is not expanded, and it must be valid JSON with double quotes, otherwise it is taken as shell form.
- **Each `RUN` is a layer.** Deleting files in a later `RUN` does not shrink the image, so install and clean up in one `RUN`, chain steps with `&&`, and remove package caches in the same step, or use a cache mount.
- The build cache reuses the step while its text and everything before it are unchanged; the command is not rerun. Keep `apt-get update` in the same `RUN` as `apt-get install`.
- `RUN cd /x` does not affect later instructions; use `WORKDIR`.

```dockerfile
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

RUN --mount=type=cache,target=/root/.cache/pip \
    pip install -r requirements.txt
```

Options: `--mount` (cache, secret, ssh, bind, tmpfs), `--network`, `--security`, `--device`.

[Dockerfile reference: RUN](https://docs.docker.com/reference/dockerfile/#run)"#,
        snippet: "RUN ${1:command}",
        flags: RUN_FLAGS,
        reference: "https://docs.docker.com/reference/dockerfile/#run",
    },
    Instruction {
        name: "SHELL",
        summary: "Change the shell used by the shell form of RUN, CMD and ENTRYPOINT.",
        docs: r#"Replaces the shell that runs shell-form `RUN`, `CMD` and `ENTRYPOINT` for the rest of the stage. The default is `["/bin/sh", "-c"]` on Linux and `["cmd", "/S", "/C"]` on Windows.

```dockerfile
SHELL ["executable", "parameters"]
```

- It must be written in JSON (exec) form.
- Each `SHELL` overrides the previous one; it can appear several times.
- Common uses: `bash` with `pipefail` so a failure on the left of a pipe fails the step, or PowerShell on Windows.

```dockerfile
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/install.sh | bash
```

[Dockerfile reference: SHELL](https://docs.docker.com/reference/dockerfile/#shell)"#,
        snippet: "SHELL [\"${1:/bin/bash}\", \"${2:-c}\"]",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#shell",
    },
    Instruction {
        name: "STOPSIGNAL",
        summary: "Signal sent to the container's main process to stop it (default SIGTERM).",
        docs: r#"Sets the signal `docker stop` sends to the container's main process:

```dockerfile
STOPSIGNAL <signal>
```

- Give a name such as `SIGQUIT` or a number such as `3`. The default is `SIGTERM`.
- If the process has not exited when the stop timeout expires (10 seconds by default), Docker sends `SIGKILL`.
- Only PID 1 receives the signal: with a shell-form `CMD` or `ENTRYPOINT` that is the shell, which does not forward it.
- Ctrl+C in an attached terminal still sends `SIGINT`. `docker run --stop-signal` overrides the value per container.

```dockerfile
# nginx finishes in-flight requests on SIGQUIT
STOPSIGNAL SIGQUIT
```

[Dockerfile reference: STOPSIGNAL](https://docs.docker.com/reference/dockerfile/#stopsignal)"#,
        snippet: "STOPSIGNAL ${1:SIGTERM}",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#stopsignal",
    },
    Instruction {
        name: "USER",
        summary: "Set the user (and group) for later RUN, CMD and ENTRYPOINT.",
        docs: r#"Sets the user, and optionally the group, for the rest of the stage: later `RUN` commands and the container's `CMD`/`ENTRYPOINT` run as this user.

```dockerfile
USER <user>[:<group>]
USER <uid>[:<gid>]
```

- The user must exist in the image (create it with `useradd`/`adduser` in an earlier `RUN`), unless you give numeric IDs.
- With a group, the user has only that group, not its other memberships; without a primary group the root group is used.
- Running as a non-root user limits the damage a compromised process can do. `COPY`/`ADD` still create files as root unless you use `--chown`.

```dockerfile
RUN useradd --create-home --uid 10001 app
USER app
```

[Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)"#,
        snippet: "USER ${1:user}",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#user",
    },
    Instruction {
        name: "VOLUME",
        summary: "Declare a mount point whose data lives outside the container's writable layer.",
        docs: r#"Marks directories as mount points for external storage:

```dockerfile
# JSON array, double quotes
VOLUME ["/data"]
# plain list
VOLUME /var/log /var/db
```

- When a container starts without a volume mounted there, Docker creates an **anonymous volume**, copying in what the image has at that path. Data such as database files then lands in the volume rather than in the container's writable layer, which stays stateless.
- You cannot choose a host directory here: that would make the image depend on the host. Mount one at run time with `docker run -v` or `--mount`.
- Anonymous volumes pile up unless removed (`docker run --rm`, `docker volume prune`).

```dockerfile
VOLUME ["/var/lib/postgresql/data"]
```

[Dockerfile reference: VOLUME](https://docs.docker.com/reference/dockerfile/#volume)"#,
        snippet: "VOLUME [\"${1:/data}\"]",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#volume",
    },
    Instruction {
        name: "WORKDIR",
        summary: "Set the working directory for later instructions and the container; created if missing.",
        docs: r#"Sets the working directory for the `RUN`, `CMD`, `ENTRYPOINT`, `COPY` and `ADD` instructions that follow, and for the running container. The directory is created if it does not exist.

```dockerfile
WORKDIR /path/to/workdir
```

- A relative path is resolved against the previous `WORKDIR`: `WORKDIR /a`, then `WORKDIR b` gives `/a/b`.
- Use an absolute path: otherwise you depend on the base image's working directory, which may change.
- Prefer `WORKDIR` over `RUN cd ...`, which only lasts for that one `RUN`.
- Variables set with `ENV` or `ARG` can be used: `WORKDIR $APP_HOME`.

```dockerfile
WORKDIR /app
COPY . .
```

[Dockerfile reference: WORKDIR](https://docs.docker.com/reference/dockerfile/#workdir)"#,
        snippet: "WORKDIR ${1:/app}",
        flags: &[],
        reference: "https://docs.docker.com/reference/dockerfile/#workdir",
    },
];
