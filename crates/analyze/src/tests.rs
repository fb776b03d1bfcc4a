//! Tests on invented fixtures (fictional places, people and outlets).

use super::*;
use chrono::{NaiveDate, TimeZone, Utc};
use lede_model::{DateGranularity, EntityKind};

fn article(text: &str, published: Option<(i32, u32, u32)>) -> Article {
    Article {
        id: 7,
        text: text.to_string(),
        sentences: lede_text::split_sentences(text),
        published: published.map(|(y, m, d)| Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()),
        ..Default::default()
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn check_spans(a: &Article, an: &Analysis) {
    let t = &a.text;
    let ok = |s: Span| {
        s.start <= s.end
            && s.end <= t.len()
            && t.is_char_boundary(s.start)
            && t.is_char_boundary(s.end)
    };
    for q in &an.quotes {
        assert!(ok(q.content_span), "{q:?}");
        assert_eq!(q.content_span.slice(t), q.content);
        for s in [q.speaker_span, q.cue_span].into_iter().flatten() {
            assert!(ok(s), "{q:?}");
        }
    }
    for e in &an.entities {
        assert!(ok(e.span));
        assert!(!e.name.is_empty());
    }
    for d in &an.dates {
        assert!(ok(d.span));
        assert_eq!(d.span.slice(t), d.text);
    }
}

// ---------- quotes ----------

#[test]
fn quotes_empty_and_none() {
    assert!(find_quotes(&article("", None)).is_empty());
    let a = article(
        "The river rose overnight. Roads were closed near Eastbrook.",
        None,
    );
    assert!(find_quotes(&a).is_empty());
}

#[test]
fn quote_said_after_with_title_role() {
    let a = article(
        "Mayor Lena Ortiz of Eastbrook visited the dam on Tuesday. \"We will rebuild every bridge,\" Ortiz said.",
        None,
    );
    let q = find_quotes(&a);
    assert_eq!(q.len(), 1, "{q:?}");
    let q = &q[0];
    assert_eq!(q.content, "We will rebuild every bridge");
    assert_eq!(q.content_span.slice(&a.text), q.content);
    assert_eq!(q.speaker.as_deref(), Some("Lena Ortiz"));
    assert_eq!(q.speaker_span.unwrap().slice(&a.text), "Ortiz");
    assert_eq!(q.role.as_deref(), Some("Mayor"));
    assert_eq!(q.role_sentence, Some(0));
    assert_eq!(q.cue.as_deref(), Some("said"));
    assert_eq!(q.sentence, 1);
    assert!(q.direct);
}

#[test]
fn quote_said_before_speaker_and_apposition_role() {
    let a = article(
        "Tomas Brandt, the harbour commissioner, inspected the pier. \
         “The tide came faster than forecast,” said Brandt.",
        None,
    );
    let q = find_quotes(&a);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].speaker.as_deref(), Some("Tomas Brandt"));
    assert_eq!(q[0].role.as_deref(), Some("harbour commissioner"));
    assert_eq!(q[0].role_sentence, Some(0));
    assert_eq!(q[0].content, "The tide came faster than forecast");
}

#[test]
fn quote_colon_and_told_outlet() {
    let a = article(
        "Greywater chief executive Nadia Kell spoke after the vote. Kell told the Eastbrook Courier: \"We did nothing wrong.\"",
        None,
    );
    let q = find_quotes(&a);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].speaker.as_deref(), Some("Nadia Kell"));
    assert_eq!(q[0].cue.as_deref(), Some("told"));
    assert_eq!(q[0].role.as_deref(), Some("Greywater chief executive"));
    assert_eq!(q[0].content, "We did nothing wrong.");
}

#[test]
fn quote_spanning_two_sentences_and_continuation() {
    let a = article(
        "Police chief Arno Velt addressed reporters. \"The suspect fled north. We are searching the hills,\" Velt said. \"We will find him.\"",
        None,
    );
    let q = find_quotes(&a);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(
        q[0].content,
        "The suspect fled north. We are searching the hills"
    );
    assert_eq!(q[0].sentence, 1);
    assert_eq!(q[0].speaker.as_deref(), Some("Arno Velt"));
    assert_eq!(q[0].role.as_deref(), Some("Police chief"));
    // The next quote opens its own sentence: same speaker.
    assert_eq!(q[1].content, "We will find him.");
    assert_eq!(q[1].speaker.as_deref(), Some("Arno Velt"));
}

#[test]
fn pronoun_resolution_skips_names_inside_quotes() {
    let a = article(
        "Senator Ida Marsh met Mr. Paul Renner in Lowmoor. \"I told Renner the plan was dead,\" she said. \
         Renner disagreed. \"Nothing is dead yet,\" he said.",
        None,
    );
    let q = find_quotes(&a);
    let direct: Vec<_> = q.iter().filter(|q| q.direct).collect();
    assert_eq!(direct.len(), 2, "{q:?}");
    assert_eq!(direct[0].speaker.as_deref(), Some("Ida Marsh"));
    assert_eq!(direct[0].role.as_deref(), Some("Senator"));
    assert_eq!(direct[0].speaker_span.unwrap().slice(&a.text), "she");
    assert_eq!(direct[1].speaker.as_deref(), Some("Paul Renner"));
}

#[test]
fn according_to_and_role_np() {
    let a = article(
        "Kestrel Air spokesman Omar Daly confirmed the delay. \
         \"No aircraft will leave before noon,\" the spokesman said. \
         According to Daly, the runway was flooded overnight. \
         The airport will reopen on Friday, a Kestrel Air official said.",
        None,
    );
    let q = find_quotes(&a);
    assert!(q.len() >= 3, "{q:?}");
    assert_eq!(q[0].speaker.as_deref(), Some("Omar Daly"));
    assert_eq!(q[0].role.as_deref(), Some("Kestrel Air spokesman"));
    let acc = q
        .iter()
        .find(|x| x.content.starts_with("the runway"))
        .expect("according to");
    assert!(!acc.direct);
    assert_eq!(acc.speaker.as_deref(), Some("Omar Daly"));
    assert_eq!(acc.content, "the runway was flooded overnight");
    let off = q
        .iter()
        .find(|x| x.content.starts_with("The airport"))
        .expect("trailing");
    assert_eq!(off.speaker.as_deref(), Some("a Kestrel Air official"));
}

#[test]
fn indirect_said_that() {
    let a = article(
        "Interior Minister Rosa Lind said on Monday that the border posts would stay closed. \
         Lind added that talks with Norvania could resume in spring.",
        None,
    );
    let q = find_quotes(&a);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].content, "the border posts would stay closed");
    assert_eq!(q[0].speaker.as_deref(), Some("Rosa Lind"));
    assert_eq!(q[0].role.as_deref(), Some("Interior Minister"));
    assert!(!q[0].direct);
    assert_eq!(q[1].speaker.as_deref(), Some("Rosa Lind"));
    assert_eq!(q[1].cue.as_deref(), Some("added"));
}

#[test]
fn unbalanced_marks_do_not_swallow_text() {
    let a = article(
        "The sign read \"closed. Nobody came.\n\nOn the next day \"we stayed home,\" Ortiz said.",
        None,
    );
    let q = find_quotes(&a);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].content, "we stayed home");
    assert_eq!(q[0].speaker.as_deref(), Some("Ortiz"));
}

#[test]
fn scare_quotes_without_speaker_are_dropped() {
    let a = article(
        "The council called the budget \"fair\" in its report.",
        None,
    );
    let q = find_quotes(&a);
    assert!(
        q.iter().all(|q| q.content != "fair" || q.speaker.is_some()),
        "{q:?}"
    );
}

#[test]
fn partial_quotes_inside_reported_speech_keep_their_clause() {
    let text =
        "Mayor Lena Ortiz says she is making \u{201c}a demand\u{201d} of the Eastbrook council. \
                A driver who \u{201c}ignores the signs\u{201d} will be fined, Ortiz said. \
                Sen. Tomas Reyes (D-Kes.) said the plan was \"reckless\" and should be dropped. \
                Ortiz said: \"We will not wait.\"";
    let a = article(text, None);
    let an = analyze(&a);
    check_spans(&a, &an);
    let got: Vec<(&str, Option<&str>, bool)> = an
        .quotes
        .iter()
        .map(|q| (q.content.as_str(), q.speaker.as_deref(), q.direct))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "she is making \u{201c}a demand\u{201d} of the Eastbrook council",
                Some("Lena Ortiz"),
                false
            ),
            (
                "A driver who \u{201c}ignores the signs\u{201d} will be fined",
                Some("Lena Ortiz"),
                false
            ),
            (
                "the plan was \"reckless\" and should be dropped",
                Some("Sen. Tomas Reyes"),
                false
            ),
            // The whole clause is the quote: it stays direct.
            ("We will not wait.", Some("Lena Ortiz"), true),
        ]
    );
}

#[test]
fn transcript_turns_run_to_the_end_of_the_paragraph() {
    let text = "Host Mara Quist spoke with Governor Tomas Reyes on Sunday.\n\n\
                QUIST: Will the bridge reopen this year? Drivers want to know.\n\n\
                \"REYES: It will reopen in May. The steel is ordered. We are on budget.\n\n\
                The interview ran for ten minutes.";
    let a = article(text, None);
    let an = analyze(&a);
    check_spans(&a, &an);
    let turns: Vec<(&str, &str)> = an
        .quotes
        .iter()
        .filter(|q| q.cue.as_deref() == Some(":"))
        .map(|q| {
            (
                q.content.as_str(),
                q.speaker_span.map_or("", |s| s.slice(text)),
            )
        })
        .collect();
    assert_eq!(
        turns,
        vec![
            (
                "Will the bridge reopen this year? Drivers want to know.",
                "QUIST"
            ),
            (
                "It will reopen in May. The steel is ordered. We are on budget.",
                "REYES"
            ),
        ]
    );
}

/// Each quote of `text` as (content, speaker name).
fn contents_and_speakers(text: &str) -> Vec<(String, Option<String>)> {
    find_quotes(&article(text, None))
        .into_iter()
        .map(|q| (q.content, q.speaker))
        .collect()
}

#[test]
fn stance_verbs_attribute_and_bare_speech_verbs_do_not() {
    let text = "Councillor Ada Brun likened the toll plan to a tax on workers. \
                Mayor Lena Ortiz spoke after the vote. \
                Ortiz later spoke of a hard winter for the ferry crews.";
    let got = contents_and_speakers(text);
    assert_eq!(
        got,
        vec![
            (
                "the toll plan to a tax on workers".to_string(),
                Some("Ada Brun".to_string())
            ),
            (
                "a hard winter for the ferry crews".to_string(),
                Some("Lena Ortiz".to_string())
            ),
        ]
    );
}

#[test]
fn inverted_said_after_the_content() {
    let text = "The ferry line keeps running the same old boats, said Rita Kell, the director of Harbor Watch. \
                But that is not good enough, said Tomas Reyes.";
    let got = contents_and_speakers(text);
    assert_eq!(
        got,
        vec![
            (
                "The ferry line keeps running the same old boats".to_string(),
                Some("Rita Kell".to_string())
            ),
            (
                "But that is not good enough".to_string(),
                Some("Tomas Reyes".to_string())
            ),
        ]
    );
}

#[test]
fn signed_pull_quotes_take_the_name_after_the_dash() {
    let text = "Letters came in all week.\n\n\
                \u{201c}We need the bridge back before the winter comes.\u{201d} \u{2015}\u{a0}Jorge Vale, Eastbrook\n\n\
                The council meets on Monday.";
    let a = article(text, None);
    let q = find_quotes(&a);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(
        q[0].content,
        "We need the bridge back before the winter comes."
    );
    assert_eq!(q[0].speaker.as_deref(), Some("Jorge Vale"));
}

#[test]
fn questions_put_to_a_speaker_are_attributions_of_their_own() {
    let text = "When asked whether the bridge would reopen by May, Mayor Lena Ortiz said it would.";
    let a = article(text, None);
    let quotes = find_quotes(&a);
    let question = quotes
        .iter()
        .find(|q| q.cue.as_deref() == Some("asked"))
        .expect("the question is found");
    assert_eq!(question.content, "whether the bridge would reopen by May");
    assert!(
        quotes
            .iter()
            .any(|q| q.speaker.as_deref() == Some("Lena Ortiz")),
        "{quotes:?}"
    );
}

#[test]
fn whole_quotes_after_an_attribution_stay_direct_and_actions_are_not_quotes() {
    let text = "Mayor Ana Ortiz said Tuesday, \"We will rebuild the bridge before winter.\"\n\n\
                Ortiz told reporters on Monday, \"The steel is ordered.\"\n\n\
                Councillor Ben Hale called the plan \"reckless\" \u{2014} Rita Kell, the opposition leader, wants a vote.\n\n\
                UPDATE: Ortiz resigned on Friday, her office said.\n\n\
                The storm raised water levels across the valley overnight.";
    let a = article(text, None);
    let an = analyze(&a);
    check_spans(&a, &an);
    let q = &an.quotes;
    let find = |content: &str| q.iter().find(|x| x.content == content);
    let rebuild = find("We will rebuild the bridge before winter.").expect("first quote");
    assert!(rebuild.direct);
    assert_eq!(rebuild.speaker.as_deref(), Some("Ana Ortiz"));
    let steel = find("The steel is ordered.").expect("second quote");
    assert!(steel.direct);
    // A dash inside prose signs nothing: the quote is Hale's.
    let reckless = q
        .iter()
        .find(|x| x.cue.as_deref() == Some("called"))
        .expect("Hale's word");
    assert_eq!(reckless.speaker.as_deref(), Some("Ben Hale"), "{q:?}");
    assert!(!reckless.content.contains("Rita Kell"), "{q:?}");
    // A kicker is no speaker, and a storm raises no quote.
    assert!(
        q.iter().all(|x| x.speaker.as_deref() != Some("UPDATE")),
        "{q:?}"
    );
    assert!(
        q.iter().all(|x| !x.content.contains("water levels")),
        "{q:?}"
    );
}

// ---------- entities ----------

fn ent<'a>(es: &'a [Entity], name: &str) -> &'a Entity {
    es.iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no entity {name:?} in {es:#?}"))
}

#[test]
fn entities_people_orgs_places() {
    let a = article(
        "Interior Secretary Ken Salvo flew to Eastbrook on Monday. Salvo met officials of the \
         Norvania Ministry of Water and Dr. Ilse Brandt of Lowmoor University in Paris. \
         Greywater Inc. said it would pay.",
        None,
    );
    let es = find_entities(&a);
    let ken = ent(&es, "Ken Salvo");
    assert_eq!(ken.kind, EntityKind::Person);
    assert_eq!(ken.role.as_deref(), Some("Interior Secretary"));
    assert_eq!(ken.span.slice(&a.text), "Ken Salvo");
    let s = ent(&es, "Salvo");
    assert_eq!(s.kind, EntityKind::Person);
    assert_eq!(s.sentence, 1);
    assert_eq!(ent(&es, "Ilse Brandt").kind, EntityKind::Person);
    assert_eq!(
        ent(&es, "Lowmoor University").kind,
        EntityKind::Organization
    );
    assert_eq!(
        ent(&es, "Norvania Ministry of Water").kind,
        EntityKind::Organization
    );
    assert_eq!(ent(&es, "Paris").kind, EntityKind::Location);
    assert_eq!(ent(&es, "Eastbrook").kind, EntityKind::Location);
    assert_eq!(ent(&es, "Greywater Inc.").kind, EntityKind::Organization);
    assert!(es.iter().all(|e| e.name != "Monday" && e.name != "The"));
}

#[test]
fn entities_role_after_and_before() {
    let a = article(
        "The report was signed by Mara Quell, the deputy mayor of Eastbrook, last week. \
         Lowmoor Bank chief economist Piet Oda disagreed.",
        None,
    );
    let es = find_entities(&a);
    let m = ent(&es, "Mara Quell");
    assert_eq!(m.kind, EntityKind::Person);
    assert_eq!(m.role.as_deref(), Some("deputy mayor of Eastbrook"));
    let p = ent(&es, "Piet Oda");
    assert_eq!(p.role.as_deref(), Some("Lowmoor Bank chief economist"));
}

#[test]
fn entities_sentence_initial_words() {
    let a = article(
        "Officials said the road was shut. However, nobody was hurt. Eastbrook was calm.",
        None,
    );
    let es = find_entities(&a);
    assert!(
        es.iter()
            .all(|e| e.name != "Officials" && e.name != "However"),
        "{es:?}"
    );
    // A single unknown capitalised word at sentence start is left out.
    assert!(es.is_empty(), "{es:?}");
}

// ---------- dates ----------

#[test]
fn weekdays_past_and_future() {
    // Monday 2025-03-10.
    let a = article(
        "The dam burst on Sunday. Crews will return on Wednesday. It was inspected last Monday. \
         Voting ends next Monday.",
        Some((2025, 3, 10)),
    );
    let d = find_dates(&a);
    let got: Vec<(&str, NaiveDate)> = d.iter().map(|t| (t.text.as_str(), t.date)).collect();
    assert_eq!(
        got,
        vec![
            ("Sunday", date(2025, 3, 9)),
            ("Wednesday", date(2025, 3, 12)),
            ("last Monday", date(2025, 3, 3)),
            ("next Monday", date(2025, 3, 17)),
        ]
    );
    assert_eq!(d[1].sentence, 1);
    assert!(d.iter().all(|t| t.granularity == DateGranularity::Day));
}

#[test]
fn weekday_across_month_boundary() {
    // Tuesday 2025-04-01: "on Saturday" is 2025-03-29.
    let a = article(
        "The ferry sank on Saturday, officials said.",
        Some((2025, 4, 1)),
    );
    let d = find_dates(&a);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].date, date(2025, 3, 29));
    // Future across a year boundary: Wednesday 2025-12-31, "will ... Friday" = 2026-01-02.
    let a = article("The bridge will reopen on Friday.", Some((2025, 12, 31)));
    assert_eq!(find_dates(&a)[0].date, date(2026, 1, 2));
}

#[test]
fn relative_and_absolute_dates() {
    let a = article(
        "Yesterday the board met. The vote is tomorrow. Last night the lights failed. \
         Sales fell last month and will rise next year. The plant opened on May 3, 2010, \
         closed on 3rd of June and reopened in 2022. The report dated 2011-02-14 came out in March 2012. \
         Work began three days ago. Prices rose in May.",
        Some((2025, 3, 10)),
    );
    let d = find_dates(&a);
    let got: Vec<(&str, NaiveDate, DateGranularity)> = d
        .iter()
        .map(|t| (t.text.as_str(), t.date, t.granularity))
        .collect();
    use DateGranularity::*;
    assert_eq!(
        got,
        vec![
            ("Yesterday", date(2025, 3, 9), Day),
            ("tomorrow", date(2025, 3, 11), Day),
            ("Last night", date(2025, 3, 9), Day),
            ("last month", date(2025, 2, 1), Month),
            ("next year", date(2026, 1, 1), Year),
            ("May 3, 2010", date(2010, 5, 3), Day),
            ("3rd of June", date(2024, 6, 3), Day),
            ("2022", date(2022, 1, 1), Year),
            ("2011-02-14", date(2011, 2, 14), Day),
            ("March 2012", date(2012, 3, 1), Month),
            ("three days ago", date(2025, 3, 7), Day),
            ("May", date(2024, 5, 1), Month),
        ]
    );
}

#[test]
fn month_day_year_inference_near_new_year() {
    let a = article(
        "The storm hit on Dec. 28. Repairs start Jan. 5.",
        Some((2025, 1, 2)),
    );
    let d = find_dates(&a);
    assert_eq!(d[0].date, date(2024, 12, 28));
    assert_eq!(d[1].date, date(2025, 1, 5));
    let a = article("Talks are set for Jan. 5.", Some((2024, 12, 30)));
    assert_eq!(find_dates(&a)[0].date, date(2025, 1, 5));
}

#[test]
fn no_publication_date_only_absolute() {
    let a = article(
        "On Sunday, yesterday, May 3 and May 3, 2010 and in 1999.",
        None,
    );
    let d = find_dates(&a);
    let got: Vec<&str> = d.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(got, vec!["May 3, 2010", "1999"]);
}

#[test]
fn numbers_are_not_years() {
    let a = article(
        "The fund grew by 2015% in 2015, 1,200 jobs in 2020.5 terms.",
        Some((2025, 3, 10)),
    );
    let got: Vec<String> = find_dates(&a).into_iter().map(|t| t.text).collect();
    assert_eq!(got, vec!["2015"]);
}

// ---------- analyze, robustness ----------

#[test]
fn analyze_fills_all_parts() {
    let a = article(
        "Mayor Lena Ortiz said on Sunday that the levee held. \"We were lucky,\" she told the Eastbrook Courier.",
        Some((2025, 3, 10)),
    );
    let an = analyze(&a);
    assert_eq!(an.article, 7);
    assert_eq!(an.quotes.len(), 2, "{:?}", an.quotes);
    assert_eq!(an.quotes[1].speaker.as_deref(), Some("Lena Ortiz"));
    assert!(an.entities.iter().any(|e| e.name == "Lena Ortiz"));
    assert_eq!(an.dates[0].date, date(2025, 3, 9));
    check_spans(&a, &an);
}

#[test]
fn bad_sentence_spans_do_not_panic() {
    let mut a = article("Ćiro said: “Hi.” Then Ortiz left.", Some((2025, 3, 10)));
    a.sentences = vec![Span::new(1, 2), Span::new(50, 60), Span::new(9, 3)];
    let an = analyze(&a);
    check_spans(&a, &an);
    a.sentences.clear();
    let an = analyze(&a);
    check_spans(&a, &an);
}

/// Tiny deterministic generator for fuzz-like inputs without extra crates.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn odd_inputs_never_panic_and_spans_are_valid() {
    let pieces = [
        "\"",
        "“",
        "”",
        "‘",
        "’",
        "'",
        ".",
        "?",
        "!",
        "…",
        ",",
        ":",
        " ",
        "\n",
        "\n\n",
        "Mr.",
        "Dr",
        "U.S.",
        "said",
        "told",
        "he",
        "she",
        "they",
        "it",
        "according to",
        "Ortiz",
        "Lena",
        "Mayor",
        "the spokesman",
        "on",
        "Monday",
        "May",
        "3",
        "2010",
        "-",
        "2010-05-03",
        "Ć",
        "é",
        "日本",
        "🙂",
        "(",
        ")",
        "last",
        "next",
        "week",
        "ago",
        "three",
        "days",
        "of",
        "Eastbrook",
        "Inc.",
        "that",
        "In",
        "\t",
        "\u{301}",
        "'s",
        "’s",
        ",\"",
        ".\"",
    ];
    let mut rng = Lcg(42);
    for round in 0..1500 {
        let n = (rng.next() % 40) as usize;
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(pieces[(rng.next() % pieces.len() as u64) as usize]);
            if rng.next().is_multiple_of(3) {
                s.push(' ');
            }
        }
        let published = if round % 2 == 0 {
            Some((2025, 3, 10))
        } else {
            None
        };
        let a = article(&s, published);
        let an = analyze(&a);
        check_spans(&a, &an);
    }
    for s in [
        "\"",
        "\"\"",
        "“”",
        "”“",
        "...",
        "\n\n\"\n\n",
        "\" said he",
        "said \"",
        "'' ``",
    ] {
        let a = article(s, Some((2025, 3, 10)));
        check_spans(&a, &analyze(&a));
    }
}

#[test]
fn regressions_from_real_prose() {
    // Leading participle clause is not the content of a trailing attribution.
    let a = article(
        "Norvanian Health Secretary Ada Pell spoke late. Announcing the figures, Ms Pell said that new cases were slowing down.",
        None,
    );
    let q = find_quotes(&a);
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(q[0].content, "new cases were slowing down");
    assert_eq!(q[0].speaker.as_deref(), Some("Ada Pell"));
    assert_eq!(q[0].role.as_deref(), Some("Norvanian Health Secretary"));
    // "New" starts names; "The Netherlands" is a place.
    let a = article("Flights to New Zealand and The Netherlands resumed.", None);
    let es = find_entities(&a);
    assert_eq!(ent(&es, "New Zealand").kind, EntityKind::Location);
    assert_eq!(ent(&es, "The Netherlands").kind, EntityKind::Location);
}

// ---------- TIMEX3 ----------

fn timexes(text: &str, dct: NaiveDate) -> Vec<(&str, &'static str, String)> {
    find_timexes(text, dct)
        .into_iter()
        .map(|t| (&text[t.start..t.end], t.kind.as_str(), t.value))
        .collect()
}

#[test]
fn timex_types_values_and_extents() {
    // Wednesday 2031-05-14, ISO week 20.
    let dct = date(2031, 5, 14);
    let text = "The council met on Friday and will vote next Tuesday. Tolls rose over the past two months \
                and are billed monthly. Revenue fell in the third quarter, the firm said, from a year earlier. \
                The ferry left at 10:30 a.m. Monday, two weeks ago it was idle, and it is full now. \
                Traffic peaked in the 1990s and last summer.";
    let got = timexes(text, dct);
    let want: Vec<(&str, &str, String)> = vec![
        ("Friday", "DATE", "2031-05-09".into()),
        ("next Tuesday", "DATE", "2031-05-20".into()),
        ("the past two months", "DURATION", "P2M".into()),
        ("monthly", "SET", "P1M".into()),
        // Not begun by mid-May: last year's.
        ("the third quarter", "DATE", "2030-Q3".into()),
        ("a year earlier", "DATE", "2030-Q1".into()),
        ("10:30 a.m. Monday", "TIME", "2031-05-12T10:30".into()),
        ("two weeks ago", "DATE", "2031-W18".into()),
        ("now", "DATE", "PRESENT_REF".into()),
        ("the 1990s", "DATE", "199".into()),
        ("last summer", "DATE", "2030-SU".into()),
    ];
    assert_eq!(got, want);
}

#[test]
fn timex_spelled_years_fiscal_spans_and_clause_tense() {
    // Wednesday 2031-05-14.
    let dct = date(2031, 5, 14);
    let got = timexes(
        "Mr. Brandt, 58, will succeed Ana J. Moll Feb. 3 as head of Tarn Mills. \
         Tarn earned 4 million crowns in the year ended March 31, and expects to close \
         the sale by year-end. Prices have climbed in recent months. \
         The mill opened in nineteen sixty-two and the town hall in the year two thousand, \
         while two thousand people watched. On March 3, two thousand protesters \
         marched, and nineteen hundred people voted. The board met Tuesday evening.",
        dct,
    );
    assert_eq!(
        got,
        vec![
            // "will succeed" is the future despite its "-ed" and the initials
            // between the verb and the date.
            ("Feb. 3", "DATE", "2032-02-03".to_string()),
            ("the year", "DURATION", "P1Y".to_string()),
            ("March 31", "DATE", "2031-03-31".to_string()),
            ("year-end", "DATE", "2031-12-31".to_string()),
            ("recent months", "DURATION", "PXM".to_string()),
            ("nineteen sixty-two", "DATE", "1962".to_string()),
            ("the year two thousand", "DATE", "2000".to_string()),
            // Counts of people, not years.
            ("March 3", "DATE", "2031-03-03".to_string()),
            ("Tuesday evening", "DATE", "2031-05-13TEV".to_string()),
        ]
    );
}

#[test]
fn timex_relative_units_and_quantities() {
    let dct = date(2031, 5, 14);
    let got = timexes(
        "Shares of Tarn Mills rose 2015% to 1,200 last week after a three-year slide, and \
         the firm expects more by early next year.",
        dct,
    );
    assert_eq!(
        got,
        vec![
            ("last week", "DATE", "2031-W19".to_string()),
            ("three-year", "DURATION", "P3Y".to_string()),
            ("early next year", "DATE", "2032".to_string()),
        ]
    );
    assert!(find_timexes("", dct).is_empty());
    assert!(find_timexes("May we go? The march was long.", dct).is_empty());
}

#[test]
fn dates_follow_timex_values() {
    // The timeline's dates are the day/month/year TIMEX3 values.
    let a = article(
        "Talks ended on Friday, resumed this morning and will run through the third quarter.",
        Some((2031, 5, 14)),
    );
    let d = find_dates(&a);
    let got: Vec<(&str, NaiveDate, DateGranularity)> = d
        .iter()
        .map(|t| (t.text.as_str(), t.date, t.granularity))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Friday", date(2031, 5, 9), DateGranularity::Day),
            ("this morning", date(2031, 5, 14), DateGranularity::Day),
        ]
    );
}

// ---------- broad attribution ----------

#[test]
fn double_apostrophe_quotes_and_according_to() {
    let a = article(
        "''The bridge is safe,'' said Inspector Rafe Dunmore. \
         The mill will close in June, according to spokeswoman Ilse Varga.",
        None,
    );
    let q = find_quotes(&a);
    assert_eq!(q.len(), 2, "{q:?}");
    assert_eq!(q[0].content, "The bridge is safe");
    assert!(q[0].direct);
    assert_eq!(q[0].speaker.as_deref(), Some("Rafe Dunmore"));
    assert_eq!(q[1].content, "The mill will close in June");
    assert!(!q[1].direct);
    let spk = q[1].speaker_span.expect("speaker").slice(&a.text);
    assert!(spk.contains("Ilse Varga"), "{spk}");
    check_spans(&a, &analyze(&a));
}

#[test]
fn broad_cues_relative_pronouns_and_headlines() {
    let a = article(
        "Brandt: Tolls Will Rise Next Year\n\n\
         Residents of Lowmere believe the new canal will flood their fields. \
         The plan was backed by Oskar Brandt, who argued that the tolls were too low.",
        None,
    );
    let q = find_quotes(&a);
    let find = |content: &str| {
        q.iter()
            .find(|x| x.content == content)
            .unwrap_or_else(|| panic!("no quote {content:?} in {q:?}"))
    };
    let h = find("Tolls Will Rise Next Year");
    assert_eq!(h.speaker_span.map(|s| s.slice(&a.text)), Some("Brandt"));
    let b = find("the new canal will flood their fields");
    assert_eq!(
        b.speaker_span.map(|s| s.slice(&a.text)),
        Some("Residents of Lowmere")
    );
    assert_eq!(b.cue.as_deref(), Some("believe"));
    let r = find("the tolls were too low");
    // The mention runs from the name to its relative pronoun.
    assert_eq!(
        r.speaker_span.map(|s| s.slice(&a.text)),
        Some("Oskar Brandt, who")
    );
    assert_eq!(r.speaker.as_deref(), Some("Oskar Brandt"));
    // A verb used as a noun after a determiner is no cue.
    let a = article(
        "The shows that ran last year were long and well attended.",
        None,
    );
    assert!(find_quotes(&a).is_empty(), "{:?}", find_quotes(&a));
}

#[test]
fn attributions_that_interrupt_end_or_follow_a_sentence() {
    let text = "\"The dam will hold,\" panel chairman Rep. Ada Lunn (R-Ore.) said after the vote.\n\n\
        \"We need rain,\" the Marlow orchard keeper said.\n\n\
        Pia Quill told Harbor Radio's \"Morning Tide\" that the ferry would run again in spring.\n\n\
        The new ferry, Tomas Ostrow said, will run twice a day from the old pier.\n\n\
        It would take a month to repair the pier, he said, and the town may lose its season.\n\n\
        A clerk who \"moves a decimal point\" is sent home, Lunn said.\n\n\
        \u{201d}The levee held through the night,\u{201d} Ostrow wrote.\n\n\
        \u{201c}The fair was a delight for the whole valley.\u{201d} \u{2015} Mira J. Solberg.\n\n\
        Ostrow said: \"The pier is safe for walkers again,\" adding that repairs would end in May.\n\n\
        The toll is unfair to the valley's farmers, top local lawmakers said.\n\n\
        \"The plan was the least bad choice,\" Ana Pires of the Harbor Trust said.\n\n\
        The Valley Courier reports: \"The mill reopens in May with forty new jobs.\"\n\n\
        Ruiz called the toll a \"tax on farmers\" that is \"a burden no family in the valley can carry.\"\n\n\
        On Thursday, the senator toured the dam, promising to cut the toll by half.\n\n\
        EXCLUSIVE \u{2013} Ines Kolar: Do Not Trust the Old Flood Maps\n\n\
        The dam will be rebuilt by June, according to an internal memo from the chief engineer of the regional water authority obtained by the Valley Courier.\n\n\
        Lena Voss \u{2014} a ferry pilot from Marlow \u{2014} says the river is too low to sail.\n\n\
        The Marlow co-op keeps its accounts private but says its sales have doubled this year.\n\n\
        The valley's children are big fans of \"Harbor Nights,\" Pia Quill said.";
    let a = article(text, None);
    let q = find_quotes(&a);
    let find = |start: &str| {
        q.iter()
            .find(|x| x.content.starts_with(start))
            .unwrap_or_else(|| panic!("no quote starting {start:?} in {q:#?}"))
    };
    let speaker = |x: &lede_model::Quote| x.speaker_span.map(|s| s.slice(&a.text).to_string());
    let dam = find("The dam will hold");
    assert_eq!(dam.speaker.as_deref(), Some("Rep. Ada Lunn"));
    assert_eq!(
        speaker(find("We need rain")).as_deref(),
        Some("the Marlow orchard keeper")
    );
    // The quoted show's name is not what was said.
    let ferry = find("the ferry would run again");
    assert_eq!(ferry.content, "the ferry would run again in spring");
    assert_eq!(ferry.speaker.as_deref(), Some("Pia Quill"));
    // An attribution inside the sentence it attributes.
    let whole = find("The new ferry");
    assert!(whole.content.ends_with("from the old pier"), "{whole:?}");
    assert_eq!(whole.speaker.as_deref(), Some("Tomas Ostrow"));
    // ... or closing it, before a clause of its own.
    assert_eq!(
        find("It would take a month").content,
        "It would take a month to repair the pier"
    );
    // A quote inside a clause attributed at the sentence's end.
    let clerk = find("A clerk who");
    assert!(clerk.content.ends_with("is sent home"), "{clerk:?}");
    assert!(!clerk.direct);
    // A closing mark typed as the opening one.
    let levee = find("The levee held");
    assert!(levee.direct);
    assert_eq!(levee.speaker.as_deref(), Some("Tomas Ostrow"));
    // A signature with a middle initial and a full stop.
    assert_eq!(
        speaker(find("The fair was a delight")).as_deref(),
        Some("Mira J. Solberg")
    );
    // "adding that ..." carries the speaker of the attribution before it.
    let added = find("repairs would end in May");
    assert_eq!(added.speaker.as_deref(), Some("Tomas Ostrow"));
    assert!(speaker(find("The toll is unfair")).is_some_and(|s| s.ends_with("lawmakers")));
    // "X of the Y said"; a present-tense "reports:".
    assert!(speaker(find("The plan was the least bad")).is_some_and(|s| s.starts_with("Ana Pires")));
    assert_eq!(
        speaker(find("The mill reopens")).as_deref(),
        Some("Valley Courier")
    );
    // A second quote of the same sentence is the same speaker's.
    assert!(speaker(find("a burden no family")).is_some_and(|s| s == "Ruiz"));
    // A headline's speaker after a kicker; a long "according to" source.
    assert_eq!(speaker(find("Do Not Trust")).as_deref(), Some("Ines Kolar"));
    assert!(speaker(find("The dam will be rebuilt by June"))
        .is_some_and(|s| s.starts_with("an internal memo")));
    // A short title ending the attributed clause.
    let title = find("The valley's children");
    assert!(
        title.content.contains("fans of \"Harbor Nights"),
        "{title:?}"
    );
    // A subject before the dashes of its apposition; "... but says".
    assert_eq!(
        speaker(find("the river is too low")).as_deref(),
        Some("Lena Voss")
    );
    assert_eq!(
        speaker(find("its sales have doubled")).as_deref(),
        Some("Marlow co-op")
    );
    // A participle's subject is read past the scene-setting phrase.
    assert_eq!(
        speaker(find("to cut the toll")).as_deref(),
        Some("the senator")
    );
    check_spans(&a, &analyze(&a));
}

#[test]
fn reviewed_misattributions_stay_fixed() {
    let text = "The red team toured the dam on Monday and says the ferry will run again soon.\n\n\
        Road to Recovery: How the town rebuilt its harbor after the flood\n\n\
        \"We will not close the harbor,\" a show that he said he hated.\n\n\
        The teacher read \"The Lighthouse Cat\" to the children on Monday.\n\n\
        Officials in March said the ferry plan would fail within a year.";
    let a = article(text, None);
    let q = find_quotes(&a);
    let speaker_of = |content: &str| {
        q.iter()
            .filter(|x| x.content.contains(content))
            .filter_map(|x| x.speaker_span.map(|s| s.slice(&a.text).to_string()))
            .collect::<Vec<_>>()
    };
    assert!(
        !speaker_of("the ferry will run again").contains(&"The".to_string()),
        "{q:#?}"
    );
    assert!(speaker_of("How the town rebuilt").is_empty(), "{q:#?}");
    assert!(
        !speaker_of("We will not close the harbor")
            .iter()
            .any(|s| s.contains("show")),
        "{q:#?}"
    );
    assert!(q.iter().all(|x| x.cue.as_deref() != Some("read")), "{q:#?}");
    assert!(
        !speaker_of("the ferry plan would fail")
            .iter()
            .any(|s| s == "March"),
        "{q:#?}"
    );
}

#[test]
fn long_runs_of_dashes_and_cues_finish() {
    // Each cue looks back over a bounded window, so these end quickly
    // (they took minutes and gigabytes when the subject search recursed).
    let dashes = format!(
        "{} says the ferry will run again.",
        "\u{2014} ".repeat(5_000)
    );
    let _ = find_quotes(&article(&dashes, None));
    let cues = format!("Ortiz {} the plan.", "said ".repeat(3_000));
    let _ = find_quotes(&article(&cues, None));
    let participles = format!("Ortiz said the plan{}.", ", saying the plan".repeat(3_000));
    let _ = find_quotes(&article(&participles, None));
}
