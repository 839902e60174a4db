"""``artguard inspect``: everything a protected file carries, in DESIGN.md's JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

from artguard.cli import main


def embed(src: Path, out: Path, *extra: str) -> Path:
    assert main(["embed", str(src), "-o", str(out), "--creator", "Zoë 山田", "--json", *extra]) == 0
    return out / src.name


def test_inspect_json_reports_cmi_c2pa_and_the_invisible_mark(make_image, tmp_path, capsys) -> None:
    out = embed(make_image("a.jpg", 900, 600), tmp_path / "out", "--invisible")
    capsys.readouterr()
    assert main(["inspect", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"path", "format", "width", "height", "exif", "iptc", "xmp", "c2pa", "watermark"} <= set(report)
    assert (report["format"], report["width"], report["height"]) == ("jpeg", 900, 600)
    assert report["exif"]["Exif.Image.Artist"] == "Zoë 山田"
    assert report["iptc"]["Iptc.Application2.Byline"] == "Zoë 山田"
    assert report["xmp"]["Xmp.dc.creator"] == "Zoë 山田"
    assert report["xmp"]["Xmp.plus.DataMining"].endswith("DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING")
    assert report["c2pa"]["state"] == "valid"
    assert report["c2pa"]["manifest"]["claim_generator"].startswith("ArtGuard")
    assert isinstance(report["watermark"]["id"], int) and report["watermark"]["confidence"] > 0.9


def test_inspect_unprotected_and_broken_files(make_image, tmp_path, capsys) -> None:
    plain = make_image("plain.png", 200, 100)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 garbage")
    assert main(["inspect", str(plain), str(broken), "--json"]) == 1
    captured = capsys.readouterr()
    reports = json.loads(captured.out)
    assert reports[0]["c2pa"]["state"] == "absent" and reports[0]["watermark"]["id"] is None
    assert reports[1]["path"] == str(broken) and "error" in reports[1]
    assert captured.err.startswith(f"{broken}: error: ") and "Traceback" not in captured.err


def test_inspect_text_output_names_the_c2pa_state(make_image, tmp_path, capsys) -> None:
    out = embed(make_image("b.webp", 300, 200), tmp_path / "out")
    capsys.readouterr()
    assert main(["inspect", str(out)]) == 0
    text = capsys.readouterr().out
    assert "WEBP 300x200" in text and "C2PA: valid" in text and "Xmp.dc.creator" in text
