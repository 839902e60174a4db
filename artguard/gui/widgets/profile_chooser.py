"""A list of the saved rights profiles, reloaded when its page is shown: the Website page
writes its kit from the chosen profile, the Check page names the claimant from it."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from artguard.errors import ArtGuardError
from artguard.profile import ProfileStore, RightsProfile

NO_PROFILE = "(no profile yet: defaults)"


class ProfileChooser(QComboBox):
    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)

    def reload(self) -> str:
        """Reread the profile names, keeping the choice (else "default"); returns why the
        profiles could not be read, or "" when they could. Emits no change signal."""
        try:
            names = ProfileStore().names()
            problem = ""
        except ArtGuardError as exc:
            names, problem = [], f"Profiles could not be read: {exc}"
        current = self.currentText()
        self.blockSignals(True)
        self.clear()
        self.addItems(names or [NO_PROFILE])
        if current in names:
            self.setCurrentText(current)
        elif "default" in names:
            self.setCurrentText("default")
        self.blockSignals(False)
        return problem

    def name(self) -> str | None:
        """The chosen profile's name, or None when there is no saved profile to choose."""
        text = self.currentText()
        return None if not text or text == NO_PROFILE else text

    def profile(self) -> RightsProfile:
        """The chosen profile, or the defaults when none is saved."""
        name = self.name()
        store = ProfileStore()
        return store.get(name) if name and store.exists(name) else RightsProfile()
