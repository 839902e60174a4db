"""Evidence report from check results: one self-contained HTML file, or the same as PDF.

The report states facts only - what was matched, how, what CMI survived, what the
catalog recorded when the original was published - so an artist can attach it to a
takedown notice. Thumbnails travel inside the file (data URIs in HTML, embedded in PDF).
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

from artguard import __version__, imaging, paths
from artguard.check import CheckResult
from artguard.errors import ArtGuardError, OutputError
from artguard.fileio import atomic_path, write_bytes_atomic
from artguard.metadata import registry
from artguard.provenance import describe_signer

LEGAL_NOTE = (
    "Copyright management information (CMI) is information conveyed with a work that "
    "identifies it, its author or owner, or the terms of its use. In the United States, "
    "17 U.S.C. 1202(b) prohibits intentionally removing or altering CMI, and distributing "
    "copies knowing that CMI has been removed, where the person knows or has reason to "
    "know this will facilitate infringement. This report records technical facts only; "
    "it is not legal advice."
)
STATE_COLOURS = {"intact": "#1b7f3b", "stripped": "#b3261e", "altered": "#b36b00", "partially-stripped": "#b36b00", "unknown": "#555555"}
_THUMB = 320


def write_report(results: list[CheckResult], out: Path) -> Path:
    """Write the report as HTML or PDF, chosen by ``out``'s suffix, atomically."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix in (".html", ".htm"):
        write_bytes_atomic(out, render_html(results).encode("utf-8"))
    elif suffix == ".pdf":
        pdf = _render_pdf(results)
        with atomic_path(out) as tmp:
            pdf.output(str(tmp))
    else:
        raise OutputError(f"cannot write a report as {suffix or 'a file without suffix'}: use .html or .pdf")
    return out


def _rows(result: CheckResult) -> dict[str, list[tuple[str, str]]]:
    """The report's sections as (label, value) rows; HTML and PDF both render these."""
    copy = [
        ("Source", result.path),
        ("Downloaded from", result.url or "-"),
        ("Downloaded at (UTC)", result.downloaded_at or "-"),
        ("Checked at (UTC)", result.checked_at),
        ("Format", f"{(result.format or '').upper()} {result.width}x{result.height}, {result.size:,} bytes"),
        ("SHA-256", result.sha256 or "-"),
        ("Invisible watermark", "-" if result.watermark.get("id") is None else f"image id {result.watermark['id']}"),
    ]
    sections: dict[str, list[tuple[str, str]]] = {"The copy": copy}
    match = result.match
    if match is not None:
        pub = match.publication
        sections["Match"] = [
            ("Method", match.method),
            ("Perceptual distance", "-" if match.distance is None else f"{match.distance} of 192 bits"),
            ("Confidence", f"{match.confidence:.2f}"),
            ("Matched recorded image", match.against),
        ]
        sections["Catalog record of the original"] = [
            ("Published at (UTC)", pub.published_at),
            ("Publication id", str(pub.id)),
            ("Profile", pub.profile_name),
            ("Original file", pub.original.path),
            ("Original SHA-256", pub.original.sha256),
            ("Published file", pub.output.path),
            ("Published SHA-256", pub.output.sha256),
            ("Published size", f"{pub.output.format.upper()} {pub.output.width}x{pub.output.height}, {pub.output.size:,} bytes"),
            ("XMP DocumentID", pub.document_id or "-"),
            ("XMP InstanceID", pub.instance_id or "-"),
            ("C2PA manifest", pub.c2pa_label or "-"),
        ]
    c2pa = result.c2pa
    manifest = c2pa.get("manifest") or {}
    findings = [("State", c2pa.get("state", "absent")), ("Manifest label", c2pa.get("label") or "-")]
    for key in ("signer", "signing_time", "claim_generator", "title"):
        if manifest.get(key):
            value = describe_signer(manifest[key]) if key == "signer" else str(manifest[key])
            findings.append((key.replace("_", " ").capitalize(), value))
    for error in c2pa.get("errors") or []:
        findings.append(("Error", error.get("explanation", str(error)) if isinstance(error, dict) else str(error)))
    sections["Content Credentials (C2PA)"] = findings
    if match is None and result.carried:
        sections["CMI the copy carries"] = [(name, "; ".join(values.values())) for name, values in result.carried.items()]
    return sections


def _field_rows(result: CheckResult) -> list[tuple[str, str, str, str]]:
    """(field, state, written value, value in the copy) for every CMI field written, in words."""
    if result.match is None:
        return []
    rows = []
    for name, state in result.fields.items():
        seen = result.field_values.get(name) or {}
        found = registry.human_value(name, seen["found"]) if seen.get("found") is not None else "-"
        if found != "-" and seen.get("blocks_lost"):  # the value survives in some blocks: say which were removed
            found += f" (removed from {', '.join(seen['blocks_lost'])})"
        rows.append((registry.label(name), state, registry.human_value(name, seen.get("written") or ""), found))
    return rows


def _original_thumb(result: CheckResult) -> bytes | None:
    """A thumbnail of the published file (or the original) if it is still on disk."""
    if result.match is None:
        return None
    pub = result.match.publication
    for candidate in (pub.output.path, pub.original.path):
        try:
            img = imaging.to_rgb(imaging.decode_reduced(Path(candidate), _THUMB).image)
        except (ArtGuardError, OSError):
            continue
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=80)
        return buf.getvalue()
    return None


def render_html(results: list[CheckResult]) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>ArtGuard evidence report</title><style>",
        "body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:2em auto;max-width:60em;color:#222}",
        "h1{font-size:1.6em}h2{border-top:2px solid #ccc;padding-top:.6em}h3{font-size:1.05em;margin-bottom:.3em}",
        "table{border-collapse:collapse;width:100%;margin-bottom:1em}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}",
        "th{background:#f3f3f3}.pair{display:flex;gap:1em}.pair figure{margin:0;flex:1}.pair img{max-width:100%;border:1px solid #ccc}",
        ".fields td:nth-child(3),.fields td:nth-child(4){width:38%}.state{font-weight:bold;white-space:nowrap}.note{font-size:.9em;color:#444;border-left:4px solid #ccc;padding-left:1em}",
        "</style></head><body>",
        "<h1>ArtGuard evidence report</h1>",
        f"<p>{len(results)} cop{'y' if len(results) == 1 else 'ies'} checked with ArtGuard {esc(__version__)}.</p>",
    ]
    for n, result in enumerate(results, 1):
        colour = STATE_COLOURS.get(result.verdict, "#555")
        parts.append(f"<h2>{n}. {esc(result.path)}</h2>")
        parts.append(f"<p>Verdict: <span class='state' style='color:{colour}'>{esc(result.verdict)}</span>")
        if result.match is None:
            parts.append(" - no original in the catalog matches this copy.")
        parts.append("</p><div class='pair'>")
        for caption, data in (("Published original", _original_thumb(result)), ("Copy found", result.thumbnail)):
            if data:
                uri = "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
                parts.append(f"<figure><img src='{uri}' alt='{esc(caption)}'><figcaption>{esc(caption)}</figcaption></figure>")
            elif caption == "Published original" and result.match is not None:
                parts.append("<figure><p>(the published file is no longer on this computer)</p></figure>")
        parts.append("</div>")
        field_rows = _field_rows(result)
        if field_rows:
            parts.append("<h3>CMI fields written at publication, compared with the copy</h3><table class='fields'><tr><th>Field</th><th>State</th><th>Written</th><th>In the copy</th></tr>")
            for name, state, written, found in field_rows:
                parts.append(
                    f"<tr><td>{esc(name)}</td><td class='state' style='color:{STATE_COLOURS[state]}'>{esc(state)}</td>"
                    f"<td>{esc(written)}</td><td>{esc(found)}</td></tr>"
                )
            parts.append("</table>")
        for title, rows in _rows(result).items():
            parts.append(f"<h3>{esc(title)}</h3><table>")
            parts.extend(f"<tr><th style='width:14em'>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
            parts.append("</table>")
    parts.append(f"<h2>Note</h2><p class='note'>{esc(LEGAL_NOTE)}</p></body></html>\n")
    return "".join(parts)


def _fonts() -> tuple[Path, Path]:
    """(regular, bold) TTFs bundled under resources/fonts (Unicode text needs a TTF)."""
    folder = paths.resources_dir() / "fonts"
    ttfs = {p.name: p for p in folder.glob("*.ttf")}
    if not ttfs:
        raise OutputError(f"no TrueType font in {folder}: reinstall ArtGuard")
    bold = ttfs.get("DejaVuSans-Bold.ttf") or next(iter(sorted(ttfs.values())))
    regular = ttfs.get("DejaVuSans.ttf") or bold
    return regular, bold


def _render_pdf(results: list[CheckResult]):  # noqa: ANN202 (fpdf.FPDF is imported lazily)
    from fpdf import FPDF

    regular, bold = _fonts()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("Body", "", str(regular))
    pdf.add_font("Body", "B", str(bold))
    fallback = paths.resources_dir() / "fonts" / "DroidSansFallbackFull.ttf"
    if fallback.exists():  # CJK names and titles: DejaVu has no glyphs for them
        pdf.add_font("Fallback", "", str(fallback))
        pdf.set_fallback_fonts(["Fallback"], exact_match=False)
    pdf.set_title("ArtGuard evidence report")
    width = pdf.epw

    def table(rows: list[tuple[str, ...]], widths: tuple[float, ...], header: tuple[str, ...] | None = None) -> None:
        pdf.set_font("Body", "", 8)
        with pdf.table(col_widths=widths, text_align="LEFT", first_row_as_headings=header is not None, line_height=4.5) as tbl:
            for row in ([header] if header else []) + rows:
                cells = tbl.row()
                for value in row:
                    cells.cell(value)
        pdf.ln(2)

    pdf.add_page()
    pdf.set_font("Body", "B", 16)
    pdf.cell(0, 10, "ArtGuard evidence report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", "", 9)
    pdf.cell(0, 6, f"{len(results)} cop{'y' if len(results) == 1 else 'ies'} checked with ArtGuard {__version__}.", new_x="LMARGIN", new_y="NEXT")
    for n, result in enumerate(results, 1):
        if n > 1:
            pdf.add_page()
        pdf.set_font("Body", "B", 12)
        pdf.multi_cell(0, 6, f"{n}. {result.path}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Body", "B", 11)
        pdf.set_text_color(*_rgb(STATE_COLOURS.get(result.verdict, "#555555")))
        verdict = f"Verdict: {result.verdict}"
        if result.match is None:
            verdict += " - no original in the catalog matches this copy."
        pdf.multi_cell(0, 6, verdict, new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(0, 0, 0)
        top = pdf.get_y() + 2
        for column, (caption, data) in enumerate((("Published original", _original_thumb(result)), ("Copy found", result.thumbnail))):
            if data:
                x = pdf.l_margin + column * (width / 2)
                pdf.image(io.BytesIO(data), x=x, y=top, w=width / 2 - 4, h=55, keep_aspect_ratio=True)
                pdf.set_xy(x, top + 56)
                pdf.set_font("Body", "", 8)
                pdf.cell(width / 2 - 4, 4, caption)
        pdf.set_xy(pdf.l_margin, top + 62)
        field_rows = _field_rows(result)
        if field_rows:
            pdf.set_font("Body", "B", 10)
            pdf.cell(0, 6, "CMI fields written at publication, compared with the copy", new_x="LMARGIN", new_y="NEXT")
            table(field_rows, (22, 16, 31, 31), ("Field", "State", "Written", "In the copy"))
        for title, rows in _rows(result).items():
            pdf.set_font("Body", "B", 10)
            pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
            table(rows, (30, 70))
    pdf.set_font("Body", "B", 10)
    pdf.cell(0, 6, "Note", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Body", "", 8)
    pdf.multi_cell(0, 4.5, LEGAL_NOTE)
    return pdf


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
