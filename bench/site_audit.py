"""Benchmark the site audit: what crawling, fetching and parsing add to checking the images.

    .venv/bin/python bench/site_audit.py [--pages 10] [--images 20] [--side 1600]

A generated portfolio (protected through ``artguard embed``; every other image re-encoded
as a site builder would) is served on 127.0.0.1. Baseline, measured in the same run:
``check_many`` on the same image files from disk (the checking work itself). Then
``audit_site`` over HTTP and on the folder export. Printed as ratios to the baseline;
the goal is that the audit costs little more than the checks it runs (ratio < 1.5).
Also: parsing one page with 2 000 <img srcset> tags (BeautifulSoup, html.parser).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import scratch, timed  # noqa: E402


def build_site(root: Path, pages: int, images: int, side: int) -> Path:
    from PIL import Image

    from artguard.cli import main
    from tests.images import textured

    originals = root / "in"
    originals.mkdir(parents=True)
    for i in range(images):
        textured(side, side * 3 // 4, seed=500 + i).save(originals / f"art{i:03d}.jpg", quality=90)
    assert main(["embed", str(originals), "-o", str(root / "out"), "--creator", "Bench Artist", "--no-c2pa"]) == 0
    www = root / "www"
    (www / "img").mkdir(parents=True)
    for i, out in enumerate(sorted((root / "out" / "in").glob("*.jpg"))):
        if i % 2:
            Image.open(out).save(www / "img" / out.name, quality=82)
        else:
            (www / "img" / out.name).write_bytes(out.read_bytes())
    names = sorted(p.name for p in (www / "img").iterdir())
    per_page = max(1, len(names) // pages)
    for p in range(pages):
        shown = names[p * per_page:(p + 1) * per_page] or names[:1]
        imgs = "".join(f'<img src="/img/{n}" alt="">' for n in shown)
        nav = "".join(f'<a href="/p{q}.html">{q}</a>' for q in range(pages))
        (www / ("index.html" if p == 0 else f"p{p}.html")).write_text(f"<html><body>{nav}{imgs}</body></html>")
    return www


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--side", type=int, default=1600)
    args = parser.parse_args()
    work = scratch()
    os.environ["ARTGUARD_HOME"] = str(work / "home")

    from artguard.catalog import Catalog
    from artguard.check import check_many
    from artguard.profile import RightsProfile
    from artguard.site import audit_site
    from artguard.webpage import Page
    from tests.httpsite import serve

    www = build_site(work, args.pages, args.images, args.side)
    profile = RightsProfile(name="bench", creator="Bench Artist")
    print(f"site: {args.pages} pages, {args.images} images of {args.side} px (machine shared with other work: figures are noisy)")
    with Catalog() as catalog:
        base = timed("baseline: check the image files from disk", lambda: check_many([www / "img"], catalog=catalog), repeat=2)
        with serve(www) as url:
            over_http = timed("audit over HTTP (127.0.0.1)", lambda: audit_site(url, profile, catalog=catalog), repeat=2)
        folder = timed("audit of the folder export", lambda: audit_site(str(www), profile, catalog=catalog), repeat=2)
    print(f"  ratio audit/check: HTTP {over_http / base:.2f}, folder {folder / base:.2f} (goal < 1.5)")
    audit = audit_site(str(www), profile)
    stripped = sum(1 for i in audit.images if i.state == "stripped-by-site")
    print(f"  found {len(audit.images)} images, {stripped} stripped by the site (expected {args.images // 2})")

    big = ("<html><body>" + "".join(f'<p>work {i}</p><img src="/i/{i}.jpg" srcset="/i/{i}-s.jpg 400w, /i/{i}-l.jpg 1600w">' for i in range(2000)) + "</body></html>").encode()
    start = time.perf_counter()
    found = Page("https://bench.example/", big).images()
    print(f"  parse a {len(big) / 1e6:.1f} MB page, {len(found)} images found: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
