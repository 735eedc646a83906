//! Ports for the servers a test starts.

use std::net::TcpListener;

/// A port on 127.0.0.1 that was free a moment ago.
///
/// The kernel picks it (bind to port 0), so parallel tests in separate
/// processes do not collide the way a fixed or counted port would. The port is
/// released before the caller's server binds it, so another process could in
/// principle take it in between; the starters in this crate retry with a new
/// port when their server reports the address in use.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind(("127.0.0.1", 0)).expect("cannot bind 127.0.0.1:0");
    listener
        .local_addr()
        .expect("a bound socket has an address")
        .port()
}
