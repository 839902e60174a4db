"""The Check page takes a pasted web page address: a row per image, each naming its page."""

from __future__ import annotations

from PIL import Image

from artguard.cli import main
from artguard.gui.pages.check import COPY_COL, FILE_COL
from tests.httpsite import serve


def test_a_page_url_checks_every_image_and_rows_show_the_page(window, qtbot, tmp_path, make_image, capsys) -> None:
    make_image("in/art.jpg", 480, 360, seed=5)
    assert main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--creator", "Ana Artist", "--no-c2pa"]) == 0
    capsys.readouterr()
    output = tmp_path / "out" / "in" / "art.jpg"
    www = tmp_path / "www"
    www.mkdir()
    (www / "a.jpg").write_bytes(output.read_bytes())
    Image.open(output).save(www / "b.jpg", quality=80)
    Image.open(output).resize((240, 180)).save(www / "c.webp")
    (www / "page.html").write_text('<meta property="og:image" content="a.jpg"><img src="b.jpg"><picture><source srcset="c.webp"><img src="a.jpg"></picture>')
    make_image("www/single.jpg", 200, 150, seed=9)
    page = window.check
    with serve(www) as base:
        with qtbot.waitSignal(page.checks_done, timeout=30000):
            assert page.check_sources([f"{base}/page.html", f"{base}/single.jpg", f"{base}/page.html"]) == 2
    assert page.table.rowCount() == 4
    texts = [page.table.item(r, FILE_COL).text() for r in range(4)]
    on_page = [t for t in texts if t.endswith(f"on page {base}/page.html")]
    assert sorted(t.split("\n")[0].rsplit("/", 1)[1] for t in on_page) == ["a.jpg", "b.jpg", "c.webp"]
    assert texts[1] == f"{base}/single.jpg"
    assert [page.verdict_text(r) for r in range(4)].count("✖ Stripped") == 2
    assert all(not page.table.item(r, COPY_COL).icon().isNull() for r in range(4))
    row = texts.index(next(t for t in on_page if "b.jpg" in t))
    page.table.selectRow(row)
    assert f"Found on the page: {base}/page.html" in page.detail.toPlainText()
