"""``profile import`` of other tools' metadata templates: an Adobe Bridge / Photo Mechanic
XMP template and a Lightroom metadata preset, mapped through the registry; the rest listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from artguard.cli import main
from artguard.errors import ProfileError
from artguard.metadata.templates import import_template
from artguard.profile import ProfileStore
from tests.conftest import exiftool_read

DATA = Path(__file__).parent / "data"


def test_bridge_xmp_template_becomes_a_profile(capsys) -> None:
    assert main(["profile", "import", str(DATA / "bridge-template.xmp"), "--name", "Jane"]) == 0
    out = capsys.readouterr().out
    assert "imported profile 'Jane'" in out
    assert "skipped (not rights fields ArtGuard writes): Xmp.photoshop.City, " in out and "CiAdrCity" in out
    profile = ProfileStore().get("Jane")
    assert (profile.creator, profile.copyright_notice, profile.credit_line) == ("Jane Doe", "© Jane Doe", "Jane Doe / jane.example")
    assert (profile.usage_terms, profile.keywords, profile.web_statement) == ("No reuse", "ink, sea", "https://jane.example/rights")
    assert (profile.contact_email, profile.contact_url) == ("jane@example.com", "https://jane.example")
    assert profile.copyright_status == "copyrighted"
    # DMI-PROHIBITED-AIMLTRAINING: training reserved, inference and mining allowed
    assert (profile.ai_use.ai_training, profile.ai_use.ai_inference, profile.ai_use.data_mining) == (False, True, True)


def test_lightroom_preset_becomes_a_profile_and_embeds(make_image, tmp_path: Path, exiftool, capsys) -> None:
    assert main(["profile", "import", str(DATA / "jane-copyright.lrtemplate")]) == 0
    out = capsys.readouterr().out
    assert "imported profile 'Jane 2026'" in out
    assert "skipped (not rights fields ArtGuard writes): com.adobe.creatorCity, com.adobe.headline" in out
    profile = ProfileStore().get("Jane 2026")
    assert profile.copyright_notice == '© 2026 Jane "JD" Doe' and profile.credit_line == "Jane Doe Studio"
    assert profile.web_statement == "https://jane.example/rights" and profile.contact_url == "https://jane.example"

    src = make_image("a.jpg", 200, 150)
    assert main(["embed", str(src), "-o", str(tmp_path / "out"), "--profile", "Jane 2026", "--json"]) == 0
    capsys.readouterr()
    read = exiftool_read(tmp_path / "out" / "a.jpg")
    assert read["XMP-dc:Rights"] == '© 2026 Jane "JD" Doe' and read["IPTC:Credit"] == "Jane Doe Studio"


def test_template_name_collision_and_bad_files(tmp_path: Path, capsys) -> None:
    assert main(["profile", "import", str(DATA / "bridge-template.xmp")]) == 0
    with pytest.raises(ProfileError, match="exists"):
        main(["profile", "import", str(DATA / "bridge-template.xmp"), "--debug"])
    broken = tmp_path / "broken.xmp"
    broken.write_text("<x:xmpmeta><rdf:RDF><rdf:Descr", encoding="utf-8")
    with pytest.raises(ProfileError, match="not a readable XMP"):
        import_template(broken)
    other = tmp_path / "develop.lrtemplate"
    other.write_text('s = { title = "Vivid", type = "Develop", value = { settings = { Exposure2012 = 0.5 } } }')
    with pytest.raises(ProfileError, match="not a Lightroom metadata preset"):
        import_template(other)


def test_our_own_sidecar_round_trips_as_a_profile(make_image, tmp_path: Path, capsys) -> None:
    src = make_image("a.png", 200, 150)
    args = ["embed", str(src), "-o", str(tmp_path / "out"), "--creator", "Zoë", "--licensor", "Zoë L",
            "--licensing-url", "https://l.example", "--sidecar", "--no-c2pa", "--no-catalog", "--json"]
    assert main(args) == 0
    capsys.readouterr()
    imported = import_template(tmp_path / "out" / "a.xmp", "from sidecar")
    assert imported.profile.creator == "Zoë" and imported.profile.licensor == "Zoë L"
    assert "Xmp.xmpMM.InstanceID" in imported.skipped  # ids name one file, not a profile
