//! Query-string parameters.

use url::form_urlencoded;

/// A parsed query string: percent-decoded `key=value` pairs, first value wins.
#[derive(Debug, Default, Clone)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// Parse a raw query string (without the `?`); `None` is empty.
    pub fn parse(raw: Option<&str>) -> Self {
        Params(
            raw.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
                .unwrap_or_default(),
        )
    }

    /// The trimmed value of `key`, `None` when absent or blank.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// `key` as a number; absent or malformed values are `None`.
    pub fn number(&self, key: &str) -> Option<usize> {
        self.get(key)?.parse().ok()
    }
}

/// `path?k=v&...` with the pairs percent-encoded; pairs with empty values are
/// left out, and no `?` is added when none remain.
pub(crate) fn href(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (k, v) in pairs {
        if !v.is_empty() {
            ser.append_pair(k, v);
            any = true;
        }
    }
    if any {
        format!("{path}?{}", ser.finish())
    } else {
        path.to_string()
    }
}
