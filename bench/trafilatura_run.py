"""Run trafilatura (default settings) over an extraction benchmark folder.

Usage: trafilatura_run.py DATA_DIR OUT_DIR

Reads DATA_DIR/ground-truth.json for the page ids, decodes each
DATA_DIR/html/<id>.html.gz (trafilatura's own charset detection on the raw
bytes), writes the extracted body text to OUT_DIR/<id>.txt and prints the
extraction time (reading and writing excluded) and pages per second as JSON.
"""

import gzip
import json
import os
import sys
import time

import trafilatura


def main() -> None:
    data_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(data_dir, "ground-truth.json"), encoding="utf-8") as f:
        ids = sorted(json.load(f))
    pages = []
    for page_id in ids:
        with gzip.open(os.path.join(data_dir, "html", page_id + ".html.gz"), "rb") as f:
            pages.append((page_id, f.read()))

    outputs = {}
    start = time.perf_counter()
    for page_id, raw in pages:
        outputs[page_id] = trafilatura.extract(raw) or ""
    elapsed = time.perf_counter() - start

    for page_id, text in outputs.items():
        with open(os.path.join(out_dir, page_id + ".txt"), "w", encoding="utf-8") as f:
            f.write(text)
    print(
        json.dumps(
            {
                "tool": "trafilatura " + trafilatura.__version__,
                "pages": len(pages),
                "seconds": round(elapsed, 3),
                "pages_per_second": round(len(pages) / elapsed, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
