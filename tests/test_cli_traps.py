"""The command-line traps a new user fell into (issue 18), each pinned by a test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from artguard.cli import main
from artguard.metadata import read_metadata

BASE = ["--creator", "Zoë", "--no-c2pa"]


def embed_json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["embed", *argv, *BASE, "--json"])
    return code, json.loads(capsys.readouterr().out)


def exit_code(argv: list[str]) -> int:
    """main()'s return value, or argparse's exit code for a usage error."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


def files_in(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_suffix_and_text_values_may_start_with_a_dash(make_image, tmp_path, capsys) -> None:
    src = make_image("in/a.jpg")
    code, doc = embed_json(capsys, str(src), "-o", str(tmp_path / "out"), "--suffix", "-web", "--title", "-untitled-")
    assert code == 0
    out = Path(doc["files"][0]["output"])
    assert out.name == "a-web.jpg"
    assert read_metadata(out).get("Iptc.Application2.ObjectName") == "-untitled-"


def test_a_flag_after_a_text_option_is_still_a_flag(make_image, tmp_path, capsys) -> None:
    src = make_image("in/a.jpg")
    assert exit_code(["embed", str(src), "--suffix", "-o", str(tmp_path / "out"), *BASE]) == 2
    err = capsys.readouterr().err
    assert "--suffix" in err and "expected one argument" in err
    assert not (tmp_path / "out").exists()


def test_trailing_slash_writes_beside_the_originals_and_a_second_run_leaves_outputs_alone(make_image, tmp_path, capsys) -> None:
    make_image("in3/Autumn.jpg", seed=1)
    make_image("in3/sub/Winter.png", seed=2)
    folder = f"{tmp_path / 'in3'}/"
    code = main(["embed", folder, "-o", folder, "--suffix=-web", "--creator", "Zoë"])  # catalog + C2PA on
    assert code == 0
    assert files_in(tmp_path / "in3") == ["Autumn-web.jpg", "Autumn.jpg", "sub/Winter-web.png", "sub/Winter.png"]
    capsys.readouterr()
    assert main(["embed", folder, "-o", folder, "--suffix=-web", "--creator", "Zoë"]) == 0
    out = capsys.readouterr().out
    assert "0 written" in out and "already protected by ArtGuard" in out
    assert files_in(tmp_path / "in3") == ["Autumn-web.jpg", "Autumn.jpg", "sub/Winter-web.png", "sub/Winter.png"]


def test_outputs_are_recognised_by_their_content_credentials_without_the_catalog(make_image, tmp_path, capsys) -> None:
    src = make_image("in/a.jpg")
    folder = f"{tmp_path / 'in'}/"
    assert main(["embed", folder, "-o", folder, "--suffix", "-web", "--creator", "Zoë", "--no-catalog"]) == 0
    capsys.readouterr()
    code = main(["embed", folder, "-o", str(tmp_path / "again"), "--creator", "Zoë", "--no-catalog", "--json"])
    statuses = {Path(f["input"]).name: (f["status"], f.get("note", "")) for f in json.loads(capsys.readouterr().out)["files"]}
    assert code == 0
    assert statuses["a.jpg"][0] == "ok"
    assert statuses["a-web.jpg"][0] == "skipped" and "already protected" in statuses["a-web.jpg"][1]
    capsys.readouterr()
    code = main(["embed", str(tmp_path / "in" / "a-web.jpg"), "-o", str(tmp_path / "forced"), "--creator", "Zoë",
                 "--no-catalog", "--include-protected", "--json"])
    assert code == 0 and json.loads(capsys.readouterr().out)["files"][0]["status"] == "ok"
    assert src.exists()


def test_rsync_convention_and_the_summary_names_the_real_output(make_image, tmp_path, capsys, monkeypatch) -> None:
    make_image("photos/photo.jpg", seed=1)
    make_image("photos/cat.jpg", seed=2)
    monkeypatch.chdir(tmp_path)
    assert main(["embed", "photos/", "-o", "web/", *BASE]) == 0  # the README's example
    assert "-> web/" in capsys.readouterr().out
    assert files_in(tmp_path / "web") == ["cat.jpg", "photo.jpg"]
    assert main(["inspect", "web/photo.jpg", "--no-watermark"]) == 0
    capsys.readouterr()
    assert main(["embed", "photos", "-o", "kept", *BASE]) == 0
    assert f"-> {Path('kept') / 'photos'}/" in capsys.readouterr().out
    assert files_in(tmp_path / "kept") == ["photos/cat.jpg", "photos/photo.jpg"]
    assert main(["embed", "photos/cat.jpg", "-o", "one", *BASE]) == 0
    assert f"-> {Path('one') / 'cat.jpg'}" in capsys.readouterr().out


def test_a_missing_logo_is_one_usage_error_and_makes_no_folder(make_image, tmp_path, capsys) -> None:
    make_image("in/a.jpg")
    make_image("in/b.jpg", seed=2)
    code = main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), *BASE, "--watermark-logo", str(tmp_path / "nope.png")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"artguard embed: error: watermark logo file not found: {tmp_path / 'nope.png'}", "see `artguard embed --help`"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("argv", "first_line"),
    [
        (["embed", "a.jpg", "-o", "out", "--sufix", "-web"], "artguard embed: error: unrecognized arguments: --sufix -web (did you mean --suffix?)"),
        (["embed", "a.jpg", "--creator", "Z"], "artguard embed: error: the following arguments are required: -o/--output"),
        (["check", "--reprot", "x.html", "a.jpg"], "artguard check: error: unrecognized argument: --reprot (did you mean --report?)"),
    ],
)
def test_usage_errors_come_first_on_one_line_then_point_to_the_commands_help(argv, first_line, capsys) -> None:
    assert exit_code(argv) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == first_line
    assert lines[1] == f"see `artguard {argv[0]} --help`"
    assert len(lines) == 2, "no usage dump"


def test_inspect_starts_with_a_rights_summary_in_words(make_image, tmp_path, capsys) -> None:
    src = make_image("in/a.jpg")
    assert main(["embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Zoë", "--invisible"]) == 0
    capsys.readouterr()
    assert main(["inspect", str(tmp_path / "out" / "a.jpg")]) == 0
    lines = capsys.readouterr().out.splitlines()
    summary = "\n".join(lines[1:8])
    assert "Creator:" in summary and "Zoë" in summary
    assert "AI use (IPTC PLUS):" in summary and "not allowed" in summary
    assert "Content Credentials (C2PA):" in summary and "signed and valid" in summary
    assert "Invisible mark:" in summary and "image id" in summary and "owner id" in summary
    assert "(your identity)" in summary
    assert lines.index("  All embedded fields:") > lines.index(next(l for l in lines if "Invisible mark:" in l))


def test_embed_says_when_it_creates_a_signing_identity_and_where(make_image, tmp_path, capsys, artguard_home) -> None:
    src = make_image("in/a.jpg")
    assert main(["embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Zoë"]) == 0
    err = capsys.readouterr().err
    assert "created a signing identity" in err and str(artguard_home / "identity") in err
    assert main(["embed", str(src), "-o", str(tmp_path / "out2"), "--creator", "Zoë"]) == 0
    assert "created a signing identity" not in capsys.readouterr().err


def test_run_script_says_it_is_starting() -> None:
    script = (Path(__file__).resolve().parents[1] / "scripts" / "run.sh").read_text()
    assert "starting ArtGuard…" in script
