/// Counts each thread's live bytes, for `kaohe batch`'s per-bundle memory limit.
#[global_allocator]
static ALLOC: kaohe::budget::CountingAlloc = kaohe::budget::CountingAlloc;

fn main() -> std::process::ExitCode {
    kaohe::cli::run()
}
