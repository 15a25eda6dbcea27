//! The `jixiao` binary: the allocator, then `jixiao::cli::command::main` (in the library, so
//! that the binary itself compiles in a moment).

/// mimalloc: the default allocator spent a third of the CPU of a page query in malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    jixiao::cli::command::main()
}
