"""The report as PDF (fpdf2): the same content as the HTML, page numbers, no near-empty pages.

A copy's section starts on a new page only when less than ``_NEW_SECTION_MM`` is left, so
short sections share pages instead of leaving most of one blank. Values are shortened by
``text.safe`` first, so even a cell holding a long run without spaces (which fpdf2 breaks
between characters) stays a few lines high.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image

from artguard import paths
from artguard.errors import OutputError
from artguard.report.model import CopySection, DateFact, Report
from artguard.untrusted_text import SafeText
from artguard.report.words import LEGAL_NOTE

_NEW_SECTION_MM = 90  # start a copy's section on a new page when less than this is left
_PICTURE_MM = 52
_COLOURS = {"intact": (27, 127, 59), "stripped": (179, 38, 30), "derivative": (67, 56, 202), "unknown": (96, 96, 106)}
_AMBER = (163, 90, 0)
_MUTED = (90, 90, 96)


def _fonts() -> tuple[Path, Path]:
    """(regular, bold) TTFs bundled under resources/fonts (Unicode text needs a TTF)."""
    folder = paths.resources_dir() / "fonts"
    regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
    if not regular.exists() or not bold.exists():
        raise OutputError(f"the report fonts are missing from {folder}: reinstall ArtGuard")
    return regular, bold


def _v(value: SafeText | str) -> str:
    return str(value)


def _date(d: DateFact | None) -> str:
    return f"{d.shown} — known from {d.how}" if d else "not known"


def render_pdf(report: Report) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    class _Doc(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Body", "", 8)
            self.set_text_color(*_MUTED)
            self.cell(0, 6, f"{report.title} — {report.claimant.name[:60]}", align="L")
            self.set_x(self.l_margin)
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

    regular, bold = _fonts()
    pdf = _Doc(format="A4")
    pdf.set_margins(14, 14, 14)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("Body", "", str(regular))
    pdf.add_font("Body", "B", str(bold))
    fallback = paths.resources_dir() / "fonts" / "DroidSansFallbackFull.ttf"
    if fallback.exists():  # CJK names and titles: DejaVu has no glyphs for them
        pdf.add_font("Fallback", "", str(fallback))
        pdf.set_fallback_fonts(["Fallback"], exact_match=False)
    pdf.set_title(report.title)
    pdf.set_author(report.claimant.name)
    pdf.set_creator(f"ArtGuard {report.version}")
    heading_face = FontFace(emphasis="BOLD", fill_color=(244, 244, 246))

    def text(size: float, words: str, style: str = "", colour: tuple[int, int, int] = (0, 0, 0), height: float = 4.6) -> None:
        pdf.set_font("Body", style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(0, height, words, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)

    def heading(words: str, size: float = 11) -> None:
        if pdf.will_page_break(24):
            pdf.add_page()
        pdf.ln(2)
        text(size, words, "B", height=6)

    def table(rows: list[tuple[str, ...]], widths: tuple[float, ...], header: tuple[str, ...] | None = None, size: float = 8,
              colours: list[tuple[int, int, int] | None] | None = None) -> None:
        """Rows of text; ``colours`` (one per row) paints that row's last cell."""
        pdf.set_font("Body", "", size)
        with pdf.table(col_widths=widths, text_align="LEFT", first_row_as_headings=header is not None,
                       headings_style=heading_face, line_height=4.2,
                       borders_layout="HORIZONTAL_LINES") as tbl:
            if header:
                cells = tbl.row()
                for value in header:
                    cells.cell(value)
            for n, row in enumerate(rows):
                cells = tbl.row()
                colour = colours[n] if colours else None
                for i, value in enumerate(row):
                    last = i == len(row) - 1
                    cells.cell(value, style=FontFace(emphasis="BOLD", color=colour) if colour and last else None)
        pdf.ln(1.5)

    pdf.add_page()
    text(17, report.title, "B", height=9)
    pdf.ln(1)
    table([
        ("Claimant", report.claimant.name),
        ("Contact", report.claimant.contact),
        ("Report made", _date(report.made)),
        ("Copies", f"{len(report.copies)} checked" + (f", {len(report.failed)} could not be checked" if report.failed else "")),
        ("Verdicts", ", ".join(f"{n} {w.lower()}" for w, n in report.counts) or "none"),
    ], (26, 74), size=9)
    heading("Summary", 12)
    table([(str(c.number), _v(c.where), _v(c.work), c.verdict_words, c.removed) for c in report.copies],
          (5, 27, 24, 13, 31), ("#", "Where found", "Which work", "Verdict", "What was removed"))
    if report.failed:
        text(8, "Could not be checked: " + "; ".join(f"{_v(n)} ({why})" for n, why in report.failed), colour=_COLOURS["stripped"])
    pdf.ln(1)
    text(8, "How the dates are known. Each date says where it comes from. Dates from this computer's clock and dates the "
            "signer wrote into its own Content Credentials are self-asserted: no independent party vouches for them. Only an "
            "RFC 3161 time stamp from a time-stamp authority, where shown, is independent evidence of when a file existed.",
         colour=_MUTED)

    for section in report.copies:
        if pdf.will_page_break(_NEW_SECTION_MM):
            pdf.add_page()
        else:
            pdf.ln(4)
            pdf.set_draw_color(200, 200, 205)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
            pdf.ln(2)
        _copy_section(pdf, section, text, heading, table)

    heading("Appendix: technical detail", 13)
    text(8, "SHA-256 is a fingerprint of a file's exact bytes: two files with the same SHA-256 are identical. The perceptual "
            "distance counts how many of the 192 bits of two images' visual fingerprints differ (0 = looks the same).", colour=_MUTED)
    for section in report.copies:
        heading(f"Copy {section.number}", 9.5)
        rows = list(section.technical) + [("C2PA status", e) for e in section.credentials.raw_errors] if section.credentials else list(section.technical)
        table(rows, (34, 66), size=7.5)
    pdf.ln(2)
    text(8, LEGAL_NOTE, colour=_MUTED)
    text(8, f"Made with ArtGuard {report.version}. File names are shown without folders"
            + (" (this report was made with full paths)" if report.full_paths else "")
            + ". The report's own SHA-256 is in the .sha256 file beside it; the same facts are in its JSON twin (.json).",
         colour=_MUTED)
    return bytes(pdf.output())


def _copy_section(pdf: Any, c: CopySection, text: Any, heading: Any, table: Any) -> None:
    text(13, f"Copy {c.number}: {_v(c.where)}", "B", height=6.5)
    colour = _COLOURS.get(c.verdict, _AMBER)
    text(10.5, f"{c.verdict_words}. {c.verdict_meaning}", "B", colour)
    facts = [
        ("Where found", _v(c.where) + ("" if c.url else " (a file on the claimant's computer; no web address recorded)")),
        ("Downloaded" if c.url else "File date", _date(c.found)),
        ("Checked", _date(c.checked)),
        ("The copy", c.size),
    ]
    if c.record is not None:
        facts += [("Which work", _v(c.work)), ("What it shows", c.shows),
                  ("How it was matched", c.match_how[:1].upper() + c.match_how[1:] + "."), ("Match strength", c.strength)]
    table(facts, (26, 74))
    shown = [(caption, data) for caption, data in (
        ("The original as published", c.pictures.original), ("The copy found", c.pictures.copy),
        ("The copy aligned on the original: grey where they agree, red where they differ", c.pictures.overlay)) if data]
    if shown:
        if pdf.will_page_break(_PICTURE_MM + 8):
            pdf.add_page()
        top, width = pdf.get_y() + 1, pdf.epw / 3
        sizes = [Image.open(io.BytesIO(data)).size for _, data in shown]
        tallest = max(min(_PICTURE_MM, (width - 4) * h / w) for w, h in sizes)
        for column, ((caption, data), (w, h)) in enumerate(zip(shown, sizes)):
            x = pdf.l_margin + column * width
            scale = min((width - 4) / w, tallest / h)
            pdf.image(io.BytesIO(data), x=x, y=top, w=w * scale, h=h * scale)
            pdf.set_xy(x, top + tallest + 0.5)
            pdf.set_font("Body", "", 7.5)
            pdf.multi_cell(width - 4, 3.5, caption, align="L")
        pdf.set_xy(pdf.l_margin, top + tallest + 9)
    if c.pictures.original_note:
        text(8, c.pictures.original_note, colour=_MUTED)
    if c.fields:
        heading("Rights information (CMI): written at publication, and in the copy", 10)
        table([(f.label, _v(f.written), _v(f.in_copy), f.what_happened) for f in c.fields],
              (20, 30, 30, 20), ("Field", "Written at publication", "In the copy", "What happened"),
              colours=[_COLOURS.get(f.state, _AMBER) for f in c.fields])
    elif c.carried:
        heading("Rights information the copy carries", 10)
        table([(label, _v(v)) for label, v in c.carried], (26, 74))
    creds = c.credentials
    if creds is not None:
        heading("Content Credentials (C2PA)", 10)
        words = f"In the copy: {creds.words}. {creds.meaning}"
        if creds.signer:
            words += f" Signed by {creds.signer}."
        if creds.signed:
            words += f" Signed at {_date(creds.signed)}."
        if creds.raw_errors:
            words += " The technical messages are in the appendix."
        text(8.5, words)
    if c.record is not None:
        rec = c.record
        heading("Catalog record of the original", 10)
        rows = [("Published", _date(rec.published))]
        if rec.signed:
            rows.append(("Signed", _date(rec.signed)))
        rows += [("Posted by the claimant at", url + (f", {_date(when)}" if when else "")) for url, when in rec.posted]
        rows += [("Published file", f"{rec.published_name} — {rec.published_size}"), ("Published file SHA-256", rec.published_sha256),
                 ("Original file", rec.original_name), ("Original file SHA-256", rec.original_sha256)]
        table(rows, (26, 74))
