//! Build arguments that exist without an `ARG` of their own.

use crate::knowledge::PredefinedArg;

pub(super) const AUTOMATIC: &[PredefinedArg] = &[
    PredefinedArg {
        name: "TARGETPLATFORM",
        docs: "Platform of the image being built, such as `linux/amd64`, `linux/arm/v7` or \
               `windows/amd64`; set with `docker build --platform`.\n\nBuildKit defines it in \
               the global scope: it works in `FROM` lines, but inside a stage it is empty until \
               you declare it with `ARG TARGETPLATFORM` (no value).",
    },
    PredefinedArg {
        name: "TARGETOS",
        docs: "Operating system part of `TARGETPLATFORM`, e.g. `linux` or `windows`.\n\n\
               Declare `ARG TARGETOS` inside a stage to use it there, for example \
               `GOOS=$TARGETOS`.",
    },
    PredefinedArg {
        name: "TARGETARCH",
        docs: "Architecture part of `TARGETPLATFORM`, e.g. `amd64`, `arm64` or `arm`.\n\n\
               Declare `ARG TARGETARCH` inside a stage to use it there, for example \
               `GOARCH=$TARGETARCH` or to pick a download for the right CPU.",
    },
    PredefinedArg {
        name: "TARGETVARIANT",
        docs: "Variant part of `TARGETPLATFORM`, e.g. `v7` for `linux/arm/v7`; empty when the \
               platform has none.\n\nDeclare `ARG TARGETVARIANT` inside a stage to use it there.",
    },
    PredefinedArg {
        name: "BUILDPLATFORM",
        docs: "Platform of the machine (BuildKit node) running the build, e.g. `linux/amd64`.\n\n\
               `FROM --platform=$BUILDPLATFORM` runs a stage natively, without emulation, which \
               is the usual way to cross-compile for `$TARGETPLATFORM`. Declare \
               `ARG BUILDPLATFORM` to use it inside a stage.",
    },
    PredefinedArg {
        name: "BUILDOS",
        docs: "Operating system part of `BUILDPLATFORM`, e.g. `linux`.\n\nDeclare `ARG BUILDOS` \
               inside a stage to use it there.",
    },
    PredefinedArg {
        name: "BUILDARCH",
        docs: "Architecture part of `BUILDPLATFORM`, e.g. `amd64` or `arm64`.\n\nDeclare \
               `ARG BUILDARCH` inside a stage to use it there.",
    },
    PredefinedArg {
        name: "BUILDVARIANT",
        docs: "Variant part of `BUILDPLATFORM`, e.g. `v7`; empty when the platform has none.\n\n\
               Declare `ARG BUILDVARIANT` inside a stage to use it there.",
    },
    PredefinedArg {
        name: "TARGETSTAGE",
        docs: "Name of the stage being built: the one chosen with `docker build --target`, \
               or the final stage when no target is given.\n\nLike the platform arguments it \
               lives in the global scope; declare `ARG TARGETSTAGE` inside a stage to read it. \
               Needs a recent BuildKit and Dockerfile syntax.",
    },
];

pub(super) const PROXY: &[PredefinedArg] = &[
    PredefinedArg {
        name: "HTTP_PROXY",
        docs: "Proxy for plain HTTP requests made by build commands, e.g. \
               `docker build --build-arg HTTP_PROXY=http://proxy.example.com:3128 .`\n\n\
               Proxy arguments need no `ARG`. They are left out of `docker history` and do not \
               affect the build cache, so credentials in the URL are not recorded and moving to \
               another proxy does not invalidate the cache; declaring `ARG HTTP_PROXY` turns that \
               protection off.",
    },
    PredefinedArg {
        name: "http_proxy",
        docs: "Lower-case spelling of `HTTP_PROXY`; many tools (curl, wget, apt) read only this \
               one, so it is common to pass both.\n\nNeeds no `ARG`; kept out of \
               `docker history` and the cache key unless you declare it.",
    },
    PredefinedArg {
        name: "HTTPS_PROXY",
        docs: "Proxy for HTTPS requests made by build commands.\n\nNeeds no `ARG`; kept out of \
               `docker history` and the cache key unless you declare it with `ARG HTTPS_PROXY`.",
    },
    PredefinedArg {
        name: "https_proxy",
        docs: "Lower-case spelling of `HTTPS_PROXY`, which some tools prefer.\n\nNeeds no `ARG`; \
               kept out of `docker history` and the cache key unless you declare it.",
    },
    PredefinedArg {
        name: "FTP_PROXY",
        docs: "Proxy for FTP requests made by build commands.\n\nNeeds no `ARG`; kept out of \
               `docker history` and the cache key unless you declare it with `ARG FTP_PROXY`.",
    },
    PredefinedArg {
        name: "ftp_proxy",
        docs: "Lower-case spelling of `FTP_PROXY`.\n\nNeeds no `ARG`; kept out of \
               `docker history` and the cache key unless you declare it.",
    },
    PredefinedArg {
        name: "NO_PROXY",
        docs: "Comma-separated hosts, domains or address ranges reached directly, bypassing the \
               proxy, e.g. `localhost,127.0.0.1,.internal.example.com`.\n\nNeeds no `ARG`; kept \
               out of `docker history` and the cache key unless you declare it.",
    },
    PredefinedArg {
        name: "no_proxy",
        docs: "Lower-case spelling of `NO_PROXY`, which some tools prefer.\n\nNeeds no `ARG`; \
               kept out of `docker history` and the cache key unless you declare it.",
    },
    PredefinedArg {
        name: "ALL_PROXY",
        docs: "Fallback proxy for any protocol without a proxy of its own; often a SOCKS URL \
               such as `socks5://proxy.example.com:1080`.\n\nNeeds no `ARG`; kept out of \
               `docker history` and the cache key unless you declare it.",
    },
    PredefinedArg {
        name: "all_proxy",
        docs: "Lower-case spelling of `ALL_PROXY`.\n\nNeeds no `ARG`; kept out of \
               `docker history` and the cache key unless you declare it.",
    },
];
