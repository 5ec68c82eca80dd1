//! BuildKit's build checks, as named in `# check=skip=...` and `docker build --check`.

use crate::knowledge::Check;

pub(super) const CHECKS: &[Check] = &[
    Check {
        name: "StageNameCasing",
        docs: r#"**Stage names should be lowercase.**

BuildKit compares stage names without regard to case, so `AS Build` and `--from=build` refer to the same stage; writing them in lowercase avoids the confusion.

```dockerfile
# flagged
FROM alpine AS Builder
# fine
FROM alpine AS builder
```

[StageNameCasing](https://docs.docker.com/reference/build-checks/stage-name-casing/)"#,
    },
    Check {
        name: "FromAsCasing",
        docs: r#"**The `AS` keyword should be cased like `FROM`.**

Write `FROM ... AS ...` or `from ... as ...`, not a mix.

```dockerfile
# flagged
FROM debian:12 as build
# fine
FROM debian:12 AS build
```

[FromAsCasing](https://docs.docker.com/reference/build-checks/from-as-casing/)"#,
    },
    Check {
        name: "NoEmptyContinuation",
        docs: r#"**An instruction continued with `\` should not contain empty lines.**

BuildKit currently skips blank lines inside a continued instruction, but this is deprecated and will become an error. Remove the blank line, or put a comment line there if you want visual separation.

```dockerfile
# flagged: the blank line continues the RUN
RUN apk add \

    curl
```

[NoEmptyContinuation](https://docs.docker.com/reference/build-checks/no-empty-continuation/)"#,
    },
    Check {
        name: "ConsistentInstructionCasing",
        docs: r#"**Instruction keywords should all use the same case.**

Use all upper case (the convention) or all lower case; mixed spellings such as `Run` or `EntryPoint`, or a file mixing `RUN` and `run`, are harder to read. The check reports the instructions that differ from the majority.

```dockerfile
FROM alpine
# flagged
Run echo hello
```

[ConsistentInstructionCasing](https://docs.docker.com/reference/build-checks/consistent-instruction-casing/)"#,
    },
    Check {
        name: "DuplicateStageName",
        docs: r#"**Stage names should be unique.**

Two stages with the same name (compared without regard to case) make `--target`, `FROM <name>` and `COPY --from=<name>` ambiguous.

```dockerfile
FROM alpine AS build
# flagged
FROM golang AS build
```

[DuplicateStageName](https://docs.docker.com/reference/build-checks/duplicate-stage-name/)"#,
    },
    Check {
        name: "ReservedStageName",
        docs: r#"**Reserved words should not be used as stage names.**

`scratch` (the empty image) and `context` (the build context) already mean something in `FROM` and `--from`, so a stage must not be called either.

```dockerfile
# flagged
FROM alpine AS scratch
```

[ReservedStageName](https://docs.docker.com/reference/build-checks/reserved-stage-name/)"#,
    },
    Check {
        name: "JSONArgsRecommended",
        docs: r#"**Use the exec (JSON) form for `CMD` and `ENTRYPOINT`.**

In shell form the program runs as a child of `/bin/sh -c`; the shell is PID 1 and does not pass on signals, so `docker stop` cannot stop the program gracefully and kills it after the timeout.

```dockerfile
# flagged
ENTRYPOINT my-server --port 80
# fine
ENTRYPOINT ["my-server", "--port", "80"]
```

If you need shell features, use a wrapper script started in exec form (ending with `exec "$@"`), or declare the shell explicitly with `SHELL`, which tells the check the shell form is intended.

[JSONArgsRecommended](https://docs.docker.com/reference/build-checks/json-args-recommended/)"#,
    },
    Check {
        name: "MaintainerDeprecated",
        docs: r#"**`MAINTAINER` is deprecated.**

Record the author with a label instead; labels can be queried with `docker inspect` like any other metadata.

```dockerfile
# flagged
MAINTAINER Jane Doe <jane@example.com>
# fine
LABEL org.opencontainers.image.authors="jane@example.com"
```

[MaintainerDeprecated](https://docs.docker.com/reference/build-checks/maintainer-deprecated/)"#,
    },
    Check {
        name: "UndefinedArgInFrom",
        docs: r#"**A `FROM` line uses a build argument that is not declared.**

Only `ARG`s declared before the first `FROM` (and the predefined platform arguments) can be used in `FROM`. The check also suggests a close name when it looks like a typo.

```dockerfile
# flagged: no ARG NODE_VERSION above
FROM node:${NODE_VERSION}

ARG NODE_VERSION=20
# fine
FROM node:${NODE_VERSION}
```

[UndefinedArgInFrom](https://docs.docker.com/reference/build-checks/undefined-arg-in-from/)"#,
    },
    Check {
        name: "WorkdirRelativePath",
        docs: r#"**Relative `WORKDIR` without an absolute one before it.**

A relative `WORKDIR` is resolved against the working directory inherited from the base image; if the base image changes its working directory, your paths move with it. Set an absolute path first.

```dockerfile
FROM nginx
# flagged
WORKDIR usr/share/nginx/html
# fine
WORKDIR /usr/share/nginx/html
```

[WorkdirRelativePath](https://docs.docker.com/reference/build-checks/workdir-relative-path/)"#,
    },
    Check {
        name: "UndefinedVar",
        docs: r#"**A variable is used before it is defined.**

The variable is neither declared with `ARG` or `ENV` earlier in the stage nor set by the base image, so it expands to an empty string. Shell-form `RUN`, `CMD` and `ENTRYPOINT` are not checked, since their variables are expanded by the shell. Typos get a suggestion.

```dockerfile
FROM alpine
# flagged: did you mean $PATH?
ENV PATH=$PAHT:/app/bin
```

[UndefinedVar](https://docs.docker.com/reference/build-checks/undefined-var/)"#,
    },
    Check {
        name: "MultipleInstructionsDisallowed",
        docs: r#"**More than one `CMD`, `ENTRYPOINT` or `HEALTHCHECK` in a stage.**

Only the last one of each takes effect, so the earlier ones are dead code and often a mistake (for example two `CMD`s meant to start two processes).

```dockerfile
CMD ["nginx"]
# flagged: only this one is used
CMD ["php-fpm"]
```

[MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)"#,
    },
    Check {
        name: "LegacyKeyValueFormat",
        docs: r#"**Use `key=value`, not the legacy `key value` form.**

`ENV`, `ARG` and `LABEL` still accept a space between key and value, but that form sets only one variable per instruction and treats the whole rest of the line as the value, which is easy to misread.

```dockerfile
# flagged
ENV APP_HOME /app
# fine
ENV APP_HOME=/app
```

[LegacyKeyValueFormat](https://docs.docker.com/reference/build-checks/legacy-key-value-format/)"#,
    },
    Check {
        name: "RedundantTargetPlatform",
        docs: r#"**`--platform=$TARGETPLATFORM` on `FROM` is redundant.**

A stage already uses the target platform when `--platform` is omitted, so the flag only adds noise.

```dockerfile
# flagged
FROM --platform=$TARGETPLATFORM alpine
# same result
FROM alpine
```

[RedundantTargetPlatform](https://docs.docker.com/reference/build-checks/redundant-target-platform/)"#,
    },
    Check {
        name: "SecretsUsedInArgOrEnv",
        docs: r#"**A secret seems to be passed through `ARG` or `ENV`.**

The name looks like a credential (token, password, key...). `ENV` values are stored in the image, and build arguments show up in the image history and provenance, so the secret leaks. Mount it for the one `RUN` that needs it instead.

```dockerfile
# flagged
ARG AWS_SECRET_ACCESS_KEY
# fine
RUN --mount=type=secret,id=aws,env=AWS_SECRET_ACCESS_KEY aws s3 ls
```

[SecretsUsedInArgOrEnv](https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/)"#,
    },
    Check {
        name: "InvalidDefaultArgInFrom",
        docs: r#"**With default argument values, a `FROM` gives an empty or invalid image name.**

The build should work without any `--build-arg`. Give the global `ARG` a default, or a fallback in the reference.

```dockerfile
ARG TAG
# flagged: without --build-arg this is "busybox:"
FROM busybox:${TAG}
```

Fine, with a default or a fallback:

```dockerfile
ARG TAG=1.36
FROM busybox:${TAG}
```

```dockerfile
ARG TAG
FROM busybox:${TAG:-1.36}
```

[InvalidDefaultArgInFrom](https://docs.docker.com/reference/build-checks/invalid-default-arg-in-from/)"#,
    },
    Check {
        name: "FromPlatformFlagConstDisallowed",
        docs: r#"**`FROM --platform` should not be a constant.**

A fixed value such as `linux/amd64` ties the stage to one platform and defeats multi-platform builds. Leave the flag out and pass `--platform` to `docker build`, or use a variable such as `$BUILDPLATFORM`. The check stays quiet when the stage name mentions the platform (e.g. `AS build_amd64`), which marks the stage as platform-specific on purpose.

```dockerfile
# flagged
FROM --platform=linux/amd64 alpine AS base
# fine
FROM --platform=$BUILDPLATFORM golang AS build
```

[FromPlatformFlagConstDisallowed](https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/)"#,
    },
    Check {
        name: "CopyIgnoredFile",
        docs: r#"**`COPY` or `ADD` names a file that `.dockerignore` excludes.** (experimental)

Ignored files are not sent with the build context, so the instruction cannot find them and the build fails or copies less than you expect. Experimental checks are off by default.

```dockerfile
# .dockerignore contains: */tmp/*
# flagged
COPY ./tmp/notes.txt /notes.txt
```

[CopyIgnoredFile](https://docs.docker.com/reference/build-checks/copy-ignored-file/)"#,
    },
    Check {
        name: "InvalidDefinitionDescription",
        docs: r#"**A comment right above `FROM` or `ARG` should describe it.** (experimental)

`docker build --call=outline` and `--call=targets` use the comment directly above a stage or argument as its description, and expect it to start with the stage or argument name. Separate unrelated comments with a blank line. Experimental checks are off by default.

Flagged, the comment does not start with the stage name:

```dockerfile
# Compile the command-line tool
FROM golang AS build-cli
```

Fine:

```dockerfile
# build-cli compiles the command-line tool
FROM golang AS build-cli
```

[InvalidDefinitionDescription](https://docs.docker.com/reference/build-checks/invalid-definition-description/)"#,
    },
    Check {
        name: "ExposeProtoCasing",
        docs: r#"**The protocol in `EXPOSE` should be lowercase.**

```dockerfile
# flagged
EXPOSE 53/UDP
# fine
EXPOSE 53/udp
```

[ExposeProtoCasing](https://docs.docker.com/reference/build-checks/expose-proto-casing/)"#,
    },
    Check {
        name: "ExposeInvalidFormat",
        docs: r#"**`EXPOSE` should list container ports only.**

An IP address or a `host:container` mapping belongs to `docker run -p`, not to the image; `EXPOSE` only documents which ports the container listens on. This will become an error in a future release.

```dockerfile
# flagged
EXPOSE 127.0.0.1:8080:80
# flagged
EXPOSE 80:80
# fine
EXPOSE 80
```

[ExposeInvalidFormat](https://docs.docker.com/reference/build-checks/expose-invalid-format/)"#,
    },
    Check {
        name: "InvalidBaseImagePlatform",
        docs: r#"**The base image's platform does not match the platform being built.**

Reported when the image pulled for a `FROM` has a different platform than the stage expects, for example a single-platform `amd64` image used in an `arm64` build, which then needs emulation or fails to run. Choose a multi-platform base image or set `--platform` deliberately.

[Build checks](https://docs.docker.com/reference/build-checks/)"#,
    },
];
