//! WARC reading on fixtures written by the tests: fictional pages of fictional
//! outlets, in plain and per-record-gzip files, whole, cut short, and with
//! records that lie about their length.

use std::io::{Read, Write};

use lede_fetch::{read_path, Document, SourceError, WarcReader};

/// One WARC record with `block` as its content.
fn record(kind: &str, uri: &str, content_type: &str, block: &[u8]) -> Vec<u8> {
    record_with_len(kind, uri, content_type, block, block.len())
}

/// A record whose Content-Length says `len`, whatever the block's size.
fn record_with_len(kind: &str, uri: &str, content_type: &str, block: &[u8], len: usize) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2024-03-05T08:30:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{:012}>\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http(status: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes();
    r.extend_from_slice(body);
    r
}

fn page(title: &str, para: &str) -> String {
    format!("<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{para}</p></article></body></html>")
}

fn response(uri: &str, title: &str) -> Vec<u8> {
    let body = page(title, "The harbour board met on Tuesday.");
    record(
        "response",
        uri,
        "application/http; msgtype=response",
        &http(
            "200 OK",
            "Content-Type: text/html; charset=utf-8\r\n",
            body.as_bytes(),
        ),
    )
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A small crawl: warcinfo, a request, four responses of which two are HTML
/// pages, and a metadata record.
fn crawl() -> Vec<Vec<u8>> {
    let latin_page = page(
        "Caf\u{e9} reopens",
        "Cr\u{e8}me br\u{fb}l\u{e9}e returns to the quay.",
    );
    let latin = encoding_rs::WINDOWS_1252.encode(&latin_page).0.to_vec();
    let chunked_gz = {
        let z = gzip(page("Ferry timetable", "Ferries run hourly from May.").as_bytes());
        let mut c = format!("{:x}\r\n", 10).into_bytes();
        c.extend_from_slice(&z[..10]);
        c.extend_from_slice(format!("\r\n{:x}\r\n", z.len() - 10).as_bytes());
        c.extend_from_slice(&z[10..]);
        c.extend_from_slice(b"\r\n0\r\n\r\n");
        c
    };
    vec![
        record("warcinfo", "", "application/warc-fields", b"software: lede-test\r\nformat: WARC 1.0\r\n"),
        record(
            "request",
            "https://harbour-gazette.example/news/cafe",
            "application/http; msgtype=request",
            b"GET /news/cafe HTTP/1.1\r\nHost: harbour-gazette.example\r\n\r\n",
        ),
        record(
            "response",
            "https://harbour-gazette.example/news/cafe",
            "application/http; msgtype=response",
            &http("200 OK", "Content-Type: text/html; charset=ISO-8859-1\r\n", &latin),
        ),
        record(
            "response",
            "https://harbour-gazette.example/logo.png",
            "application/http; msgtype=response",
            &http("200 OK", "Content-Type: image/png\r\n", b"\x89PNG\r\n\x1a\n"),
        ),
        record(
            "response",
            "https://harbour-gazette.example/old",
            "application/http; msgtype=response",
            &http("301 Moved Permanently", "Location: /new\r\n", b""),
        ),
        record(
            "response",
            "<https://tidewater-post.example/ferries>",
            "application/http;msgtype=response",
            &http(
                "200 OK",
                "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n",
                &chunked_gz,
            ),
        ),
        record("metadata", "https://tidewater-post.example/ferries", "application/warc-fields", b"fetchTimeMs: 120\r\n"),
    ]
}

fn check_crawl_docs(docs: &[Document]) {
    assert_eq!(docs.len(), 2, "{docs:?}");
    assert_eq!(docs[0].url, "https://harbour-gazette.example/news/cafe");
    let html = docs[0].html.as_deref().unwrap();
    assert!(html.contains("Café reopens"), "{html}");
    assert!(html.contains("Crème brûlée"), "{html}");
    assert_eq!(
        docs[0].published.unwrap().to_rfc3339(),
        "2024-03-05T08:30:00+00:00"
    );
    assert_eq!(docs[1].url, "https://tidewater-post.example/ferries");
    assert!(docs[1]
        .html
        .as_deref()
        .unwrap()
        .contains("Ferries run hourly"));
}

fn split(items: Vec<Result<Document, SourceError>>) -> (Vec<Document>, Vec<SourceError>) {
    let mut docs = Vec::new();
    let mut errs = Vec::new();
    for i in items {
        match i {
            Ok(d) => docs.push(d),
            Err(e) => errs.push(e),
        }
    }
    (docs, errs)
}

#[test]
fn plain_warc_yields_html_responses_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crawl.warc");
    std::fs::write(&path, crawl().concat()).unwrap();
    let (docs, errs) = split(read_path(&path).collect());
    assert!(errs.is_empty(), "{errs:?}");
    check_crawl_docs(&docs);
}

#[test]
fn gzipped_warc_one_member_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("CC-NEWS-fictional-00000.warc.gz");
    let data: Vec<u8> = crawl().iter().flat_map(|r| gzip(r)).collect();
    std::fs::write(&path, &data).unwrap();
    let (docs, errs) = split(read_path(&path).collect());
    assert!(errs.is_empty(), "{errs:?}");
    check_crawl_docs(&docs);
    // One gzip stream for the whole file reads the same.
    let whole = dir.path().join("whole.warc.gz");
    std::fs::write(&whole, gzip(&crawl().concat())).unwrap();
    let (docs, errs) = split(read_path(&whole).collect());
    assert!(errs.is_empty(), "{errs:?}");
    check_crawl_docs(&docs);
    // And a folder holding it is read too.
    let (docs, _) = split(read_path(dir.path()).collect());
    assert_eq!(docs.len(), 4);
}

#[test]
fn truncated_gzip_file_gives_earlier_records_then_an_error() {
    let records = crawl();
    let mut data: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
    let last = gzip(records.last().unwrap()).len();
    // Cut inside the member of the second HTML page (the one before the metadata).
    let cut_member = gzip(&records[5]).len();
    data.truncate(data.len() - last - cut_member / 2);
    let (docs, errs) = split(WarcReader::new(&data[..], "cut.warc.gz").collect());
    assert_eq!(docs.len(), 1, "{docs:?}");
    assert_eq!(docs[0].url, "https://harbour-gazette.example/news/cafe");
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].to_string().contains("truncated"), "{}", errs[0]);
}

#[test]
fn truncated_plain_file_reports_the_cut_record() {
    let mut data = crawl().concat();
    data.truncate(data.len() - 10);
    let (docs, errs) = split(WarcReader::new(&data[..], "cut.warc").collect());
    assert_eq!(docs.len(), 2);
    assert_eq!(errs.len(), 1, "{errs:?}");
    let e = errs[0].to_string();
    assert!(e.starts_with("cut.warc: record 7:"), "{e}");
    assert!(e.contains("record ends after"), "{e}");
}

#[test]
fn lying_content_length_is_reported_and_reading_goes_on() {
    let body = http(
        "200 OK",
        "Content-Type: text/html\r\n",
        page("Liar", "This record says it is shorter than it is.").as_bytes(),
    );
    let short = record_with_len(
        "response",
        "https://harbour-gazette.example/liar",
        "application/http; msgtype=response",
        &body,
        body.len() - 30,
    );
    let long = record_with_len(
        "response",
        "https://harbour-gazette.example/boaster",
        "application/http; msgtype=response",
        &body,
        body.len() + 100,
    );
    let a = response("https://harbour-gazette.example/a", "Before");
    let b = response("https://harbour-gazette.example/b", "After");
    let c = response("https://harbour-gazette.example/c", "Last");

    // Too short, plain: the liar is skipped, the next record is found again.
    let plain = [a.clone(), short.clone(), b.clone()].concat();
    let (docs, errs) = split(WarcReader::new(&plain[..], "short.warc").collect());
    let urls: Vec<&str> = docs.iter().map(|d| d.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://harbour-gazette.example/a",
            "https://harbour-gazette.example/b"
        ]
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].to_string().contains("Content-Length"),
        "{}",
        errs[0]
    );
    assert!(errs[0].to_string().contains("/liar"), "{}", errs[0]);

    // Too long, one gzip member per record: the member's end shows the lie and
    // the next member is read whole.
    let gz: Vec<u8> = [&a, &long, &b, &c].iter().flat_map(|r| gzip(r)).collect();
    let (docs, errs) = split(WarcReader::new(&gz[..], "long.warc.gz").collect());
    let urls: Vec<&str> = docs.iter().map(|d| d.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://harbour-gazette.example/a",
            "https://harbour-gazette.example/b",
            "https://harbour-gazette.example/c"
        ]
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].to_string().contains("/boaster"), "{}", errs[0]);

    // Too long, plain: the lie swallows part of the next record, which is lost,
    // but reading recovers for the one after.
    let plain = [a.clone(), long, b, c].concat();
    let (docs, errs) = split(WarcReader::new(&plain[..], "long.warc").collect());
    assert_eq!(
        docs.first().unwrap().url,
        "https://harbour-gazette.example/a"
    );
    assert_eq!(
        docs.last().unwrap().url,
        "https://harbour-gazette.example/c"
    );
    assert!(!errs.is_empty());
    assert!(docs.iter().all(|d| !d.url.contains("boaster")));
}

#[test]
fn oversized_record_is_skipped_without_buffering() {
    let small = response("https://harbour-gazette.example/small", "Small");
    let mut big_body = http("200 OK", "Content-Type: text/html\r\n", b"<html><body>");
    big_body.extend(std::iter::repeat_n(b'x', 5000));
    let big = record(
        "response",
        "https://harbour-gazette.example/big",
        "application/http; msgtype=response",
        &big_body,
    );
    let data = [big, small].concat();
    let (docs, errs) = split(
        WarcReader::new(&data[..], "big.warc")
            .with_max_record_bytes(1000)
            .collect(),
    );
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].url, "https://harbour-gazette.example/small");
    assert_eq!(errs.len(), 1);
    let e = errs[0].to_string();
    assert!(e.contains("over the limit of 1000 bytes"), "{e}");
    assert!(e.contains("/big"), "{e}");
}

/// Bytes made on the fly: a WARC header declaring a 256 MB record, then that
/// many bytes, then a small record. Never held in memory by the test.
struct Generated {
    head: Vec<u8>,
    filler: u64,
    tail: Vec<u8>,
    pos: u64,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let (h, f) = (self.head.len() as u64, self.filler);
        let total = h + f + self.tail.len() as u64;
        if self.pos >= total {
            return Ok(0);
        }
        let n = if self.pos < h {
            let part = &self.head[self.pos as usize..];
            let n = part.len().min(buf.len());
            buf[..n].copy_from_slice(&part[..n]);
            n
        } else if self.pos < h + f {
            let n = ((h + f - self.pos) as usize).min(buf.len());
            buf[..n].fill(b'y');
            n
        } else {
            let part = &self.tail[(self.pos - h - f) as usize..];
            let n = part.len().min(buf.len());
            buf[..n].copy_from_slice(&part[..n]);
            n
        };
        self.pos += n as u64;
        Ok(n)
    }
}

#[test]
fn huge_record_streams_past_in_constant_memory() {
    let filler: u64 = 256 * 1024 * 1024;
    let head = format!(
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: https://harbour-gazette.example/huge\r\nContent-Type: application/http\r\nContent-Length: {filler}\r\n\r\n"
    )
    .into_bytes();
    let mut tail = b"\r\n\r\n".to_vec();
    tail.extend(response("https://harbour-gazette.example/after", "After"));
    let input = Generated {
        head,
        filler,
        tail,
        pos: 0,
    };
    let (docs, errs) = split(WarcReader::new(input, "huge.warc").collect());
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].url, "https://harbour-gazette.example/after");
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0]
            .to_string()
            .contains("268435456 bytes is over the limit"),
        "{}",
        errs[0]
    );
}

#[test]
fn garbage_and_junk_are_errors_not_panics() {
    let good = response("https://harbour-gazette.example/ok", "Fine");
    let mut data = b"this is not a warc file\nat all\n".to_vec();
    data.extend_from_slice(&good);
    let (docs, errs) = split(WarcReader::new(&data[..], "junk.warc").collect());
    assert_eq!(docs.len(), 1);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(errs[0].to_string().contains("not a WARC record header"));
    // A header without a length, then a good record.
    let mut data = b"WARC/1.0\r\nWARC-Type: response\r\n\r\n".to_vec();
    data.extend_from_slice(&good);
    let (docs, errs) = split(WarcReader::new(&data[..], "nolen.warc").collect());
    assert_eq!(docs.len(), 1);
    assert!(errs[0].to_string().contains("Content-Length"), "{errs:?}");
    // An empty file, and a file with no HTML, through read_path.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.warc");
    std::fs::write(&empty, b"").unwrap();
    let items: Vec<_> = read_path(&empty).collect();
    assert_eq!(items.len(), 1);
    assert!(items[0]
        .as_ref()
        .unwrap_err()
        .to_string()
        .contains("no HTML response records"));
    // Not gzip at all despite the name: read as plain bytes, one error.
    let fake = dir.path().join("fake.warc.gz");
    std::fs::write(&fake, b"plain text").unwrap();
    let items: Vec<_> = read_path(&fake).collect();
    assert!(items.iter().all(|i| i.is_err()), "{items:?}");
}
