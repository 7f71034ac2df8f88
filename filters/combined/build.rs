//! The three filters' sources are modules of this crate: `tollgate_combined`
//! leaves out their own entry points (`proxy_wasm::main!`) and gives each a
//! `root` constructor instead.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(tollgate_combined)");
    println!("cargo::rustc-cfg=tollgate_combined");
    println!("cargo::rerun-if-changed=build.rs");
}
