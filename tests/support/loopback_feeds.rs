//! A loopback feed server of fictional articles, shared by the multi-worker
//! test and the workers benchmark: `feeds` RSS feeds at `/feed/N.xml`, each of
//! `per_feed` items with full text (long enough that no page is fetched), about
//! `feeds * per_feed / 8` distinct events in all, eight articles each; or
//! (`serve_feeds_with_pages`) items with a one-line summary whose article pages
//! the server also serves. Anything else is a 404, robots.txt included.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

/// A made-up proper name for number `n` (distinct for each `n` below 20,736).
fn name(n: usize) -> String {
    const SYL: [&str; 12] = [
        "ka", "lo", "mi", "ren", "tas", "vel", "dor", "is", "an", "por", "ul", "zen",
    ];
    let mut s = String::new();
    let mut k = n;
    for _ in 0..4 {
        s.push_str(SYL[k % 12]);
        k /= 12;
    }
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

/// The body of item `i` of feed `f`, which reports story `story`: each story is
/// one event of one of eight kinds, with its own people, place and numbers, so
/// that the stories are told apart as real ones are.
fn body(story: usize, f: usize, i: usize) -> (String, String) {
    let person = name(story * 3);
    let place = name(story * 3 + 1);
    let group = name(story * 3 + 2);
    let n = 100 + story;
    let (title, lines) = match story % 8 {
        0 => (
            format!("{place} council votes on harbour plan"),
            [
                format!("The council of {place} voted on the harbour plan on Tuesday after a long debate."),
                format!("Councillor {person} said {n} households would be affected and that work would start in spring."),
            ],
        ),
        1 => (
            format!("Fire destroys {group} warehouse in {place}"),
            [
                format!("A fire destroyed the {group} warehouse in {place} overnight, and {n} firefighters fought it."),
                format!("Fire chief {person} said nobody was hurt and the cause was under investigation."),
            ],
        ),
        2 => (
            format!("{group} Rovers win {place} cup final"),
            [
                format!("{group} Rovers won the {place} cup final after {person} scored twice before {n} fans."),
                format!("Coach {group} said the squad had earned the title after a hard season."),
            ],
        ),
        3 => (
            format!("Storm cuts power to {n} homes in {place}"),
            [
                format!("A storm cut power to {n} homes in {place} on Monday and closed the coast road."),
                format!("{person} of the {group} grid company said repairs would take two days."),
            ],
        ),
        4 => (
            format!("{group} mill in {place} sold to investors"),
            [
                format!("The {group} mill in {place} was sold to a group of investors for {n} million crowns."),
                format!("Chief executive {person} said all jobs at the mill would be kept."),
            ],
        ),
        5 => (
            format!("{place} nurses strike over pay"),
            [
                format!("Nurses at the {group} hospital in {place} walked out on Wednesday over pay."),
                format!("Union leader {person} said {n} nurses joined the strike and more would follow."),
            ],
        ),
        6 => (
            format!("Trial of {person} opens in {place}"),
            [
                format!("The trial of {person}, accused of defrauding the {group} fund, opened in {place}."),
                format!("Prosecutors said {n} savers lost money; the defence said the charges were unfounded."),
            ],
        ),
        _ => (
            format!("{place} festival draws {n} visitors"),
            [
                format!("The {group} festival in {place} drew {n} visitors to its opening weekend."),
                format!("Organiser {person} said the music stage had been moved to the old market square."),
            ],
        ),
    };
    let body = format!(
        "<p>{}</p><p>{}</p><p>This report, number {f}-{i}, was filed by the Loopback Ledger desk, \
         which covers {place} and its neighbours every day.</p>",
        lines[0], lines[1]
    );
    (title, body)
}

/// RSS for feed `f`. With `pages` (served on `port`), each item carries only
/// a one-line summary and links to its article page on the server; without,
/// the full text is in the item.
fn feed_xml(f: usize, per_feed: usize, stories: usize, pages: Option<u16>) -> String {
    let mut items = String::new();
    for i in 0..per_feed {
        let story = (f * per_feed + i) % stories;
        let (title, body) = body(story, f, i);
        let (link, content) = match pages {
            Some(port) => (
                format!("http://127.0.0.1:{port}/article/{f}/{i}"),
                format!("<description>{title}.</description>"),
            ),
            None => (
                format!("https://ledger.example/{f}/{i}"),
                format!("<content:encoded><![CDATA[{body}]]></content:encoded>"),
            ),
        };
        items.push_str(&format!(
            "<item><title>{title}</title><link>{link}</link><guid>{link}</guid>\
             <pubDate>Tue, 0{d} Jun 2031 0{h}:00:00 GMT</pubDate>{content}</item>",
            d = 1 + story % 9,
            h = i % 10,
        ));
    }
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\
         <channel><title>Loopback Ledger {f}</title><link>https://ledger.example/</link>{items}</channel></rss>"
    )
}

/// The article page of item `i` of feed `f`: the body inside the furniture
/// of a news site (navigation, related links, footer), for the extractor.
fn article_html(f: usize, i: usize, stories: usize, per_feed: usize) -> String {
    let story = (f * per_feed + i) % stories;
    let (title, body) = body(story, f, i);
    let nav: String = ["Home", "Local", "Business", "Sport", "Weather", "Opinion"]
        .iter()
        .map(|s| format!("<li><a href=\"/{s}\">{s}</a></li>"))
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} | Loopback Ledger</title>\
         <meta property=\"og:site_name\" content=\"Loopback Ledger\">\
         <meta property=\"article:published_time\" content=\"2031-06-0{d}T0{h}:00:00Z\"></head>\
         <body><header><nav><ul>{nav}</ul></nav></header><main><article><h1>{title}</h1>\
         <p class=\"byline\">By the Ledger desk</p>{body}</article>\
         <aside><h2>More from the Ledger</h2><ul><li><a href=\"/x\">Tide tables for the week</a></li>\
         <li><a href=\"/y\">Letters to the editor</a></li></ul></aside></main>\
         <footer><p>Loopback Ledger, a fictional paper for tests. All rights reserved.</p></footer></body></html>",
        d = 1 + story % 9,
        h = i % 10,
    )
}

/// Start the server on a free loopback port (a thread per connection), items
/// with their full text; returns the port.
pub fn serve_feeds(feeds: usize, per_feed: usize) -> u16 {
    serve(feeds, per_feed, false)
}

/// The same with summaries only in the feeds and the text on article pages
/// (`/article/F/I`) that lede fetches and extracts.
#[allow(dead_code)] // used by the benchmark, not by every test
pub fn serve_feeds_with_pages(feeds: usize, per_feed: usize) -> u16 {
    serve(feeds, per_feed, true)
}

fn serve(feeds: usize, per_feed: usize, pages: bool) -> u16 {
    let stories = (feeds * per_feed / 8).max(1);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let pages = pages.then_some(port);
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
                let article = path.strip_prefix("/article/").and_then(|p| {
                    let (f, i) = p.split_once('/')?;
                    Some((f.parse::<usize>().ok()?, i.parse::<usize>().ok()?))
                });
                let (status, ctype, body) = match (feed, article) {
                    (Some(f), _) if f < feeds => (
                        "200 OK",
                        "application/rss+xml",
                        feed_xml(f, per_feed, stories, pages),
                    ),
                    (_, Some((f, i))) if pages.is_some() && f < feeds && i < per_feed => (
                        "200 OK",
                        "text/html; charset=utf-8",
                        article_html(f, i, stories, per_feed),
                    ),
                    _ => ("404 Not Found", "text/plain", String::new()),
                };
                let mut out = &stream;
                let _ = write!(
                    out,
                    "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
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
