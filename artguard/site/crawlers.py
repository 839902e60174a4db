"""The AI crawler list: data in ``crawlers.json`` beside this module, read once.

Updating the list (a new crawler, a changed purpose) is an edit of that file, not of code.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).with_name("crawlers.json")
CATEGORIES = ("ai-training", "dataset", "ai-answers", "search")


@dataclass(frozen=True)
class Crawler:
    """A robots.txt user-agent name and what its operator says it is for."""

    name: str
    operator: str
    category: str  # one of CATEGORIES
    purpose: str
    honours_robots_txt: str  # yes | partly | no | unclear
    source: str
    checked: str  # ISO date the entry was last checked against its source


@functools.cache
def crawlers() -> tuple[Crawler, ...]:
    """Every listed crawler, in file order."""
    doc = json.loads(DATA.read_text(encoding="utf-8"))
    out = tuple(Crawler(**entry) for entry in doc["crawlers"])
    bad = [c.name for c in out if c.category not in CATEGORIES]
    if bad:
        raise ValueError(f"{DATA.name}: unknown category for {', '.join(bad)}")
    return out


def in_categories(categories: frozenset[str] | set[str]) -> list[Crawler]:
    return [c for c in crawlers() if c.category in categories]
