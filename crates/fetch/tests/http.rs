//! HTTP client and feed polling against a tiny loopback server started by the
//! test (raw HTTP responses over a tokio TcpListener). Only 127.0.0.1 is used.

use std::time::Duration;

use lede_fetch::{poll_feed, FetchConfig, FetchError, FetchOutcome, Fetcher};
use lede_model::Feed;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

mod support;

/// Serve raw responses by path until the test ends (bounded: 50 connections).
async fn server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let base2 = base.clone();
    tokio::spawn(async move {
        for _ in 0..50 {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let base = base2.clone();
            tokio::spawn(async move {
                let Some(req) = support::read_request_head(&mut sock, usize::MAX).await else {
                    return;
                };
                let path = support::request_path(&req);
                let lower = req.to_ascii_lowercase();
                let resp: Vec<u8> = match path.as_str() {
                    "/big" => {
                        // No Content-Length: the limit must hold while streaming.
                        let mut r = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n".to_vec();
                        r.extend(std::iter::repeat_n(b'a', 200_000));
                        r
                    }
                    "/big-declared" => b"HTTP/1.1 200 OK\r\nContent-Length: 5000000\r\nConnection: close\r\n\r\nabc".to_vec(),
                    "/feed" => {
                        if lower.contains("if-none-match: \"v1\"") {
                            b"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n".to_vec()
                        } else {
                            assert!(lower.contains("user-agent: lede/0.1"), "{req}");
                            let body = format!(
                                r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Ledger</title>
<item><title>Short one</title><link>{base}/article</link><description>Only a teaser.</description></item>
<item><title>Broken link</title><link>{base}/missing</link><description>Another teaser.</description></item>
<item><title>Long one</title><link>{base}/never-fetched</link><description>{long}</description></item>
</channel></rss>"#,
                                long = "Plenty of words in this summary. ".repeat(20)
                            );
                            format!(
                                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: \"v1\"\r\nLast-Modified: Fri, 03 May 2024 10:00:00 GMT\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                                body.len(),
                                body
                            )
                            .into_bytes()
                        }
                    }
                    "/article" => {
                        let body = "<html><head><meta charset=\"windows-1252\"><title>Short one</title></head><body><p>Full caf\u{e9} article.</p></body></html>";
                        let bytes = encoding_rs::WINDOWS_1252.encode(body).0.to_vec();
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            bytes.len()
                        )
                        .into_bytes();
                        r.extend(bytes);
                        r
                    }
                    "/redirect" => b"HTTP/1.1 302 Found\r\nLocation: /article\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                    "/loop" => b"HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                    _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
                };
                let _ = sock.write_all(&resp).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    base
}

fn loopback_fetcher(max_body_bytes: usize) -> Fetcher {
    Fetcher::new(FetchConfig {
        allow_private: true,
        max_body_bytes,
        timeout: Duration::from_secs(10),
        ..FetchConfig::default()
    })
    .unwrap()
}

#[tokio::test]
async fn body_size_limit_is_enforced() {
    let base = server().await;
    let f = loopback_fetcher(1000);
    let err = f.get(&format!("{base}/big"), None, None).await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit: 1000, .. }),
        "{err}"
    );
    assert!(
        err.to_string().contains("response exceeds 1000 bytes"),
        "{err}"
    );
    let err = f
        .get(&format!("{base}/big-declared"), None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err}");
    // Under a larger limit the streamed body arrives whole.
    let ok = loopback_fetcher(1_000_000)
        .get(&format!("{base}/big"), None, None)
        .await
        .unwrap();
    match ok {
        FetchOutcome::Fetched { body, .. } => assert_eq!(body.len(), 200_000),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn conditional_get_gives_not_modified() {
    let base = server().await;
    let f = loopback_fetcher(1_000_000);
    let url = format!("{base}/feed");
    let first = f.get(&url, None, None).await.unwrap();
    let FetchOutcome::Fetched {
        etag,
        last_modified,
        content_type,
        ..
    } = first
    else {
        panic!("expected a body")
    };
    assert_eq!(etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        last_modified.as_deref(),
        Some("Fri, 03 May 2024 10:00:00 GMT")
    );
    assert_eq!(content_type.as_deref(), Some("application/rss+xml"));
    let second = f
        .get(&url, etag.as_deref(), last_modified.as_deref())
        .await
        .unwrap();
    assert_eq!(second, FetchOutcome::NotModified);
}

#[tokio::test]
async fn statuses_and_redirects() {
    let base = server().await;
    let f = loopback_fetcher(1_000_000);
    let err = f
        .get(&format!("{base}/missing"), None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 404, .. }),
        "{err}"
    );
    match f
        .get(&format!("{base}/redirect"), None, None)
        .await
        .unwrap()
    {
        FetchOutcome::Fetched { final_url, .. } => assert_eq!(final_url, format!("{base}/article")),
        other => panic!("{other:?}"),
    }
    let err = f
        .get(&format!("{base}/loop"), None, None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::TooManyRedirects { limit: 5, .. }),
        "{err}"
    );
    let err = f
        .get("ftp://files.example/x", None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Scheme { .. }), "{err}");
}

#[tokio::test]
async fn private_addresses_refused_by_default() {
    let base = server().await;
    let f = Fetcher::new(FetchConfig::default()).unwrap();
    let err = f
        .get(&format!("{base}/article"), None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Refused { .. }), "{err}");
    // A name that resolves to loopback is refused after resolution.
    let port = base.rsplit(':').next().unwrap();
    let err = f
        .get(&format!("http://localhost:{port}/article"), None, None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Refused { .. }), "{err}");
    assert!(err.to_string().contains("non-public address"), "{err}");
    for url in [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
    ] {
        let err = f.get(url, None, None).await.unwrap_err();
        assert!(matches!(err, FetchError::Refused { .. }), "{url}: {err}");
    }
}

#[tokio::test]
async fn polling_a_feed_fetches_short_entries_and_honours_etag() {
    let base = server().await;
    let f = loopback_fetcher(1_000_000);
    let mut feed = Feed {
        url: format!("{base}/feed"),
        ..Default::default()
    };
    let r = poll_feed(&f, &feed).await.unwrap();
    assert!(!r.not_modified);
    assert_eq!(r.title.as_deref(), Some("Loopback Ledger"));
    assert_eq!(r.etag.as_deref(), Some("\"v1\""));
    assert_eq!(r.documents.len(), 3);
    let short = &r.documents[0];
    assert_eq!(short.outlet.as_deref(), Some("Loopback Ledger"));
    assert_eq!(short.text.as_deref(), Some("Only a teaser."));
    assert!(short
        .html
        .as_deref()
        .unwrap()
        .contains("Full café article."));
    // The page that 404s keeps its summary and is reported.
    assert!(r.documents[1].html.is_none());
    assert_eq!(r.documents[1].text.as_deref(), Some("Another teaser."));
    assert_eq!(r.page_errors.len(), 1, "{:?}", r.page_errors);
    assert!(r.page_errors[0].contains("404"));
    // A long summary is not fetched.
    assert!(r.documents[2].html.is_none());

    feed.etag = r.etag.clone();
    feed.last_modified = r.last_modified.clone();
    let again = poll_feed(&f, &feed).await.unwrap();
    assert!(again.not_modified);
    assert!(again.documents.is_empty());
    assert_eq!(again.etag, feed.etag);
}
