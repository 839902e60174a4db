"""Profile names that differ only in punctuation are two profiles, not one overwriting the other."""

from __future__ import annotations

from artguard.profile import ProfileStore, RightsProfile


def test_names_sharing_a_slug_keep_separate_files() -> None:
    store = ProfileStore()
    store.save(RightsProfile(name="jane studio", creator="Jane A"))
    store.save(RightsProfile(name="jane@studio", creator="Jane B"))
    store.save(RightsProfile(name="jane+studio", creator="Jane C"))
    assert store.names() == ["jane studio", "jane+studio", "jane@studio"]
    assert [store.get(n).creator for n in ("jane studio", "jane@studio", "jane+studio")] == ["Jane A", "Jane B", "Jane C"]
    store.save(RightsProfile(name="jane@studio", creator="Jane B2"))  # an edit replaces its own file only
    assert len(list(store.folder.glob("*.json"))) == 3
    store.delete("jane studio")
    assert store.get("jane@studio").creator == "Jane B2" and not store.exists("jane studio")
    store.save(RightsProfile(name="jane studio", creator="Jane A2"))
    assert store.get("jane studio").creator == "Jane A2" and store.get("jane+studio").creator == "Jane C"
