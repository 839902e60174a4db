"""Idle-time upkeep: after a protect batch the GUI computes the catalog features checks need."""

from __future__ import annotations

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
