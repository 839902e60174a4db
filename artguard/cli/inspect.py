"""``artguard inspect``: what a file carries (CMI, Content Credentials, invisible mark)."""

from __future__ import annotations

import argparse
import traceback
from pathlib import Path

from artguard import inputs
from artguard.cli import EXIT_FAILED, EXIT_OK
from artguard.cli.output import add_common, file_error, print_json, safe
from artguard.errors import ArtGuardError, UnsupportedFormat, plain_message
from artguard.inspect import inspect_file

ORDER = 20


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "inspect",
        help="show everything embedded in files",
        description="FILE may be a folder (recursed). With --json: one object for one file, a list of objects for several.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE|DIR")
    p.add_argument("--no-watermark", action="store_true", help="skip invisible-watermark detection (faster)")
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
        if not args.json:
            print(_text(report))
    if args.json:
        single = len(args.files) == 1 and not args.files[0].is_dir() and len(reports) == 1
        print_json(reports[0] if single else reports)
    elif not paths:
        file_error(" ".join(map(str, args.files)), "no image files found")
        return EXIT_FAILED
    return EXIT_FAILED if failed else EXIT_OK


def _text(report: dict) -> str:
    lines = [f"{report['path']}: {report['format'].upper()} {report['width']}x{report['height']}, {report['size']:,} bytes"]
    for group in ("exif", "iptc", "xmp"):
        for key, value in report[group].items():
            lines.append(f"  {key:<48} {value[:100]}")
    c2pa = report["c2pa"]
    lines.append(f"  C2PA: {c2pa['state']}")
    manifest = c2pa.get("manifest") or {}
    for label in ("label", "claim_generator", "signer", "signing_time", "title"):
        if manifest.get(label):
            lines.append(f"    {label}: {manifest[label]}")
    for error in c2pa.get("errors") or []:
        lines.append(f"    ! {error}")
    mark = report["watermark"]
    lines.append(f"  Invisible watermark: {'id ' + str(mark['id']) if mark.get('id') is not None else 'none found'}")
    return "\n".join(safe(line) for line in lines)  # one line per entry: a value cannot add lines
