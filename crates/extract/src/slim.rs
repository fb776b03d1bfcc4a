//! Page slimming before parsing: scripts (all but JSON-LD), styles, inline
//! SVG, templates, `noscript` fallbacks, iframes and comments carry no
//! article text (trafilatura's cleaning removes them all too), yet on news
//! pages they are most of the bytes (63% of the extraction benchmark's
//! pages). The text
//! extractor parses a page several times over (it keeps copies of the tree by
//! serialising and re-parsing it), so every byte left out is saved many
//! times. The streaming rewriter `lol_html` drops them in one pass without
//! building a tree.

use lol_html::html_content::{Comment, Element};
use lol_html::{comments, element, rewrite_str, RewriteStrSettings};

/// `html` without the elements and comments that never hold article text;
/// the page unchanged when the rewriter refuses it (it then reaches the
/// parsers as it came).
pub(crate) fn slim(html: &str) -> std::borrow::Cow<'_, str> {
    let drop_element = |el: &mut Element| {
        el.remove();
        Ok(())
    };
    let drop_script = |el: &mut Element| {
        // JSON-LD holds the article's metadata and sometimes its body.
        let json_ld = el
            .get_attribute("type")
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
        if !json_ld {
            el.remove();
        }
        Ok(())
    };
    let drop_comment = |c: &mut Comment| {
        c.remove();
        Ok(())
    };
    // Not strict: on markup whose parse is ambiguous without a tree the
    // rewriter goes on (it only removes elements) instead of giving up.
    let settings = RewriteStrSettings::new()
        .with_strict(false)
        .append_element_content_handler(element!("script", drop_script))
        .append_element_content_handler(element!(
            "style, svg, template, noscript, iframe",
            drop_element
        ))
        .append_element_content_handler(comments!("*", drop_comment));
    match rewrite_str(html, settings) {
        Ok(s) => std::borrow::Cow::Owned(s),
        Err(_) => std::borrow::Cow::Borrowed(html),
    }
}

#[cfg(test)]
mod tests {
    use super::slim;

    #[test]
    fn drops_code_and_keeps_text_and_json_ld() {
        let page = "<html><head><style>p{color:red}</style>\
            <script>var ads = \"<p>not text</p>\";</script>\
            <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script></head>\
            <body><!-- tracking --><svg><text>icon</text></svg>\
            <p>The ferry Marten ran aground.</p><template><p>later</p></template>\
            <noscript><p>enable scripts</p></noscript><iframe src=\"/ad\">frame</iframe></body></html>";
        let out = slim(page);
        assert!(
            out.contains("<p>The ferry Marten ran aground.</p>"),
            "{out}"
        );
        assert!(out.contains("NewsArticle"), "{out}");
        for gone in [
            "color:red",
            "not text",
            "tracking",
            "icon",
            "later",
            "enable scripts",
            "frame",
        ] {
            assert!(!out.contains(gone), "{gone} left in {out}");
        }
    }

    #[test]
    fn broken_markup_passes_through() {
        let page = "<p>Unclosed <b>bold <script>if (a < b) {";
        let out = slim(page);
        assert!(out.contains("Unclosed"), "{out}");
        assert!(!out.contains("if (a"), "{out}");
    }
}
