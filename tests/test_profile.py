"""Rights profiles: validation, templates, the on-disk store, the profile CLI."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest

from artguard.cli import main
from artguard.errors import ProfileError
from artguard.profile import ProfileStore, RightsProfile


def test_defaults_reserve_ai_training_and_data_mining() -> None:
    from artguard.metadata.registry import plus_terms

    profile = RightsProfile(creator="Zoë")
    assert profile.ai_use.any_reserved()
    assert plus_terms(profile.ai_use) == ("DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING", "")
    profile.ai_use.allow_all()
    assert plus_terms(profile.ai_use) == ("DMI-ALLOWED", "")


def test_templates_expand_known_names_and_keep_unknown_braces() -> None:
    profile = RightsProfile(creator="Zoë 山田")
    when = dt.datetime(2031, 5, 6, 12, 0)
    text = profile.expand("© {year} {creator} – {filename} {date} {unknown}", filename="sky.jpg", when=when)
    assert text == "© 2031 Zoë 山田 – sky.jpg 2031-05-06 {unknown}"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"source_type": "crayon"}, "source type"),
        ({"web_statement": "not a url"}, "web statement"),
        ({"contact_email": "nobody"}, "email"),
        ({"name": "../evil"}, "profile name"),
    ],
)
def test_invalid_profiles_are_refused_with_a_clear_message(change: dict, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        RightsProfile(creator="A", **change).validate()


def test_store_round_trips_every_field_and_export_import(tmp_path) -> None:
    store = ProfileStore()
    profile = RightsProfile(name="studio", creator="Zoë 山田", web_statement="https://zoe.example/rights")
    profile.ai_disclosure.tool = "Model X"
    profile.watermark.kind = "text"
    store.save(profile)
    assert store.names() == ["studio"]
    assert store.get("studio") == profile
    target = tmp_path / "studio.json"
    store.export("studio", target)
    store.delete("studio")
    assert store.names() == []
    assert ProfileStore().import_file(target) == profile
    with pytest.raises(ProfileError, match="exists"):
        store.import_file(target)


def test_malformed_profile_file_gives_profile_error(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "colour": 1}')
    with pytest.raises(ProfileError, match="unknown profile fields: colour"):
        ProfileStore().import_file(bad)
    bad.write_text("{not json")
    with pytest.raises(ProfileError, match="not valid JSON"):
        ProfileStore().import_file(bad)


def test_profile_cli_create_show_edit_delete(capsys, artguard_home) -> None:
    assert main(["profile", "create", "web", "--creator", "Zoë", "--web-statement", "https://z.example"]) == 0
    assert main(["profile", "edit", "web", "--allow-ai-training", "--watermark-text", "© {creator}"]) == 0
    capsys.readouterr()
    assert main(["profile", "show", "web", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["creator"] == "Zoë"
    assert shown["ai_use"]["ai_training"] is True
    assert shown["watermark"] == {**shown["watermark"], "kind": "text", "text": "© {creator}"}
    on_disk = json.loads((artguard_home / "profiles" / "web.json").read_text(encoding="utf-8"))
    assert on_disk["web_statement"] == "https://z.example"
    assert main(["profile", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == ["web"]
    assert main(["profile", "delete", "web"]) == 0
    assert main(["profile", "show", "nope"]) == 1
    assert "no profile named 'nope'" in capsys.readouterr().err


def test_profile_files_are_written_atomically(artguard_home) -> None:
    store = ProfileStore()
    store.save(RightsProfile(name="a", creator="A"))
    leftovers = [p for p in os.listdir(artguard_home / "profiles") if not p.endswith(".json")]
    assert leftovers == []
