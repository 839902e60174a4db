"""``artguard inspect``: what a file carries (CMI, Content Credentials, invisible mark)."""

from __future__ import annotations

import argparse
from pathlib import Path

from artguard.cli import EXIT_FAILED, EXIT_OK
from artguard.cli.output import add_common, file_error, print_json
from artguard.errors import ArtGuardError
from artguard.provenance import describe_signer
from artguard.inspect import inspect_file, rights_summary

ORDER = 20


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "inspect",
        help="show everything embedded in files",
        description="With --json: one object for one FILE, a list of objects for several.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--no-watermark", action="store_true", help="skip invisible-watermark detection (faster)")
    p.add_argument("--csv", action="store_true",
                   help="print the rights fields as CSV, one row per file (the shape `embed --metadata-csv` reads)")
    add_common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    reports, failed = [], 0
    for path in args.files:
        try:
            reports.append(inspect_file(path, detect_watermark=not args.no_watermark))
        except (ArtGuardError, OSError) as exc:
            if args.debug:
                raise
            failed += 1
            message = str(exc) if isinstance(exc, ArtGuardError) else (exc.strerror or str(exc))
            file_error(path, message)
            reports.append({"path": str(path), "error": message})
    if args.csv:
        import sys

        from artguard.metadata.csv_table import write_table

        write_table(sys.stdout, [r for r in reports if "error" not in r])
    elif args.json:
        print_json(reports if len(args.files) > 1 else reports[0])
    else:
        for report in reports:
            if "error" not in report:
                print(_text(report))
    return EXIT_FAILED if failed else EXIT_OK


def _text(report: dict) -> str:
    lines = [f"{report['path']}: {report['format'].upper()} {report['width']}x{report['height']}, {report['size']:,} bytes"]
    for warning in report.get("warnings") or []:
        lines.append(f"  ! {warning}")
    rights = rights_summary(report)
    if rights:
        lines.append("  Rights:")
        lines.extend(f"    {label}: {value[:200]}" for label, value in rights)
    lines.append("  Tags:")
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
    return "\n".join(lines)
