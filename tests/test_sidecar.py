"""``embed --sidecar``: NAME.xmp beside each output, holding the same XMP as the output."""

from __future__ import annotations

import json
from pathlib import Path

from artguard.cli import main
from artguard.metadata import read_metadata
from tests.conftest import exiftool_read


def test_sidecar_carries_the_outputs_xmp(make_image, tmp_path: Path, exiftool, capsys) -> None:
    src = make_image("harbour.png", 320, 240, seed=2)
    out = tmp_path / "out"
    args = ["embed", str(src), "-o", str(out), "--creator", "Zoë", "--title", "Dawn over {filename}",
            "--format", "webp", "--sidecar", "--json"]
    assert main(args) == 0
    entry = json.loads(capsys.readouterr().out)["files"][0]
    output, sidecar = Path(entry["output"]), out / "harbour.xmp"
    assert sidecar.is_file()
    read = exiftool_read(sidecar)
    assert read["XMP-dc:Creator"] == "Zoë" and read["XMP-dc:Title"] == "Dawn over harbour.webp"
    assert read["XMP-xmpMM:InstanceID"] == read_metadata(output).xmp["Xmp.xmpMM.InstanceID"]
    assert sidecar.read_text(encoding="utf-8").startswith("<?xpacket begin=")
