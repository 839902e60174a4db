"""The Website page: the kit's files with Copy/Save, and a site audit with thumbnails."""

from __future__ import annotations

import urllib.robotparser
from pathlib import Path

from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from artguard.cli import main
from artguard.gui.main_window import WEBSITE
from artguard.profile import AIUse, ProfileStore, RightsProfile
from artguard.site import build_kit
from tests.httpsite import serve


def _site(tmp_path: Path, make_image, capsys) -> Path:
    ProfileStore().save(RightsProfile(name="Ana", creator="Ana Artist", licensing_url="https://ana.example/licence"))
    for i in range(2):
        make_image(f"in/art{i}.jpg", 640, 480, seed=40 + i)
    assert main(["embed", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--profile", "Ana"]) == 0
    capsys.readouterr()
    www = tmp_path / "www"
    (www / "img").mkdir(parents=True)
    (www / "img" / "kept.jpg").write_bytes((tmp_path / "out" / "in" / "art0.jpg").read_bytes())
    Image.open(tmp_path / "out" / "in" / "art1.jpg").resize((480, 360)).save(www / "img" / "resized.jpg", quality=80)
    (www / "index.html").write_text('<html><body><img src="img/kept.jpg"><img srcset="img/resized.jpg 480w"></body></html>')
    (www / "robots.txt").write_text(build_kit(ProfileStore().get("Ana")).file("robots.txt").text)
    (www / ".well-known").mkdir()
    (www / ".well-known" / "tdmrep.json").write_text('[{"location": "/", "tdm-reservation": 0}]')  # says the opposite
    return www


def test_kit_files_copy_save_and_follow_the_profile(window, qtbot, tmp_path) -> None:
    ProfileStore().save(RightsProfile(name="Ana", creator="Ana Artist", licensing_url="https://ana.example/licence"))
    ProfileStore().save(RightsProfile(name="Open", creator="Ana Artist", ai_use=AIUse(True, True, True, True)))
    window.show_page(WEBSITE)
    page = window.website
    assert page.profile_box.findText("Ana") >= 0
    page.profile_box.setCurrentText("Ana")
    names = [page.file_list.item(i).text() for i in range(page.file_list.count())]
    assert {"robots.txt", "ai.txt", ".well-known/tdmrep.json", "artguard-kit/head-tags.html", "_headers", "artguard-kit/README.md"} <= set(names)
    page.file_list.setCurrentRow(names.index("robots.txt"))
    assert "User-agent: GPTBot" in page.text.toPlainText()
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    robots = urllib.robotparser.RobotFileParser()
    robots.parse(QApplication.clipboard().text().splitlines())
    assert not robots.can_fetch("GPTBot", "/") and robots.can_fetch("Googlebot", "/")

    page.profile_box.setCurrentText("Open")
    assert page.file_list.currentItem().text() == "robots.txt" and "GPTBot" not in page.text.toPlainText()
    assert "DMI-ALLOWED" in page.choice.text()

    page.profile_box.setCurrentText("Ana")
    page.merge_robots("User-agent: *\nDisallow: /drafts/\n")
    assert "Disallow: /drafts/" in page.text.toPlainText() and "User-agent: GPTBot" in page.text.toPlainText()
    out = tmp_path / "kit"
    page.save_all_to(out)
    qtbot.waitUntil(lambda: "files saved" in page.kit_status.text(), timeout=10000)
    assert (out / ".well-known" / "tdmrep.json").is_file() and "Disallow: /drafts/" in (out / "robots.txt").read_text()


def test_audit_shows_reservations_and_stripped_images_with_thumbnails(window, qtbot, tmp_path, make_image, capsys) -> None:
    www = _site(tmp_path, make_image, capsys)
    window.show_page(WEBSITE)
    page = window.website
    page.refresh()
    page.profile_box.setCurrentText("Ana")
    page.tabs.setCurrentIndex(1)
    with serve(www) as base:
        page.target.setText(base + "/")
        with qtbot.waitSignal(page.audit_done, timeout=60000):
            qtbot.mouseClick(page.audit_button, Qt.MouseButton.LeftButton)
        assert page.image_table.rowCount() == 2
        states = {page.image_table.item(r, 4).text().rsplit("/", 1)[-1]: page.image_table.item(r, 1).text() for r in range(2)}
        assert states == {"kept.jpg": "✔ Your image, intact", "resized.jpg": "✖ Your image, stripped by the site"}
        assert all(not page.image_table.item(r, 0).icon().isNull() for r in range(2))
        reservations = {page.signal_table.item(r, 0).text(): page.signal_table.item(r, 2).text() for r in range(page.signal_table.rowCount())}
        assert reservations["robots.txt AI rules"] == "✔ yes" and reservations["tdmrep.json"] == "✖ no"
        problems = [page.problem_list.item(r).text() for r in range(page.problem_list.count())]
        assert any("lost all their CMI" in p for p in problems) and any(p.startswith("✖ ai.txt: missing") for p in problems)
        assert page.audit_status.text() == "1 page and 2 images read; 11 problems found."  # incl. "contradicts itself"
        assert page.report_button.isEnabled() and not page.stop_button.isEnabled()
    report = tmp_path / "audit.html"
    page.write_report_to(report)
    qtbot.waitUntil(lambda: page.audit_status.text() == f"✔ Report saved: {report}", timeout=10000)
    assert "resized.jpg" in report.read_text()


def test_stop_ends_the_audit_and_a_bad_target_says_why(window, qtbot, tmp_path) -> None:
    page = window.website
    page.target.setText(str(tmp_path / "no-such-folder"))
    with qtbot.waitSignal(page.audit_done, timeout=20000):
        page.start_audit()
    assert "could not run" in page.audit_status.text() and "neither a folder" in page.audit_status.text()
    www = tmp_path / "big"
    www.mkdir()
    for i in range(60):
        (www / f"p{i}.html").write_text(f'<a href="p{i + 1}.html">next</a>')
    (www / "index.html").write_text('<a href="p0.html">start</a>')
    page.target.setText(str(www))
    with qtbot.waitSignal(page.audit_done, timeout=20000):
        page.start_audit()
        qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    assert page.audit_status.text().startswith("Stopped.") and page.audit_button.isEnabled()
