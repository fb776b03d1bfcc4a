//! Reading article metadata from a parsed page.
//!
//! Each field is taken from the first source that has it, in this order:
//! JSON-LD (`NewsArticle`/`Article`/... also inside `@graph` and arrays) >
//! OpenGraph (`og:*`, `article:*`) > other `<meta>` tags and microdata
//! (`author`, `date`, `dc.*`, `parsely-pub-date`, `sailthru.date`, `citation_*`,
//! `itemprop`) > `<time datetime>` > `<title>` / `<h1>`. The canonical URL comes
//! from `<link rel=canonical>`, then `og:url`, then JSON-LD `url`/`mainEntityOfPage`;
//! the language from `<html lang>`, then meta tags, then JSON-LD `inLanguage`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use dom_query::Document;
use serde_json::Value;

use crate::dates::parse_date;

/// Metadata a page declares about itself. Values are whitespace-normalised;
/// `canonical` is as written (not yet resolved against the page URL).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct PageMeta {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub outlet: Option<String>,
    pub canonical: Option<String>,
    pub language: Option<String>,
    /// Whether the page says it is behind a paywall: JSON-LD
    /// `isAccessibleForFree` (the schema.org markup search engines ask
    /// paywalled news to carry), else `article:content_tier` (`locked`,
    /// `metered`: paywalled; `free`: not).
    pub paywalled: Option<bool>,
}

/// What one JSON-LD article node says.
#[derive(Debug, Default)]
struct LdArticle {
    headline: Option<String>,
    authors: Vec<String>,
    published: Option<String>,
    publisher: Option<String>,
    language: Option<String>,
    url: Option<String>,
    /// `isAccessibleForFree`, on the article or one of its `hasPart`s.
    accessible_for_free: Option<bool>,
}

/// Collapse runs of whitespace into single spaces and trim; `None` when empty.
pub(crate) fn clean(s: &str) -> Option<String> {
    let out = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!out.is_empty()).then_some(out)
}

fn clean_byline(s: &str) -> Option<String> {
    let s = clean(s)?;
    if s.starts_with("http://") || s.starts_with("https://") {
        return None;
    }
    let lower = s.to_lowercase();
    let s = if lower.starts_with("by ") {
        s[3..].trim().to_string()
    } else {
        s
    };
    (!s.is_empty() && s.chars().count() <= 200).then_some(s)
}

/// Normalise a language tag ("en-GB", "en_US", "EN") to its ISO 639-1 code.
pub(crate) fn normalize_lang(s: &str) -> Option<String> {
    let s = s.trim();
    let primary = s.split(['-', '_']).next()?.to_ascii_lowercase();
    (primary.len() == 2 && primary.chars().all(|c| c.is_ascii_alphabetic())).then_some(primary)
}

/// Read the metadata of a parsed page.
pub fn read_meta(doc: &Document) -> PageMeta {
    let ld = json_ld(doc);
    let metas = meta_map(doc);
    let get = |keys: &[&str]| -> Option<String> {
        keys.iter()
            .find_map(|k| metas.get(*k).and_then(|v| clean(v)))
    };

    // --- title
    let title = ld
        .as_ref()
        .and_then(|a| a.headline.clone())
        .or_else(|| get(&["og:title"]))
        .or_else(|| {
            get(&[
                "twitter:title",
                "dc.title",
                "dcterms.title",
                "citation_title",
                "parsely-title",
                "sailthru.title",
                "headline",
            ])
        })
        .or_else(|| first_text(doc, "[itemprop=headline]"))
        .or_else(|| first_text(doc, "head title"))
        .or_else(|| first_text(doc, "title"))
        .or_else(|| first_text(doc, "h1"));

    // --- byline
    let byline = ld
        .as_ref()
        .filter(|a| !a.authors.is_empty())
        .map(|a| a.authors.join(", "))
        .or_else(|| metas.get("article:author").and_then(|v| clean_byline(v)))
        .or_else(|| {
            [
                "author",
                "byl",
                "dc.creator",
                "dcterms.creator",
                "parsely-author",
                "sailthru.author",
                "citation_author",
                "article.author",
            ]
            .iter()
            .find_map(|k| metas.get(*k).and_then(|v| clean_byline(v)))
        })
        .or_else(|| {
            doc.select("[itemprop=author]").iter().find_map(|n| {
                let named = itemprop_name(&n).unwrap_or_else(|| n.text().to_string());
                clean_byline(&named)
            })
        })
        .or_else(|| {
            doc.select("a[rel=author]")
                .iter()
                .find_map(|n| clean_byline(&n.text()))
        })
        .or_else(|| {
            doc.select(".byline, [class*=byline]")
                .iter()
                .find_map(|n| clean_byline(&n.text()).filter(|s| s.chars().count() <= 100))
        });

    // --- published
    let date_keys = [
        "date",
        "pubdate",
        "publishdate",
        "publish-date",
        "publish_date",
        "publication_date",
        "datepublished",
        "article.published",
        "article_date_original",
        "original-publish-date",
        "og:published_time",
        "dc.date",
        "dc.date.issued",
        "dc.date.created",
        "dcterms.date",
        "dcterms.issued",
        "dcterms.created",
        "parsely-pub-date",
        "sailthru.date",
        "citation_date",
        "citation_publication_date",
        "citation_online_date",
        "displaydate",
        "release_date",
    ];
    let published = ld
        .as_ref()
        .and_then(|a| a.published.as_deref().and_then(parse_date))
        .or_else(|| {
            metas
                .get("article:published_time")
                .and_then(|v| parse_date(v))
        })
        .or_else(|| {
            date_keys
                .iter()
                .find_map(|k| metas.get(*k).and_then(|v| parse_date(v)))
        })
        .or_else(|| {
            doc.select("[itemprop=datePublished]").iter().find_map(|n| {
                n.attr("datetime")
                    .or_else(|| n.attr("content"))
                    .and_then(|v| parse_date(&v))
                    .or_else(|| parse_date(&n.text()))
            })
        })
        .or_else(|| time_element(doc));

    // --- outlet
    let outlet = get(&["og:site_name"])
        .or_else(|| ld.as_ref().and_then(|a| a.publisher.clone()))
        .or_else(|| {
            get(&[
                "application-name",
                "publisher",
                "dc.publisher",
                "citation_publisher",
            ])
        });

    // --- canonical
    let canonical = doc
        .select("link[rel][href]")
        .iter()
        .find(|n| {
            n.attr("rel")
                .map(|r| {
                    r.split_whitespace()
                        .any(|t| t.eq_ignore_ascii_case("canonical"))
                })
                .unwrap_or(false)
        })
        .and_then(|n| n.attr("href").and_then(|h| clean(&h)))
        .or_else(|| get(&["og:url"]))
        .or_else(|| ld.as_ref().and_then(|a| a.url.clone()));

    // --- language
    let language = doc
        .select("html")
        .iter()
        .find_map(|n| {
            n.attr("lang")
                .or_else(|| n.attr("xml:lang"))
                .and_then(|l| normalize_lang(&l))
        })
        .or_else(|| {
            [
                "content-language",
                "dc.language",
                "dcterms.language",
                "language",
                "og:locale",
            ]
            .iter()
            .find_map(|k| metas.get(*k).and_then(|v| normalize_lang(v)))
        })
        .or_else(|| {
            ld.as_ref()
                .and_then(|a| a.language.as_deref().and_then(normalize_lang))
        });

    // --- paywall
    let paywalled = ld
        .as_ref()
        .and_then(|a| a.accessible_for_free)
        .map(|free| !free)
        .or_else(|| {
            get(&["article:content_tier"]).and_then(|t| match t.to_ascii_lowercase().as_str() {
                "locked" | "metered" => Some(true),
                "free" => Some(false),
                _ => None,
            })
        });

    PageMeta {
        title,
        byline,
        published,
        outlet,
        canonical,
        language,
        paywalled,
    }
}

/// The name of a microdata author: its `content`, else an `[itemprop=name]` inside.
fn itemprop_name(n: &dom_query::Selection) -> Option<String> {
    if let Some(c) = n.attr("content") {
        return clean(&c);
    }
    let inner = n.select("[itemprop=name]");
    if inner.exists() {
        let first = inner.first();
        return first
            .attr("content")
            .and_then(|c| clean(&c))
            .or_else(|| clean(&first.text()));
    }
    None
}

fn first_text(doc: &Document, sel: &str) -> Option<String> {
    doc.select(sel).iter().find_map(|n| clean(&n.text()))
}

/// All `<meta>` tags keyed by lower-cased name/property/itemprop/http-equiv; first wins.
fn meta_map(doc: &Document) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for m in doc.select("meta").iter() {
        let Some(content) = m.attr("content") else {
            continue;
        };
        if content.trim().is_empty() {
            continue;
        }
        for key_attr in ["name", "property", "itemprop", "http-equiv"] {
            if let Some(k) = m.attr(key_attr) {
                // `property` may hold several space-separated names (RDFa).
                for k in k.split_whitespace() {
                    map.entry(k.to_ascii_lowercase())
                        .or_insert_with(|| content.to_string());
                }
            }
        }
    }
    map
}

/// The publication date from `<time datetime>`: one marked as the publication
/// time (`pubdate`, `itemprop`, a class mentioning "publish") first, else the first.
fn time_element(doc: &Document) -> Option<DateTime<Utc>> {
    let times: Vec<_> = doc.select("time[datetime]").iter().collect();
    let marked = times.iter().find(|t| {
        t.has_attr("pubdate")
            || t.attr("class")
                .map(|c| c.to_lowercase().contains("publish"))
                .unwrap_or(false)
    });
    marked
        .into_iter()
        .chain(times.iter())
        .find_map(|t| t.attr("datetime").and_then(|d| parse_date(&d)))
}

// ---------------------------------------------------------------- JSON-LD

fn json_ld(doc: &Document) -> Option<LdArticle> {
    let mut nodes: Vec<Value> = Vec::new();
    for s in doc.select("script").iter() {
        let is_ld = s
            .attr("type")
            .map(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
            .unwrap_or(false);
        if !is_ld {
            continue;
        }
        if let Some(v) = parse_lenient(&s.text()) {
            nodes.push(v);
        }
    }
    let mut flat: Vec<&Value> = Vec::new();
    for v in &nodes {
        flatten_nodes(v, &mut flat, 0);
    }
    let ids: HashMap<&str, &Value> = flat
        .iter()
        .filter_map(|n| n.get("@id").and_then(Value::as_str).map(|id| (id, *n)))
        .collect();
    let art = flat.iter().find(|n| has_article_type(n))?;
    let resolve = |v: &'_ Value| -> Value {
        // A bare reference {"@id": ...} is looked up in the graph.
        if let Some(obj) = v.as_object() {
            if obj.len() == 1 {
                if let Some(id) = obj.get("@id").and_then(Value::as_str) {
                    if let Some(target) = ids.get(id) {
                        return (*target).clone();
                    }
                }
            }
        }
        v.clone()
    };
    let name_of = |v: &Value| -> Option<String> {
        match resolve(v) {
            Value::String(s) => clean(&s),
            Value::Object(o) => o.get("name").and_then(|n| match n {
                Value::String(s) => clean(s),
                Value::Array(a) => a.iter().find_map(|x| x.as_str().and_then(clean)),
                _ => None,
            }),
            _ => None,
        }
    };
    let mut out = LdArticle {
        headline: art
            .get("headline")
            .or_else(|| art.get("name"))
            .and_then(Value::as_str)
            .and_then(clean),
        published: art
            .get("datePublished")
            .or_else(|| art.get("dateCreated"))
            .and_then(Value::as_str)
            .map(str::to_string),
        ..Default::default()
    };
    if let Some(a) = art.get("author") {
        let list: Vec<&Value> = match a {
            Value::Array(v) => v.iter().collect(),
            other => vec![other],
        };
        for a in list {
            if let Some(n) = name_of(a).and_then(|n| clean_byline(&n)) {
                if !out.authors.contains(&n) {
                    out.authors.push(n);
                }
            }
        }
    }
    let free = |v: &Value| match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            _ => None,
        },
        _ => None,
    };
    out.accessible_for_free = art.get("isAccessibleForFree").and_then(free).or_else(|| {
        let parts: Vec<&Value> = match art.get("hasPart") {
            Some(Value::Array(v)) => v.iter().collect(),
            Some(other) => vec![other],
            None => Vec::new(),
        };
        parts
            .iter()
            .find_map(|p| p.get("isAccessibleForFree").and_then(free))
    });
    out.publisher = art.get("publisher").and_then(|p| match p {
        Value::Array(v) => v.iter().find_map(name_of),
        other => name_of(other),
    });
    out.language = art.get("inLanguage").and_then(|l| match l {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o
            .get("alternateName")
            .or_else(|| o.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string),
        _ => None,
    });
    out.url = art
        .get("url")
        .and_then(Value::as_str)
        .and_then(clean)
        .or_else(|| {
            art.get("mainEntityOfPage").and_then(|m| match m {
                Value::String(s) => clean(s),
                Value::Object(o) => o
                    .get("@id")
                    .or_else(|| o.get("url"))
                    .and_then(Value::as_str)
                    .and_then(clean),
                _ => None,
            })
        });
    Some(out)
}

/// Parse JSON-LD as pages write it: wrapped in HTML comments or CDATA, with raw
/// newlines inside strings, or with a trailing semicolon.
fn parse_lenient(raw: &str) -> Option<Value> {
    let mut s = raw.trim();
    for (pre, post) in [
        ("<!--", "-->"),
        ("//<![CDATA[", "//]]>"),
        ("<![CDATA[", "]]>"),
    ] {
        if let Some(inner) = s.strip_prefix(pre) {
            s = inner.strip_suffix(post).unwrap_or(inner).trim();
        }
    }
    let s = s.trim_end_matches(';').trim();
    if let Ok(v) = serde_json::from_str(s) {
        return Some(v);
    }
    let fixed: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    serde_json::from_str(&fixed).ok()
}

fn flatten_nodes<'a>(v: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| flatten_nodes(x, out, depth + 1)),
        Value::Object(o) => {
            out.push(v);
            if let Some(g) = o.get("@graph") {
                flatten_nodes(g, out, depth + 1);
            }
            if let Some(m) = o.get("mainEntity") {
                flatten_nodes(m, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn has_article_type(v: &Value) -> bool {
    let is_article = |t: &str| {
        let t = t.rsplit(['/', ':']).next().unwrap_or(t);
        t.ends_with("Article") || t == "BlogPosting" || t == "LiveBlogPosting" || t == "Report"
    };
    match v.get("@type") {
        Some(Value::String(t)) => is_article(t),
        Some(Value::Array(a)) => a
            .iter()
            .any(|t| t.as_str().map(is_article).unwrap_or(false)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_graph_with_references() {
        let html = r##"<html><head><script type="application/ld+json">
        {"@context":"https://schema.org","@graph":[
          {"@type":"Organization","@id":"#org","name":"The Eastbrook Herald"},
          {"@type":["NewsArticle"],"headline":"Ferry service resumes",
           "author":[{"@type":"Person","name":"By Mara Quill"},{"@type":"Person","name":"Tomas Reed"}],
           "datePublished":"2024-05-03T10:00:00+02:00","publisher":{"@id":"#org"},
           "inLanguage":"en-GB","mainEntityOfPage":{"@id":"https://eastbrook-herald.example/ferry"}}
        ]}</script></head><body></body></html>"##;
        let m = read_meta(&Document::from(html));
        assert_eq!(m.title.as_deref(), Some("Ferry service resumes"));
        assert_eq!(m.byline.as_deref(), Some("Mara Quill, Tomas Reed"));
        assert_eq!(m.outlet.as_deref(), Some("The Eastbrook Herald"));
        assert_eq!(m.language.as_deref(), Some("en"));
        assert_eq!(
            m.canonical.as_deref(),
            Some("https://eastbrook-herald.example/ferry")
        );
        assert_eq!(
            m.published.unwrap().to_rfc3339(),
            "2024-05-03T08:00:00+00:00"
        );
    }

    #[test]
    fn paywall_from_json_ld_or_content_tier() {
        let ld = |extra: &str| {
            format!(
                r#"<html><head><script type="application/ld+json">
                {{"@type":"NewsArticle","headline":"Harbour fees rise"{extra}}}
                </script></head><body></body></html>"#
            )
        };
        let paywalled = |html: &str| read_meta(&Document::from(html)).paywalled;
        assert_eq!(
            paywalled(&ld(r#","isAccessibleForFree":false"#)),
            Some(true)
        );
        assert_eq!(
            paywalled(&ld(r#","isAccessibleForFree":"False""#)),
            Some(true)
        );
        assert_eq!(
            paywalled(&ld(r#","isAccessibleForFree":"True""#)),
            Some(false)
        );
        assert_eq!(
            paywalled(&ld(
                r#","hasPart":{"@type":"WebPageElement","isAccessibleForFree":"False","cssSelector":".locked"}"#
            )),
            Some(true)
        );
        assert_eq!(paywalled(&ld("")), None);
        let tier = |t: &str| {
            format!(
                r#"<html><head><meta property="article:content_tier" content="{t}"></head></html>"#
            )
        };
        assert_eq!(paywalled(&tier("locked")), Some(true));
        assert_eq!(paywalled(&tier("metered")), Some(true));
        assert_eq!(paywalled(&tier("free")), Some(false));
        assert_eq!(paywalled(&tier("odd")), None);
    }

    #[test]
    fn lenient_json() {
        assert!(parse_lenient("<!-- {\"a\": \"b\nc\"}; -->").is_some());
        assert!(parse_lenient("not json").is_none());
    }

    #[test]
    fn languages() {
        assert_eq!(normalize_lang("en_US").as_deref(), Some("en"));
        assert_eq!(normalize_lang("DE").as_deref(), Some("de"));
        assert_eq!(normalize_lang("english"), None);
    }
}
