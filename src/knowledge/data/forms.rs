//! Hover documentation for the shell, exec and heredoc forms, and for how CMD and ENTRYPOINT
//! combine.

use crate::knowledge::Forms;

pub(super) const FORMS: Forms = Forms {
    shell: r#"The command is a plain string run by a shell: `/bin/sh -c "<command>"` on Linux and `cmd /S /C` on Windows, or whatever `SHELL` set.

```dockerfile
RUN apt-get update && apt-get install -y curl
CMD node server.js --port $PORT
```

- The shell expands variables, globs, pipes and `&&`; long commands can be continued with `\` or written as a heredoc.
- For `CMD` and `ENTRYPOINT` the **shell becomes PID 1** and your program its child. `docker stop` sends `SIGTERM` to the shell, which does not pass it on, so the program never shuts down cleanly and is killed with `SIGKILL` when the stop timeout (10 s by default) runs out. Prefer the exec form, or start the program with `exec` (`CMD exec node server.js`) so it replaces the shell.
- A shell-form `ENTRYPOINT` ignores `CMD` and the arguments of `docker run`."#,
    exec: r#"The command is a JSON array of the program and its arguments, run directly without a shell.

```dockerfile
ENTRYPOINT ["python", "-m", "app"]
CMD ["--port", "8080"]
```

- The program itself is **PID 1** and receives signals such as `SIGTERM` from `docker stop`, so it can shut down gracefully (it must then also handle PID 1's duties, like reaping zombie children; `docker run --init` helps).
- No shell means **no variable expansion**: `["echo", "$HOME"]` prints `$HOME` literally, and pipes or `&&` are ordinary arguments. Run a shell explicitly if you need one: `["sh", "-c", "echo $HOME"]`.
- It must be **valid JSON**: double quotes only, commas between elements, backslashes doubled (`"C:\\app"`). Anything else is not an error: Docker silently treats the line as shell form, with the shell and signal problems that brings."#,
    heredoc: r#"The lines up to the delimiter form one script (BuildKit, Dockerfile syntax 1.4 or later).

```dockerfile
RUN <<EOF
set -e
apt-get update
apt-get install -y --no-install-recommends curl
rm -rf /var/lib/apt/lists/*
EOF
```

- With only a heredoc, the default shell runs the script; a first line such as `#!/usr/bin/env python3` picks another interpreter.
- With a command, the heredoc is that command's input: `RUN <<EOF bash` or `RUN <<EOF cat > /etc/app.conf`.
- The shell does not stop at the first failing line unless the script says `set -e`.
- Variables in the body are expanded unless the delimiter is quoted (`<<"EOF"`); `<<-EOF` strips leading tabs. In `COPY <<EOF /path` the heredoc becomes the content of a new file."#,
    run: r#"**Layers and cache**: every `RUN` commits its changes as a new image layer.

- A file deleted by a later `RUN` still takes space in the layer that created it. Download, install and clean up in the **same** `RUN`, joining the steps with `&&`, and remove package caches there (`rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install --no-cache-dir`), or keep them out of the image with `--mount=type=cache`.
- Join related commands instead of writing many small `RUN`s, but keep steps that change at different rates apart for better caching.
- The build cache reuses a `RUN` when its text and everything before it are unchanged; the command is not rerun, so `apt-get update` alone in its own `RUN` goes stale. Keep `update` and `install` together, and use `docker build --no-cache` to force a rerun. A changed file in an earlier `COPY`/`ADD` invalidates the cache for all later steps.
- `RUN cd /dir` does not carry over to the next instruction; use `WORKDIR`."#,
    cmd_entrypoint: concat!(
        r#"**CMD and ENTRYPOINT together**: `ENTRYPOINT` is the executable the container always runs; `CMD` supplies default arguments for it, or the whole default command when there is no `ENTRYPOINT`. Only the **last** `CMD` and the last `ENTRYPOINT` of a stage take effect.

What runs for each combination:

"#,
        cmd_entrypoint_table!(),
        r#"

- Arguments to `docker run <image> ...` replace `CMD`; `docker run --entrypoint` replaces `ENTRYPOINT`.
- Setting `ENTRYPOINT` clears a `CMD` inherited from the base image; declare `CMD` again in this image if you need one.
- Use the exec form for both when `CMD` feeds arguments to `ENTRYPOINT`; a shell-form `ENTRYPOINT` ignores `CMD` completely."#
    ),
};
