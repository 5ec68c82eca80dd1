//! Shell commands that RUN lines use to install software and fetch files, with the options the
//! rules talk about. Facts from the apt-get, apk, pip, wget, curl, yum, dnf, zypper, gem and
//! POSIX `set` manuals; the wording is our own.

use crate::knowledge::{ShellCommand, ShellOption};

const YES: ShellOption = ShellOption {
    names: &["-y", "--yes", "--assume-yes"],
    docs: "Answers yes to every question. A build has no one to answer, so without it the \
           command stops at the first prompt and the RUN fails.",
};

const APT_NO_RECOMMENDS: ShellOption = ShellOption {
    names: &["--no-install-recommends"],
    docs: "Installs what the packages depend on, but not the packages they only recommend: \
           the image gets what you asked for and stays smaller.",
};

const APT_QUIET: ShellOption = ShellOption {
    names: &["-q", "--quiet"],
    docs: "Prints less progress output (`-qq` prints almost none), which keeps build logs \
           short.",
};

const APT_INSTALL_DOCS: &str = "**apt-get install** installs Debian and Ubuntu packages with \
     what they depend on.\n\nIn an image: run `apt-get update` in the same RUN (a cached update \
     layer goes stale), answer prompts with `-y`, leave out recommended packages with \
     `--no-install-recommends`, pin versions (`curl=7.88.1-10`) for repeatable builds, and \
     delete `/var/lib/apt/lists/*` at the end of the RUN so the lists do not stay in the layer.";

pub(super) const COMMANDS: &[ShellCommand] = &[
    ShellCommand {
        program: "apt-get",
        subcommand: Some("install"),
        docs: APT_INSTALL_DOCS,
        options: &[APT_NO_RECOMMENDS, YES, APT_QUIET],
    },
    ShellCommand {
        program: "apt-get",
        subcommand: Some("update"),
        docs: "**apt-get update** downloads the package lists of the configured repositories.\
               \n\nRun it in the same RUN as `apt-get install`: on its own, its layer is reused \
               from the cache and later installs read outdated lists.",
        options: &[APT_QUIET],
    },
    ShellCommand {
        program: "apt-get",
        subcommand: Some("upgrade"),
        docs: "**apt-get upgrade** upgrades every installed package to its newest version.\
               \n\nIn an image, prefer a newer base image: an upgrade in a RUN makes the result \
               depend on the day it was built.",
        options: &[YES, APT_QUIET],
    },
    ShellCommand {
        program: "apt",
        subcommand: Some("install"),
        docs: "**apt install** installs Debian and Ubuntu packages.\n\n`apt` is made for people \
               at a terminal and its behaviour may change between releases; scripts and \
               Dockerfiles should call `apt-get`, which keeps a stable interface.",
        options: &[APT_NO_RECOMMENDS, YES, APT_QUIET],
    },
    ShellCommand {
        program: "apk",
        subcommand: Some("add"),
        docs: "**apk add** installs Alpine packages.\n\nWith `--no-cache` the package index is \
               fetched for this command only and nothing is kept in `/var/cache/apk`, so \
               neither `apk update` nor a cleanup is needed. Pin versions (`curl=8.5.0-r0`) for \
               repeatable builds.",
        options: &[
            ShellOption {
                names: &["--no-cache"],
                docs: "Reads the package index fresh and keeps no copy of it or of the \
                       packages in `/var/cache/apk`: the layer needs no `apk update` before \
                       and no cleanup after.",
            },
            ShellOption {
                names: &["--virtual", "-t"],
                docs: "Records the packages under one name, so that `apk del <name>` removes \
                       them together later (useful for build-only dependencies).",
            },
            ShellOption {
                names: &["--update", "-U"],
                docs: "Refreshes the package index before installing (not needed with \
                       `--no-cache`).",
            },
        ],
    },
    ShellCommand {
        program: "pip",
        subcommand: Some("install"),
        docs: "**pip install** installs Python packages.\n\nAdd `--no-cache-dir` so that pip's \
               download cache does not end up in the image, and pin versions (`flask==3.0.0`) \
               or use a requirements file with pinned versions.",
        options: &[
            ShellOption {
                names: &["--no-cache-dir"],
                docs: "Turns pip's cache off, so the downloaded archives and built wheels are \
                       not left in the image (`~/.cache/pip`).",
            },
            ShellOption {
                names: &["-r", "--requirement"],
                docs: "Installs the packages listed in the given requirements file.",
            },
            ShellOption {
                names: &["--user"],
                docs: "Installs into the user's home (`~/.local`) instead of the system's \
                       site-packages.",
            },
            ShellOption {
                names: &["-U", "--upgrade"],
                docs: "Upgrades the named packages to the newest version allowed.",
            },
        ],
    },
    ShellCommand {
        program: "wget",
        subcommand: None,
        docs: "**wget** downloads files over HTTP, HTTPS and FTP.\n\nIts progress bar prints a \
               line per update in a build log; choose a quieter output with \
               `--progress=dot:giga`, `-q` or `-nv`.",
        options: &[
            ShellOption {
                names: &["--progress"],
                docs: "Chooses how progress is shown. `--progress=dot:giga` prints one dot per \
                       large block, so a big download does not flood the build log.",
            },
            ShellOption {
                names: &["-q", "--quiet"],
                docs: "Prints nothing, progress included.",
            },
            ShellOption {
                names: &["-nv", "--no-verbose"],
                docs: "Prints only errors and one line per file downloaded.",
            },
            ShellOption {
                names: &["-O", "--output-document"],
                docs: "Writes the download to the given file (`-` for standard output).",
            },
        ],
    },
    ShellCommand {
        program: "curl",
        subcommand: None,
        docs: "**curl** transfers data from or to a URL.\n\nIn a Dockerfile, add `-f` so that an \
               HTTP error fails the RUN instead of saving the server's error page, and `-L` to \
               follow redirects.",
        options: &[
            ShellOption {
                names: &["-f", "--fail"],
                docs: "Makes an HTTP error (404, 500, ...) a failure, exit code 22, with no \
                       output, instead of writing the error page as if it were the file.",
            },
            ShellOption {
                names: &["-s", "--silent"],
                docs: "Shows neither the progress meter nor error messages.",
            },
            ShellOption {
                names: &["-S", "--show-error"],
                docs: "With `-s`, still prints an error message when the transfer fails.",
            },
            ShellOption {
                names: &["-L", "--location"],
                docs: "Follows redirects to the new location.",
            },
            ShellOption {
                names: &["-o", "--output"],
                docs: "Writes to the given file instead of standard output.",
            },
        ],
    },
    ShellCommand {
        program: "set",
        subcommand: None,
        docs: "**set** changes the shell's options for the rest of the script (in a RUN: the \
               rest of that RUN).",
        options: &[
            ShellOption {
                names: &["-o pipefail"],
                docs: "A pipeline fails when any of its commands fails, not only the last one: \
                       with it, `curl ... | tar x` fails when the download does. Older POSIX \
                       shells such as dash, Debian's `/bin/sh`, may not know it; \
                       `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` turns it on for every \
                       later RUN.",
            },
            ShellOption {
                names: &["-e"],
                docs: "Stops the script at the first command that fails (except in conditions \
                       and in `&&` and `||` lists).",
            },
            ShellOption {
                names: &["-u"],
                docs: "Makes the use of an unset variable an error.",
            },
            ShellOption {
                names: &["-x"],
                docs: "Prints each command before running it.",
            },
        ],
    },
    ShellCommand {
        program: "yum",
        subcommand: Some("install"),
        docs: "**yum install** installs RPM packages on Red Hat-like systems.\n\nAnswer prompts \
               with `-y` and run `yum clean all` in the same RUN so the cache does not stay in \
               the layer.",
        options: &[YES],
    },
    ShellCommand {
        program: "dnf",
        subcommand: Some("install"),
        docs: "**dnf install** installs RPM packages on Fedora and newer Red Hat systems.\n\n\
               Answer prompts with `-y` and run `dnf clean all` in the same RUN so the cache \
               does not stay in the layer.",
        options: &[YES],
    },
    ShellCommand {
        program: "microdnf",
        subcommand: Some("install"),
        docs: "**microdnf install** installs RPM packages in minimal Red Hat images.\n\nAnswer \
               prompts with `-y` and run `microdnf clean all` in the same RUN.",
        options: &[YES],
    },
    ShellCommand {
        program: "zypper",
        subcommand: Some("install"),
        docs: "**zypper install** installs openSUSE and SLES packages.\n\nAnswer prompts with \
               `-y` (or `zypper --non-interactive install`) and run `zypper clean` in the same \
               RUN.",
        options: &[ShellOption {
            names: &["-y", "--no-confirm"],
            docs: "Installs without asking for confirmation; a build cannot answer.",
        }],
    },
    ShellCommand {
        program: "gem",
        subcommand: Some("install"),
        docs: "**gem install** installs Ruby gems. Pin versions (`-v 1.2.3` or `gem:1.2.3`) for \
               repeatable builds.",
        options: &[
            ShellOption {
                names: &["--no-document"],
                docs: "Skips generating the gems' documentation, which an image rarely needs.",
            },
            ShellOption {
                names: &["-v", "--version"],
                docs: "Installs the given version of the gem.",
            },
        ],
    },
    ShellCommand {
        program: "go",
        subcommand: Some("install"),
        docs: "**go install** builds and installs a Go program.\n\nName a version \
               (`example.com/tool@v1.2.3`) rather than `@latest` so that the build gives the \
               same program every time.",
        options: &[],
    },
    ShellCommand {
        program: "cd",
        subcommand: None,
        docs: "**cd** changes the directory for the rest of this RUN only: the next \
               instruction starts in the WORKDIR again. Use `WORKDIR` to change the directory \
               of the instructions that follow.",
        options: &[],
    },
];
