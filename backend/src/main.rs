/// glibc's allocator spent a fifth of the CPU time of a page request
/// (malloc, free and their consolidation across threads; `perf record` on
/// `scripts/bench-pages`); mimalloc keeps per-thread pages and does the same
/// work in a fraction of it. See BENCHMARKS.md.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    socialbid::cli::main()
}
