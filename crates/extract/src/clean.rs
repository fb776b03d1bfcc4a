//! Post-processing of the main-content extractor's output: boilerplate that
//! rs-trafilatura leaves in (link lists such as "related stories", share bars,
//! bylines and datelines, captions, newsletter and subscription pitches,
//! credit lines, teaser headlines after the article, repeated paragraphs) is
//! removed here.
//!
//! The text itself is rs-trafilatura's (its whitespace handling matters for
//! scripts without spaces); the decisions use two sources:
//! - its content HTML (elements and links kept, attributes dropped):
//!   [`link_list_keys`] finds containers that are lists of links and returns
//!   their lines, which are then removed from the text;
//! - the text lines themselves: [`clean_lines`] drops the headline, long
//!   repeats, bylines, timestamps, captions, short site furniture and a tail
//!   of teaser headlines.
//!
//! When the extractor took the text from JSON-LD `articleBody` there is no
//! page HTML; [`drop_repeated_sentences`] removes the copies such bodies often
//! hold before [`clean_lines`].
//!
//! Written by hand: no maintained crate post-processes extractor output; the
//! rules are small, generic (no site names), and each has a unit test.

use std::collections::HashSet;

use dom_query::{Document, NodeRef};

/// Elements that start a new block of text.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Containers dropped whole when they are link lists (related stories, tag
/// clouds, share and navigation bars). Paragraphs and list items are judged
/// only as part of their container: a single linked paragraph is still prose.
const LINK_LIST_TAGS: &[&str] = &["aside", "div", "dl", "nav", "ol", "section", "table", "ul"];

/// A link list holds at least this many links ...
const MIN_LIST_LINKS: usize = 3;
/// ... that make up at least this share of its letters and digits ...
const MIN_LINK_SHARE: f64 = 0.6;
/// ... with at most this many letters and digits per link on average (link
/// texts are headlines or names, not paragraphs).
const MAX_MEAN_LINK_WEIGHT: usize = 90;

/// The texts (as [`norm_key`]s, one per paragraph, list item or line) of the
/// link lists in the extractor's content HTML.
pub(crate) fn link_list_keys(html: &str) -> HashSet<String> {
    let doc = Document::from(html);
    let mut keys = HashSet::new();
    if let Some(body) = doc.select("body").nodes().first() {
        let half = weight(&body.text()) / 2;
        find_link_lists(body, half, &mut keys);
    }
    keys
}

fn find_link_lists(node: &NodeRef, max_weight: usize, keys: &mut HashSet<String>) {
    for child in node.children_it(false).filter(|c| c.is_element()) {
        let name = child.node_name().map(|n| n.to_ascii_lowercase());
        let name = name.as_deref().unwrap_or("");
        if LINK_LIST_TAGS.contains(&name) && is_link_list(&child, max_weight) {
            let mut lines = Lines::default();
            lines.walk(&child);
            lines.finish();
            keys.extend(lines.done.iter().map(|l| norm_key(l)));
        } else {
            find_link_lists(&child, max_weight, keys);
        }
    }
}

/// Renders an element to lines of text, breaking at block elements and `<br>`.
#[derive(Default)]
struct Lines {
    done: Vec<String>,
    current: String,
}

impl Lines {
    fn finish(&mut self) {
        if !self.current.trim().is_empty() {
            self.done.push(std::mem::take(&mut self.current));
        }
        self.current.clear();
    }

    fn walk(&mut self, node: &NodeRef) {
        for child in node.children_it(false) {
            if child.is_text() {
                self.current.push_str(&child.text());
                continue;
            }
            if !child.is_element() {
                continue;
            }
            let name = child.node_name().map(|n| n.to_ascii_lowercase());
            let name = name.as_deref().unwrap_or("");
            let block = name == "br" || BLOCK_TAGS.contains(&name);
            if block {
                self.finish();
            }
            self.walk(&child);
            if block {
                self.finish();
            }
        }
    }
}

/// Letters and digits in `s` (whitespace and punctuation do not weigh).
fn weight(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphanumeric()).count()
}

/// Whether `node` is a list of links (never a node with more than
/// `max_weight` letters and digits: that is the article itself).
fn is_link_list(node: &NodeRef, max_weight: usize) -> bool {
    let total = weight(&node.text());
    if total == 0 || total > max_weight {
        return false;
    }
    let links: Vec<usize> = node
        .descendants_it()
        .filter(|d| {
            d.is_element()
                && d.node_name().is_some_and(|n| n.eq_ignore_ascii_case("a"))
                // Nested links are counted once, at the outermost.
                && !d
                    .ancestors_it(None)
                    .take_while(|a| a.id != node.id)
                    .any(|a| a.node_name().is_some_and(|n| n.eq_ignore_ascii_case("a")))
        })
        .map(|a| weight(&a.text()))
        .filter(|&w| w > 0)
        .collect();
    let linked: usize = links.iter().sum();
    links.len() >= MIN_LIST_LINKS
        && linked as f64 >= MIN_LINK_SHARE * total as f64
        && linked / links.len() <= MAX_MEAN_LINK_WEIGHT
}

/// The lines of plain text, whitespace collapsed, blank lines left out.
pub(crate) fn lines_of(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// Remove sentences that repeat an earlier one (JSON-LD bodies of some pages
/// hold the article twice). Only sentences of 6+ words count as repeats.
pub(crate) fn drop_repeated_sentences(lines: Vec<String>) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    lines
        .into_iter()
        .filter_map(|line| {
            let mut kept = String::new();
            for sentence in sentences(&line) {
                let key = norm_key(sentence);
                if sentence.split_whitespace().count() >= 6 && !seen.insert(key) {
                    continue;
                }
                if !kept.is_empty() {
                    kept.push(' ');
                }
                kept.push_str(sentence.trim());
            }
            (!kept.is_empty()).then_some(kept)
        })
        .collect()
}

/// Split at sentence ends ('.', '!', '?' followed by a space or an upper-case
/// letter, as in run-together JSON-LD paragraphs "end.Next").
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        let next = chars.get(k + 1).map(|&(_, n)| n);
        if next.is_none_or(|n| n.is_whitespace() || n.is_uppercase()) {
            let end = i + c.len_utf8();
            if !text[start..end].trim().is_empty() {
                out.push(&text[start..end]);
            }
            start = end;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(&text[start..]);
    }
    out
}

/// Lower-case letters and digits only: the key for comparing texts.
fn norm_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Phrases that mark a short block as site furniture rather than article text
/// (matched case-insensitively on blocks of at most [`FURNITURE_MAX_WORDS`] words).
const FURNITURE_PHRASES: &[&str] = &[
    "sign up for our",
    "sign up to our",
    "subscribe to our",
    "our newsletter",
    "newsletters",
    "follow us",
    "all rights reserved",
    "click here",
    "read more:",
    "related:",
    "see also:",
    "you may also like",
    "you might also like",
    "you may also be interested",
    "recommended for you",
    "don't miss",
    "affiliate link",
    "may earn a commission",
    "reporting by",
    "editing by",
    "contributed to this report",
    "share this",
    "download the app",
    "requires javascript",
    "enable javascript",
    "protected by recaptcha",
    "share it with a friend",
];

/// Longest block (in words) that a furniture phrase can condemn.
const FURNITURE_MAX_WORDS: usize = 30;

/// A paragraph of at least this many letters and digits that appeared
/// before is a copy (mobile and desktop versions, pull quotes); shorter
/// repeats can be list items or refrains and stay.
const MIN_REPEAT_WEIGHT: usize = 100;

/// Keep the lines that look like article text: not the headline (`title`),
/// not part of a link list (`link_lists`, from [`link_list_keys`]), not a
/// long repeat, byline or short piece of site furniture.
pub(crate) fn clean_lines(
    lines: Vec<String>,
    title: Option<&str>,
    link_lists: &HashSet<String>,
) -> Vec<String> {
    let title_key = title.map(norm_key).filter(|k| !k.is_empty());
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    // After a "Tags" label, the keyword list that follows goes too.
    let mut after_tags_label = false;
    for line in lines {
        let key = norm_key(&line);
        let tags_label = is_label(&key, TAGS_LABELS);
        let tags_list = after_tags_label && is_keyword_list(&line);
        after_tags_label = tags_label;
        if key.is_empty()
            || title_key.as_deref() == Some(key.as_str())
            || link_lists.contains(&key)
            || (key.chars().count() >= MIN_REPEAT_WEIGHT && !seen.insert(key.clone()))
            || tags_list
            || tags_label
            || is_label(&key, AD_LABELS)
            || is_byline_or_dateline(&line)
            || is_caption(&line)
            || is_timestamp(&line)
            || is_furniture(&line)
            || is_field_line(&line)
            || is_shortcode(&line)
            || is_tagged_teaser(&line)
            || is_follow_pitch(&line)
            || is_shouted_teaser(&line)
        {
            continue;
        }
        out.push(line);
    }
    trim_contact_tail(&mut out);
    trim_teaser_tail(&mut out);
    out
}

/// Lines that only say "tags" (in a few languages), as `norm_key` has them.
const TAGS_LABELS: &[&str] = &[
    "tags",
    "tag",
    "etiquetas",
    "schlagworte",
    "schlagwörter",
    "motsclés",
    "parolechiave",
];

/// Lines that only mark an advertisement slot.
const AD_LABELS: &[&str] = &[
    "advert",
    "advertisement",
    "advertising",
    "sponsored",
    "anzeige",
    "werbung",
    "publicidade",
    "publicidad",
    "publicité",
    "pubblicità",
    "reklama",
    "sponsoredlinks",
    "sponsoredcontent",
    // section labels left without their section
    "source",
    "sources",
    "more",
    "abouttheauthor",
];

fn is_label(key: &str, labels: &[&str]) -> bool {
    labels.contains(&key)
}

/// "red kite, hill farms, upland birds, wind farms": a list of short
/// comma-separated keywords, no sentence.
fn is_keyword_list(line: &str) -> bool {
    let items: Vec<&str> = line.split([',', ';', '|']).map(str::trim).collect();
    items.len() >= 2
        && items
            .iter()
            .all(|i| !i.is_empty() && i.split_whitespace().count() <= 6)
        && !line.trim_end().ends_with(['.', '!', '?'])
}

/// "12/03/2031 - Posted by: Ann Lee - Section: Health - Tags: clinics": two or
/// more "Label: value" fields strung together, the metadata row of a post.
fn is_field_line(line: &str) -> bool {
    if line.split_whitespace().count() > 25 {
        return false;
    }
    let fields = line
        .split([' ', '|'])
        .filter(|w| {
            w.len() > 1
                && w.ends_with(':')
                && w.chars().next().is_some_and(char::is_alphabetic)
                && w[..w.len() - 1].chars().all(char::is_alphabetic)
        })
        .count();
    let separated = line.contains(" - ") || line.contains(" | ") || line.contains(" · ");
    fields >= 2 && separated
}

/// A CMS shortcode that leaked into the text: `[button link="..."]Send[/button]`.
fn is_shortcode(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('[')
        && t.contains("[/")
        && t[1..].split([' ', ']']).next().is_some_and(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// "Ferry fares rise again [VIDEO]", "Council split on budget [ INSIGHT]|",
/// "Quay cam review: a week of gulls [Video]": a headline of another story
/// tagged with a label in brackets (upper-case, or one capitalised word).
fn is_tagged_teaser(line: &str) -> bool {
    let t = line.trim().trim_end_matches(['|', ' ']);
    if t.split_whitespace().count() > 20 || !t.ends_with(']') {
        return false;
    }
    let Some(open) = t.rfind('[') else {
        return false;
    };
    let label = t[open + 1..t.len() - 1].trim();
    let upper = label.len() >= 3
        && label.chars().all(|c| c.is_uppercase() || c == ' ')
        && label.chars().any(char::is_alphabetic);
    let one_word = label.len() >= 4
        && label.chars().next().is_some_and(char::is_uppercase)
        && label.chars().skip(1).all(char::is_lowercase);
    upper || one_word
}

/// Social networks a "follow" line names.
const NETWORKS: &[&str] = &[
    "twitter",
    "facebook",
    "instagram",
    "youtube",
    "tiktok",
    "linkedin",
    "bluesky",
    "mastodon",
];

/// "Follow the Ledger on Facebook and Instagram.": a pitch, not news.
fn is_follow_pitch(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    lower.split_whitespace().count() <= 30
        && lower.starts_with("follow ")
        && NETWORKS.iter().any(|n| lower.contains(n))
}

/// "GULLS TAKE OVER THE QUAY AS FERRY FARES RISE AGAIN": a long line all in
/// capitals is another story's teaser (sub-headings are shorter).
fn is_shouted_teaser(line: &str) -> bool {
    line.split_whitespace().count() >= 7
        && line.chars().any(char::is_alphabetic)
        && !line.chars().any(char::is_lowercase)
}

/// Phone labels, as words before a number in a site's contact footer.
const PHONE_LABELS: &[&str] = &[
    "tel",
    "tel.",
    "tel:",
    "phone",
    "phone:",
    "fone",
    "fone:",
    "telefone",
    "telefone:",
    "telefon",
    "telefon:",
    "fax",
    "fax:",
    "téléphone",
    "teléfono",
];

/// Lines after the last paragraph of prose that give a phone number (a label
/// such as "Tel:" followed by digits): the publisher's address block.
fn trim_contact_tail(lines: &mut Vec<String>) {
    let Some(last_prose) = lines.iter().rposition(|l| is_prose(l) && !is_contact(l)) else {
        return;
    };
    let mut i = last_prose + 1;
    while i < lines.len() {
        if is_contact(&lines[i]) {
            lines.remove(i);
        } else {
            i += 1;
        }
    }
}

fn is_contact(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    words.len() <= 40
        && words.windows(2).any(|w| {
            PHONE_LABELS.contains(&w[0].to_lowercase().as_str())
                && w[1].chars().filter(char::is_ascii_digit).count() >= 2
        })
}

/// Lines after the last paragraph of prose that are all short headlines (no
/// full stop) are teasers of other stories ("Who won the vote in 2020?",
/// "Fans want the band back"): dropped when they are a small part of the text.
fn trim_teaser_tail(lines: &mut Vec<String>) {
    let Some(last_prose) = lines.iter().rposition(|l| is_prose(l)) else {
        return;
    };
    let tail = &lines[last_prose + 1..];
    if tail.is_empty() || !tail.iter().all(|l| is_headline_like(l)) {
        return;
    }
    let tail_weight: usize = tail.iter().map(|l| weight(l)).sum();
    let total: usize = lines.iter().map(|l| weight(l)).sum();
    if tail_weight * 5 <= total {
        lines.truncate(last_prose + 1);
    }
}

/// A line of prose: eight or more words ending like a sentence.
fn is_prose(line: &str) -> bool {
    line.split_whitespace().count() >= 8
        && line
            .trim_end()
            .ends_with(['.', '!', '"', '\u{201d}', '\u{2019}', '\'', ')', '\u{3002}'])
}

/// A short line that does not end in a full stop or colon.
fn is_headline_like(line: &str) -> bool {
    line.split_whitespace().count() <= 12 && !line.trim_end().ends_with(['.', ':', ';', ','])
}

/// A short line holding a clock time or an all-numeric date ("20 Nov, 2019
/// 05:47", "Updated: Sat 8:31 PM", "2019-04-10"): a dateline, not article text.
fn is_timestamp(line: &str) -> bool {
    line.split_whitespace().count() <= 8 && has_date_or_time(line)
}

/// "By Jane Doe - 2019-04-10", "By Jane Doe and John Roe | Updated 5:01 PM":
/// a short block that starts with "By " followed by a capitalised name.
fn is_byline_or_dateline(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() > 14 {
        return false;
    }
    let starts_by = words
        .first()
        .is_some_and(|w| w.eq_ignore_ascii_case("by") || w.eq_ignore_ascii_case("por"));
    let then_name = words
        .get(1)
        .and_then(|w| w.chars().next())
        .is_some_and(char::is_uppercase);
    let no_sentence = !text.trim_end().ends_with(['.', '!', '?']) || has_date_or_time(text);
    starts_by && then_name && no_sentence
}

/// Whether `text` holds a clock time ("8:31", "05:47") or an all-numeric date
/// of three parts ("2019-04-10", "10/04/2019", "10.04.19").
fn has_date_or_time(text: &str) -> bool {
    let b = text.as_bytes();
    let clock = b.windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    });
    clock
        || text
            .split(|c: char| c.is_whitespace() || c == ',' || c == '|')
            .any(is_numeric_date)
}

/// "2019-04-10", "10/04/2019", "10.04.19": three groups of 1-4 digits joined
/// by the same separator, one of them a year of 2 or 4 digits.
fn is_numeric_date(word: &str) -> bool {
    ['-', '/', '.'].iter().any(|&sep| {
        let parts: Vec<&str> = word.split(sep).collect();
        parts.len() == 3
            && parts
                .iter()
                .all(|p| (1..=4).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()))
            && parts.iter().any(|p| p.len() == 4 || p.len() == 2)
    })
}

/// Markers of a photo caption or credit line (matched case-insensitively).
const CAPTION_MARKERS: &[&str] = &["©", "(credit", "photo:", "image:", "getty images"];

/// A short line with a photo credit: a caption that the extractor kept.
fn is_caption(text: &str) -> bool {
    if text.split_whitespace().count() > FURNITURE_MAX_WORDS {
        return false;
    }
    let lower = text.to_lowercase();
    CAPTION_MARKERS.iter().any(|m| lower.contains(m))
}

/// A short block holding a phrase of site furniture (newsletter pitches,
/// follow-us lines, copyright and credit lines).
fn is_furniture(text: &str) -> bool {
    if text.split_whitespace().count() > FURNITURE_MAX_WORDS {
        return false;
    }
    let lower = text.to_lowercase();
    FURNITURE_PHRASES.iter().any(|p| lower.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(ls: &[&str]) -> Vec<String> {
        ls.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn link_lists_are_found_but_linked_words_in_prose_are_not() {
        let keys = link_list_keys(
            "<div><p>The mayor of <a>Eastbrook</a> opened the new footbridge over the river \
             on a windy Thursday morning, and said the crossing would stay open all winter \
             for walkers and for cyclists who push their bikes.</p>\
             <div>You may also like<ul><li><a>Ferry fares rise again</a></li>\
             <li><a>Dredging starts at the north quay</a></li>\
             <li><a>Market hall gets a new roof</a></li></ul></div></div>",
        );
        let mut got: Vec<&str> = keys.iter().map(String::as_str).collect();
        got.sort();
        assert_eq!(
            got,
            [
                "dredgingstartsatthenorthquay",
                "ferryfaresriseagain",
                "markethallgetsanewroof",
                "youmayalsolike"
            ]
        );
    }

    #[test]
    fn a_paragraph_of_links_is_not_a_list() {
        // Two links only, and the container is most of the content: kept.
        let keys = link_list_keys(
            "<div><p><a>Read the council's report</a> and <a>the engineers' survey</a>.</p></div>",
        );
        assert!(keys.is_empty(), "{keys:?}");
    }

    #[test]
    fn repeated_sentences_go() {
        let out = drop_repeated_sentences(lines(&[
            "The council met on Monday to vote on the bridge.It passed easily.",
            "The council met on Monday to vote on the bridge. Work starts soon.",
        ]));
        assert_eq!(
            out,
            [
                "The council met on Monday to vote on the bridge. It passed easily.",
                "Work starts soon."
            ]
        );
    }

    #[test]
    fn boilerplate_lines_are_removed() {
        let long = "The footbridge opened to walkers on Friday after two years of work, \
                    and the first to cross were pupils from the school on the far bank.";
        let input = lines(&[
            "Bridge opens at last",
            "By Mara Quill - 2024-05-03 08:15",
            "Updated: Fri 9:40 AM",
            long,
            "The new deck at dusk. Photo: Ana Bell",
            "Sign up for our morning newsletter.",
            "By the evening hundreds had crossed it, many of them twice.",
            long,
            "Ferry fares rise again",
            "Reporting by Tomas Reed; editing by Ana Bell",
        ]);
        let link_lists: HashSet<String> = [norm_key("Ferry fares rise again")].into();
        assert_eq!(
            clean_lines(input, Some("Bridge opens at last"), &link_lists),
            [
                long,
                "By the evening hundreds had crossed it, many of them twice."
            ]
        );
    }

    #[test]
    fn short_repeats_and_lists_stay() {
        let input = lines(&[
            "Mix one cup of flour with the water and leave it to rest for an hour.",
            "1 cup flour",
            "1 cup flour",
            "Bake it for twenty minutes in a hot oven until the crust is brown.",
        ]);
        assert_eq!(clean_lines(input.clone(), None, &HashSet::new()), input);
    }

    #[test]
    fn teaser_tail_is_trimmed_only_when_small() {
        let prose = "The band will start its tour in the spring and play twenty towns \
                     along the coast before ending at home in the autumn.";
        let mut with_tail = lines(&[prose, prose, prose, "Who will headline the fair?"]);
        with_tail[1].push_str(" More dates follow.");
        with_tail[2].push_str(" Tickets go on sale soon.");
        let out = clean_lines(with_tail.clone(), None, &HashSet::new());
        assert_eq!(out, with_tail[..3]);

        // A list after a single short paragraph is most of the text: kept.
        let list = lines(&[
            "The fixtures for the season were published on Monday by the league office.",
            "Round 1 Eastbrook v Millbrook",
            "Round 2 Riverton v Eastbrook",
            "Round 3 Millbrook v Riverton",
            "Round 4 Eastbrook v Riverton",
        ]);
        assert_eq!(clean_lines(list.clone(), None, &HashSet::new()), list);
    }

    #[test]
    fn dates_and_times() {
        assert!(has_date_or_time("Posted 2019-04-10"));
        assert!(has_date_or_time("at 8:31 PM"));
        assert!(has_date_or_time("10/04/2019"));
        assert!(!has_date_or_time("won 53-9 at home"));
        assert!(!has_date_or_time("a 3.5 metre wall"));
    }

    #[test]
    fn long_prose_mentioning_a_phrase_stays() {
        let text = "Residents who sign up for our water board's alerts were warned on Sunday, \
                    and by Monday morning the council had opened two shelters near the school, \
                    the library and the old mill for families whose homes were flooded overnight.";
        assert!(!is_furniture(text));
        assert!(is_furniture("Subscribe to our newsletter"));
    }

    const PROSE: &str = "The harbour board of Eastbrook agreed on Tuesday to dredge the north channel before the autumn storms arrive.";

    #[test]
    fn post_metadata_tags_and_ad_slots_go() {
        let got = clean_lines(
            lines(&[
                "12/03/2031 - Posted by: Ann Lee - Section: Harbour - Tags: dredging",
                "Advertisement",
                PROSE,
                "Tags",
                "dredging, north channel, harbour board",
                "The work will take six weeks, the board said, and the ferry will keep running.",
            ]),
            None,
            &HashSet::new(),
        );
        assert_eq!(
            got,
            lines(&[
                PROSE,
                "The work will take six weeks, the board said, and the ferry will keep running."
            ])
        );
        // A list in the article, not after a label, stays.
        let list = "Eggs, flour, butter, milk";
        assert_eq!(
            clean_lines(lines(&[list, PROSE]), None, &HashSet::new()).len(),
            2
        );
        // One "Label: value" is a sentence's business, not a metadata row.
        let one = "Update: the board met again on Friday and kept its plan for the channel.";
        assert_eq!(
            clean_lines(lines(&[PROSE, one]), None, &HashSet::new()).len(),
            2
        );
    }

    #[test]
    fn shortcodes_and_tagged_teasers_go() {
        let got = clean_lines(
            lines(&[
                PROSE,
                "[button link=\"https://ledger.example/send\" type=\"big\"] Send us your photos[/button]",
                "Ferry fares rise again [VIDEO]",
                "Council split on dredging plan [ INSIGHT]|",
                "This slideshow requires JavaScript.",
            ]),
            None,
            &HashSet::new(),
        );
        assert_eq!(got, lines(&[PROSE]));
        // Brackets in prose, or a lower-case note, stay.
        let keep = "The mayor [who spoke first] said the plan was sound and the money was there.";
        let note = "Boats wait at the quay [photo]";
        assert_eq!(
            clean_lines(lines(&[keep, note, PROSE]), None, &HashSet::new()).len(),
            3
        );
    }

    #[test]
    fn contact_block_after_the_article_goes() {
        let footer = "Eastbrook Ledger - Quay Street 4 - Eastbrook - Tel: (012) 3456-7890";
        let got = clean_lines(lines(&[PROSE, footer]), None, &HashSet::new());
        assert_eq!(got, lines(&[PROSE]));
        // Inside the article, a number to call is news.
        let inside = "Residents can call the board on Tel: 0800 123 456 until Friday.";
        let got = clean_lines(lines(&[inside, PROSE]), None, &HashSet::new());
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn follow_pitches_and_shouted_teasers_go() {
        let got = clean_lines(
            lines(&[
                PROSE,
                "Follow the Ledger on Facebook, Instagram and YouTube.",
                "GULLS TAKE OVER THE QUAY AS FERRY FARES RISE AGAIN",
                "Quay cam review: a week of gulls [Video]",
                "Sponsored links",
                "The ferry will keep running while the dredgers work, the board said on Tuesday.",
            ]),
            None,
            &HashSet::new(),
        );
        assert_eq!(
            got,
            lines(&[
                PROSE,
                "The ferry will keep running while the dredgers work, the board said on Tuesday."
            ])
        );
        // A short capitalised sub-heading, a sentence about following a
        // road, and an address inside a sentence stay.
        let keep = lines(&[
            "WHAT THE BOARD DECIDED",
            "Follow the river north and you reach the new quay, which opened in May.",
            "The plans are online at https://board.example/plans for anyone to read in full.",
            PROSE,
        ]);
        assert_eq!(clean_lines(keep.clone(), None, &HashSet::new()), keep);
    }
}
