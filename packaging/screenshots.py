"""Regenerate docs/screenshots/*.png: the real window on generated demo art, every page.

Run under a display (Xvfb works):
    Xvfb :99 -screen 0 1600x1000x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python packaging/screenshots.py --theme light
    DISPLAY=:99 QT_QPA_PLATFORM=xcb .venv/bin/python packaging/screenshots.py --theme dark --pages protect check
    QT_SCALE_FACTOR=2 DISPLAY=:98 ... --pages protect --suffix -200   (a 2800x1800 Xvfb screen)
Uses a throwaway ARTGUARD_HOME, so the user's own profiles and catalog are never touched.
"""

from __future__ import annotations

import argparse
import math
import os
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def demo_art(path: Path, seed: int, size: tuple[int, int] = (1600, 1200)) -> Path:
    """A colourful landscape-like picture (sky gradient, sun, layered hills)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    rng = np.random.default_rng(seed)
    w, h = size
    top, bottom = rng.integers(40, 255, 3), rng.integers(40, 255, 3)
    t = np.linspace(0, 1, h)[:, None, None]
    sky = (top * (1 - t) + bottom * t).astype(np.uint8).repeat(w, axis=1)
    img = Image.fromarray(sky, "RGB")
    draw = ImageDraw.Draw(img)
    sx, sy, r = rng.integers(w // 5, 4 * w // 5), rng.integers(h // 8, h // 3), rng.integers(60, 140)
    draw.ellipse((sx - r, sy - r, sx + r, sy + r), fill=tuple(int(c) for c in rng.integers(200, 256, 3)))
    for layer in range(4):
        base = h * (0.45 + 0.13 * layer)
        amp, freq, phase = rng.uniform(40, 120), rng.uniform(1.5, 4), rng.uniform(0, 6)
        pts = [(x, base + amp * math.sin(x / w * freq * math.pi + phase)) for x in range(0, w + 20, 20)]
        shade = tuple(int(c * (0.85 - 0.17 * layer)) for c in rng.integers(60, 200, 3))
        draw.polygon([(0, h), *pts, (w, h)], fill=shade)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=92)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--theme", default="light", choices=("light", "dark"))
    parser.add_argument("--pages", nargs="*", default=["welcome", "welcome-name", "protect", "presets", "compare", "results", "check", "catalog", "website", "identity", "about"])
    parser.add_argument("--suffix", default="")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="artguard-shots-"))
    os.environ["ARTGUARD_HOME"] = str(work / "home")

    from PySide6.QtWidgets import QApplication

    from artguard import provenance
    from artguard.gui import workers
    from artguard.gui.app import create_application
    from artguard.gui.main_window import IDENTITY, WEBSITE, MainWindow
    from artguard.gui.settings import GuiSettings
    from artguard.gui.welcome import WelcomeWizard
    from artguard.gui.widgets.about import AboutDialog
    from artguard.profile import ProfileStore, RightsProfile, WatermarkSettings

    app = create_application(args.theme)
    suffix = ("-dark" if args.theme == "dark" else "") + args.suffix
    args.out.mkdir(parents=True, exist_ok=True)

    def settle(until=lambda: True, timeout: float = 60.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            app.processEvents()
            if until():
                break
            time.sleep(0.02)
        for _ in range(20):
            app.processEvents()
            time.sleep(0.01)

    def shot(widget, name: str) -> None:
        settle()
        widget.grab().save(str(args.out / f"{name}{suffix}.png"))
        print("wrote", args.out / f"{name}{suffix}.png")

    if "welcome-name" in args.pages:
        wizard = WelcomeWizard()
        wizard.resize(720, 520)
        wizard.show()
        wizard.next()  # the name page, still empty: it says why Next is off
        shot(wizard, "welcome-name")
        wizard.close()
    if "welcome" in args.pages:
        wizard = WelcomeWizard()
        wizard.resize(720, 520)
        wizard.show()
        wizard.next()
        wizard.creator.setText("Mira Okafor")
        wizard.email.setText("mira@okafor.art")
        wizard.website.setText("https://okafor.art")
        shot(wizard, "welcome")
        wizard.close()

    ProfileStore().save(RightsProfile(
        name="default", creator="Mira Okafor", credit_line="Mira Okafor / okafor.art",
        contact_email="mira@okafor.art", contact_url="https://okafor.art", web_statement="https://okafor.art/rights",
        usage_terms="No reuse or AI training without written permission.", title="{filename}",
        watermark=WatermarkSettings(kind="text", text="© {year} Mira Okafor", opacity=0.45, scale=0.06, tile=True, tile_angle=30),
    ))
    provenance.create_identity("Mira Okafor", "mira@okafor.art", "Okafor Studio")
    art = [demo_art(work / "portfolio" / f"{name}.jpg", seed) for seed, name in enumerate(
        ["dawn-hills", "violet-valley", "harbour-dusk", "amber-ridge", "cold-morning", "late-summer"])]
    window = MainWindow(GuiSettings(welcome_done=True, output_dir=str(work / "web"), max_size=2048))
    window.resize(1440, 900)
    window.show()
    window.protect.add_paths([art[0].parent])
    window.protect.files.setCurrentRow(1)
    settle(lambda: window.protect.files.pending_thumbnails() == 0 and not window.protect.preview.image().isNull())
    time.sleep(0.3)
    if "protect" in args.pages:
        window.protect.tabs.setCurrentIndex(1)
        shot(window, "protect")
    if "compare" in args.pages:
        window.protect.view_buttons["split"].click()
        window.protect.preview.split = 0.45
        shot(window, "protect-compare")
        window.protect.view_buttons["after"].click()
    if {"presets", "results", "check", "catalog"} & set(args.pages):
        from PySide6.QtCore import Qt

        output = window.protect.output
        for row in range(output.presets.count()):
            item = output.presets.item(row)
            if item.data(Qt.ItemDataRole.UserRole) in ("instagram-portrait", "x", "archive"):
                item.setCheckState(Qt.CheckState.Checked)
        window.protect.tabs.setCurrentIndex(2)
        window.protect.preview.move_crop((0.62, 0.5))
        window.protect.preview.crop_moved.emit(window.protect.preview.crop_centre)  # as a drag ends
        latency = window.protect.renderer
        latency.last_latency_ms = None
        settle(lambda: latency.last_latency_ms is not None, timeout=30)
        if "presets" in args.pages:
            shot(window, "protect-presets")
    if {"results", "check", "catalog", "website"} & set(args.pages):
        window.protect.tabs.setCurrentIndex(0)
        window.protect.start_batch()
        settle(lambda: window.protect.worker is None, timeout=300)
        if "results" in args.pages:
            settle(lambda: window.protect.preview.after.height() > 0, timeout=30)
            time.sleep(0.5)
            shot(window, "protect-results")
    if "check" in args.pages:
        from PIL import Image

        copies = work / "found-online"
        copies.mkdir()
        outputs = sorted((work / "web" / "x" / "portfolio").glob("*.jpg"))
        (copies / "repost-intact.jpg").write_bytes(outputs[0].read_bytes())
        stripped = Image.open(outputs[1]).convert("RGB")
        stripped.resize((stripped.width // 2, stripped.height // 2)).save(copies / "scraped-stripped.jpg", quality=80)
        Image.open(outputs[2]).save(copies / "forum-copy.webp", quality=85)
        demo_art(copies / "someone-else.jpg", 99, (900, 600))
        window.show_page(1)
        window.check.check_sources([str(copies)])
        settle(lambda: all(r is not None for r in window.check.results), timeout=120)
        window.check.table.selectRow(1)
        shot(window, "check")
    if "catalog" in args.pages:
        window.show_page(2)
        shot(window, "catalog")
    if "website" in args.pages:
        from PIL import Image

        site = work / "okafor.art"
        (site / "work").mkdir(parents=True)
        outputs = sorted((work / "web" / "portfolio").glob("*.jpg"))
        for i, out in enumerate(outputs):  # the site builder re-encoded every other upload
            if i % 2:
                Image.open(out).resize((1200, 900)).save(site / "work" / out.name, quality=82)
            else:
                (site / "work" / out.name).write_bytes(out.read_bytes())
        imgs = "".join(f'<img src="/work/{o.name}" srcset="/work/{o.name} 1600w">' for o in outputs)
        (site / "index.html").write_text(f'<html><head><meta name="robots" content="noai"></head><body>{imgs}</body></html>')
        (site / "robots.txt").write_text("User-agent: *\nDisallow: /drafts/\n\nUser-agent: GPTBot\nDisallow: /\n")
        window.show_page(WEBSITE)
        page = window.website
        page.file_list.setCurrentRow(1)
        shot(window, "website-kit")
        page.tabs.setCurrentIndex(1)
        page.target.setText(str(site))
        page.start_audit()
        settle(lambda: page.worker is None, timeout=300)
        shot(window, "website-audit")
    if "identity" in args.pages:
        window.show_page(IDENTITY)
        shot(window, "identity")
    if "about" in args.pages:
        about = AboutDialog(window)
        about.show()
        shot(about, "about")
        about.close()
    window.protect.cancel()
    settle(lambda: window.protect.worker is None)
    workers.wait_all()
    window.catalog.close_catalog()
    QApplication.closeAllWindows()


if __name__ == "__main__":
    main()
