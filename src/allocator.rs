//! The binary's global allocator (mimalloc). The per-item pass and the report model allocate
//! many small strings across threads; glibc's allocator spent about a tenth of the run in
//! `malloc`/`free`/`malloc_consolidate` (docs/PERFORMANCE.md). The library does not choose an
//! allocator; only the binary does.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
