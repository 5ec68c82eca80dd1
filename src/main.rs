use std::process::ExitCode;

fn main() -> ExitCode {
    let code = dockls::cli::run(
        std::env::args_os().skip(1),
        // Not locked: the language server writes to both from other threads.
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    ExitCode::from(code)
}
