"""Shared CLI output: JSON documents, per-file error lines, tables.

Text meant for a terminal passes through ``safe`` (``artguard.untrusted_text.escaped``): a
copy found online chooses its own metadata and file name, and control characters or bidi
overrides in them could otherwise rewrite what the user sees ("FAKE: intact" printed
under the copy's own entry). ``--json`` output is exact.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from artguard.untrusted_text import escaped as safe


def print_json(document: Any) -> None:
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def out(text: object = "") -> None:
    """Print one line of text output to stdout, made safe for the terminal."""
    print(safe(text))


def file_error(path: object, message: str) -> None:
    """One line per failed file, on stderr, so stdout stays parseable."""
    print(f"{safe(path)}: error: {safe(message)}", file=sys.stderr)


def usage_error(command: str, message: str) -> int:
    """A bad option or input: the error on one line, then where the help is; exit code 2."""
    print(f"artguard {command}: error: {message}\nsee `artguard {command} --help`", file=sys.stderr)
    return 2


def table(rows: Iterable[Sequence[object]], headers: Sequence[str]) -> str:
    rows = [[("" if c is None else safe(c)) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def add_common(parser: Any, *, json_flag: bool = True) -> None:
    """--json and --debug, spelled the same on every command."""
    if json_flag:
        parser.add_argument("--json", action="store_true", help="print one JSON document to stdout")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
