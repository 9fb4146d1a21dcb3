//! The binary's global allocator (mimalloc). The per-item pass and the report model allocate
//! many small strings across threads; glibc's allocator spent about a tenth of the run in
//! `malloc`/`free`/`malloc_consolidate` (docs/PERFORMANCE.md). The library does not choose an
//! allocator; only the binary does.

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Give memory that mimalloc holds freed back to the system (`mi_collect(true)`); the library
/// calls it through `flowaudit::memory::release` after dropping a large table.
pub fn release() {
    // SAFETY: mi_collect only walks mimalloc's own heaps; any thread may call it.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
