//! A loopback proxy in front of the real KMS that holds, delays or replaces one
//! chosen KMIP operation's answer, and counts requests: how the UI meets a slow server.
//!
//! It also serves the built UI itself (a static host of its own), so the
//! page still loads while the KMS behind it is stopped.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::kms::{Kms, KmsOptions};
use crate::paths::dist_dir;

/// What the proxy does to the next request for one KMIP operation.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Never answers; the connection is held until the browser gives up.
    Hang,
    /// Waits, then forwards to the KMS.
    Delay(Duration),
    /// Answers this status and body instead of the KMS.
    Status(u16, &'static str),
}

#[derive(Default)]
struct State {
    /// (operation, fault) armed for the next matching request.
    armed: Option<(String, Fault)>,
    /// Operations the proxy is holding or has held (Fault::Hang).
    held: Vec<String>,
    /// Operations the browser abandoned while the proxy held them.
    abandoned: Vec<String>,
    /// Every request that reached the KMS through the proxy: KMIP operations
    /// by name, others as `GET /path`.
    forwarded: Vec<String>,
}

/// Listens on 127.0.0.1 (free port) and forwards to `upstream_port`.
pub struct FaultProxy {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl FaultProxy {
    /// Serves `ui_dir` at `/ui/` and forwards everything else.
    pub fn start(listener: TcpListener, upstream_port: u16, ui_dir: PathBuf) -> Self {
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let state = shared.clone();
                let ui_dir = ui_dir.clone();
                std::thread::spawn(move || serve(client, upstream_port, &ui_dir, &state));
            }
        });
        Self { port, state }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The next `operation` request (e.g. "Export") meets `fault`.
    pub fn arm(&self, operation: &str, fault: Fault) {
        self.state.lock().unwrap().armed = Some((operation.to_owned(), fault));
    }

    pub fn disarm(&self) {
        self.state.lock().unwrap().armed = None;
    }

    /// Waits until the proxy holds a request for `operation` (at most 30 s).
    pub async fn wait_holding(&self, operation: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !self
            .state
            .lock()
            .unwrap()
            .held
            .iter()
            .any(|op| op == operation)
        {
            assert!(
                std::time::Instant::now() < deadline,
                "no {operation} request reached the proxy"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn abandoned(&self) -> Vec<String> {
        self.state.lock().unwrap().abandoned.clone()
    }

    /// KMIP operations forwarded to the KMS so far (drained).
    pub fn take_forwarded(&self) -> Vec<String> {
        std::mem::take(&mut self.state.lock().unwrap().forwarded)
    }
}

/// The real KMS (API token, CORS for the proxy) behind the proxy that serves the UI.
pub fn kms_behind_proxy() -> (Kms, FaultProxy, String) {
    let listener = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let proxy_origin = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let (kms, token) = Kms::with_api_token_and(KmsOptions {
        cors_allowed_origins: Some(proxy_origin),
        ..Default::default()
    });
    let proxy = FaultProxy::start(listener, kms.port, dist_dir());
    (kms, proxy, token)
}

/// "Query × 1, GetAttributes × 3, …", sorted by name: requests as a report line.
pub fn counted(requests: &[String]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for r in requests {
        *counts.entry(r.as_str()).or_insert(0) += 1;
    }
    counts
        .iter()
        .map(|(name, n)| format!("{name} × {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A browser using the KMS behind `proxy` with `token` (kept out of the
/// console), its first page load already settled.
pub async fn browser_behind(proxy: &FaultProxy, token: &str) -> crate::Browser {
    let browser = crate::Browser::start().await;
    browser.keep_secret(token);
    browser
        .goto(&format!("{}/ui/aws/import-kek", proxy.url()))
        .await;
    crate::pages::Settings::use_server(&browser, "", token).await;
    settled(proxy).await;
    browser
}

/// Waits until the page has been quiet (no new request) for a second.
pub async fn settled(proxy: &FaultProxy) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
        let more = proxy.take_forwarded();
        if more.is_empty() {
            return seen;
        }
        seen.extend(more);
    }
}

/// One request per connection: the answer always says `Connection: close`.
fn serve(mut client: TcpStream, upstream_port: u16, ui_dir: &Path, state: &Mutex<State>) {
    let Some((head, body)) = read_request(&mut client) else {
        return;
    };
    if let Some(path) = head
        .strip_prefix("GET /ui")
        .and_then(|rest| rest.split_whitespace().next())
    {
        serve_ui_file(&mut client, ui_dir, path);
        return;
    }
    let operation = kmip_operation(&body);
    let fault = operation.as_ref().and_then(|op| {
        let mut state = state.lock().unwrap();
        match &state.armed {
            Some((armed, _)) if armed == op => state.armed.take().map(|(_, f)| f),
            _ => None,
        }
    });
    match fault {
        Some(Fault::Hang) => {
            state
                .lock()
                .unwrap()
                .held
                .push(operation.clone().unwrap_or_default());
            // Wait for the browser to abort (EOF or reset).
            let mut byte = [0u8; 1];
            let _ = client.set_read_timeout(Some(Duration::from_secs(120)));
            let _ = client.read(&mut byte);
            state
                .lock()
                .unwrap()
                .abandoned
                .push(operation.unwrap_or_default());
            return;
        }
        Some(Fault::Status(status, reason)) => {
            let answer = format!(
                "HTTP/1.1 {status} Injected\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reason}",
                reason.len()
            );
            let _ = client.write_all(answer.as_bytes());
            let _ = client.shutdown(Shutdown::Both);
            return;
        }
        Some(Fault::Delay(wait)) => std::thread::sleep(wait),
        None => {}
    }
    let Ok(mut upstream) = TcpStream::connect(("127.0.0.1", upstream_port)) else {
        // A stopped KMS: the browser sees no answer at all, as it would directly.
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    // KMIP operations by name, other requests as "GET /server-info".
    let what = operation.unwrap_or_else(|| {
        head.split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    });
    state.lock().unwrap().forwarded.push(what);
    let head = with_connection_close(&head);
    if upstream.write_all(head.as_bytes()).is_err() || upstream.write_all(&body).is_err() {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let mut answer = Vec::new();
    if upstream.read_to_end(&mut answer).is_err() || answer.is_empty() {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let split = find(&answer, b"\r\n\r\n").map_or(answer.len(), |i| i + 4);
    let answer_head = with_connection_close(&String::from_utf8_lossy(&answer[..split]));
    let _ = client.write_all(answer_head.as_bytes());
    let _ = client.write_all(&answer[split..]);
    let _ = client.flush();
    let _ = client.shutdown(Shutdown::Both);
}

/// `/ui/<file>` from the bundle; any other path is the app's index.html.
fn serve_ui_file(client: &mut TcpStream, ui_dir: &Path, path: &str) {
    let path = path.split('?').next().unwrap_or_default();
    let name = path.trim_start_matches('/');
    let file = ui_dir.join(name);
    let (file, name) = if !name.is_empty() && !name.contains("..") && file.is_file() {
        (file, name)
    } else {
        (ui_dir.join("index.html"), "index.html")
    };
    let bytes = std::fs::read(&file).unwrap_or_default();
    let kind = match name.rsplit('.').next() {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("svg") => "image/svg+xml",
        _ => "text/html; charset=utf-8",
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        bytes.len()
    );
    let _ = client.write_all(head.as_bytes());
    let _ = client.write_all(&bytes);
    let _ = client.shutdown(Shutdown::Both);
}

/// The head (text, with its blank line) and the body (by Content-Length).
fn read_request(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let _ = client.set_read_timeout(Some(Duration::from_secs(30)));
    let mut data = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = find(&data, b"\r\n\r\n") {
            break i + 4;
        }
        match client.read(&mut chunk) {
            Ok(0) => return None,
            Ok(n) => data.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(_) => return None,
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = data[head_end..].to_vec();
    while body.len() < length {
        match client.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    Some((head, body))
}

/// `{"tag":"Export",…` → `Export`; a message of several operations →
/// `RequestMessage(GetAttributes × 2, Export × 1)` (one request, its items by kind).
fn kmip_operation(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let rest = text.strip_prefix("{\"tag\":\"")?;
    let tag = &rest[..rest.find('"')?];
    if tag != "RequestMessage" {
        return Some(tag.to_owned());
    }
    let message: serde_json::Value = serde_json::from_str(text).ok()?;
    let mut kinds: Vec<(String, usize)> = Vec::new();
    for item in message["value"].as_array()? {
        if item["tag"] != "BatchItem" {
            continue;
        }
        let operation = item["value"]
            .as_array()?
            .iter()
            .find(|n| n["tag"] == "Operation")?;
        let operation = operation["value"].as_str()?.to_owned();
        match kinds.iter_mut().find(|(name, _)| *name == operation) {
            Some((_, n)) => *n += 1,
            None => kinds.push((operation, 1)),
        }
    }
    let kinds: Vec<String> = kinds
        .into_iter()
        .map(|(name, n)| format!("{name} × {n}"))
        .collect();
    Some(format!("RequestMessage({})", kinds.join(", ")))
}

fn with_connection_close(head: &str) -> String {
    let mut lines: Vec<&str> = head
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .filter(|l| {
            !l.split_once(':')
                .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case("connection"))
        })
        .collect();
    lines.push("Connection: close");
    format!("{}\r\n\r\n", lines.join("\r\n"))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
