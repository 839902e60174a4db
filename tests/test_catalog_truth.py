"""The catalog describes files that exist: an overwritten output loses its old record, an
output whose rename failed leaves none."""

from __future__ import annotations

import json
import os
from pathlib import Path

from artguard.catalog import Catalog
from artguard.cli import main

EMBED = ["--creator", "Jane", "--json", "--no-c2pa"]


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_batches_into_one_folder_keep_one_true_record_per_output(make_image, tmp_path: Path, capsys) -> None:
    first = make_image("batch1/a.jpg", 80, 60, seed=1)
    second = make_image("batch2/a.jpg", 80, 60, seed=2)
    out = tmp_path / "out"
    assert main(["embed", str(first), "-o", str(out), *EMBED]) == 0
    assert main(["embed", str(second), "-o", str(out), *EMBED]) == 0
    capsys.readouterr()
    records = Catalog().list()
    assert len(records) == 1
    assert records[0].original.path == str(second.resolve())
    assert records[0].output.sha256 == _sha(out / "a.jpg")


def test_a_failed_rename_leaves_no_record(make_image, tmp_path: Path, capsys) -> None:
    src = make_image("in/a.jpg", 80, 60)
    out = tmp_path / "out"
    (out / "a.jpg").mkdir(parents=True)  # a folder where the output should go: the rename fails
    (out / "a.jpg" / "keep").write_text("x")
    code = main(["embed", str(src), "-o", str(out), *EMBED, "--force"])
    entry = json.loads(capsys.readouterr().out)["files"][0]
    assert code == 1 and entry["status"] == "error"
    assert Catalog().list() == []
    assert sorted(os.listdir(out)) == ["a.jpg"]
