// Rebuild when the corpus changes: it is compiled into the binary.
fn main() {
    println!("cargo:rerun-if-changed=cases");
}
