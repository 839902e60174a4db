"""The evidence pack as its readers see it: HTML in headless Chromium, PDF through poppler,
the JSON twin and checksum with their own tools, notices as text. Inputs go through the
real ``embed`` and ``check`` paths; one found copy carries hostile metadata (a 1 MB value,
control characters, a right-to-left override, markup)."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import exiv2
import numpy as np
import pytest
from PIL import Image

from artguard.catalog import Catalog
from artguard.check import check_copy
from artguard.cli import main
from artguard.report import (
    build_report,
    render_html,
    render_notices,
    render_pdf,
    safe,
    write_report,
)
from tests.httpsite import serve

CLAIMANT = "Zoë Ünicode-Painter"
HOSTILE = "A" * 1_000_000 + "\x1b[31m\u202eexe.jpg<script>alert('x')</script>"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def server(tmp_path: Path):
    """A local web site serving found copies, so copies have real URLs and a host."""
    root = tmp_path / "www"
    root.mkdir()
    with serve(root) as base:
        yield root, base


@pytest.fixture
def found(tmp_path: Path, make_image, server, capsys) -> dict:
    """Two works protected with a profile; copies as platforms, scrapers and vandals make them."""
    assert main(["profile", "create", "studio", "--creator", CLAIMANT, "--copyright", "© 2026 Zoë",
                 "--contact-email", "zoe@example.org", "--web-statement", "https://zoe.example/rights",
                 "--title", "Night Harbour"]) == 0
    for i in range(2):
        make_image(f"in/art{i}.jpg", 720, 540, seed=70 + i)
    assert main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--profile", "studio"]) == 0
    capsys.readouterr()
    out0, out1 = tmp_path / "out" / "in" / "art0.jpg", tmp_path / "out" / "in" / "art1.jpg"
    root, base = server
    img = Image.open(out0)
    img.resize((360, 270)).save(root / "scraped.webp", quality=70)  # metadata and credentials gone
    w, h = img.size
    img.crop((w // 10, h // 10, w - w // 10, h - h // 10)).save(root / "crop.jpg", quality=85)
    local = tmp_path / "downloads"
    local.mkdir()
    shutil.copy(out1, local / "intact.jpg")
    hostile = local / "hostile.png"
    Image.open(out1).save(hostile)
    meta = exiv2.ImageFactory.open(str(hostile))
    meta.readMetadata()
    meta.xmpData()["Xmp.dc.creator"] = HOSTILE
    meta.xmpData()["Xmp.dc.rights"] = "<b>mine</b>\x07 \u202eevil"
    meta.writeMetadata()
    make_image("downloads/stranger.png", 300, 200, seed=500)
    with Catalog() as catalog:
        pub_id = catalog.find_by_sha256(hashlib.sha256(out0.read_bytes()).hexdigest())[0].id
    assert main(["catalog", "posted", str(pub_id), "https://www.artstation.com/artwork/night-harbour", "--date", "2026-11-20"]) == 0
    capsys.readouterr()
    sources = [f"{base}/scraped.webp", f"{base}/crop.jpg", str(local)]
    return {"sources": sources, "base": base, "tmp": tmp_path, "outputs": (out0, out1)}


def _chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.skip("chromium is not installed (scripts/setup.sh installs it)")
    return path


def _browser(html: Path, tmp: Path, *mode: str) -> None:
    subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp / 'chromium-profile'}", *mode, html.resolve().as_uri()],
        check=True, capture_output=True, timeout=120,
    )


def _pdf_pages(pdf: Path) -> list[str]:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def _filled(pdf: Path, tmp: Path) -> list[float]:
    """Per page, how far down its content reaches (0-1), the footer's page number left out."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    prefix = tmp / f"{pdf.stem}-page"
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-png", str(pdf), str(prefix)], check=True)
    fill = []
    for png in sorted(tmp.glob(f"{prefix.name}-*.png")):
        with Image.open(png) as page:
            grey = np.asarray(page.convert("L"))
        inked = np.flatnonzero((grey[: int(grey.shape[0] * 0.92)] < 200).any(axis=1))
        fill.append((inked[-1] + 1) / grey.shape[0] if inked.size else 0.0)
    return fill


def _assert_document_facts(text: str, tmp: Path) -> None:
    flat = " ".join(text.split())
    for fact in (CLAIMANT, "zoe@example.org", "5 checked", "Summary", "Where found", "Which work", "What was removed",
                 "Night Harbour", "Copyright notice", "Web statement", "AI training and data mining",
                 "Content Credentials", "Catalog record of the original", "self-asserted", "Appendix",
                 "https://www.artstation.com/artwork/night-harbour", "not legal advice", "shortened: 1,000,"):
        assert fact in flat, fact
    for leak in (str(tmp), "/tmp/", "copyright_status", "web_statement", "of 192 bits", "ns.useplus.org", "<script>", "\x1b", "\u202e"):
        assert leak not in text, leak


def test_html_pack_renders_in_chromium_with_the_facts(found, capsys) -> None:
    tmp = found["tmp"]
    out = tmp / "pack" / "evidence.html"
    out.parent.mkdir()
    code, stdout, _ = _run(capsys, "check", *found["sources"], "--profile", "studio", "--report", str(out), "--json")
    assert code == 0
    doc = json.loads(stdout)  # the check results come through whole beside the report
    assert doc["checked"] == 5 and doc["report"] == str(out) and doc["report_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()

    html = out.read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=['\"]?(https?:|file:)(?!//www\.artstation|//127\.0\.0\.1)", html)  # nothing loaded
    assert "<script" not in html.lower() and "&lt;script&gt;" not in html  # markup from a copy is never a tag (and is cut)
    shot = tmp / "report.png"
    _browser(out, tmp, f"--screenshot={shot}", "--window-size=1200,3000")
    with Image.open(shot) as png:  # the page rendered: not blank, the verdict colours are there
        assert png.size == (1200, 3000)
        colours = png.convert("RGB").getcolors(1 << 20)
        assert len(colours) > 500
    printed = tmp / "printed.pdf"
    _browser(out, tmp, f"--print-to-pdf={printed}", "--no-pdf-header-footer")
    pages = _pdf_pages(printed)
    _assert_document_facts("\n".join(pages), tmp)
    assert all(f > 0.5 for f in _filled(printed, tmp)[:-1]), "a printed page is nearly empty"
    for n, page in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in page  # the print stylesheet numbers pages


def test_pdf_pack_has_page_numbers_no_empty_pages_and_the_same_facts(found, capsys) -> None:
    tmp = found["tmp"]
    out = tmp / "evidence.pdf"
    code, _, _ = _run(capsys, "check", *found["sources"], "--profile", "studio", "--report", str(out))
    assert code == 0
    pages = _pdf_pages(out)
    _assert_document_facts("\n".join(pages), tmp)
    for n, page in enumerate(pages, 1):
        assert f"Page {n} of {len(pages)}" in page
    fill = _filled(out, tmp)
    assert len(fill) == len(pages) <= 5 + 3  # five copies: a cover, about a page each, the appendix
    assert all(f > 0.5 for f in fill[:-1]), f"a page is nearly empty: {fill}"
    twin = json.loads((tmp / "evidence.pdf.json").read_text(encoding="utf-8"))
    assert twin["report_file"] == "evidence.pdf" and len(twin["copies"]) == 5


def test_json_twin_holds_the_same_facts_and_the_checksum_verifies(found, capsys, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert _run(capsys, "check", *found["sources"], "--profile", "studio", "--report", str(out))[0] == 0
    checksum = tmp_path / "r.html.sha256"
    assert subprocess.run(["sha256sum", "-c", checksum.name], cwd=tmp_path, capture_output=True).returncode == 0
    twin = json.loads((tmp_path / "r.html.json").read_text(encoding="utf-8"))
    html = out.read_text(encoding="utf-8")
    assert twin["claimant"]["name"] == CLAIMANT and twin["claimant"]["email"] == "zoe@example.org"
    assert {c["verdict"] for c in twin["copies"]} == {"stripped", "intact", "altered", "unknown"}  # the hostile copy changed values
    for copy in twin["copies"]:
        assert copy["verdict_words"] in html
        for row in copy["fields"]:
            assert row["label"] in html and row["what_happened"] in html
        if copy["record"]:
            assert copy["record"]["published_sha256"] in html
    hostile = next(c for c in twin["copies"] if c["where"] == "hostile.png")
    creator = next(f for f in hostile["fields"] if f["name"] == "creator")
    assert creator["in_copy"]["note"] == f"shortened: {len(HOSTILE):,} characters, the first 300 shown"
    rights = next(f for f in hostile["fields"] if f["name"] == "copyright")
    assert "control or text-direction character" in rights["in_copy"]["note"] and "&lt;b&gt;mine" in html
    out.write_text(html.replace(CLAIMANT, "Someone Else"), encoding="utf-8")  # tampering shows
    assert subprocess.run(["sha256sum", "-c", checksum.name], cwd=tmp_path, capture_output=True).returncode != 0


def test_full_paths_only_when_asked(found, capsys, tmp_path: Path) -> None:
    out = tmp_path / "full.html"
    assert _run(capsys, "check", *found["sources"], "--report", str(out), "--full-paths")[0] == 0
    assert str(found["tmp"] / "downloads" / "intact.jpg") in out.read_text(encoding="utf-8")


def test_notices_per_host_with_what_512c3_and_dsa_require(found, capsys, tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    code, stdout, _ = _run(capsys, "check", *found["sources"], "--profile", "studio", "--notice", str(notice),
                           "--report", str(tmp_path / "r.pdf"))
    assert code == 0 and "nothing was sent" in stdout
    text = notice.read_text(encoding="utf-8")
    sections = re.split(r"^=+\nNotice \d of \d: ", text, flags=re.M)[1:]
    assert [s.split("\n", 1)[0] for s in sections] == ["127.0.0.1", "unknown host"]
    site, local = sections
    for required in ("512(c)(3)", "not legal advice", "Night Harbour", f"{found['base']}/scraped.webp", f"{found['base']}/crop.jpg",
                     "Posted by me at https://www.artstation.com/artwork/night-harbour (posted 2026-11-20)", "Recorded in my ArtGuard catalog on", CLAIMANT, "zoe@example.org",
                     "good faith belief", "not authorized by the copyright owner, its agent, or the law",
                     "under penalty of perjury", "authorized to act on behalf of the owner", "Signature:",
                     "1202(b)", "removed: all", "r.pdf, SHA-256"):
        assert required in site, required
    assert "[add the web address where you found the file hostile.png]" in local
    assert "[add the web address where you found the file intact.jpg]" in local
    assert "A" * 400 not in text and "\x1b" not in text and "\u202e" not in text and "stranger.png" not in text

    intact_only = render_notices(build_report([check_copy(found["outputs"][1])]))
    assert "512(c)(3)" in intact_only and "1202(b)" not in intact_only  # no CMI paragraph when nothing was removed

    dsa = tmp_path / "dsa.txt"
    assert _run(capsys, "check", found["sources"][0], "--profile", "studio", "--notice", str(dsa), "--notice-form", "dsa")[0] == 0
    text = dsa.read_text(encoding="utf-8")
    for required in ("Article 16", "16(2)(a)", "16(2)(b)", "16(2)(c)", "16(2)(d)", "bona fide belief", "accurate and complete",
                     f"{found['base']}/scraped.webp", CLAIMANT, "zoe@example.org", "not legal advice"):
        assert required in text, required


def test_a_report_failure_never_loses_the_json(found, capsys, tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    blocked = tmp_path / "a-file" / "r.pdf"
    code, stdout, err = _run(capsys, "check", *found["sources"], "--report", str(blocked), "--json")
    assert code == 1
    doc = json.loads(stdout)
    assert doc["checked"] == 5 and doc["report"] is None and "could not be written" in doc["errors"][0]
    assert "could not be written" in err and not blocked.exists()


def test_hostile_values_are_safe_in_the_terminal(found, capsys) -> None:
    code, stdout, _ = _run(capsys, "check", str(found["tmp"] / "downloads"))
    assert code == 0
    assert "\x1b" not in stdout and "\u202e" not in stdout and len(stdout) < 20_000
    assert "Creator" in stdout and "removed" in stdout


def test_safe_text_names_what_it_changed() -> None:
    shown = safe("Ana\x1b[2J\u202etxt.exe" + "x" * 400)
    assert "\x1b" not in shown.text and "\u202e" not in shown.text and len(shown.text) <= 301
    assert shown.note == "2 control or text-direction characters shown as \ufffd; shortened: 415 characters, the first 300 shown"
    assert safe("plain").note == "" and str(safe("plain")) == "plain"


def test_a_known_alignment_draws_the_overlay_and_says_what_the_copy_shows(found, tmp_path: Path) -> None:
    """The tracing step's measured ``match.transform`` becomes words and an overlay picture."""
    out0, _ = found["outputs"]
    img = Image.open(out0)
    w, h = img.size
    crop = tmp_path / "crop-local.jpg"
    img.crop((w // 10, h // 10, w - w // 10, h - h // 10)).save(crop, quality=85)
    result = check_copy(crop)
    assert result.match is not None and result.match.transform is not None  # measured by the trace step
    report = build_report([result])
    section = report.copies[0]
    assert section.pictures.overlay is not None
    assert re.search(r"The copy shows 6[3-5]% of the original, centre", section.shows), section.shows
    overlay = Image.open(io.BytesIO(section.pictures.overlay)).convert("RGB")
    reds = sum(n for n, (r, g, b) in overlay.getcolors(1 << 20) if r > 200 and g < 60)
    assert reds < 0.05 * overlay.width * overlay.height  # aligned right: almost nothing differs
    html = render_html(report)
    assert html.count("data:image/jpeg;base64,") == 3 and "aligned on the original" in html
    assert render_pdf(report).count(b"/Subtype /Image") >= 3
    result.match.transform = {"region": [0.0, 0.0, 0.6, 0.6]}  # a wrong alignment shows as red
    wrong = Image.open(io.BytesIO(build_report([result]).copies[0].pictures.overlay)).convert("RGB")
    wrong_reds = sum(n for n, (r, g, b) in wrong.getcolors(1 << 20) if r > 200 and g < 60)
    assert wrong_reds > 4 * max(reds, 1)


def test_write_report_refuses_other_suffixes_and_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="use .html or .pdf"):
        write_report(build_report([]), tmp_path / "report.docx")
    assert list(tmp_path.iterdir()) == []


def test_broken_credentials_in_words_with_raw_codes_only_in_the_appendix(found, tmp_path: Path) -> None:
    out0, _ = found["outputs"]
    data = bytearray(out0.read_bytes())
    middle = len(data) * 3 // 4  # inside the scan data: the pixels change, the manifest stays
    data[middle:middle + 64] = bytes(64)
    broken = tmp_path / "edited.jpg"
    broken.write_bytes(bytes(data))
    result = check_copy(broken)
    assert result.c2pa["state"] == "invalid" and result.c2pa["errors"]
    section = build_report([result]).copies[0]
    assert section.credentials.words == "broken" and "changed after signing" in section.credentials.meaning
    assert "changed: Content Credentials (broken)" in section.removed
    html = render_html(build_report([result]))
    body, appendix = html.split("Appendix: technical detail")
    code = result.c2pa["errors"][0]["code"]
    assert code and code not in body and code in appendix
    assert f"Signed by <strong class=\"wrap\">{CLAIMANT} (self-issued certificate" in body


def test_dates_say_how_they_are_known(found) -> None:
    """A C2PA time from a time-stamp authority is independent; the signer's own is self-asserted."""
    out0, _ = found["outputs"]
    result = check_copy(out0)
    signed = build_report([result]).copies[0].credentials.signed
    assert signed.self_asserted and "signer's own statement" in signed.how
    result.c2pa["manifest"]["signing_time_source"] = "time-stamp authority"  # as read back when a TSA signed
    stamped = build_report([result]).copies[0].credentials.signed
    assert not stamped.self_asserted and "RFC 3161" in stamped.how
    record = build_report([result]).copies[0].record
    assert record.published.self_asserted and "this computer's clock" in record.published.how


def test_a_published_file_no_longer_on_disk_is_said_so(found, tmp_path: Path) -> None:
    out0, _ = found["outputs"]
    copy = tmp_path / "copy.jpg"
    Image.open(out0).save(copy, quality=80)
    result = check_copy(copy)
    pub = result.match.publication
    for path in (pub.output.path, pub.original.path):
        Path(path).rename(path + ".moved")
    report = build_report([result])
    section = report.copies[0]
    assert section.pictures.original is None and "no longer on this computer" in section.pictures.original_note
    assert section.record.signed is None and section.record.published_sha256 == pub.output.sha256
    html = render_html(report)
    assert html.count("data:image/jpeg;base64,") == 1 and "no longer on this computer" in html
    assert b"/Subtype /Image" in render_pdf(report)
