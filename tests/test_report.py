"""Evidence reports: self-contained HTML and PDF with the facts of each check."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from artguard.check import check_copy
from artguard.cli import main
from artguard.report import write_report


@pytest.fixture
def results(tmp_path: Path, make_image):
    make_image("in/art.jpg", 640, 480, seed=77)
    assert main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--creator", "Zoë Ünicode",
                 "--copyright", "© 2026 Zoë"]) == 0
    output = tmp_path / "out" / "in" / "art.jpg"
    stripped = tmp_path / "found.webp"
    Image.open(output).resize((320, 240)).save(stripped, quality=70)
    unrelated = make_image("unrelated.png", 300, 200, seed=500)
    return [check_copy(output), check_copy(stripped), check_copy(unrelated)]


def test_html_report_is_self_contained_and_states_the_facts(results, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["check", results[0].path, results[1].path, results[2].path, "--report", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    uris = re.findall(r"src='data:image/jpeg;base64,([^']+)'", text)
    assert len(uris) == 5  # original + copy for the two matches, the copy alone for the unrelated image
    for uri in uris:
        assert base64.b64decode(uri)[:3] == b"\xff\xd8\xff"
    assert not re.search(r"(src|href)=['\"]?https?:", text)  # nothing loaded from elsewhere
    for fact in (results[1].sha256, results[1].match.publication.original.sha256, results[1].match.publication.published_at,
                 "Zoë Ünicode", ">stripped<", ">intact<", ">unknown<", "1202(b)", "not legal advice", "phash", "sha256"):
        assert fact in text, fact


def test_pdf_report_holds_the_same_facts(results, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    write_report(results, out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Subtype /Image") >= 3
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for fact in ("Zoë Ünicode", "stripped", "intact", "unknown", results[1].sha256[:40], "1202(b)", "not legal advice"):
        assert fact in text, fact


def test_a_report_is_written_atomically_and_refuses_other_suffixes(results, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="use .html or .pdf"):
        write_report(results, tmp_path / "report.docx")
    assert list(tmp_path.glob("report*")) == []
