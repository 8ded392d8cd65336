//! `apigw-lab`: the command line and, without a command, the interactive lab.

fn main() -> std::process::ExitCode {
    apigw_lab::cli::main()
}
