"""Verification references: publishing stores the picture, the first check that needs the
SIFT features computes them once and stores them back; older full blobs keep working."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from artguard.catalog import Catalog
from artguard.check import CatalogIndex, check_copy
from artguard.cli import main
from artguard.trace import reference
from tests.images import textured


@pytest.fixture
def published(tmp_path: Path, make_image) -> dict[str, Path]:
    """Three originals protected by the default ``artguard embed`` (CMI + C2PA + catalog)."""
    for i in range(3):
        make_image(f"in/art{i}.jpg", 720, 540, seed=80 + i)
    rc = main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--creator", "Ana Artist"])
    assert rc == 0
    return {f"art{i}": tmp_path / "out" / "in" / f"art{i}.jpg" for i in range(3)}


def _pub_id(catalog: Catalog, output: Path) -> int:
    pub = catalog.latest_for_output(str(output.resolve()))
    assert pub is not None and pub.id is not None
    return pub.id


def _count_detect(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Calls of the SIFT detector on reference pictures (the real one runs)."""
    calls: list[int] = []
    real = reference.detect

    def counted(grey, limit=reference.MAX_FEATURES):
        calls.append(limit)
        return real(grey, limit)

    monkeypatch.setattr(reference, "detect", counted)
    return calls


def test_embed_stores_the_picture_without_features(published) -> None:
    with Catalog() as catalog:
        blobs = catalog.references()
    assert len(blobs) == 3 and all(reference.needs_features(b) for b in blobs.values())
    ref = reference.parse(next(iter(blobs.values())))
    assert ref.grey.shape == (288, 384)
    assert reference.descriptors_of(next(iter(blobs.values())), 32).shape == (0, 128)


def test_check_verifies_against_a_fresh_record_and_stores_its_features_once(published, tmp_path, monkeypatch) -> None:
    calls = _count_detect(monkeypatch)
    img = Image.open(published["art1"]).convert("RGB")
    w, h = img.size
    copy = tmp_path / "crop.jpg"
    img.crop((w // 10, h // 10, w - w // 10, h - h // 10)).save(copy, quality=85)  # metadata stripped
    with Catalog() as catalog:
        target = _pub_id(catalog, published["art1"])
        result = check_copy(copy, catalog=catalog)
        assert result.match is not None and result.match.publication.id == target
        assert result.match.relation == "same" and result.verdict == "stripped"
        stored = catalog.references([target])[target]
    assert not reference.needs_features(stored)
    assert reference.descriptors_of(stored, 32).shape == (32, 128)
    # Exactly what computing them at publication gave: the features of the stored picture.
    first_calls = len(calls)
    assert first_calls >= 1
    parsed = reference.parse(stored)
    fresh = reference.detect(parsed.grey)
    assert (parsed.features.descriptors == fresh.descriptors.round().clip(0, 255)).all()
    with Catalog() as catalog:  # a later check session reads them back instead of detecting
        again = check_copy(copy, catalog=catalog)
        assert again.match is not None and again.match.publication.id == target
        assert catalog.references([target])[target] == stored
    assert len(calls) == first_calls + 1  # only the test's own detect() above


def test_feature_index_completes_missing_features_in_bulk_with_progress(published, tmp_path) -> None:
    seen: list[tuple[int, int]] = []
    with Catalog() as catalog:
        index = CatalogIndex(catalog)
        index.feature_progress = lambda done, total: seen.append((done, total))
        target = _pub_id(catalog, published["art2"])
        # A copy turned 10 degrees inside a frame: found by feature votes.
        img = Image.open(published["art2"]).convert("RGB").rotate(10, expand=True, fillcolor=(255, 255, 255))
        copy = reference.detect(reference.grey_array(img, 1024), 1500)
        assert index.features.candidates(copy)[0] == target
        assert seen[-1] == (3, 3) and [d for d, _ in seen] == [1, 2, 3]
        assert not any(reference.needs_features(b) for b in catalog.references().values())
    with Catalog() as catalog:  # stored: a second session has nothing left to compute
        seen.clear()
        index = CatalogIndex(catalog)
        index.feature_progress = lambda done, total: seen.append((done, total))
        assert len(index.features) == 3 and seen == []


def test_a_full_blob_from_before_lazy_features_still_verifies(tmp_path, make_image, monkeypatch) -> None:
    """Catalogs written before this change hold blobs with their features (version 1)."""
    make_image("in/old.jpg", 720, 540, seed=91)
    assert main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--creator", "Ana Artist"]) == 0
    output = tmp_path / "out" / "in" / "old.jpg"
    with Catalog() as catalog:
        pub_id = _pub_id(catalog, output)
        old = reference.complete(catalog.references([pub_id])[pub_id])
        assert old[0] == 1  # the old layout, byte for byte what the old make() wrote
        catalog.update_references({pub_id: old})
    calls = _count_detect(monkeypatch)
    copy = tmp_path / "half.jpg"
    img = Image.open(output).convert("RGB")
    img.crop((0, 0, img.width * 3 // 4, img.height)).resize((360, 360)).save(copy, quality=80)
    with Catalog() as catalog:
        result = check_copy(copy, catalog=catalog)
        assert result.match is not None and result.match.publication.id == pub_id
        assert catalog.references([pub_id])[pub_id] == old
    assert calls == []
    assert reference.complete(old) == old


def test_unknown_or_cut_blobs_are_refused() -> None:
    blob = reference.make(textured(400, 300, seed=4))
    for bad in (b"", b"\x09" + blob[1:], blob[:-10], reference.complete(blob)[:-7]):
        with pytest.raises(ValueError):
            reference.parse(bad)


def test_catalog_prepare_computes_what_is_missing_once(published, capsys) -> None:
    assert main(["catalog", "prepare", "--json"]) == 0
    assert '"prepared": 3' in capsys.readouterr().out
    with Catalog() as catalog:
        assert not any(reference.needs_features(b) for b in catalog.references().values())
    assert main(["catalog", "prepare"]) == 0
    assert "prepared 0 record(s); 3 in the catalog" in capsys.readouterr().out
