//! Value lists shared by several tables: booleans, platforms and stop signals.

use crate::knowledge::Value;

/// `true` and `false`, for boolean flags and mount keys.
pub(super) const BOOLEANS: &[Value] = &[
    Value {
        name: "true",
        docs: "Turn the option on.",
    },
    Value {
        name: "false",
        docs: "Turn the option off.",
    },
];

pub(super) const PLATFORM_VALUES: &[Value] = &[
    Value {
        name: "linux/amd64",
        docs: "Linux on 64-bit x86 (x86-64), the usual server and desktop platform.",
    },
    Value {
        name: "linux/arm64",
        docs: "Linux on 64-bit ARM (AArch64): ARM cloud servers, Apple silicon virtual machines, \
               Raspberry Pi 3/4/5 with a 64-bit OS.",
    },
    Value {
        name: "linux/arm/v7",
        docs: "Linux on 32-bit ARMv7 with hardware floating point (armhf).",
    },
    Value {
        name: "linux/arm/v6",
        docs: "Linux on 32-bit ARMv6 (armel), e.g. Raspberry Pi Zero and 1.",
    },
    Value {
        name: "linux/386",
        docs: "Linux on 32-bit x86.",
    },
    Value {
        name: "linux/ppc64le",
        docs: "Linux on 64-bit little-endian IBM POWER.",
    },
    Value {
        name: "linux/s390x",
        docs: "Linux on IBM Z mainframes.",
    },
    Value {
        name: "linux/riscv64",
        docs: "Linux on 64-bit RISC-V.",
    },
    Value {
        name: "windows/amd64",
        docs: "Windows containers on 64-bit x86.",
    },
    Value {
        name: "$BUILDPLATFORM",
        docs:
            "The platform of the machine running the build. Put it on a `FROM` to run that stage \
               natively (fast, no emulation) and cross-compile for `$TARGETPLATFORM` inside it.",
    },
    Value {
        name: "$TARGETPLATFORM",
        docs: "The platform the image is being built for (`docker build --platform`). A `FROM` \
               already uses it when `--platform` is left out, so writing it is redundant.",
    },
];

pub(super) const SIGNAL_VALUES: &[Value] = &[
    Value {
        name: "SIGTERM",
        docs: "Polite request to terminate (15). The default stop signal; most programs clean up \
               and exit when they receive it.",
    },
    Value {
        name: "SIGINT",
        docs: "Interrupt (2), what Ctrl+C sends. Some runtimes (Node.js tools, Python) treat it \
               as their graceful shutdown signal.",
    },
    Value {
        name: "SIGQUIT",
        docs: "Quit (3). nginx and PHP-FPM shut down gracefully on it, finishing requests in \
               flight; the official nginx image uses it as its stop signal.",
    },
    Value {
        name: "SIGKILL",
        docs: "Kill (9): cannot be caught or ignored, so the process gets no chance to clean up. \
               `docker stop` already sends it when the timeout expires; as a stop signal it only \
               makes sense for programs with nothing to flush.",
    },
    Value {
        name: "SIGHUP",
        docs: "Hang-up (1). Many daemons reload their configuration on it instead of exiting, so \
               check the program before using it to stop a container.",
    },
    Value {
        name: "SIGUSR1",
        docs: "User-defined signal 1 (10); its meaning is whatever the program gives it.",
    },
    Value {
        name: "SIGUSR2",
        docs: "User-defined signal 2 (12); its meaning is whatever the program gives it.",
    },
    Value {
        name: "SIGWINCH",
        docs: "Window size change (28). Apache httpd uses it for a graceful stop, and the \
               official httpd image sets it as its stop signal.",
    },
    Value {
        name: "SIGPWR",
        docs: "Power failure (30). Some init systems shut down on it.",
    },
    Value {
        name: "SIGRTMIN+3",
        docs: "Real-time signal that asks systemd to halt; use it when systemd runs as PID 1 in \
               the container.",
    },
    Value {
        name: "SIGABRT",
        docs: "Abort (6). Usually makes the program stop at once and, if enabled, dump core.",
    },
    Value {
        name: "SIGALRM",
        docs: "Timer alarm (14). Terminates programs that do not handle it.",
    },
];
