use std::process::ExitCode;

fn main() -> ExitCode {
    let code = dockls::cli::run(
        std::env::args_os().skip(1),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    ExitCode::from(code)
}
