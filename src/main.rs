//! The `blastwall` binary: everything lives in the library; this only hands
//! over to the command line and returns its exit code.

fn main() -> std::process::ExitCode {
    blastwall::cli::main()
}
