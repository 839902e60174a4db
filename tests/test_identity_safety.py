"""The signing identity survives races and keeps its secrets: concurrent first runs,
passphrase-protected keys, PKCS#12 protection kept, the CA key apart from the signing key."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from artguard import paths
from artguard.cli import main
from artguard.errors import IdentityError
from artguard.provenance import (
    KeyLocked,
    create_identity,
    import_identity,
    load_identity,
    read_c2pa,
    set_session_password,
    sign,
)
from tests.test_provenance_identity import external
from tests.test_provenance_sign import PROFILE, encoded

ROOT = Path(__file__).resolve().parents[1]

# Each process imports everything first, then waits for the same "go" file, so the
# first-time identity creation of all of them really starts at the same moment.
_RACER = """
import sys, time
from pathlib import Path
from artguard.cli import main
go = Path(sys.argv[1])
while not go.exists():
    time.sleep(0.002)
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture(autouse=True)
def _no_session_password():
    yield
    set_session_password(None)


@pytest.mark.parametrize("trial", range(3))
def test_first_time_embeds_started_together_end_with_one_identity(trial: int, make_image, tmp_path: Path) -> None:
    src = make_image("in/a.png", 96, 64, seed=trial)
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, str(go), "embed", str(src), "-o", str(tmp_path / f"out{n}"),
             "--creator", "Jane Racer", "--no-catalog"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for n in range(3)
    ]
    time.sleep(1.5)  # all have imported artguard and are waiting
    go.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    mine = load_identity()
    assert len(list(paths.identity_dir().glob("sets/*/signer.key"))) == 1
    for n in range(3):
        signer = read_c2pa(tmp_path / f"out{n}" / "a.png")["manifest"]["signer"]
        assert signer["serial_number"] == str(mine.serial_number) and signer["own_identity"]


def test_half_made_identity_is_never_visible(tmp_path: Path) -> None:
    """A crash while writing leaves only a hidden staging folder, which no reader takes."""
    staging = paths.identity_dir() / "sets" / ".new-crashed"
    staging.mkdir(parents=True)
    (staging / "signer.key").write_bytes(external().key_pem())
    with pytest.raises(IdentityError, match="no signing identity yet"):
        load_identity()
    made = create_identity("Jane Artist")
    assert load_identity().fingerprint == made.fingerprint


def test_passphrase_protects_stored_keys_and_signing_asks_for_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    made = create_identity("Jane Artist", password=b"correct horse")
    set_session_password(None)
    stored = made.key_path.read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in stored
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(stored, password=None)
    (ca_key,) = (paths.home() / "local-ca").glob("*.key")
    assert b"ENCRYPTED PRIVATE KEY" in ca_key.read_bytes()
    with pytest.raises(KeyLocked, match="ARTGUARD_KEY_PASSWORD"):
        load_identity()
    public = load_identity(unlock=False)  # recognising one's own signature needs no passphrase
    assert public.fingerprint == made.fingerprint and public.protected and public.password is None
    with pytest.raises(KeyLocked):
        public.key_pem()
    assert main(["identity", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["key_protected"] is True
    secret = tmp_path / "pw"
    secret.write_text("correct horse\n")
    monkeypatch.setenv("ARTGUARD_KEY_PASSWORD_FILE", str(secret))
    unlocked = load_identity()
    assert unlocked.protected and "correct horse" not in repr(unlocked)
    signed = sign(encoded("jpeg"), "jpeg", PROFILE, unlocked, title="a.jpg", thumbnail_jpeg=None, edited=True)
    report = read_c2pa(signed.data)
    assert report["state"] == "valid" and report["manifest"]["signer"]["own_identity"]
    monkeypatch.delenv("ARTGUARD_KEY_PASSWORD_FILE")
    monkeypatch.setenv("ARTGUARD_KEY_PASSWORD", "wrong")
    with pytest.raises(IdentityError, match="wrong password"):
        load_identity()
    monkeypatch.delenv("ARTGUARD_KEY_PASSWORD")
    set_session_password(b"correct horse")
    assert load_identity().fingerprint == made.fingerprint


def test_password_protected_pkcs12_import_stays_protected(tmp_path: Path) -> None:
    ext = external()
    p12 = tmp_path / "id.p12"
    p12.write_bytes(ext.p12(b"s3cret"))
    ident = import_identity(p12, password=b"s3cret")
    stored = ident.key_path.read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in stored
    key = serialization.load_pem_private_key(stored, password=b"s3cret")
    assert key.private_numbers() == ext.key.private_numbers()
    set_session_password(None)
    with pytest.raises(KeyLocked):
        load_identity()


def test_flat_layout_of_earlier_versions_loads_and_is_retired_on_replace() -> None:
    ext = external()
    folder = paths.identity_dir()
    (folder / "chain.pem").write_bytes(ext.chain_pem(with_root=False))
    (folder / "signer.key").write_bytes(ext.key_pem())
    old = load_identity()
    assert old.key_path == folder / "signer.key"
    new = create_identity("Jane Artist", overwrite=True)
    assert not (folder / "signer.key").exists()
    assert [p.read_bytes() for p in folder.glob("sets/earlier-*/signer.key")] == [ext.key_pem()]
    assert load_identity().fingerprint == new.fingerprint != old.fingerprint


def test_cli_creates_a_protected_identity_and_embed_signs_with_the_env_passphrase(
    monkeypatch: pytest.MonkeyPatch, make_image, tmp_path: Path, capsys
) -> None:
    monkeypatch.setenv("MY_PASS", "s3cret words")
    assert main(["identity", "create", "--name", "Jane Artist", "--password-env", "MY_PASS"]) == 0
    set_session_password(None)  # a new process would not have it
    capsys.readouterr()
    src = make_image("in/a.jpg", 120, 90)
    assert main(["embed", str(src), "-o", str(tmp_path / "o1"), "--creator", "Jane Artist", "--json"]) == 1
    assert "ARTGUARD_KEY_PASSWORD" in capsys.readouterr().err
    monkeypatch.setenv("ARTGUARD_KEY_PASSWORD", "s3cret words")
    assert main(["embed", str(src), "-o", str(tmp_path / "o2"), "--creator", "Jane Artist", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["files"][0]["output"]
    assert read_c2pa(Path(out))["manifest"]["signer"]["own_identity"]
