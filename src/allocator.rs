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
    let collect = || unsafe { libmimalloc_sys::mi_collect(true) };
    collect();
    // Each thread's heap keeps what it freed (polars' workers parse the events CSV's parts,
    // ours build the records): called outside every pool, the workers of both collect their
    // own too. At 10M events the peak's median went 889 -> 866 MiB and its worst of 11 runs
    // 950 -> 915 MiB, same time (docs/PERFORMANCE.md). Inside a pool (any rayon worker), a
    // broadcast would wait on the caller's own task: only this thread's heap.
    if rayon::current_thread_index().is_none() {
        rayon::broadcast(|_| collect());
        polars_core::runtime::THREAD_POOL.broadcast(|_| collect());
    }
}
