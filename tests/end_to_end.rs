//! The whole pipeline through the `lede` binary, on a fictional corpus written
//! for these tests (tests/fixtures): import (JSON Lines, HTML, RSS), build,
//! serve, and read the site and API back over HTTP.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const LEDE: &str = env!("CARGO_BIN_EXE_lede");

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn lede(data: &Path, args: &[&str]) -> Output {
    Command::new(LEDE)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("LEDE_LOG", "warn")
        .output()
        .expect("lede runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A plain HTTP/1.1 GET over loopback: (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

struct Server(Child);
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(data: &Path) -> (Server, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(LEDE)
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("LEDE_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server(child);
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

#[test]
fn import_build_and_serve_a_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let out = lede(
        &data,
        &["import", fixtures().join("corpus").to_str().unwrap()],
    );
    assert!(out.status.success(), "import failed: {}", stderr(&out));
    let log = stderr(&out);
    assert!(log.contains("imported 8 new articles"), "{log}");

    // Importing the same input again adds nothing.
    let again = lede(
        &data,
        &["import", fixtures().join("corpus").to_str().unwrap()],
    );
    assert!(again.status.success());
    assert!(
        stderr(&again).contains("imported 0 new articles (8 duplicates"),
        "{}",
        stderr(&again)
    );

    let (_server, port) = serve(&data);
    let (status, body) = get(port, "/api/stories");
    assert_eq!(status, 200, "{body}");
    let api: serde_json::Value = serde_json::from_str(&body).unwrap();
    let stories = api["stories"].as_array().unwrap();
    // The bridge and the strike stories; the library story has one source.
    let multi: Vec<&serde_json::Value> = stories
        .iter()
        .filter(|s| s["sources"].as_u64().unwrap() >= 2)
        .collect();
    assert!(multi.len() >= 2, "{body}");
    let bridge = multi
        .iter()
        .find(|s| s["headline"].as_str().unwrap().contains("Bridge"))
        .expect("a bridge story");
    assert!(bridge["articles"].as_array().unwrap().len() >= 3);
    let strike = multi
        .iter()
        .find(|s| {
            let h = s["headline"].as_str().unwrap();
            h.contains("strike") || h.contains("Westport")
        })
        .expect("a strike story");
    assert_ne!(bridge["id"], strike["id"]);
    // Newest first.
    let updated: Vec<&str> = stories
        .iter()
        .map(|s| s["updated"].as_str().unwrap())
        .collect();
    assert_eq!(updated.len(), stories.len());

    let id = bridge["id"].as_i64().unwrap();
    let (status, body) = get(port, &format!("/api/stories/{id}"));
    assert_eq!(status, 200);
    let story: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(story["sections"].is_array());
    assert!(!story["dek"]["citations"].as_array().unwrap().is_empty());

    let (status, page) = get(port, &format!("/stories/{id}"));
    assert_eq!(status, 200);
    assert!(page.contains("Miller Bridge"));
    assert!(
        page.contains("Timeline"),
        "a three-day story has a timeline"
    );
    assert!(page.contains("Lena Ortiz"));
    assert!(page.contains("Westport Daily") && page.contains("Tallow Valley News"));

    let (status, front) = get(port, "/");
    assert_eq!(status, 200);
    assert!(front.contains("Miller Bridge"));

    let (status, feed) = get(port, "/feed.atom");
    assert_eq!(status, 200);
    assert!(feed.contains("<feed") && feed.contains("Miller Bridge"));

    let (status, _) = get(port, "/stories/999999");
    assert_eq!(status, 404);
}

#[test]
fn bad_input_is_reported_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let bad = fixtures().join("bad");
    let good = fixtures().join("corpus").join("articles.jsonl");
    let out = lede(
        &data,
        &["import", bad.to_str().unwrap(), good.to_str().unwrap()],
    );
    let log = stderr(&out);
    assert!(out.status.success(), "{log}");
    assert!(log.contains("empty.jsonl"), "{log}");
    assert!(log.contains("broken.rss"), "{log}");
    assert!(log.contains("bad-lines.jsonl:1"), "{log}");
    assert!(log.contains("no-article.html"), "{log}");
    assert!(log.contains("imported 6 new articles"), "{log}");

    let missing = lede(&data, &["import", "/nonexistent/lede/input"]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("/nonexistent/lede/input"));
}

#[test]
fn second_writer_on_the_same_data_dir_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let lock = std::fs::File::create(data.join("lede.lock")).unwrap();
    lock.lock().unwrap();
    let out = lede(&data, &["build"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("another lede process"),
        "{}",
        stderr(&out)
    );
}
