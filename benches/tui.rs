//! Benchmarks (divan): filled in by the issue that owns this area.
fn main() {
    divan::main();
}
