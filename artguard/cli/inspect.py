"""``artguard inspect``: what a file carries (CMI, Content Credentials, invisible mark)."""

from __future__ import annotations

import argparse
import traceback
from pathlib import Path

from artguard import inputs
from artguard.cli import EXIT_FAILED, EXIT_OK
from artguard.cli.output import add_common, file_error, out, print_json, safe
from artguard.errors import ArtGuardError, UnsupportedFormat, plain_message
from artguard.inspect import inspect_file, rights_summary
from artguard.metadata import registry
from artguard.provenance import describe_signer

ORDER = 20


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "inspect",
        help="show everything embedded in files",
        description="FILE may be a folder (recursed). With --json: one object for one file, a list of objects for several.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE|DIR")
    p.add_argument("--no-watermark", action="store_true", help="skip invisible-watermark detection (faster)")
    p.add_argument("--csv", action="store_true",
                   help="print the rights fields as CSV, one row per file (the shape `embed --metadata-csv` reads)")
    add_common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    reports, failed = [], 0
    paths = list(inputs.expand(args.files))
    for path in paths:
        try:
            reason = inputs.special_reason(path)
            if reason:
                raise UnsupportedFormat(reason)
            report = inspect_file(path, detect_watermark=not args.no_watermark)
        except Exception as exc:  # one file never ends the run; --debug adds the traceback
            if args.debug and not isinstance(exc, ArtGuardError):
                traceback.print_exc()
            failed += 1
            message = plain_message(exc)
            file_error(path, message)
            reports.append({"path": str(path), "error": message})
            continue
        reports.append(report)
    if args.csv:
        import sys

        from artguard.metadata.csv_table import write_table

        write_table(sys.stdout, [r for r in reports if "error" not in r])
    elif args.json:
        single = len(args.files) == 1 and not args.files[0].is_dir() and len(reports) == 1
        print_json(reports[0] if single else reports)
    else:
        for report in reports:
            if "error" not in report:
                for line in _text(report).splitlines():
                    out(line)
    if not paths:
        file_error(" ".join(map(str, args.files)), "no image files found")
        return EXIT_FAILED
    return EXIT_FAILED if failed else EXIT_OK


C2PA_WORDS = {
    "trusted": "signed, valid, and the signer is trusted",
    "valid": "signed and valid (the signer is not in a trust list)",
    "invalid": "present but broken (the file changed after signing, or the signature is bad)",
    "absent": "none",
}
ALWAYS_SHOWN = ("creator", "copyright", "data_mining")  # "not stated" is an answer too


def _rights_summary(report: dict) -> list[str]:
    """What a person asks first: whose work, what rights, is the AI reservation there,
    do the Content Credentials hold, does the invisible mark name an owner."""
    rows = rights_summary(report)
    first = [registry.summary_label(name) for name in ALWAYS_SHOWN]
    found = dict(rows)
    lines = [f"  {label + ':':<30} {found.get(label, 'not stated')[:100]}" for label in first]
    c2pa = report["c2pa"]
    lines.append(f"  {'Content Credentials (C2PA):':<30} {C2PA_WORDS.get(c2pa['state'], c2pa['state'])}")
    mark = report["watermark"]
    if mark.get("id") is not None:
        mine = " (your identity)" if mark.get("owner_id") == _own_owner_id() else ""
        mark_text = f"image id {mark['id']}, owner id {mark.get('owner_id')}{mine}"
    else:
        mark_text = f"none found ({mark['reason']})" if mark.get("reason") else "none found"
    lines.append(f"  {'Invisible mark:':<30} {mark_text}")
    lines += [f"  {label + ':':<30} {value[:100]}" for label, value in rows if label not in first]
    return lines


def _own_owner_id() -> int | None:
    """The owner id of this machine's signing identity, if there is one that loads."""
    from artguard.provenance.identity import exists, load_identity

    try:
        return load_identity().owner_id if exists() else None
    except ArtGuardError:
        return None


def _text(report: dict) -> str:
    lines = [f"{report['path']}: {report['format'].upper()} {report['width']}x{report['height']}, {report['size']:,} bytes"]
    for warning in report.get("warnings") or []:
        lines.append(f"  ! {warning}")
    lines += _rights_summary(report)
    lines.append("  All embedded fields:")
    for group in ("exif", "iptc", "xmp"):
        for key, value in report[group].items():
            lines.append(f"  {key:<48} {value[:100]}")
    c2pa = report["c2pa"]
    lines.append(f"  C2PA: {c2pa['state']}")
    manifest = c2pa.get("manifest") or {}
    for label in ("label", "claim_generator", "signer", "signing_time", "title"):
        if manifest.get(label):
            value = describe_signer(manifest[label]) if label == "signer" else manifest[label]
            lines.append(f"    {label.replace('_', ' ')}: {value}")
    for error in c2pa.get("errors") or []:
        lines.append(f"    ! {error.get('explanation') or error.get('code') if isinstance(error, dict) else error}")
    mark = report["watermark"]
    lines.append(f"  Invisible watermark: {'id ' + str(mark['id']) if mark.get('id') is not None else 'none found'}")
    return "\n".join(safe(line) for line in lines)  # one line per entry: a value cannot add lines
