fn main() -> std::process::ExitCode {
    kaohe::cli::run()
}
