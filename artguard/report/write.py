"""Write a report with its JSON twin and its own SHA-256, each file atomically.

``OUT.html`` (or ``.pdf``) gets ``OUT.html.json`` beside it (the same facts, for tools)
and ``OUT.html.sha256`` listing both in ``sha256sum`` format, so anyone who receives the pack
can run ``sha256sum -c OUT.html.sha256`` and see that nothing was changed since.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from artguard.errors import OutputError
from artguard.fileio import write_bytes_atomic
from artguard.report.html import render_html
from artguard.report.model import Report
from artguard.report.pdf import render_pdf

REPORT_SUFFIXES = (".html", ".htm", ".pdf")


@dataclass
class Written:
    report: Path
    twin: Path
    checksum: Path
    sha256: str  # of the report file


def write_report(report: Report, out: Path) -> Written:
    """The report as HTML or PDF (by ``out``'s suffix), its JSON twin and its checksum file."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise OutputError(f"cannot write a report as {suffix or 'a file without suffix'}: use .html or .pdf")
    document = render_html(report).encode("utf-8") if suffix != ".pdf" else render_pdf(report)
    twin = out.with_name(out.name + ".json")  # an HTML and a PDF pack can share a folder
    facts = report.to_json()
    facts["report_file"] = out.name
    twin_bytes = (json.dumps(facts, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    write_bytes_atomic(out, document)
    write_bytes_atomic(twin, twin_bytes)
    checksum = out.with_name(out.name + ".sha256")
    digest = hashlib.sha256(document).hexdigest()
    lines = f"{digest}  {out.name}\n{hashlib.sha256(twin_bytes).hexdigest()}  {twin.name}\n"
    write_bytes_atomic(checksum, lines.encode("utf-8"))
    return Written(out, twin, checksum, digest)
