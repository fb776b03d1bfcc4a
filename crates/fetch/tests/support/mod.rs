//! Pieces shared by the fetch tests' loopback servers.

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// Reads an HTTP request head, up to its blank line. `None` when the peer
/// closes or fails first, or when the head grows past `max_bytes`.
pub async fn read_request_head(sock: &mut TcpStream, max_bytes: usize) -> Option<String> {
    let mut req = Vec::new();
    let mut buf = [0u8; 4096];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
        match sock.read(&mut buf).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
        if req.len() > max_bytes {
            return None;
        }
    }
    Some(String::from_utf8_lossy(&req).into_owned())
}

/// The path a request head asks for ("/" when it names none).
pub fn request_path(head: &str) -> String {
    head.split_whitespace().nth(1).unwrap_or("/").to_string()
}
