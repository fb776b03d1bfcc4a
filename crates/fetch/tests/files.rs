//! Reading local inputs: every file kind, folders, Timeline17, and broken input.
//! Fixtures are written by the tests (fictional outlets and events).

use std::io::Write;
use std::path::Path;

use chrono::{TimeZone, Utc};
use lede_fetch::{read_path, Document, SourceError};

fn write(dir: &Path, name: &str, content: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, content).unwrap();
    p
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn read_all(p: &Path) -> (Vec<Document>, Vec<SourceError>) {
    let mut docs = Vec::new();
    let mut errs = Vec::new();
    for item in read_path(p) {
        match item {
            Ok(d) => docs.push(d),
            Err(e) => errs.push(e),
        }
    }
    (docs, errs)
}

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>The Eastbrook Herald</title><link>https://eastbrook-herald.example/</link><language>en-gb</language>
<item>
  <title>Ferry service resumes after storm</title>
  <link>https://eastbrook-herald.example/news/ferry</link>
  <pubDate>Fri, 03 May 2024 10:00:00 +0200</pubDate>
  <description>&lt;p&gt;The island ferry ran again on Friday.&lt;/p&gt;</description>
</item>
<item>
  <title>Market hall gets new roof</title>
  <link>/news/market-hall</link>
  <description>Work will take six weeks.</description>
</item>
</channel></rss>"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Millbrook Courier</title>
  <id>urn:uuid:millbrook</id>
  <updated>2023-11-20T06:30:00Z</updated>
  <entry>
    <title>Night train to Valdera returns</title>
    <link rel="alternate" href="https://millbrook-courier.example/travel/night-train"/>
    <id>urn:uuid:1</id>
    <updated>2023-11-20T06:30:00Z</updated>
    <author><name>Dana Ortolan</name></author>
    <content type="html">&lt;p&gt;A sleeper service between Millbrook and Valdera will run again.&lt;/p&gt;&lt;p&gt;Tickets go on sale on Monday.&lt;/p&gt;</content>
  </entry>
</feed>"#;

const JSON_FEED: &str = r#"{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Riverton Gazette",
  "items": [
    {"id": "1", "url": "https://riverton-gazette.example/quota", "title": "Fishermen protest quotas",
     "content_text": "Around forty boats blocked the harbour.", "date_published": "2022-08-14T16:45:00Z"}
  ]
}"#;

#[test]
fn json_lines_good_and_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "in.jsonl",
        br#"{"url":"https://a.example/1","title":"Bridge vote","published":"2024-05-03T10:00:00+02:00","outlet":"The Eastbrook Herald","text":"The council voted."}
{"url":"https://a.example/2", "title": oops}

{"url":"https://a.example/3","html":"<html><body><p>Page</p></body></html>","published":"2024-05-04"}
{"url":"https://a.example/4","published":"yesterday","text":"x"}
{"url":"https://a.example/5","title":"no body"}
{"title":"no url","text":"Still usable.","extra":{"ignored":true}}
"#,
    );
    let items: Vec<_> = read_path(&p).collect();
    assert_eq!(items.len(), 6);
    let d0 = items[0].as_ref().unwrap();
    assert_eq!(d0.url, "https://a.example/1");
    assert_eq!(d0.title.as_deref(), Some("Bridge vote"));
    assert_eq!(d0.outlet.as_deref(), Some("The Eastbrook Herald"));
    assert_eq!(
        d0.published,
        Some(Utc.with_ymd_and_hms(2024, 5, 3, 8, 0, 0).unwrap())
    );
    assert_eq!(d0.text.as_deref(), Some("The council voted."));

    let e1 = items[1].as_ref().unwrap_err();
    assert_eq!(e1.line, Some(2));
    assert!(
        e1.to_string()
            .starts_with(&format!("{}:2: invalid JSON", p.display())),
        "{e1}"
    );

    let d2 = items[2].as_ref().unwrap();
    assert!(d2.html.is_some());
    assert_eq!(
        d2.published,
        Some(Utc.with_ymd_and_hms(2024, 5, 4, 0, 0, 0).unwrap())
    );

    let e3 = items[3].as_ref().unwrap_err();
    assert_eq!(e3.line, Some(5));
    assert!(e3.reason.contains("bad published date"), "{e3}");
    let e4 = items[4].as_ref().unwrap_err();
    assert_eq!(e4.line, Some(6));
    assert!(e4.reason.contains("neither"), "{e4}");
    let d5 = items[5].as_ref().unwrap();
    assert!(
        d5.url.starts_with("file://") && d5.url.ends_with("#L7"),
        "{}",
        d5.url
    );
}

#[test]
fn html_files_plain_and_gzipped_with_charset() {
    let dir = tempfile::tempdir().unwrap();
    // windows-1252 bytes, no declaration: "Café crème" with curly quotes.
    let page = b"<html><head><title>Caf\xe9 opens</title></head><body><p>\x93Caf\xe9 cr\xe8me\x94</p></body></html>";
    let p = write(dir.path(), "page.html", page);
    let (docs, errs) = read_all(&p);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(docs.len(), 1);
    let html = docs[0].html.as_deref().unwrap();
    assert!(html.contains("“Café crème”"), "{html}");
    let abs = std::fs::canonicalize(&p).unwrap();
    assert_eq!(docs[0].url, format!("file://{}", abs.display()));

    // ISO-8859-1 declared in a meta tag, gzipped.
    let latin = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"></head><body><p>Z\xfcrich f\xeate</p></body></html>";
    let gz = write(dir.path(), "page2.html.gz", &gzip(latin));
    let (docs, errs) = read_all(&gz);
    assert!(errs.is_empty(), "{errs:?}");
    assert!(docs[0].html.as_deref().unwrap().contains("Zürich fête"));

    // Corrupt gzip is an error item, not a panic.
    let bad = write(dir.path(), "bad.htm.gz", b"\x1f\x8b\x08\x00garbage");
    let (docs, errs) = read_all(&bad);
    assert!(docs.is_empty());
    assert!(errs[0].reason.contains("gzip"), "{}", errs[0]);
}

#[test]
fn feed_files() {
    let dir = tempfile::tempdir().unwrap();
    let rss = write(dir.path(), "herald.rss", RSS.as_bytes());
    let (docs, errs) = read_all(&rss);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].url, "https://eastbrook-herald.example/news/ferry");
    assert_eq!(
        docs[0].title.as_deref(),
        Some("Ferry service resumes after storm")
    );
    assert_eq!(docs[0].outlet.as_deref(), Some("The Eastbrook Herald"));
    assert_eq!(
        docs[0].published,
        Some(Utc.with_ymd_and_hms(2024, 5, 3, 8, 0, 0).unwrap())
    );
    assert_eq!(
        docs[0].text.as_deref(),
        Some("The island ferry ran again on Friday.")
    );
    assert_eq!(docs[0].language.as_deref(), Some("en"));
    assert!(docs[0].html.is_none());
    assert_eq!(docs[1].text.as_deref(), Some("Work will take six weeks."));

    let atom = write(dir.path(), "courier.atom", ATOM.as_bytes());
    let (docs, errs) = read_all(&atom);
    assert!(errs.is_empty(), "{errs:?}");
    let d = &docs[0];
    assert_eq!(
        d.url,
        "https://millbrook-courier.example/travel/night-train"
    );
    assert_eq!(d.byline.as_deref(), Some("Dana Ortolan"));
    assert_eq!(d.outlet.as_deref(), Some("Millbrook Courier"));
    // HTML content goes to `html` for extraction, its text to `text` as fallback.
    assert!(d.html.as_deref().unwrap().contains("<p>A sleeper service"));
    assert_eq!(
        d.text.as_deref(),
        Some("A sleeper service between Millbrook and Valdera will run again.\n\nTickets go on sale on Monday.")
    );

    let jf = write(dir.path(), "gazette.json", JSON_FEED.as_bytes());
    let (docs, errs) = read_all(&jf);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(docs[0].url, "https://riverton-gazette.example/quota");
    assert_eq!(docs[0].outlet.as_deref(), Some("Riverton Gazette"));
    assert_eq!(
        docs[0].text.as_deref(),
        Some("Around forty boats blocked the harbour.")
    );
}

#[test]
fn broken_feed_and_empty_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let broken = write(
        dir.path(),
        "broken.xml",
        b"<?xml version=\"1.0\"?><rss><channel><title>X</title><item><title>unclosed",
    );
    let (docs, errs) = read_all(&broken);
    assert!(docs.is_empty());
    assert_eq!(errs.len(), 1);
    assert!(errs[0].to_string().contains("broken.xml"), "{}", errs[0]);

    let not_xml = write(dir.path(), "junk.rss", b"\x00\x01\x02 this is not a feed");
    let (docs, errs) = read_all(&not_xml);
    assert!(docs.is_empty() && errs.len() == 1);

    for name in ["empty.jsonl", "empty.html", "empty.xml", "blank.txt"] {
        let p = write(
            dir.path(),
            name,
            if name == "blank.txt" { b"  \n\n " } else { b"" },
        );
        let (docs, errs) = read_all(&p);
        assert!(docs.is_empty(), "{name}");
        assert_eq!(errs.len(), 1, "{name}");
        assert_eq!(errs[0].reason, "empty file", "{name}");
        assert_eq!(errs[0].to_string(), format!("{}: empty file", p.display()));
    }
}

#[test]
fn explicit_paths_missing_or_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.jsonl");
    let (docs, errs) = read_all(&missing);
    assert!(docs.is_empty());
    assert!(errs[0].path.ends_with("nope.jsonl"));
    assert!(!errs[0].reason.is_empty());

    let unknown = write(dir.path(), "notes.bin", b"\x00\x01binary");
    let (_, errs) = read_all(&unknown);
    assert!(errs[0].reason.contains("unsupported"), "{}", errs[0]);
}

#[test]
fn folder_is_recursive_sorted_and_skips_unknown() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "b/2.jsonl",
        br#"{"url":"https://x.example/b2","text":"B two."}"#,
    );
    write(
        dir.path(),
        "a.jsonl",
        br#"{"url":"https://x.example/a","text":"A."}"#,
    );
    write(dir.path(), "b/1.txt", b"Title of one\nBody of one.\n");
    write(dir.path(), "b/feed.dat", RSS.as_bytes()); // sniffed as a feed
    write(dir.path(), "b/image.png", b"\x89PNG\r\n\x1a\n....");
    write(dir.path(), "b/style.css", b"body { color: red }");
    write(
        dir.path(),
        ".hidden.jsonl",
        br#"{"url":"https://x.example/h","text":"H."}"#,
    );
    let (docs, errs) = read_all(dir.path());
    assert!(errs.is_empty(), "{errs:?}");
    let urls: Vec<&str> = docs.iter().map(|d| d.url.as_str()).collect();
    assert_eq!(urls[0], "https://x.example/a");
    assert!(urls[1].ends_with("/b/1.txt"), "{urls:?}");
    assert_eq!(docs[1].title.as_deref(), Some("Title of one"));
    assert_eq!(docs[1].text.as_deref(), Some("Body of one."));
    assert_eq!(urls[2], "https://x.example/b2");
    assert_eq!(urls[3], "https://eastbrook-herald.example/news/ferry");
    assert_eq!(docs.len(), 5);
}

#[test]
fn timeline17_layout() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("t17");
    write(
        &root,
        "Bridge_guardian/InputDocs/2024-05-03/12.htm.txt",
        b"Footbridge approved - council backs plan The council voted on Thursday to build a footbridge .\nThe mayor said : `` It is a good day . ''\nCosts rose 4 % -LRB- to # 4m -RRB- .\n",
    );
    write(
        &root,
        "Bridge_guardian/InputDocs/2024-05-01/7.htm.txt",
        b"EASTBROOK -LRB- Reuters -RRB- - Councillors met on Wednesday to discuss the bridge , officials said .\n",
    );
    write(
        &root,
        "Bridge_guardian/timelines/guardian.txt",
        b"not an input",
    );
    write(&root, "Bridge_guardian/keywords.json", b"[\"bridge\"]");
    write(
        &root,
        "Storm_nytimes2/InputDocs/2024-06-01/3.htm.txt",
        b"Storm hits coast .\n",
    );
    write(&root, "Storm_nytimes2/InputDocs/2024-06-02/4.htm.txt", b"");

    let (docs, errs) = read_all(&root);
    assert_eq!(docs.len(), 3, "{docs:#?}");
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].reason, "empty file");

    let d = &docs[0];
    assert_eq!(d.url, "t17://Bridge_guardian/2024-05-01/7");
    assert_eq!(d.outlet.as_deref(), Some("The Guardian"));
    assert_eq!(
        d.published,
        Some(Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap())
    );
    assert_eq!(
        d.title.as_deref(),
        Some("Councillors met on Wednesday to discuss the bridge, officials said.")
    );

    let d = &docs[1];
    assert_eq!(d.url, "t17://Bridge_guardian/2024-05-03/12");
    assert_eq!(d.title.as_deref(), Some("Footbridge approved"));
    assert_eq!(
        d.text.as_deref(),
        Some("Footbridge approved - council backs plan The council voted on Thursday to build a footbridge.\nThe mayor said: “It is a good day.”\nCosts rose 4% (to £4m).")
    );
    assert!(d.html.is_none());
    assert_eq!(docs[2].outlet.as_deref(), Some("nytimes2"));

    // A topic folder on its own works too.
    let (docs, _) = read_all(&root.join("Bridge_guardian"));
    assert_eq!(docs.len(), 2);
}
