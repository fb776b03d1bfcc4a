//! Tests of the entity tagger on small fictional data.

use super::*;
use crate::Analyzer;
use lede_model::{Article, EntityKind};

/// A tiny CoNLL-style corpus (fictional people, organisations and places),
/// with an `I-` opening a name in the second document to exercise IOB1 input.
const CORPUS: &str = "\
-DOCSTART- -X- -X- O

Mara NNP B-NP B-PER
Quell NNP I-NP I-PER
visited VBD B-VP O
Eastbrook NNP B-NP B-LOC
. . O O

Velloway NNP B-NP B-ORG
Bank NNP I-NP I-ORG
hired VBD B-VP O
Piet NNP B-NP B-PER
Oda NNP I-NP I-PER
. . O O

-DOCSTART- -X- -X- O

Special NNP B-NP O
Envoy NNP I-NP O
Ilse NNP I-NP I-PER
Brandt NNP I-NP I-PER
flew VBD B-VP O
to TO B-PP O
Lowmoor NNP B-NP B-LOC
. . O O

Velloway NNP B-NP B-ORG
Bank NNP I-NP I-ORG
said VBD B-VP O
it PRP B-NP O
sold VBD B-VP O
Norvanian JJ B-NP B-MISC
bonds NNS I-NP O
. . O O
";

fn corpus() -> Vec<TaggedDocument> {
    read_conll(CORPUS).expect("valid corpus")
}

fn small_model() -> EntityModel {
    let options = TrainOptions {
        epochs: 8,
        hash_bits: 14,
        folds: 1,
        seed: 3,
    };
    EntityModel::train(&corpus(), &options)
}

#[test]
fn reads_documents_sentences_and_iob1() {
    let docs = corpus();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].len(), 2);
    assert_eq!(docs[1][0].tokens[2], "Ilse");
    // "I-PER" after "O" opens a name: IOB2 "B-PER".
    assert_eq!(docs[1][0].tags[2], "B-PER");
    assert_eq!(docs[1][0].tags[3], "I-PER");
    let err = read_conll("Mara NNP B-NP B-PERSON\n").unwrap_err();
    assert!(matches!(err, ModelError::BadTag { line: 1, .. }), "{err}");
}

#[test]
fn learns_its_training_sentences() {
    let model = small_model();
    let docs = corpus();
    for d in &docs {
        for s in d {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            assert_eq!(model.tag(&toks), s.tags, "{toks:?}");
        }
    }
}

#[test]
fn output_is_valid_iob2() {
    let model = small_model();
    let toks = [
        "Quell",
        "Bank",
        "Oda",
        "Brandt",
        "Lowmoor",
        "Bank",
        "Norvanian",
        ".",
    ];
    let tags = model.tag(&toks);
    assert_eq!(tags.len(), toks.len());
    for (i, t) in tags.iter().enumerate() {
        if let Some(ty) = t.strip_prefix("I-") {
            let prev = if i > 0 { tags[i - 1].as_str() } else { "O" };
            assert!(prev.ends_with(ty) && prev != "O", "{tags:?}");
        }
    }
    assert!(model.tag(&[]).is_empty());
}

#[test]
fn entity_spans_follow_conlleval() {
    let tags = [
        "B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-ORG", "I-MISC", "X",
    ];
    assert_eq!(
        entity_spans(&tags),
        vec![(0, 2, "PER"), (3, 5, "LOC"), (5, 6, "ORG"), (6, 7, "MISC")]
    );
}

#[test]
fn save_load_round_trip_and_rejects_bad_files() {
    let model = small_model();
    let dir = std::env::temp_dir().join(format!("lede-ner-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("entities.model");
    model.save(&path).unwrap();
    let loaded = EntityModel::load(&path).unwrap();
    let toks = ["Piet", "Oda", "visited", "Lowmoor", "."];
    assert_eq!(loaded.tag(&toks), model.tag(&toks));
    assert_eq!(loaded.to_bytes(), model.to_bytes());

    let bytes = model.to_bytes();
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    assert!(matches!(
        EntityModel::from_bytes(&flipped),
        Err(ModelError::Corrupt(_))
    ));
    assert!(matches!(
        EntityModel::from_bytes(&bytes[..bytes.len() - 9]),
        Err(ModelError::Corrupt(_))
    ));
    assert!(matches!(
        EntityModel::from_bytes(b"{\"weights\": []}"),
        Err(ModelError::NotAModel)
    ));
    let mut other_version = bytes.clone();
    other_version[8] = 99;
    assert!(matches!(
        EntityModel::from_bytes(&other_version),
        Err(ModelError::Version { found: 99, .. })
    ));
    let missing = EntityModel::load(&dir.join("missing.model")).unwrap_err();
    assert!(missing.to_string().contains("missing.model"), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn analyzer_uses_model_and_finds_roles() {
    let model = small_model();
    let text = "Special Envoy Ilse Brandt flew to Lowmoor. Velloway Bank hired Piet Oda. \
                Mara Quell visited Eastbrook.";
    let article = Article {
        text: text.to_string(),
        ..Article::default()
    };
    let es = Analyzer::new(Some(model)).find_entities(&article);
    let find = |name: &str| {
        es.iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no {name} in {es:#?}"))
    };
    let ilse = find("Ilse Brandt");
    assert_eq!(ilse.kind, EntityKind::Person);
    assert_eq!(ilse.role.as_deref(), Some("Special Envoy"));
    assert_eq!(ilse.span.slice(text), "Ilse Brandt");
    assert_eq!(find("Velloway Bank").kind, EntityKind::Organization);
    assert_eq!(find("Eastbrook").kind, EntityKind::Location);
    assert_eq!(find("Mara Quell").role, None);
    // Without a model the rules run.
    let rules = Analyzer::new(None).find_entities(&article);
    assert_eq!(rules, crate::find_entities(&article));
}
