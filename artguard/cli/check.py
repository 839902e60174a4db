"""``artguard check``: trace copies found online to their originals and diff their CMI."""

from __future__ import annotations

import argparse
from pathlib import Path

from artguard.check import CheckResult, check_many
from artguard.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from artguard.cli.output import add_common, file_error, print_json

ORDER = 30
REPORT_SUFFIXES = (".html", ".htm", ".pdf")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="identify copies found online and show what CMI survived")
    p.add_argument("sources", nargs="+", metavar="FILE|DIR|URL", help="files, folders (recursed) or http(s) URLs")
    p.add_argument("--report", type=Path, metavar="OUT.html|OUT.pdf", help="write an evidence report")
    add_common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.report is not None and args.report.suffix.lower() not in REPORT_SUFFIXES:
        file_error(args.report, "the report must end in .html or .pdf")
        return EXIT_USAGE
    results = check_many(args.sources, on_result=None if args.json else _print_text)
    failed = [r for r in results if r.status == "error"]
    if args.json:
        for result in failed:
            file_error(result.path, result.error or "failed")
    if not results:
        file_error(" ".join(args.sources), "no image files found")
        return EXIT_FAILED
    report = None
    checked = [r for r in results if r.status == "ok"]
    if args.report is not None and checked:
        from artguard.report import write_report

        write_report(checked, args.report)
        report = str(args.report)
        if not args.json:
            print(f"Report written to {args.report}")
    if args.json:
        print_json({"files": [r.to_json() for r in results], "checked": len(checked), "failed": len(failed), "report": report})
    return EXIT_FAILED if failed else EXIT_OK


def _print_text(result: CheckResult) -> None:
    if result.status == "error":
        file_error(result.path, result.error or "failed")
        return
    match = result.match
    if match is None:
        print(f"{result.path}: no original in the catalog matches (verdict unknown)")
    else:
        distance = f", distance {match.distance}" if match.method == "phash" and match.distance is not None else ""
        what = (
            f"is your original {match.publication.original.path} as it was before protection "
            f"(it never carried the CMI below; published as {match.publication.output.path}"
            if match.method == "sha256" and match.against == "original"
            else f"{'is a derivative of' if match.relation == 'derivative' else 'matches'} "
            f"{match.publication.output.path} (by {match.method}{distance}"
        )
        print(f"{result.path}: {result.verdict} - {what}, confidence {match.confidence:.2f}; "
              f"published {match.publication.published_at})")
        print(f"  {match.strength or 'match'}" + (f"; the copy {match.transform.words()}" if match.transform else ""))
        for name, state in result.fields.items():
            print(f"  {name:<18} {state}")
    print(f"  {'c2pa':<18} {result.c2pa.get('state', 'absent')}")
    if result.match is None and result.carried:
        for name, values in result.carried.items():
            print(f"  carries {name}: {'; '.join(values.values())[:100]}")
