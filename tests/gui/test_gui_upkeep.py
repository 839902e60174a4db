"""Idle-time upkeep: after a protect batch the GUI computes the catalog features checks need."""

from __future__ import annotations

import re

from artguard.catalog import Catalog
from artguard.trace import reference


def _pending(catalog: Catalog) -> list[int]:
    return [pub_id for pub_id, blob in catalog.references().items() if reference.needs_features(blob)]


def test_features_are_computed_after_a_batch_and_a_new_batch_cancels_it(window, qtbot, images):
    page = window.protect
    page.profile_editor.fields["creator"].setText("Jane Painter")
    page.add_paths([images[0].parent])
    with qtbot.waitSignal(page.batch_finished, timeout=30000):
        assert page.start_batch()
    first = window.upkeep
    assert first is not None  # started once the batch was over
    # A new batch cancels the upkeep between rounds; the next finish starts it again.
    with qtbot.waitSignal(page.batch_finished, timeout=30000):
        assert page.start_batch()
    assert first.cancel_event.is_set()
    qtbot.waitUntil(lambda: window.upkeep is None, timeout=30000)
    with Catalog() as catalog:
        assert len(catalog.references()) == 3  # the second run skipped the up-to-date files
        assert _pending(catalog) == []
        blob = next(iter(catalog.references().values()))
    assert len(reference.parse(blob).features) > 20


def test_a_check_that_needs_the_feature_index_says_it_is_preparing_it(window, qtbot, tmp_path, make_image):
    """Records published by the CLI (no GUI upkeep) are completed by the first check that
    searches by features: a screenshot of a turned picture, which no hash finds."""
    from PIL import Image

    from artguard.cli import main

    for i in range(3):
        make_image(f"in/art{i}.jpg", 720, 540, seed=80 + i)
    assert main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "pub"), "--creator", "Ana"]) == 0
    output = tmp_path / "pub" / "in" / "art2.jpg"
    canvas = Image.new("RGB", (1000, 900), (240, 240, 240))
    turned = Image.open(output).convert("RGB").rotate(12, expand=True, fillcolor=(240, 240, 240))
    canvas.paste(turned.resize((500, 420)), (300, 250))
    canvas.save(tmp_path / "shot.png")
    page = window.check
    texts: list[str] = []
    page.check_sources([str(tmp_path / "shot.png")])
    worker = next(iter(page._checks))  # still decoding the copy: the index comes later
    worker.signals.preparing.connect(lambda done, total: texts.append(page.status.text()))
    qtbot.waitUntil(lambda: not page._checks, timeout=60000)
    assert any(re.fullmatch(r"Preparing [23] new catalog records for feature search \(once\): 1 of [23]…", t) for t in texts), texts
    assert not page.status.text().startswith("Preparing")
    match = page.results[0].match
    assert match is not None and match.method == "features" and match.publication.output.path == str(output.resolve())
    with Catalog() as catalog:
        assert _pending(catalog) == []
