"""The report as one self-contained HTML page, from a Jinja2 template with autoescaping."""

from __future__ import annotations

import base64
import functools
from importlib import resources

import jinja2

from artguard.report.model import Report
from artguard.report.words import LEGAL_NOTE

_TEMPLATES = resources.files("artguard.report") / "templates"


@functools.lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (_TEMPLATES / name).read_text(encoding="utf-8")),
        autoescape=True,  # every value from a copy is text, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["b64"] = lambda data: base64.b64encode(data).decode("ascii")
    return env


def render_html(report: Report) -> str:
    css = (_TEMPLATES / "report.css").read_text(encoding="utf-8")
    return _environment().get_template("report.html.j2").render(r=report, css=css, legal=LEGAL_NOTE)
