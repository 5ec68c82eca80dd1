//! Property tests (proptest) over Dockerfiles assembled from realistic pieces: every fix gives
//! text that parses as well as before and no longer has the finding it fixes, and formatting
//! is idempotent and keeps the instructions; and after any sequence of edits, incremental
//! analysis finds what a fresh analysis finds.

mod common;

use dockls::analysis::Analysis;
use dockls::diagnostic::{apply_edits, Edit};
use dockls::format::{self, FormatOptions};
use dockls::lsp::actions::snippet_text;
use dockls::syntax;
use proptest::prelude::*;

/// Lines that trigger rules, with and without fixes, and the syntax around them.
const PIECES: &[&str] = &[
    "FROM alpine\n",
    "FROM alpine:latest AS base\n",
    "FROM ubuntu:22.04 as Build\n",
    "FROM base\n",
    "ARG VERSION=3.20\n",
    "FROM alpine:${VERSION}\n",
    "ARG IMAGE=debian\nFROM $IMAGE\n",
    "RUN apt-get update\n",
    "RUN apt-get install -y curl\n",
    "RUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
    "RUN yum -y install httpd\n",
    "RUN yum clean all\n",
    "RUN cd /app && make\n",
    "RUN echo one; echo two\n",
    "RUN echo a \\\n    && echo b\n",
    "RUN <<EOF\necho hi\nEOF\n",
    "RUM echo typo\n",
    "cmd echo lower\n",
    "CMD echo shell form\n",
    "CMD [\"echo\", \"exec\"]\n",
    "ENTRYPOINT [\"/app\"]\n",
    "COPY /etc/passwd /tmp/\n",
    "COPY --from=base /app /app\n",
    "ADD https://example.com/x.tar.gz /x/\n",
    "ADD local.tar /x/\n",
    "WORKDIR app\n",
    "ENV A=1 B=2\n",
    "ENV LEGACY value\n",
    "LABEL maintainer=\"me\"\n",
    "MAINTAINER me\n",
    "EXPOSE 80/tcp 8080\n",
    "USER root\n",
    "HEALTHCHECK CMD curl -f http://localhost/\n",
    "SHELL [\"/bin/bash\", \"-c\"]\n",
    "# a comment\n",
    "\n",
    "ONBUILD RUN echo later\n",
    "RUN pip install flask\n",
    "RUN npm install\n",
    "RUN sudo make install\n",
    "RUN [ \"echo\", \"broken json\n",
];

fn dockerfile() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 1..12)
        .prop_map(|pieces| pieces.concat())
}

fn syntax_error_count(text: &str) -> usize {
    syntax::syntax_errors(&syntax::parse(text), text.as_bytes()).len()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn incremental_analysis_equals_a_fresh_one_after_edits(
        text in dockerfile(),
        seed in any::<u64>(),
        edits in 1usize..25,
    ) {
        let mut rng = common::Lcg(seed);
        if let Err(difference) = common::incremental_equals_fresh(&text, &mut rng, edits) {
            prop_assert!(false, "{}", difference);
        }
    }

    #[test]
    fn every_fix_parses_and_removes_its_finding(text in dockerfile()) {
        let analysis = Analysis::from_text(&text);
        let errors_before = syntax_error_count(&text);
        for diagnostic in analysis.diagnostics() {
            for fix in &diagnostic.fixes {
                // Snippet fixes are applied as the editor shows them before any typing.
                let edits: Vec<Edit> = fix
                    .edits
                    .iter()
                    .map(|edit| Edit {
                        range: edit.range.clone(),
                        new_text: if fix.is_snippet {
                            snippet_text(&edit.new_text)
                        } else {
                            edit.new_text.clone()
                        },
                    })
                    .collect();
                let fixed = apply_edits(&text, &edits);
                prop_assert!(
                    syntax_error_count(&fixed) <= errors_before,
                    "`{}` of {} adds a syntax error:\n{}",
                    fix.title,
                    diagnostic.code,
                    fixed
                );
                // The same finding (rule and message) is gone from where it was.
                let line = text[..diagnostic.range.start].matches('\n').count();
                let again = Analysis::from_text(&fixed).diagnostics();
                let still = again.iter().any(|d| {
                    d.code == diagnostic.code
                        && d.message == diagnostic.message
                        && fixed[..d.range.start].matches('\n').count() == line
                });
                prop_assert!(
                    !still,
                    "`{}` leaves {} ({}) in:\n{}",
                    fix.title,
                    diagnostic.code,
                    diagnostic.message,
                    fixed
                );
            }
        }
    }

    #[test]
    fn formatting_is_idempotent_and_keeps_the_instructions(text in dockerfile()) {
        let options = FormatOptions::default();
        let once = format::apply(&text, &format::format(&Analysis::from_text(&text), &options));
        let twice = format::apply(&once, &format::format(&Analysis::from_text(&once), &options));
        prop_assert_eq!(&once, &twice);
        let keywords = |t: &str| -> Vec<String> {
            Analysis::from_text(t)
                .model()
                .instructions
                .iter()
                .map(|i| i.keyword.to_ascii_uppercase())
                .collect()
        };
        prop_assert_eq!(keywords(&text), keywords(&once));
        prop_assert!(syntax_error_count(&once) <= syntax_error_count(&text));
    }
}
