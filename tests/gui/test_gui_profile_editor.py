"""The profile editor's rows are the field registry's: every editable part has a row with
its label and help, and typing into it lands in the saved profile."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from artguard.gui.widgets.profile_editor import ProfileEditor
from artguard.metadata import registry
from artguard.profile import ProfileStore


def test_every_registry_part_has_a_row_that_edits_it(qtbot) -> None:
    store = ProfileStore()
    editor = ProfileEditor(store)
    qtbot.addWidget(editor)
    widgets = {**editor.fields, **editor.texts, **editor.choices}
    editable = [p for p in registry.parts() if p.input in ("line", "url", "email", "text", "choice")]
    assert set(widgets) == {p.attr for p in editable}
    for part in editable:
        widget = widgets[part.attr]
        assert widget.toolTip() == part.full_help and widget.accessibleName() == part.label
        if isinstance(widget, QLineEdit):
            widget.clear()
            text = {"url": "https://zoe.example/x", "email": "zoe@example.org"}.get(part.input, f"{part.label} text")
            qtbot.keyClicks(widget, text)
        elif isinstance(widget, QPlainTextEdit):
            widget.setFocus()
            text = f"{part.label} text"
            qtbot.keyClicks(widget, text)
        else:
            assert isinstance(widget, QComboBox)
            widget.setCurrentIndex(widget.count() - 1)
            text = part.choices[-1][0]
        assert registry.get_attr(editor.profile(), part.attr) == text, part.attr
    assert set(editor.ai_checks) == {u.attr for u in registry.AI_USES}
    assert editor.dirty and editor.save()
    saved = store.get(editor.profile().name)
    assert saved.keywords == "Keywords text" and saved.ai_disclosure.seed == "Seed text"


def test_import_a_lightroom_preset_from_the_editor(qtbot) -> None:
    from pathlib import Path

    editor = ProfileEditor(ProfileStore())
    qtbot.addWidget(editor)
    assert editor.import_from(Path(__file__).parents[1] / "data" / "jane-copyright.lrtemplate")
    assert editor.combo.currentText() == "Jane 2026"
    assert editor.fields["creator"].text() == "Jane Doe" and editor.fields["credit_line"].text() == "Jane Doe Studio"
    assert "com.adobe.headline" in editor.status.text()
    assert not editor.import_from(Path(__file__).parents[1] / "data" / "jane-copyright.lrtemplate")  # exists
    assert "already exists" in editor.status.text()
