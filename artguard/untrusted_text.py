"""Text from a copy is hostile until shown safe: no control or direction characters, bounded length.

A found copy's metadata and file name are written by whoever posted it: megabyte values,
no spaces, terminal escapes, CR that rewrites a line, right-to-left overrides that make
"gpj.exe" read as "exe.jpg", HTML. One rule (``unsafe``) says which characters can do
that; documents (HTML, PDF, notice) show values through ``safe()``, which replaces them
and shortens, with a note of what was changed; the terminal through ``escaped()``, which
shows each as a visible escape (``\\x1b``) so the user sees the copy tried something.
``--json`` output stays exact (JSON escapes control characters itself).
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


# Controls (C0, C1, DEL), surrogates, private use, unassigned, line/paragraph separators.
_UNSAFE_CATEGORIES = frozenset(("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))


def unsafe(char: str) -> bool:
    """Whether showing ``char`` could move the cursor, recolour, reorder or break a view."""
    return char in _BIDI or unicodedata.category(char) in _UNSAFE_CATEGORIES


def _unsafe_in_document(char: str) -> bool:
    return char not in "\t\n" and unsafe(char)


def safe(value: object, limit: int = LIMIT) -> SafeText:
    """``value`` as text with control/direction characters replaced and cut to ``limit``."""
    text = "" if value is None else str(value)
    total = len(text)
    head = text[: limit * 4]  # never scan a megabyte character by character
    replaced = sum(1 for c in head if _unsafe_in_document(c))
    if replaced:
        head = "".join(REPLACEMENT if _unsafe_in_document(c) else c for c in head)
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


def escaped(value: object) -> str:
    """``value`` for a terminal: every unsafe character shown as ``\\xNN`` or ``\\uNNNN``."""
    text = str(value)
    if not any(unsafe(c) for c in text):
        return text
    return "".join((f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") if unsafe(c) else c for c in text)
