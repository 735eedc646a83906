//! The migrations are embedded in the binary (`db::embed_migrations!`):
//! a new or changed migration must rebuild it, even when no Rust file
//! changed with it.

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
