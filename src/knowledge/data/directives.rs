//! Parser directives: `# syntax=`, `# escape=`, `# check=`.

use crate::knowledge::{Directive, Value};

pub(super) const DIRECTIVES: &[Directive] = &[
    Directive {
        name: "syntax",
        docs: r#"Chooses the Dockerfile frontend (the parser and feature set) BuildKit uses for this file. BuildKit pulls that image before building, so new Dockerfile features work without upgrading Docker.

```dockerfile
# syntax=docker/dockerfile:1
```

`docker/dockerfile:1` tracks the latest stable 1.x release and is what most files want; `1.x` or `1.x.y` pin a minor or exact version. The `-labs` variants add features not yet in the stable channel.

Like every directive it must sit at the very top of the file, before any instruction, blank line or ordinary comment.

[Dockerfile reference: syntax](https://docs.docker.com/reference/dockerfile/#syntax)"#,
        values: &[
            Value {
                name: "docker/dockerfile:1",
                docs: "Latest stable 1.x syntax, updated with every minor and patch release. \
                       The recommended choice.",
            },
            Value {
                name: "docker/dockerfile:1-labs",
                docs: "Latest 1.x syntax plus the experimental labs features. Labs features may \
                       change between releases; pin a full version when you depend on them.",
            },
            Value {
                name: "docker/dockerfile-upstream:master",
                docs: "Development build from BuildKit's main branch, with unreleased features. \
                       Not for production builds.",
            },
        ],
    },
    Directive {
        name: "escape",
        docs: r#"Sets the escape character of the file: the character that escapes the next character in an instruction and, at the end of a line, continues the instruction on the next line. The default is `\`.

```dockerfile
# escape=`

FROM mcr.microsoft.com/windows/servercore:ltsc2022
COPY app C:\app\
RUN dir C:\app
```

A backtick suits Windows images, where `\` separates path components and a trailing `C:\` would otherwise join two lines. It matches PowerShell's escape character. Escaping does not apply inside `RUN` commands except at the end of a line.

[Dockerfile reference: escape](https://docs.docker.com/reference/dockerfile/#escape)"#,
        values: &[
            Value {
                name: "`",
                docs: "Backtick, convenient for Windows paths; the same escape character as \
                       PowerShell.",
            },
            Value {
                name: "\\",
                docs: "Backslash, the default escape and line-continuation character.",
            },
        ],
    },
    Directive {
        name: "check",
        docs: r#"Configures BuildKit's build checks for this file (Dockerfile syntax 1.8 and later). By default every check runs and a failure is only a warning.

```dockerfile
# check=skip=JSONArgsRecommended,StageNameCasing
# check=error=true
# check=skip=all
# check=skip=LegacyKeyValueFormat;error=true
```

- `skip=` takes a comma-separated list of check names, spelled exactly (PascalCase), or `all`.
- `error=true` makes the build fail when a check reports a problem.
- Combine both with `;`.

With `error=true`, pin the `syntax` version: a newer frontend may add checks that start failing your build. Run the checks alone with `docker build --check .`.

[Dockerfile reference: check](https://docs.docker.com/reference/dockerfile/#check)"#,
        values: &[
            Value {
                name: "error=true",
                docs: "Fail the build when any check reports a problem.",
            },
            Value {
                name: "skip=all",
                docs: "Turn off every build check for this file.",
            },
            Value {
                name: "skip=",
                docs: "Turn off the listed checks; follow with check names separated by commas, \
                       e.g. `skip=JSONArgsRecommended,StageNameCasing`.",
            },
            Value {
                name: "error=false",
                docs: "Report check problems as warnings only (the default).",
            },
        ],
    },
];
