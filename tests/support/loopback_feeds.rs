//! A loopback feed server of fictional articles, shared by the multi-worker
//! test and the workers benchmark: `feeds` RSS feeds at `/feed/N.xml`, each of
//! `per_feed` items with full text (long enough that no page is fetched), about
//! `feeds * per_feed / 8` distinct events in all, eight articles each. Anything else is a 404, robots.txt
//! included.

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

/// RSS for feed `f`.
fn feed_xml(f: usize, per_feed: usize, stories: usize) -> String {
    let mut items = String::new();
    for i in 0..per_feed {
        let story = (f * per_feed + i) % stories;
        let (title, body) = body(story, f, i);
        items.push_str(&format!(
            "<item><title>{title}</title>\
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
