//! Every query shipped with the grammar compiles against the language.

use dockls::syntax::language;
use tree_sitter::Query;

#[test]
fn shipped_queries_compile() {
    let queries = [
        ("highlights.scm", tree_sitter_dockls::HIGHLIGHTS_QUERY),
        ("injections.scm", tree_sitter_dockls::INJECTIONS_QUERY),
        ("folds.scm", tree_sitter_dockls::FOLDS_QUERY),
        ("indents.scm", tree_sitter_dockls::INDENTS_QUERY),
    ];
    let failures: Vec<String> = queries
        .iter()
        .filter_map(|(name, source)| {
            Query::new(&language(), source)
                .err()
                .map(|error| format!("grammar/queries/{name}: {error}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "queries that do not compile:\n{}",
        failures.join("\n")
    );
}

#[test]
fn node_types_are_valid_json_naming_the_root() {
    // A cheap check that NODE_TYPES is the generated file and not a stale or empty one.
    assert!(tree_sitter_dockls::NODE_TYPES.trim_start().starts_with('['));
    assert!(tree_sitter_dockls::NODE_TYPES.contains("\"source_file\""));
}
