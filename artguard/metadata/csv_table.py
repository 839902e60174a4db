"""Per-image rights values as a CSV table: ``embed --metadata-csv`` reads it, ``inspect --csv``
writes the same shape.

One row per image; the ``file`` column names it by file name or by its path relative to
the folder given to ``embed``; every other column is a registry field (a field made of
several parts has one column per part: ``contact_email``, ``licensing_url``,
``ai_tool`` ...). Values are what the profile holds (``copyrighted``, ``digital-art``,
a PLUS DataMining term), so a CSV written by ``inspect --csv`` can be edited and fed back.
"""

from __future__ import annotations

import copy
import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from artguard.errors import ArtGuardError
from artguard.metadata import registry
from artguard.profile import RightsProfile

FILE_COLUMN = "file"
# Written by ArtGuard for each output; inspect --csv shows them, embed ignores them.
ID_COLUMNS = ("document_id", "instance_id")


def _columns() -> dict[str, registry.Part]:
    columns: dict[str, registry.Part] = {}
    for f in registry.FIELDS:
        parts = [p for p in f.parts if p.attr and p.input != "none"]
        for part in parts:
            columns[f.name if len(parts) == 1 else part.dest] = part
    return columns


COLUMNS = _columns()
HEADER = [FILE_COLUMN, *COLUMNS, *ID_COLUMNS]


@dataclass
class MetadataTable:
    """Rows matched to input files, and what could not be used (reported before any work)."""

    rows: dict[str, dict[str, str]] = field(default_factory=dict)  # resolved input path -> column -> value
    problems: list[str] = field(default_factory=list)


def read_table(path: Path, inputs: Iterable[tuple[Path, Path]]) -> MetadataTable:
    """Match a CSV's rows to ``inputs`` ((file, path relative to the folder holding its input))."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or [])
            records = list(reader)
    except OSError as exc:
        raise ArtGuardError(f"cannot read {path}: {exc.strerror}") from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ArtGuardError(f"{path} is not a readable UTF-8 CSV file: {exc}") from exc
    if FILE_COLUMN not in header:
        raise ArtGuardError(f"{path} has no '{FILE_COLUMN}' column naming the image of each row")
    table = MetadataTable()
    unknown = [c for c in header if c not in COLUMNS and c not in ID_COLUMNS and c != FILE_COLUMN]
    if unknown:
        table.problems.append(f"unknown columns ignored: {', '.join(unknown)} (known: {', '.join(COLUMNS)})")
    index: dict[str, list[Path]] = {}
    for src, rel in inputs:
        inner = Path(*rel.parts[1:]).as_posix() if len(rel.parts) > 1 else ""
        for name in {rel.as_posix(), inner, src.name, src.resolve().as_posix()}:
            if name:
                index.setdefault(name, []).append(src)
    for line, record in enumerate(records, start=2):
        name = (record.get(FILE_COLUMN) or "").strip().replace("\\", "/")
        # as written; else by its file name alone (a path from `inspect --csv` of outputs elsewhere)
        matches = sorted(set(index.get(name) or index.get(Path(name).name, [])))
        if not matches:
            table.problems.append(f"row {line} ({name or 'no file named'}) matches no input image")
            continue
        if len(matches) > 1:
            table.problems.append(f"row {line} ({name}) matches {len(matches)} images; give the relative path")
            continue
        values = {c: (record.get(c) or "").strip() for c in COLUMNS if c in record}
        table.rows[str(matches[0].resolve())] = values
    return table


def apply_row(profile: RightsProfile, values: dict[str, str]) -> RightsProfile:
    """A copy of ``profile`` with one row's non-empty values (an empty cell keeps the profile's)."""
    result = copy.deepcopy(profile)
    for column, text in values.items():
        if not text:
            continue
        part = COLUMNS[column]
        if part.input == "choice":  # the profile's own words, e.g. "public-domain"
            value = text if text in {v for v, _ in part.choices} else None
        else:  # the written form: a PLUS term for the AI-use choice
            value = part.decode(text) if part.decode else text
        if value is None:
            raise ArtGuardError(f"{column}: {text!r} is not a value ArtGuard understands")
        registry.set_attr(result, part.attr, value)
    result.validate()
    return result


def write_table(out: TextIO, reports: Iterable[dict]) -> int:
    """One row per inspected file, in the columns ``read_table`` takes; returns the row count."""
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    n = 0
    for n, report in enumerate(reports, 1):
        values = {**report.get("exif", {}), **report.get("iptc", {}), **report.get("xmp", {})}
        row = {FILE_COLUMN: report["path"]}
        for column, part in COLUMNS.items():
            found = next((values[k] for k in reversed(part.keys) if k in values), "")  # XMP first: never cut
            if part.input == "ai_use":  # the PLUS term as written, which the reader takes back
                row[column] = found.removeprefix(registry.PLUS_VOCAB)
            else:
                decoded = part.decode(found) if found and part.decode else found
                row[column] = "" if decoded is None else str(decoded)
        for column in ID_COLUMNS:
            row[column] = next((values[k] for k in registry.get(column).keys if k in values), "")
        writer.writerow(row)
    return n

