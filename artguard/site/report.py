"""The site audit as one self-contained HTML file (Jinja2, autoescaped, thumbnails inline)."""

from __future__ import annotations

import base64
from pathlib import Path

import jinja2

from artguard import __version__
from artguard.fileio import write_bytes_atomic
from artguard.site.audit import IMAGE_STATE_WORDS, SiteAudit

IMAGE_STATES = {
    "stripped-by-site": "Your images stripped by the site",
    "partly-stripped": "Your images partly stripped",
    "intact": "Your images intact",
    "carries-cmi": "Other images with CMI",
    "no-cmi": "Other images without CMI",
    "error": "Could not be checked",
}
STATE_CLASS = {"stripped-by-site": "bad", "partly-stripped": "warn", "intact": "ok", "error": "bad"}

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def render_audit_html(audit: SiteAudit) -> str:
    thumbs = [
        base64.b64encode(i.result.thumbnail).decode("ascii") if i.result is not None and i.result.thumbnail else ""
        for i in audit.images
    ]
    return _ENV.get_template("audit.html.j2").render(
        audit=audit,
        counts=audit.counts(),
        thumbs=thumbs,
        image_states=list(IMAGE_STATES.items()),
        state_words=IMAGE_STATE_WORDS,
        state_class=STATE_CLASS,
        version=__version__,
    )


def write_audit_report(audit: SiteAudit, out: Path) -> Path:
    """Write the HTML report atomically."""
    write_bytes_atomic(Path(out), render_audit_html(audit).encode("utf-8"))
    return Path(out)
