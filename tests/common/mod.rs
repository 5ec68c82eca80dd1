//! Helpers shared by the integration tests: a deterministic generator and the corpus.

use std::path::{Path, PathBuf};

/// A small deterministic generator, so a failure reproduces from its seed.
#[allow(dead_code)] // Not every test crate that includes this module generates.
pub struct Lcg(pub u64);

#[allow(dead_code)]
impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The corpus directories: the vendored `tests/corpus/`, and `../shared/corpus` when present.
#[allow(dead_code)] // Not every test crate that includes this module walks the corpus.
pub fn corpus_roots() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![root.join("tests/corpus")];
    let shared = root.join("../shared/corpus");
    if shared.is_dir() {
        roots.push(shared);
    }
    roots
}

/// Whether a file names itself a Dockerfile or Containerfile.
#[allow(dead_code)]
pub fn is_dockerfile(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    name.contains("dockerfile") || name.contains("containerfile")
}

/// Every Dockerfile under `dir`, subdirectories included, sorted.
#[allow(dead_code)]
pub fn dockerfiles_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if is_dockerfile(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// What random edits insert: the characters and lines that change how instructions, stages,
/// declarations, continuations, heredocs and directives are read.
#[allow(dead_code)]
pub const EDIT_FRAGMENTS: &[&str] = &[
    "",
    "",
    "\n",
    "\r\n",
    " ",
    "a",
    "\\",
    "\\\n",
    "`",
    "$",
    "${",
    "}",
    "\"",
    "'",
    "#",
    "# c\n",
    "# escape=`\n",
    "# dockls-ignore\n",
    "=",
    ",",
    "[",
    "]",
    "RUN ",
    "RUN x\n",
    "RUM y\n",
    "FROM alpine\n",
    "FROM a AS b\n",
    "FROM b\n",
    "ARG V=1\n",
    "ARG V\n",
    "ENV V=2\n",
    "$V",
    "SHELL [\"bash\", \"-c\"]\n",
    "ONBUILD ",
    "COPY --from=b /a /b\n",
    "USER root\n",
    "CMD echo\n",
    "MAINTAINER me\n",
    "<<EOF\n",
    "EOF\n",
    "--mount=type=cache,target=/x ",
    "apt-get install -y curl\n",
    "RUN rm -rf /var/lib/apt/lists/*\n",
    "WORKDIR x\n",
];

/// A random edit of `text`: a range at character boundaries (often empty, sometimes long) and
/// the text to put there.
#[allow(dead_code)]
pub fn random_edit(rng: &mut Lcg, text: &str) -> (std::ops::Range<usize>, String) {
    let boundary = |mut offset: usize| {
        offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let start = boundary(rng.below(text.len() + 1));
    let length = match rng.below(10) {
        0..=4 => 0,
        5..=8 => rng.below(8),
        _ => rng.below(200),
    };
    let end = boundary(start + length).max(start);
    let mut insert = String::new();
    for _ in 0..rng.below(3) + usize::from(length == 0) {
        insert.push_str(EDIT_FRAGMENTS[rng.below(EDIT_FRAGMENTS.len())]);
    }
    (start..end, insert)
}

/// A count from the environment variable `name`, or `default`: tests that run many random
/// cases keep CI short by default and go further on request.
#[allow(dead_code)]
pub fn count_from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Applies `edits` random edits to `text` one at a time, as an editor would, and after each one
/// compares the incremental analysis (the model built reusing the last one, the findings memo
/// kept from edit to edit) with a fresh one of the same text; every rule is on. Returns the
/// first difference, with the text it happened on.
#[allow(dead_code)]
pub fn incremental_equals_fresh(text: &str, rng: &mut Lcg, edits: usize) -> Result<(), String> {
    use dockls::document::Document;
    use dockls::rules::{self, Context, FindingsMemo, RuleConfig};
    use dockls::snapshot::Snapshot;

    let mut config = RuleConfig::default();
    for rule in rules::all() {
        config
            .severities
            .insert(rule.name.to_owned(), Some(rule.severity));
    }
    config.trusted_registries = vec!["docker.io".to_owned()];
    let dockerignore = Some("*.md\n.git\nsecret*\n");
    let mut document = Document::new(text);
    let mut memo = FindingsMemo::new();
    let mut previous: Option<Snapshot> = None;
    for step in 0..=edits {
        if step > 0 {
            let current = document.text();
            let (range, insert) = random_edit(rng, &current);
            document.edit(range, &insert);
            document.reparse();
        }
        let snapshot = match &previous {
            Some(previous) => Snapshot::reusing(&document, previous),
            None => Snapshot::new(&document),
        };
        previous = Some(snapshot.clone());
        let incremental =
            rules::check_incremental(&snapshot, &config, dockerignore, &mut memo, &|| false);
        let fresh_snapshot = Snapshot::from_text(snapshot.text());
        if snapshot.model() != fresh_snapshot.model() {
            return Err(format!(
                "after edit {step}, on\n{:?}\nthe model differs: reused {:#?}\nfresh {:#?}",
                snapshot.text(),
                snapshot.model(),
                fresh_snapshot.model()
            ));
        }
        let fresh = rules::check(&Context::new(&fresh_snapshot, &config, dockerignore));
        let incremental = incremental.unwrap_or_default();
        if incremental != fresh {
            let show =
                |found: &[(rules::Finding, dockls::diagnostic::Severity)],
                 other: &[(rules::Finding, dockls::diagnostic::Severity)]| {
                    found
                        .iter()
                        .filter(|f| !other.contains(f))
                        .map(|(f, s)| {
                            format!(
                                "  {} {:?} {s:?} {} {:?}",
                                f.rule.name, f.range, f.message, f.fixes
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                };
            return Err(format!(
                "after edit {step}, on\n{:?}\nonly incremental:\n{}\nonly fresh:\n{}",
                snapshot.text(),
                show(&incremental, &fresh),
                show(&fresh, &incremental),
            ));
        }
    }
    Ok(())
}
