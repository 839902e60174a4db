"""Evidence report: a document an abuse desk or a lawyer can act on, and takedown notice drafts.

Public surface:

- ``build_report(results, profile=, catalog=, full_paths=)`` -> ``Report``: the facts, once;
  ``claimant_profile(name)``: the rights profile that names the claimant.
- ``write_report(report, out)`` -> ``Written``: ``out`` as HTML or PDF (by suffix), its
  JSON twin ``out.json`` and its ``out.sha256`` (``sha256sum -c`` compatible), atomically.
- ``render_html(report)``, ``render_pdf(report)``: the two layouts of the same content.
- ``write_notices(report, out, form=)`` / ``render_notices``: per hosting site, a DMCA
  512(c)(3) or DSA Art. 16 notice draft (``artguard.report.notice``).
- ``safe(value)``: hostile text from a copy, made safe to show (``artguard.untrusted_text``).
"""

from artguard.report.html import render_html
from artguard.report.model import Report, build_report, claimant_profile, host_of
from artguard.report.notice import FORMS, render_notices, write_notices
from artguard.report.pdf import render_pdf
from artguard.untrusted_text import SafeText, plain, safe
from artguard.report.write import REPORT_SUFFIXES, Written, write_report

__all__ = [
    "FORMS",
    "REPORT_SUFFIXES",
    "Report",
    "SafeText",
    "Written",
    "build_report",
    "claimant_profile",
    "host_of",
    "plain",
    "render_html",
    "render_notices",
    "render_pdf",
    "safe",
    "write_notices",
    "write_report",
]
