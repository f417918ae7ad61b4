//! A plain static file server (Python's `http.server`) on a free loopback port:
//! the bundle installed on another origin, talking to the KMS through CORS.

use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::paths::free_port;
use crate::processes::Owned;

/// Serves a folder as it is (no rewrite rules), ended when dropped.
pub struct StaticSite {
    _server: Owned,
    pub port: u16,
}

impl StaticSite {
    pub fn serve(folder: &Path) -> Self {
        let port = free_port();
        let server = Owned::spawn(
            Command::new("python3")
                .args(["-m", "http.server", "--bind", "127.0.0.1"])
                .arg("--directory")
                .arg(folder)
                .arg(port.to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            "a static file server (python3 -m http.server)",
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "python3 -m http.server did not listen on {port} within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            _server: server,
            port,
        }
    }

    /// This site's origin, e.g. `http://127.0.0.1:41234`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}
