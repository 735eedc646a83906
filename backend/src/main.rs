fn main() -> std::process::ExitCode {
    socialbid::cli::main()
}
