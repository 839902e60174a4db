"""`artguard identity ...` as a user runs it: exit codes, JSON, key files, passwords, trust."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from artguard import paths
from artguard.cli import main
from artguard.profile import ProfileStore, RightsProfile
from artguard.provenance import load_identity, read_c2pa, sign
from tests.test_provenance_identity import external
from tests.test_provenance_sign import PROFILE, encoded


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_create_then_show_json(capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(capsys, "identity", "create", "--name", "Jane Artist", "--email", "jane@example.com",
                       "--org", "Studio J", "--json")
    assert code == 0
    created = json.loads(out)
    assert created["name"] == "Jane Artist" and created["organization"] == "Studio J"
    key = Path(created["key_file"])
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    code, out, _ = run(capsys, "identity", "show", "--json")
    assert code == 0 and json.loads(out) == created
    assert "PRIVATE KEY" not in out and key.read_text() not in out


def test_create_needs_a_name_or_a_default_profile(capsys: pytest.CaptureFixture) -> None:
    code, _, err = run(capsys, "identity", "create")
    assert code == 2 and "--name" in err
    ProfileStore().save(RightsProfile(name="default", creator="Profile Person"))
    code, out, _ = run(capsys, "identity", "create", "--json")
    assert code == 0 and json.loads(out)["name"] == "Profile Person"


def test_second_create_needs_force(capsys: pytest.CaptureFixture) -> None:
    assert run(capsys, "identity", "create", "--name", "A")[0] == 0
    first = load_identity().fingerprint
    code, _, err = run(capsys, "identity", "create", "--name", "B")
    assert code == 1 and "--force" in err and load_identity().fingerprint == first
    assert run(capsys, "identity", "create", "--name", "B", "--force")[0] == 0
    assert load_identity().name == "B"


def test_show_without_identity_fails_clearly(capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(capsys, "identity", "show")
    assert code == 1 and out == "" and "identity create" in err


def test_import_pkcs12_with_password_env_and_file(
    capsys: pytest.CaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ext = external()
    p12 = tmp_path / "me.p12"
    p12.write_bytes(ext.p12(b"correct horse"))
    monkeypatch.setenv("AG_PW", "wrong")
    code, out, err = run(capsys, "identity", "import", str(p12), "--password-env", "AG_PW")
    assert code == 1 and "wrong password" in err and "wrong" not in out
    assert run(capsys, "identity", "show")[0] == 1  # nothing half-imported
    pw = tmp_path / "pw.txt"
    pw.write_text("correct horse\n")
    code, out, _ = run(capsys, "identity", "import", str(p12), "--password-file", str(pw), "--json")
    assert code == 0 and json.loads(out)["name"] == "Jane Imported"
    assert "correct horse" not in out
    ident = load_identity()
    result = sign(encoded("jpeg"), "jpeg", PROFILE, ident, title="a.jpg", thumbnail_jpeg=None, edited=True)
    assert read_c2pa(result.data)["manifest"]["signer"]["common_name"] == "Jane Imported"


def test_import_pem_with_separate_key(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    ext = external()
    chain, key = tmp_path / "chain.pem", tmp_path / "key.pem"
    chain.write_bytes(ext.chain_pem())
    key.write_bytes(ext.key_pem())
    code, out, _ = run(capsys, "identity", "import", str(chain), "--key", str(key), "--json")
    assert code == 0 and json.loads(out)["kind"] == "imported"
    assert stat.S_IMODE(load_identity().key_path.stat().st_mode) == 0o600


def test_trust_own_ca_makes_signed_files_trusted(capsys: pytest.CaptureFixture) -> None:
    run(capsys, "identity", "create", "--name", "Jane Artist")
    data = sign(encoded("png"), "png", PROFILE, load_identity(), title="a.png", thumbnail_jpeg=None, edited=True).data
    assert read_c2pa(data)["state"] == "valid"
    code, out, _ = run(capsys, "identity", "trust", "add", "--own", "--json")
    assert code == 0
    fingerprint = json.loads(out)[0]["fingerprint_sha256"]
    code, out, _ = run(capsys, "identity", "trust", "list", "--json")
    assert [a["fingerprint_sha256"] for a in json.loads(out)] == [fingerprint]
    assert read_c2pa(data)["state"] == "trusted"
    assert run(capsys, "identity", "trust", "remove", fingerprint[:12])[0] == 0
    assert read_c2pa(data)["state"] == "valid"


def test_trust_add_file(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(external().chain_pem())
    code, out, _ = run(capsys, "identity", "trust", "add", str(anchors))
    assert code == 0 and out.count("Trusted") == 3
    code, _, err = run(capsys, "identity", "trust", "remove", "ffff0000")
    assert code == 1 and "no trust anchor" in err


def test_tsa_setting_round_trips_and_keeps_other_settings(capsys: pytest.CaptureFixture) -> None:
    paths.settings_path().write_text(json.dumps({"gui": {"theme": "dark"}}))
    code, out, _ = run(capsys, "identity", "tsa", "http://timestamp.example/tsa")
    assert code == 0 and "http://timestamp.example/tsa" in out
    saved = json.loads(paths.settings_path().read_text())
    assert saved["gui"] == {"theme": "dark"} and saved["c2pa"]["tsa_url"] == "http://timestamp.example/tsa"
    code, out, _ = run(capsys, "identity", "tsa", "--off")
    assert code == 0 and "off" in out
    assert run(capsys, "identity", "tsa", "ftp://nope")[0] == 1
