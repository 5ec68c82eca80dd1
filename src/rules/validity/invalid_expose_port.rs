//! EXPOSE with a port number out of range.

use crate::diagnostic::Severity;
use crate::rules::{Category, Context, Fixes, Report, Rule, Scope};
use crate::syntax::NodeExt;

use super::util;

pub static RULE: Rule = Rule {
    name: "invalid-expose-port",
    summary: "EXPOSE port out of range",
    docs: "\
Reports an `EXPOSE` port outside 1 to 65535, and a port range whose start is after its end.

**Why:** BuildKit parses the ports when it builds the stage and rejects numbers that do not fit \
in 16 bits (`invalid containerPort`) and backwards ranges (`invalid range specified`). Port 0 \
passes the parser but means no port at all. The format and protocol checks are \
`expose-invalid-format` and `expose-proto-casing`.

**Before**

```dockerfile
EXPOSE 80800
EXPOSE 9000-8000/udp
```

**After**

```dockerfile
EXPOSE 8080
EXPOSE 8000-9000/udp
```

**Fix:** none.",
    severity: Severity::Error,
    category: Category::Correctness,
    scope: Scope::Instruction,
    hadolint: &[],
    buildkit: None,
    off_by_default: false,
    fixes: Fixes::None,
    check,
};

fn check(context: &Context, report: &mut Report) {
    let root = context.tree.root_node();
    let exposes = util::with_triggers(context).filter(|i| i.keyword == "EXPOSE");
    let ports = exposes
        .filter_map(|i| root.descendant_for_byte_range(i.range.start, i.range.end))
        .flat_map(|node| util::descendants(node, "expose_port"));
    for node in ports {
        let Some(number) = node.field("number") else {
            continue;
        };
        let text = context.slice(number.byte_range());
        let range = number.byte_range();
        match number.kind() {
            "port_number" => {
                if let Some(problem) = port_problem(text) {
                    report.add(range, problem);
                }
            }
            "port_range" => {
                let Some((start, end)) = text.split_once('-') else {
                    continue;
                };
                if let Some(problem) = port_problem(start).or_else(|| port_problem(end)) {
                    report.add(range, problem);
                } else if start.parse::<u32>().ok() > end.parse::<u32>().ok() {
                    report.add(
                        range,
                        format!("the port range `{text}` starts after it ends"),
                    );
                }
            }
            _ => {}
        }
    }
}

fn port_problem(port: &str) -> Option<String> {
    match port.parse::<u64>() {
        Ok(n) if (1..=65535).contains(&n) => None,
        _ => Some(format!("port {port} is out of range (1 to 65535)")),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::rules::testing::render;

    #[test]
    fn reports_ports_out_of_range() {
        expect![[r#"
            14..19 "80800": port 80800 is out of range (1 to 65535)
            20..21 "0": port 0 is out of range (1 to 65535)
            33..42 "9000-8000": the port range `9000-8000` starts after it ends
            43..50 "1-70000": port 70000 is out of range (1 to 65535)"#]]
        .assert_eq(&render(
            &RULE,
            "FROM a\nEXPOSE 80800 0/udp\nEXPOSE 9000-8000 1-70000/tcp\n",
        ));
    }

    #[test]
    fn valid_ports_are_fine() {
        assert_eq!(
            render(
                &RULE,
                "FROM a\nEXPOSE 80 443/tcp 65535 1-65535/udp 8000-8000 $PORT\n"
            ),
            ""
        );
    }
}
