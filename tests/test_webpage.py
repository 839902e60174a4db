"""A pasted page URL: every image the page shows is found, fetched and checked."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from artguard.cli import main
from artguard.webpage import Page, largest_candidate
from tests.httpsite import serve

PAGE = """<!doctype html><html><head>
<meta property="og:image" content="/media/og.jpg">
<meta name="twitter:image" content="/media/og.jpg">
<link rel="icon" href="/favicon.ico"></head><body>
<img src="img/plain.jpg" alt="plain">
<img src="img/small.jpg" srcset="img/small.jpg 320w, img/large.jpg 1200w, img/medium.jpg 800w">
<picture><source type="image/webp" srcset="pic/art.webp 1x, pic/art@2x.webp 2x"><img src="pic/fallback.jpg"></picture>
<img data-src="lazy/lazy.jpg" src="data:image/gif;base64,R0lGOD">
<div style="background-image: url('bg/hero.jpg')">hero</div>
<img src="logo.svg"><img src="img/plain.jpg#again">
<a href="about.html">About</a><a href="https://elsewhere.example/x">x</a><a href="img/plain.jpg">full size</a>
</body></html>"""


def test_images_are_found_where_sites_put_them() -> None:
    page = Page("https://ana.example/gallery/index.html", PAGE.encode())
    found = {(i.url.removeprefix("https://ana.example"), i.found_in) for i in page.images()}
    assert found == {
        ("/media/og.jpg", "og:image"),
        ("/gallery/img/plain.jpg", "img"),
        ("/gallery/img/large.jpg", "srcset"),
        ("/gallery/img/small.jpg", "img"),
        ("/gallery/pic/art@2x.webp", "picture"),
        ("/gallery/pic/fallback.jpg", "picture"),
        ("/gallery/lazy/lazy.jpg", "img"),
        ("/gallery/bg/hero.jpg", "css"),
    }
    assert page.links() == ["https://ana.example/gallery/about.html"]


def test_base_href_and_cdn_style_srcset() -> None:
    page = Page("https://ana.example/a/b.html", b'<base href="https://cdn.example/u/"><img srcset="i/w_300,h_200/x.jpg 300w, i/w_900,h_600/x.jpg 900w">')
    assert [i.url for i in page.images()] == ["https://cdn.example/u/i/w_900,h_600/x.jpg"]
    assert largest_candidate("a.jpg, b.jpg 2x") == "b.jpg"
    assert largest_candidate("  ") is None


def test_check_accepts_a_page_url_and_names_the_page(tmp_path: Path, make_image, capsys) -> None:
    make_image("in/art.jpg", 640, 480, seed=71)
    assert main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--creator", "Ana Artist", "--no-c2pa"]) == 0
    capsys.readouterr()
    output = tmp_path / "out" / "in" / "art.jpg"
    www = tmp_path / "www"
    for rel in ("gallery/img/large.jpg", "gallery/img/small.jpg", "gallery/pic/art@2x.webp", "gallery/pic/fallback.jpg", "gallery/bg/hero.jpg", "media/og.jpg"):
        (www / rel).parent.mkdir(parents=True, exist_ok=True)
        Image.open(output).save(www / rel, quality=85)
    (www / "gallery" / "index.html").write_text(PAGE)
    (www / "gallery" / "img" / "plain.jpg").write_bytes(output.read_bytes())  # served as protected
    # lazy/lazy.jpg is missing: one broken image must not stop the page
    with serve(www) as base:
        page_url = f"{base}/gallery/index.html"
        rc = main(["check", page_url, "--json", "--report", str(tmp_path / "evidence.html")])
    out = json.loads(capsys.readouterr().out)
    files = {f["path"].removeprefix(base): f for f in out["files"]}
    assert rc == 1 and len(files) == 8
    assert all(f["page"] == page_url for f in files.values())
    assert files["/gallery/lazy/lazy.jpg"]["status"] == "error" and "404" in files["/gallery/lazy/lazy.jpg"]["error"]
    assert files["/gallery/img/plain.jpg"]["verdict"] == "intact"
    for path in ("/media/og.jpg", "/gallery/img/large.jpg", "/gallery/pic/art@2x.webp", "/gallery/bg/hero.jpg"):
        assert files[path]["match"]["output"] == str(output.resolve()) and files[path]["verdict"] == "stripped", path
    assert f"(shown on the page {page_url})" in (tmp_path / "evidence.html").read_text()
    with serve(www) as base:
        assert main(["check", f"{base}/gallery/index.html"]) == 1
    out = capsys.readouterr()
    assert f"/gallery/img/large.jpg (on page {base}/gallery/index.html): Stripped" in out.out
    assert f"/gallery/lazy/lazy.jpg (on page {base}/gallery/index.html): error: " in out.err
