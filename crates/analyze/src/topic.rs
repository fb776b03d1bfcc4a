//! The section a story belongs in (World, Business, Sport, ...), for the front
//! page's sections and the per-topic pages and feeds.
//!
//! Two signals, strongest first:
//! 1. The outlet's own filing: news sites put the section in the article's URL
//!    path (`/business/2031/...`, `/sport/football/...`, `/politik/...`). A path
//!    segment that names a section decides the article's topic.
//! 2. The words of the title (counted three times) and the opening of the body:
//!    each topic has a short list of cue words and phrases (Snowball stems), and
//!    the topic with most cues wins when it leads clearly; otherwise the article
//!    has no topic rather than a guess.
//!
//! A story's topic is the one most of its articles have (URL-filed articles
//! count double); a story none of whose articles has one goes under no section.
//! The lists are written by hand because no labelled news-section data ships
//! with lede and a learned model would need one; they are kept short and
//! generic, and checked on Timeline17's themes (`lede eval topics`).

use std::collections::HashMap;
use std::sync::OnceLock;

pub use lede_model::Topic;
use lede_text::{stem, words};

/// URL path segments that name a section, by topic (English, German, French,
/// Spanish, Italian, Portuguese, Dutch section names).
const SECTIONS: &[(Topic, &[&str])] = &[
    (
        Topic::World,
        &[
            "world",
            "world-news",
            "worldnews",
            "international",
            "global",
            "foreign",
            "europe",
            "africa",
            "asia",
            "asia-pacific",
            "americas",
            "middle-east",
            "middleeast",
            "ausland",
            "welt",
            "monde",
            "internacional",
            "mundo",
            "esteri",
            "mondo",
            "buitenland",
            "wereld",
        ],
    ),
    (
        Topic::Politics,
        &[
            "politics",
            "political",
            "election",
            "elections",
            "government",
            "politik",
            "politique",
            "politica",
            "política",
            "politiek",
            "inland",
        ],
    ),
    (
        Topic::Business,
        &[
            "business",
            "economy",
            "economics",
            "markets",
            "market",
            "money",
            "finance",
            "companies",
            "wirtschaft",
            "finanzen",
            "economie",
            "économie",
            "economia",
            "economía",
            "negocios",
            "mercados",
            "economie-en-financien",
        ],
    ),
    (
        Topic::Technology,
        &[
            "technology",
            "tech",
            "technik",
            "digital",
            "netzwelt",
            "tecnologia",
            "tecnología",
            "tecnologie",
            "techniek",
            "pixels",
        ],
    ),
    (
        Topic::Science,
        &[
            "science",
            "space",
            "wissenschaft",
            "wissen",
            "sciences",
            "ciencia",
            "scienza",
            "ciencias",
            "wetenschap",
        ],
    ),
    (
        Topic::Health,
        &[
            "health",
            "wellness",
            "medicine",
            "gesundheit",
            "sante",
            "santé",
            "salud",
            "salute",
            "saude",
            "saúde",
            "gezondheid",
        ],
    ),
    (
        Topic::Environment,
        &[
            "environment",
            "climate",
            "climate-environment",
            "climate-crisis",
            "umwelt",
            "klima",
            "planete",
            "planète",
            "medio-ambiente",
            "ambiente",
            "klimaat",
        ],
    ),
    (
        Topic::Sport,
        &[
            "sport",
            "sports",
            "football",
            "soccer",
            "cricket",
            "tennis",
            "golf",
            "rugby",
            "rugby-union",
            "nba",
            "nfl",
            "mlb",
            "nhl",
            "olympics",
            "formula1",
            "formula-1",
            "f1",
            "cycling",
            "boxing",
            "athletics",
            "deportes",
            "esporte",
            "esportes",
            "calcio",
        ],
    ),
    (
        Topic::Culture,
        &[
            "culture",
            "arts",
            "art",
            "entertainment",
            "film",
            "films",
            "movies",
            "music",
            "books",
            "tv",
            "tv-and-radio",
            "television",
            "stage",
            "theatre",
            "theater",
            "celebrity",
            "kultur",
            "cultura",
            "cultuur",
            "showbiz",
        ],
    ),
];

/// Cue words and phrases (English), by topic. Written as words; stemmed once.
const CUES: &[(Topic, &[&str])] = &[
    (
        Topic::World,
        &[
            "troops",
            "ceasefire",
            "embassy",
            "diplomat",
            "diplomats",
            "diplomatic",
            "sanctions",
            "refugees",
            "united nations",
            "nato",
            "invasion",
            "rebels",
            "militants",
            "airstrike",
            "airstrikes",
            "foreign minister",
            "peace talks",
            "regime",
            "civilians",
            "protesters",
            "uprising",
            "humanitarian",
            "border",
            "earthquake",
            "quake",
            "disaster",
            "survivors",
            "rescue",
            "relief",
            "tsunami",
            "envoy",
            "war",
            "military",
            "shelling",
            "insurgents",
            "coup",
        ],
    ),
    (
        Topic::Politics,
        &[
            "election",
            "elections",
            "parliament",
            "senate",
            "congress",
            "lawmakers",
            "legislation",
            "bill",
            "vote",
            "voters",
            "campaign",
            "candidate",
            "party",
            "opposition",
            "coalition",
            "prime minister",
            "governor",
            "mayor",
            "policy",
            "referendum",
            "polls",
            "cabinet",
            "democrats",
            "republicans",
            "ballot",
        ],
    ),
    (
        Topic::Business,
        &[
            "shares",
            "stocks",
            "stock",
            "investors",
            "profit",
            "profits",
            "revenue",
            "earnings",
            "bank",
            "banks",
            "inflation",
            "economy",
            "economic",
            "company",
            "companies",
            "chief executive",
            "merger",
            "acquisition",
            "tariffs",
            "gdp",
            "interest rates",
            "central bank",
            "market",
            "markets",
            "sales",
            "bonds",
            "recession",
            "debt",
            "financial",
            "bailout",
            "quarter",
            "dividend",
        ],
    ),
    (
        Topic::Technology,
        &[
            "software",
            "app",
            "apps",
            "artificial intelligence",
            "internet",
            "smartphone",
            "startup",
            "chip",
            "chips",
            "semiconductor",
            "cyber",
            "hackers",
            "online",
            "data breach",
            "algorithm",
            "computer",
            "computing",
            "robot",
            "robots",
            "social media",
            "platform",
            "encryption",
            "browser",
            "website",
        ],
    ),
    (
        Topic::Science,
        &[
            "scientists",
            "researchers",
            "study",
            "space",
            "astronauts",
            "telescope",
            "species",
            "physics",
            "experiment",
            "laboratory",
            "fossil",
            "planet",
            "orbit",
            "genome",
            "asteroid",
            "spacecraft",
            "rocket",
            "mission",
            "journal",
        ],
    ),
    (
        Topic::Health,
        &[
            "virus",
            "vaccine",
            "vaccines",
            "hospital",
            "hospitals",
            "patients",
            "disease",
            "outbreak",
            "cancer",
            "doctors",
            "pandemic",
            "flu",
            "infection",
            "infections",
            "health",
            "medical",
            "drug",
            "treatment",
            "symptoms",
            "epidemic",
            "nurses",
            "swine flu",
            "cases",
            "deaths",
        ],
    ),
    (
        Topic::Environment,
        &[
            "climate",
            "emissions",
            "oil spill",
            "pollution",
            "wildlife",
            "carbon",
            "drought",
            "environmental",
            "spill",
            "wetlands",
            "conservation",
            "renewable",
            "greenhouse",
            "coastline",
            "marshes",
            "fishermen",
            "endangered",
            "deforestation",
            "global warming",
            "cleanup",
            "leak",
        ],
    ),
    (
        Topic::Sport,
        &[
            "match",
            "goal",
            "goals",
            "league",
            "season",
            "coach",
            "championship",
            "tournament",
            "striker",
            "cup",
            "medal",
            "olympic",
            "playoff",
            "playoffs",
            "title",
            "win",
            "defeat",
            "scored",
            "innings",
            "wicket",
            "squad",
            "midfielder",
            "quarterback",
            "grand slam",
            "world cup",
            "final",
            "fans",
            "stadium",
        ],
    ),
    (
        Topic::Culture,
        &[
            "film",
            "album",
            "singer",
            "actor",
            "actress",
            "festival",
            "museum",
            "novel",
            "concert",
            "awards",
            "director",
            "star",
            "pop",
            "music",
            "song",
            "songs",
            "tour",
            "hollywood",
            "celebrity",
            "fans",
            "show",
            "theatre",
            "exhibition",
            "author",
        ],
    ),
];

/// How many leading words of the body are read for cues.
const BODY_WORDS: usize = 400;
/// The fewest cue points a topic needs, and how far ahead of the runner-up.
const MIN_SCORE: u32 = 5;
const LEAD: f64 = 1.5;

/// Stemmed cue phrases: (stems, topic).
fn cue_table() -> &'static [(Vec<String>, Topic)] {
    static TABLE: OnceLock<Vec<(Vec<String>, Topic)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = Vec::new();
        for (topic, cues) in CUES {
            for cue in *cues {
                let stems: Vec<String> = cue.split(' ').map(stem).collect();
                // Word forms that share a stem ("company", "companies") are one cue.
                if !table.contains(&(stems.clone(), *topic)) {
                    table.push((stems, *topic));
                }
            }
        }
        table
    })
}

/// The topic an article's URL files it under, from its path segments.
pub fn topic_from_url(url: &str) -> Option<Topic> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.split_once('/').map_or("", |(_, p)| p);
    let path = path.split(['?', '#']).next().unwrap_or("");
    // The first segments are the section; later ones are slugs of headlines,
    // which may contain any word.
    for segment in path.split('/').filter(|s| !s.is_empty()).take(3) {
        let segment = segment.to_lowercase();
        for (topic, names) in SECTIONS {
            if names.contains(&segment.as_str()) {
                return Some(*topic);
            }
        }
    }
    None
}

/// Cue points per topic in a title and body.
fn cue_scores(title: &str, text: &str) -> HashMap<Topic, u32> {
    let stems_of = |s: &str, limit: usize| -> Vec<String> {
        words(s)
            .into_iter()
            .take(limit)
            .map(|t| stem(&t.text.to_lowercase()))
            .collect()
    };
    let mut scores = HashMap::new();
    for (stems, weight) in [
        (stems_of(title, 60), 3u32),
        (stems_of(text, BODY_WORDS), 1u32),
    ] {
        for (cue, topic) in cue_table() {
            let hits = stems
                .windows(cue.len())
                .filter(|w| w.iter().zip(cue).all(|(a, b)| a == b))
                .count() as u32;
            if hits > 0 {
                *scores.entry(*topic).or_insert(0) += hits * weight;
            }
        }
    }
    scores
}

/// The topic of an article's words alone, when one topic leads clearly.
pub fn topic_from_text(title: &str, text: &str) -> Option<Topic> {
    let scores = cue_scores(title, text);
    let mut ranked: Vec<(Topic, u32)> = scores.into_iter().collect();
    // Highest score first; ties in the fixed topic order, so the result is
    // deterministic.
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (best, score) = *ranked.first()?;
    let second = ranked.get(1).map_or(0, |r| r.1);
    (score >= MIN_SCORE && f64::from(score) >= LEAD * f64::from(second)).then_some(best)
}

/// A story's topic: the one most of its articles have (an article filed under
/// a section in its URL counts twice); none when no article has one.
pub fn story_topic<'a>(
    articles: impl IntoIterator<Item = (&'a str, &'a str, &'a str)>,
) -> Option<Topic> {
    let mut votes: HashMap<Topic, u32> = HashMap::new();
    for (url, title, text) in articles {
        if let Some(t) = topic_from_url(url) {
            *votes.entry(t).or_insert(0) += 2;
        } else if let Some(t) = topic_from_text(title, text) {
            *votes.entry(t).or_insert(0) += 1;
        }
    }
    votes
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(t, _)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_sections_decide() {
        let cases = [
            (
                "https://herald.example/business/2031/04/03/mill-sold",
                Some(Topic::Business),
            ),
            (
                "https://herald.example/sport/football/eastbrook-win-cup",
                Some(Topic::Sport),
            ),
            (
                "https://zeitung.example/politik/ausland/wahl-123.html",
                Some(Topic::Politics),
            ),
            (
                "https://journal.example/international/article/2031/x",
                Some(Topic::World),
            ),
            (
                "https://herald.example/tv-and-radio/2031/review",
                Some(Topic::Culture),
            ),
            ("https://herald.example/news/2031/04/03/story", None),
            // A headline slug is not a section.
            (
                "https://herald.example/news/2031/04/03/a/health-board-meets",
                None,
            ),
            ("https://herald.example/?section=sport", None),
            ("not a url", None),
        ];
        for (url, want) in cases {
            assert_eq!(topic_from_url(url), want, "{url}");
        }
    }

    #[test]
    fn words_decide_only_when_one_topic_leads() {
        let sport = topic_from_text(
            "Eastbrook Rovers win the county cup final",
            "The striker scored two goals in the final and the coach praised the squad after \
             a long season in the league.",
        );
        assert_eq!(sport, Some(Topic::Sport));
        let business = topic_from_text(
            "Marrow Bay mill posts record profit as shares climb",
            "Investors welcomed the earnings report; the company said revenue rose in the \
             quarter despite inflation.",
        );
        assert_eq!(business, Some(Topic::Business));
        let health = topic_from_text(
            "Flu outbreak fills Quillfield hospital",
            "Doctors said patients with the virus were treated as the outbreak spread; the \
             vaccine is offered to nurses.",
        );
        assert_eq!(health, Some(Topic::Health));
        // Too few cues: no guess.
        assert_eq!(
            topic_from_text("A quiet day in Osterby", "Nothing much happened."),
            None
        );
        // Two topics level: no guess.
        assert_eq!(
            topic_from_text(
                "Coach sells shares",
                "The coach sold shares in the company."
            ),
            None
        );
    }

    #[test]
    fn story_topic_is_the_majority() {
        let articles = [
            (
                "https://a.example/business/x",
                "Mill sold",
                "The mill was sold.",
            ),
            (
                "https://b.example/news/y",
                "Mill sold",
                "Investors and shares and profit rose, the company said of revenue.",
            ),
            (
                "https://c.example/sport/z",
                "Mill sold",
                "The mill was sold.",
            ),
            (
                "https://d.example/business/w",
                "Mill sold",
                "The mill was sold.",
            ),
        ];
        assert_eq!(story_topic(articles), Some(Topic::Business));
        assert_eq!(
            story_topic([("https://a.example/n/1", "Hello", "Nothing.")]),
            None
        );
        assert_eq!(story_topic(std::iter::empty()), None);
    }

    #[test]
    fn slugs_round_trip() {
        for t in Topic::ALL {
            assert_eq!(Topic::from_slug(t.slug()), Some(t));
        }
        assert_eq!(Topic::from_slug("gossip"), None);
    }
}
