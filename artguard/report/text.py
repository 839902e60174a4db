"""Text from a copy is hostile until shown safe: no control or direction characters, bounded length.

A found copy's metadata is written by whoever posted it: megabyte values, no spaces,
terminal escapes, right-to-left overrides that reverse what a reader sees, HTML. Every
view (HTML, PDF, notice, terminal) shows values through ``safe()`` so none of that can
break the document or mislead its reader; the note says what was changed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

LIMIT = 300  # characters shown of one value

REPLACEMENT = "\ufffd"
# Explicit direction controls: they can make "gpj.exe" read as "exe.jpg".
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)}


@dataclass(frozen=True)
class SafeText:
    """A value ready to show, and what was done to it (empty when nothing was)."""

    text: str
    note: str = ""

    def __str__(self) -> str:
        return f"{self.text} [{self.note}]" if self.note else self.text


def _unsafe(char: str) -> bool:
    if char in _BIDI:
        return True
    if char in "\t\n":
        return False
    return unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") and char != " "


def safe(value: object, limit: int = LIMIT) -> SafeText:
    """``value`` as text with control/direction characters replaced and cut to ``limit``."""
    text = "" if value is None else str(value)
    total = len(text)
    head = text[: limit * 4]  # never scan a megabyte character by character
    replaced = sum(1 for c in head if _unsafe(c))
    if replaced:
        head = "".join(REPLACEMENT if _unsafe(c) else c for c in head)
    head = " ".join(head.split()) if ("\n" in head or "\t" in head) else head
    notes = []
    if replaced:
        notes.append(f"{replaced} control or text-direction character{'s' if replaced != 1 else ''} shown as {REPLACEMENT}")
    if total > limit:
        head = head[:limit].rstrip() + "…"
        notes.append(f"shortened: {total:,} characters, the first {limit} shown")
    return SafeText(head, "; ".join(notes))


def plain(value: object, limit: int = LIMIT) -> str:
    """``safe()`` as one string, the note in brackets after the value."""
    return str(safe(value, limit))


