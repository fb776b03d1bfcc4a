//! Extraction on hand-written fixture pages (fictional outlets and events).

use chrono::{TimeZone, Utc};
use lede_extract::{extract, ExtractError};
use lede_model::Document;

fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

fn html_doc(url: &str, name: &str) -> Document {
    Document {
        url: url.into(),
        html: Some(fixture(name)),
        ..Default::default()
    }
}

#[test]
fn json_ld_metadata_and_boilerplate_removed() {
    let doc = html_doc("https://www.eastbrook-herald.example/x?id=7", "jsonld.html");
    let a = extract(&doc).unwrap();
    assert_eq!(
        a.title,
        "Council approves new footbridge over the Eastbrook river"
    );
    assert_eq!(a.byline.as_deref(), Some("Mara Quill, Tomas Reed"));
    assert_eq!(
        a.published,
        Some(Utc.with_ymd_and_hms(2024, 5, 3, 8, 15, 0).unwrap())
    );
    // og:site_name is preferred for the outlet.
    assert_eq!(a.outlet, "Eastbrook Herald Online");
    assert_eq!(a.language.as_deref(), Some("en"));
    assert_eq!(
        a.canonical_url.as_deref(),
        Some("https://www.eastbrook-herald.example/news/2024/05/footbridge-approved")
    );
    assert!(
        a.text.contains("voted nine to two on Thursday evening"),
        "{}",
        a.text
    );
    assert!(a.text.contains("safe crossing for children"));
    // Paragraphs separated by blank lines; headline not repeated as a paragraph.
    assert!(a.text.split("\n\n").count() >= 4, "{}", a.text);
    assert!(!a.text.starts_with("Council approves"), "{}", a.text);
    // Boilerplate is not in the text.
    for junk in ["cookies", "Copyright", "All rights reserved", "Weather"] {
        assert!(!a.text.contains(junk), "{junk:?} in {}", a.text);
    }
    assert!(a.sentences.is_empty());
    assert_eq!(a.url, doc.url);
}

#[test]
fn opengraph_metadata() {
    let doc = Document {
        title: Some("Feed title that should lose".into()),
        outlet: Some("Feed outlet".into()),
        ..html_doc("https://millbrook-courier.example/t/1", "opengraph.html")
    };
    let a = extract(&doc).unwrap();
    assert_eq!(a.title, "Night train to Valdera returns after a decade");
    assert_eq!(a.outlet, "The Millbrook Courier");
    assert_eq!(a.byline.as_deref(), Some("Dana Ortolan"));
    assert_eq!(
        a.published,
        Some(Utc.with_ymd_and_hms(2023, 11, 20, 6, 30, 0).unwrap())
    );
    assert_eq!(
        a.canonical_url.as_deref(),
        Some("https://millbrook-courier.example/travel/night-train-valdera")
    );
    assert_eq!(a.language.as_deref(), Some("en"));
    assert!(a.text.contains("sleeper service between Millbrook"));
}

#[test]
fn plain_meta_and_host_outlet() {
    let doc = html_doc(
        "https://www.riverton-gazette.example/2022/08/quota",
        "plainmeta.html",
    );
    let a = extract(&doc).unwrap();
    // The <title> suffix matches the host, so it names the outlet.
    assert_eq!(a.outlet, "Riverton Gazette");
    assert_eq!(a.title, "Harbour fishermen protest new quota rules");
    assert_eq!(a.byline.as_deref(), Some("Petra Lindqvist"));
    assert_eq!(
        a.published,
        Some(Utc.with_ymd_and_hms(2022, 8, 14, 16, 45, 0).unwrap())
    );
    assert!(a.canonical_url.is_none());
    // Detected language.
    assert_eq!(a.language.as_deref(), Some("en"));

    // Without a matching suffix the outlet is the host name.
    let doc = Document {
        url: "https://news.other-host.example/q".into(),
        ..doc
    };
    let a = extract(&doc).unwrap();
    assert_eq!(a.outlet, "news.other-host.example");
    assert_eq!(
        a.title,
        "Harbour fishermen protest new quota rules - Riverton Gazette"
    );
}

#[test]
fn time_element_date_and_source_fallbacks() {
    let doc = Document {
        byline: Some("Lakeside Times staff".into()),
        published: Some(Utc.with_ymd_and_hms(2021, 3, 11, 0, 0, 0).unwrap()),
        outlet: Some("Lakeside Times".into()),
        ..html_doc("file:///data/pages/library.html", "time.html")
    };
    let a = extract(&doc).unwrap();
    assert_eq!(a.title, "Library reopens after flood repairs");
    // The page's own <time class=published> wins over the source's date.
    assert_eq!(
        a.published,
        Some(Utc.with_ymd_and_hms(2021, 3, 9, 13, 0, 0).unwrap())
    );
    assert_eq!(a.outlet, "Lakeside Times");
    assert_eq!(a.byline.as_deref(), Some("Lakeside Times staff"));
    assert!(a.text.contains("swollen Alder creek"));
}

#[test]
fn source_date_used_when_page_has_none() {
    let when = Utc.with_ymd_and_hms(2022, 8, 1, 12, 0, 0).unwrap();
    let html = fixture("opengraph.html").replace("article:published_time", "x-none");
    let doc = Document {
        url: "https://millbrook-courier.example/t/1".into(),
        html: Some(html),
        published: Some(when),
        ..Default::default()
    };
    assert_eq!(extract(&doc).unwrap().published, Some(when));
}

#[test]
fn page_without_article_is_no_text() {
    let doc = html_doc("https://eastbrook-herald.example/", "noarticle.html");
    let err = extract(&doc).unwrap_err();
    assert!(matches!(err, ExtractError::NoText { .. }), "{err:?}");
    assert!(err.to_string().contains("no article text"));
}

#[test]
fn feed_summary_is_fallback_for_empty_page() {
    let doc = Document {
        text: Some("A short summary from the feed.".into()),
        title: Some("Summary title".into()),
        ..html_doc("https://eastbrook-herald.example/", "noarticle.html")
    };
    let a = extract(&doc).unwrap();
    assert_eq!(a.text, "A short summary from the feed.");
}

#[test]
fn all_script_page_is_no_text() {
    let mut html = String::from("<html><head></head><body>");
    for i in 0..2000 {
        html.push_str(&format!("<script>var x{i} = '<p>not text</p>';</script>"));
    }
    html.push_str("</body></html>");
    let doc = Document {
        url: "https://x.example/".into(),
        html: Some(html),
        ..Default::default()
    };
    assert!(matches!(extract(&doc), Err(ExtractError::NoText { .. })));
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    // Run on a small (2 MiB) stack, like a tokio worker or test thread.
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut html = String::from("<html><body>");
            for _ in 0..100_000 {
                html.push_str("<div>");
            }
            html.push_str(
                "<p>The deepest paragraph holds the only words on this page, and there are \
                 enough of them to look like a short article about a village fair that \
                 drew a large crowd despite the rain on Saturday afternoon.</p>",
            );
            for _ in 0..100_000 {
                html.push_str("</div>");
            }
            html.push_str("</body></html>");
            let doc = Document {
                url: "https://x.example/deep".into(),
                html: Some(html),
                ..Default::default()
            };
            extract(&doc)
        })
        .unwrap();
    let res = handle.join().expect("no panic or overflow");
    match res {
        Ok(a) => assert!(a.text.contains("village fair"), "{}", a.text),
        Err(e) => assert!(matches!(e, ExtractError::NoText { .. }), "{e}"),
    }
}

#[test]
fn huge_page_is_capped() {
    let mut html = String::from("<html><body><article>");
    let para = "<p>Residents of the valley gathered on the green to hear the results of the vote on the new school building.</p>";
    while html.len() < 6 * 1024 * 1024 {
        html.push_str(para);
    }
    let doc = Document {
        url: "https://x.example/huge".into(),
        html: Some(html),
        ..Default::default()
    };
    // Must finish without panicking; the text comes from the first 5 MB.
    let a = extract(&doc).unwrap();
    assert!(a.text.len() <= lede_extract::MAX_HTML_BYTES);
}

#[test]
fn plain_text_document() {
    let doc = Document {
        url: "t17://flood_bbc/2024-05-03/1".into(),
        text: Some("  Le conseil municipal a voté jeudi soir la construction d'une passerelle.\nLes travaux commenceront à l'automne   et dureront dix-huit mois.\n\n\n Les opposants demandent d'abord la réparation de la digue. ".into()),
        outlet: Some("BBC".into()),
        published: Some(Utc.with_ymd_and_hms(2024, 5, 3, 0, 0, 0).unwrap()),
        ..Default::default()
    };
    let a = extract(&doc).unwrap();
    assert_eq!(
        a.text,
        "Le conseil municipal a voté jeudi soir la construction d'une passerelle.\nLes travaux commenceront à l'automne et dureront dix-huit mois.\n\nLes opposants demandent d'abord la réparation de la digue."
    );
    assert_eq!(
        a.title,
        "Le conseil municipal a voté jeudi soir la construction d'une passerelle."
    );
    assert_eq!(a.outlet, "BBC");
    assert_eq!(a.language.as_deref(), Some("fr"));
    assert_eq!(a.published, doc.published);
}

#[test]
fn empty_inputs() {
    let doc = Document {
        url: "u".into(),
        ..Default::default()
    };
    assert!(matches!(extract(&doc), Err(ExtractError::Empty { .. })));
    let doc = Document {
        url: "u".into(),
        text: Some(" \n ".into()),
        ..Default::default()
    };
    assert!(matches!(extract(&doc), Err(ExtractError::NoText { .. })));
}

#[test]
fn garbage_does_not_panic() {
    for html in [
        "<",
        "<<<>>>",
        "<html",
        "</div></div></p>",
        "<script>",
        "<!--",
        "\u{0}\u{1}<p>\u{feff}",
        "<meta property=og:title content=\"x\"><script type=application/ld+json>{{{</script>",
    ] {
        let doc = Document {
            url: "https://x.example/".into(),
            html: Some(html.into()),
            ..Default::default()
        };
        let _ = extract(&doc);
    }
}

#[test]
fn dublin_core_meta_with_time_zone_and_language() {
    let doc = html_doc(
        "https://hafenblatt-lindholm.example/a?id=3",
        "dublincore.html",
    );
    let a = extract(&doc).unwrap();
    assert_eq!(a.title, "Neue Fähre für den Nordsee-Hafen");
    assert_eq!(a.byline.as_deref(), Some("Jana Brösel"));
    // 09:30 at +02:00 is 07:30 UTC.
    assert_eq!(
        a.published,
        Some(Utc.with_ymd_and_hms(2023, 6, 2, 7, 30, 0).unwrap())
    );
    assert_eq!(a.outlet, "Hafenblatt Lindholm");
    assert_eq!(a.language.as_deref(), Some("de"));
    assert_eq!(
        a.canonical_url.as_deref(),
        Some("https://hafenblatt-lindholm.example/lokales/neue-faehre")
    );
    assert!(a.text.contains("Hybridantrieb"), "{}", a.text);
    assert!(!a.text.contains("Alle Rechte"), "{}", a.text);
}

#[test]
fn related_links_bylines_and_captions_are_not_article_text() {
    let html = r#"<html><head><title>Storm floods the old town</title></head><body>
<article>
<h1>Storm floods the old town</h1>
<p>By Rosa Kettle | 12:40</p>
<p>Heavy rain on Tuesday night flooded the lower streets of Eastbrook's old town, and the fire brigade pumped water out of forty cellars before dawn.</p>
<figure><img src="a.jpg"><figcaption>Water in Mill Lane on Tuesday. Photo: Ivo Marsh</figcaption></figure>
<p>The river rose by almost two metres in six hours, the highest level recorded at the weir since the new gauge was installed a decade ago.</p>
<p>The council said temporary barriers would stay on the quay until the weekend, and asked residents to keep away from the embankment paths.</p>
<div class="related"><h3>More from the Herald</h3><ul>
<li><a href="/1">Weir repairs delayed again</a></li>
<li><a href="/2">Fire brigade gets a new pump</a></li>
<li><a href="/3">Old town traders count the cost</a></li>
<li><a href="/4">Rain record broken in March</a></li>
</ul></div>
</article></body></html>"#;
    let doc = Document {
        url: "https://eastbrook-herald.example/storm".into(),
        html: Some(html.into()),
        ..Default::default()
    };
    let a = extract(&doc).unwrap();
    assert!(a.text.contains("forty cellars"), "{}", a.text);
    assert!(a.text.contains("embankment paths"), "{}", a.text);
    for junk in [
        "Rosa Kettle",
        "Photo: Ivo Marsh",
        "Weir repairs",
        "Rain record",
    ] {
        assert!(!a.text.contains(junk), "{junk:?} in {}", a.text);
    }
}

#[test]
fn invalid_utf8_bytes_do_not_panic() {
    let mut bytes = b"<html><body><p>".to_vec();
    bytes.extend_from_slice(&[
        0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28,
    ]);
    bytes.extend_from_slice(
        b" The ferry sailed at noon with ninety passengers and two lorries aboard, \
          despite the strong wind over the estuary that morning.</p></body></html>",
    );
    let doc = Document {
        url: "https://x.example/bytes".into(),
        html: Some(String::from_utf8_lossy(&bytes).into_owned()),
        ..Default::default()
    };
    let a = extract(&doc).unwrap();
    assert!(a.text.contains("ninety passengers"), "{}", a.text);
}

#[test]
fn fifty_megabyte_page_is_capped() {
    let para = "<div><p>Stall holders at the Sunday market on the quay sold out of strawberries \
                before ten o'clock for the third week running.</p></div>";
    let html = para.repeat(50 * 1024 * 1024 / para.len() + 1);
    assert!(html.len() >= 50 * 1024 * 1024);
    let doc = Document {
        url: "https://x.example/fifty".into(),
        html: Some(html),
        ..Default::default()
    };
    // Only the first MAX_HTML_BYTES are parsed, so memory stays bounded.
    let a = extract(&doc).unwrap();
    assert!(a.text.len() <= lede_extract::MAX_HTML_BYTES);
    assert!(a.text.contains("strawberries"));
}

#[test]
fn text_after_megabytes_of_inline_script_is_kept() {
    // Scripts are slimmed away before the parsers' cap applies, so a page
    // whose first 6 MB are an inline bundle still gives its article.
    let bundle = format!(
        "<script>var state = \"{}\";</script>",
        "x".repeat(6 * 1024 * 1024)
    );
    let html = format!(
        "<html><head><title>Quay market sells out</title>{bundle}</head><body><article>\
         <h1>Quay market sells out</h1>\
         <p>Stall holders at the Sunday market on the quay sold out of strawberries before ten \
         o'clock for the third week running, and the harbour master asked for more stalls.</p>\
         <p>The market committee said it would open a second row of stalls by the fish hall \
         next month, after traders queued from dawn for a pitch.</p></article></body></html>"
    );
    let doc = Document {
        url: "https://x.example/quay".into(),
        html: Some(html),
        ..Default::default()
    };
    let a = extract(&doc).unwrap();
    assert!(a.text.contains("strawberries"), "{}", a.text);
    assert!(!a.text.contains("xxxx"));
}
