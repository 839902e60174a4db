"""``artguard inspect``: what a file carries (CMI, Content Credentials, invisible mark)."""

from __future__ import annotations

import argparse
from pathlib import Path

from artguard.cli import EXIT_FAILED, EXIT_OK
from artguard.cli.output import add_common, file_error, print_json
from artguard.errors import ArtGuardError
from artguard.inspect import inspect_file
from artguard.metadata import registry

ORDER = 20


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "inspect",
        help="show everything embedded in files",
        description="With --json: one object for one FILE, a list of objects for several.",
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument("--no-watermark", action="store_true", help="skip invisible-watermark detection (faster)")
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
    if args.json:
        print_json(reports if len(args.files) > 1 else reports[0])
    else:
        for report in reports:
            if "error" not in report:
                print(_text(report))
    return EXIT_FAILED if failed else EXIT_OK


C2PA_WORDS = {
    "trusted": "signed, valid, and the signer is trusted",
    "valid": "signed and valid (the signer is not in a trust list)",
    "invalid": "present but broken (the file changed after signing, or the signature is bad)",
    "absent": "none",
}
SUMMARY_FIELDS = ("creator", "copyright", "data_mining", "source_type", "web_statement")
SUMMARY_LABELS = {"data_mining": "AI use"}  # its value already says "AI training and data mining"


def _rights_summary(report: dict) -> list[str]:
    """What a person asks first: whose work, what rights, is the AI reservation there,
    do the Content Credentials hold, does the invisible mark name an owner."""
    values = {**report["exif"], **report["iptc"], **report["xmp"]}
    lines = []
    for name in SUMMARY_FIELDS:
        found = next((values[k] for k in registry.get(name).keys if values.get(k)), None)
        if name in ("creator", "copyright", "data_mining") or found:
            shown = registry.human_value(name, found) if found else "not stated"
            label = SUMMARY_LABELS.get(name) or registry.label(name)
            lines.append(f"  {label + ':':<30} {shown[:100]}")
    c2pa = report["c2pa"]
    lines.append(f"  {'Content Credentials (C2PA):':<30} {C2PA_WORDS.get(c2pa['state'], c2pa['state'])}")
    mark = report["watermark"]
    if mark.get("id") is not None:
        mine = " (your identity)" if mark.get("owner_id") == _own_owner_id() else ""
        shown = f"image id {mark['id']}, owner id {mark.get('owner_id')}{mine}"
    else:
        shown = f"none found ({mark['reason']})" if mark.get("reason") else "none found"
    lines.append(f"  {'Invisible mark:':<30} {shown}")
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
            lines.append(f"    {label}: {manifest[label]}")
    for error in c2pa.get("errors") or []:
        lines.append(f"    ! {error}")
    mark = report["watermark"]
    lines.append(f"  Invisible watermark: {'id ' + str(mark['id']) if mark.get('id') is not None else 'none found'}")
    return "\n".join(lines)
