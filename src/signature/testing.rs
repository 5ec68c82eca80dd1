//! What the signature tests share: fixtures with a `$0` cursor and a plain-text rendering of
//! the answer.

use expect_test::Expect;

use super::{signature_help, SignatureHelp};
use crate::snapshot::Snapshot;

/// Splits a fixture at its `$0` cursor marker.
pub(super) fn at_cursor(fixture: &str) -> (Snapshot, usize) {
    let offset = fixture.find("$0").expect("fixture has a $0 cursor");
    let text = fixture.replacen("$0", "", 1);
    (Snapshot::from_text(&text), offset)
}

/// The signatures' labels, the active one starred, then the active parameter's range and
/// the label text it covers.
pub(super) fn render(help: &SignatureHelp) -> String {
    let mut out = String::new();
    for (index, signature) in help.signatures.iter().enumerate() {
        let marker = if index == help.active_signature {
            "*"
        } else {
            " "
        };
        out.push_str(&format!("{marker} {}\n", signature.label));
    }
    let active = help
        .signatures
        .get(help.active_signature)
        .zip(help.active_parameter)
        .and_then(|(s, p)| Some((s, p, s.parameters.get(p)?)));
    match active {
        Some((signature, index, parameter)) => out.push_str(&format!(
            "parameter {index}: {:?} `{}`\n",
            parameter.label,
            &signature.label[parameter.label.clone()]
        )),
        None => out.push_str("no active parameter\n"),
    }
    out
}

pub(super) fn check(fixture: &str, expect: Expect) {
    let (analysis, offset) = at_cursor(fixture);
    let actual = match signature_help(&analysis, offset) {
        Some(help) => render(&help),
        None => "no signature help\n".to_owned(),
    };
    expect.assert_eq(&actual);
}

/// Every parameter of the active signature, with its range and text.
pub(super) fn check_parameters(fixture: &str, expect: Expect) {
    let (analysis, offset) = at_cursor(fixture);
    let help = signature_help(&analysis, offset).expect("signature help");
    let signature = &help.signatures[help.active_signature];
    let mut out = format!("{}\n", signature.label);
    for parameter in &signature.parameters {
        out.push_str(&format!(
            "{:?} `{}`\n",
            parameter.label,
            &signature.label[parameter.label.clone()]
        ));
    }
    expect.assert_eq(&out);
}
