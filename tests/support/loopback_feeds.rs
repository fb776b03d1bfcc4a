//! A loopback feed server of fictional articles, shared by the multi-worker
//! test and the workers benchmark: `feeds` RSS feeds at `/feed/N.xml`, each of
//! `per_feed` items with full text (long enough that no page is fetched), about
//! `feeds * per_feed / 8` stories in all. Anything else is a 404, robots.txt
//! included.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// RSS for feed `f`.
fn feed_xml(f: usize, per_feed: usize, stories: usize) -> String {
    let mut items = String::new();
    for i in 0..per_feed {
        let story = (f * per_feed + i) % stories;
        let town = [
            "Eastbrook",
            "Marrow Bay",
            "Quillfield",
            "Osterby",
            "Pellston",
        ][story % 5];
        let body = format!(
            "<p>The council of {town} voted on measure {story} on Tuesday after a long debate about the harbour.</p>\
             <p>Councillor Ada Fenwick said {n} households would be affected by measure {story} and that work would start in spring.</p>\
             <p>This report, number {f}-{i}, was filed by the Loopback Ledger desk, which covers {town} and its neighbours every day.</p>",
            n = 100 + story
        );
        items.push_str(&format!(
            "<item><title>{town} votes on measure {story}</title>\
             <link>https://ledger.example/{f}/{i}</link><guid>https://ledger.example/{f}/{i}</guid>\
             <pubDate>Tue, 0{d} Jun 2031 0{h}:00:00 GMT</pubDate>\
             <content:encoded><![CDATA[{body}]]></content:encoded></item>",
            d = 1 + story % 9,
            h = i % 10,
        ));
    }
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\
         <channel><title>Loopback Ledger {f}</title><link>https://ledger.example/</link>{items}</channel></rss>"
    )
}

/// Start the server on a free loopback port (a thread per connection); returns the port.
pub fn serve_feeds(feeds: usize, per_feed: usize) -> u16 {
    let stories = (feeds * per_feed / 8).max(1);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/");
                let feed = path
                    .strip_prefix("/feed/")
                    .and_then(|p| p.strip_suffix(".xml"))
                    .and_then(|n| n.parse::<usize>().ok());
                let (status, body) = match feed {
                    Some(f) if f < feeds => ("200 OK", feed_xml(f, per_feed, stories)),
                    _ => ("404 Not Found", String::new()),
                };
                let mut out = &stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status}\r\nContent-Type: application/rss+xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    port
}

/// An OPML file subscribing to every feed of the server on `port`.
pub fn opml(port: u16, feeds: usize) -> String {
    let mut outlines = String::new();
    for f in 0..feeds {
        outlines.push_str(&format!(
            "<outline type=\"rss\" text=\"f{f}\" xmlUrl=\"http://127.0.0.1:{port}/feed/{f}.xml\"/>"
        ));
    }
    format!("<?xml version=\"1.0\"?><opml version=\"2.0\"><head/><body>{outlines}</body></opml>")
}
