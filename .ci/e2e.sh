#!/usr/bin/env bash
# End to end on a real corpus: import, build, serve on a free loopback port,
# then fetch the front page, a story page, the API and the feed, and check them.
set -euo pipefail
LEDE=$1
CORPUS=$2
DATA=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT

TIME=()
[ -x /usr/bin/time ] && TIME=(/usr/bin/time -v)
"${TIME[@]}" "$LEDE" --data-dir "$DATA" import "$CORPUS" 2> "$DATA/import.log" || {
  tail -50 "$DATA/import.log"; exit 1; }
grep -E "imported|stories written|Elapsed|Maximum resident" "$DATA/import.log"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$LEDE" --data-dir "$DATA" serve --addr "127.0.0.1:$PORT" 2> "$DATA/serve.log" &
SERVER=$!
for _ in $(seq 1 100); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=2)" 2>/dev/null && break
  sleep 0.2
done

python3 - "$PORT" <<'PY'
import html, json, sys, urllib.request, xml.etree.ElementTree as ET
port = sys.argv[1]
base = f"http://127.0.0.1:{port}"
def get(path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        assert r.status == 200, (path, r.status)
        return r.read().decode("utf-8")

stories, offset = [], 0
while offset is not None:
    api = json.loads(get(f"/api/stories?limit=200&offset={offset}"))
    stories += api["stories"]
    offset = api.get("next_offset")
assert stories, "no stories"
for s in stories:
    for k in ("id", "headline", "dek", "updated", "sources", "articles"):
        assert k in s, (k, s)
multi = [s for s in stories if s["sources"] >= 2]
assert len(multi) >= 10, f"only {len(multi)} stories with several sources"
text = " ".join(s["headline"] + " " + s["dek"] for s in stories).lower()
for topic in ("oil", "syria", "libya", "egypt"):
    assert topic in text, f"no story about {topic}"
best = max(multi, key=lambda s: s["sources"])
story = json.loads(get(f"/api/stories/{best['id']}"))
assert story["headline"]["text"] and story["dek"]["text"]
page = get(f"/stories/{best['id']}")
def shown(t, page):
    return html.escape(t, quote=False) in page or html.escape(t) in page
assert shown(best["headline"], page), "story page lacks its headline"
assert "Sources" in page, "story page lacks its sources"
front = get("/")
assert any(shown(s["headline"], front) for s in multi[:20]), "front page lacks the newest multi-source stories"
ET.fromstring(get("/feed.atom"))
print(f"e2e ok: {len(stories)} stories listed, {len(multi)} with 2+ sources; "
      f"largest: {best['sources']} sources, \"{best['headline']}\"")
PY
