"""First run: a short welcome that creates the first rights profile and the signing identity."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from artguard import provenance
from artguard.errors import ArtGuardError
from artguard.gui import theme
from artguard.gui.widgets.hint import hint
from artguard.profile import SOURCE_TYPE_LABELS, ProfileStore, RightsProfile
from artguard.provenance.identity import exists as identity_exists


class _NamePage(QWizardPage):
    """Complete once the name has a visible character (spaces alone are not a name)."""

    creator: QLineEdit

    def isComplete(self) -> bool:
        return bool(self.creator.text().strip())


class WelcomeWizard(QWizard):
    """Three short pages; ``accept()`` writes the profile and (if asked) the identity."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to ArtGuard")
        self.setWindowIcon(theme.app_icon())
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, theme.app_icon().pixmap(56, 56))
        self.error: str | None = None

        intro = QWizardPage()
        intro.setTitle("Welcome to ArtGuard")
        intro.setSubTitle("Protect your images before you post them, and check copies you find later.")
        layout = QVBoxLayout(intro)
        text = QLabel(
            "ArtGuard writes your name, copyright and an explicit “no AI training” reservation into every "
            "image, signs it with Content Credentials, and can add a visible watermark. It keeps a record of "
            "what you published, so you can show a copy found online is yours.\n\n"
            "Two quick questions and you are ready. Your originals are never changed."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.addPage(intro)

        you = _NamePage()
        you.setTitle("About you")
        you.setSubTitle("This goes into every protected image. You can change it later on the Protect page.")
        form = QFormLayout(you)
        self.creator = QLineEdit()
        self.creator.setPlaceholderText("Your name or artist name")
        self.creator.setAccessibleName("Your name")
        self.email = QLineEdit()
        self.email.setPlaceholderText("you@example.com (optional)")
        self.website = QLineEdit()
        self.website.setPlaceholderText("https://… (optional)")
        self.source = QComboBox()
        for key, label in SOURCE_TYPE_LABELS.items():
            self.source.addItem(label, key)
        self.no_ai = QCheckBox("Do not allow AI training or data mining on my images")
        self.no_ai.setChecked(True)
        self.no_ai.setToolTip("Written as the IPTC data-mining reservation and in the signed C2PA record")
        form.addRow("&Name:", self.creator)
        form.addRow("&Email:", self.email)
        form.addRow("&Website:", self.website)
        form.addRow("Mostly &made as:", self.source)
        form.addRow(self.no_ai)
        self.why_next = hint("")
        self.why_next.setAccessibleName("Why Next is not available")
        form.addRow(self.why_next)
        you.creator = self.creator
        self.creator.textChanged.connect(self._explain_next)
        self.creator.textChanged.connect(you.completeChanged)
        self._explain_next()
        self.addPage(you)

        sign = QWizardPage()
        sign.setTitle("Your signing identity")
        sign.setSubTitle("Content Credentials are signed with a certificate in your name.")
        sign_layout = QVBoxLayout(sign)
        self.make_identity = QCheckBox("Create my signing identity now (recommended)")
        self.make_identity.setChecked(True)
        sign_layout.addWidget(self.make_identity)
        sign_layout.addWidget(hint(
            "ArtGuard makes a certificate for your name on this computer. The private key stays here "
            "(readable only by you). You can import a certificate from a provider later under Identity & settings."
        ))
        sign_layout.addStretch(1)
        self.addPage(sign)

    def _explain_next(self) -> None:
        """Next stays off until there is a name; say so instead of leaving a dead button."""
        missing = not self.creator.text().strip()
        self.why_next.setText("Type your name (or artist name) to continue: it goes into every image you protect." if missing else "")
        self.why_next.setVisible(missing)

    def profile(self) -> RightsProfile:
        profile = RightsProfile(
            name="default",
            creator=self.creator.text().strip(),
            contact_email=self.email.text().strip(),
            contact_url=self.website.text().strip(),
            web_statement=self.website.text().strip(),
            source_type=self.source.currentData(),
        )
        if not self.no_ai.isChecked():
            profile.ai_use.allow_all()
        return profile

    def accept(self) -> None:
        """Save; a bad value (email, URL) keeps the wizard open with the message shown."""
        profile = self.profile()
        try:
            profile.validate()
            if self.make_identity.isChecked() and not identity_exists():
                provenance.create_identity(profile.creator, profile.contact_email)
            ProfileStore().save(profile)
        except ArtGuardError as exc:
            self.error = str(exc)
            self.currentPage().setSubTitle(f"⚠ {exc}")
            return
        super().accept()
