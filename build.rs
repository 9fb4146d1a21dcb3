//! Link the `flowaudit` binary as a position-dependent executable (`-no-pie`). A PIE binary of
//! this size (polars, plotters) carries about 130,000 relative relocations that the dynamic
//! loader applies at every start, about 7 ms before `main` — a tenth of a small log's whole
//! audit (docs/PERFORMANCE.md). Only the binary's final link changes: the library, the tests
//! and every dependency are built as before, and the code itself is position-independent.
//! Trade-off: the binary's own addresses are not randomised (ASLR still covers the stack, the
//! heap and the shared libraries); for a batch tool that reads local files this is accepted.
fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.contains("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
