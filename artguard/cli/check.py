"""``artguard check``: trace copies found online to their originals and diff their CMI.

``--report`` writes the evidence pack (document, JSON twin, checksum), ``--notice`` the
takedown notice drafts. Either failing never costs the check results: ``--json`` is
printed in any case, with the error named in it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from artguard.catalog import Catalog
from artguard.check import CheckResult, check_many
from artguard.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from artguard.cli.output import add_common, file_error, out, print_json
from artguard.errors import ArtGuardError
from artguard.metadata import registry
from artguard.profile import RightsProfile
from artguard.report import (
    FORMS,
    REPORT_SUFFIXES,
    build_report,
    claimant_profile,
    plain,
    words,
    write_notices,
    write_report,
)

ORDER = 30


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="identify copies found online and show what CMI survived")
    p.add_argument("sources", nargs="+", metavar="FILE|DIR|URL", help="files, folders (recursed), http(s) image URLs or page URLs (every image on the page)")
    p.add_argument("--report", type=Path, metavar="OUT.html|OUT.pdf",
                   help="write an evidence report (with OUT.<ext>.json, the same facts, and OUT.<ext>.sha256)")
    p.add_argument("--notice", type=Path, metavar="OUT.txt", help="write takedown notice drafts, one per hosting site (nothing is sent)")
    p.add_argument("--notice-form", choices=FORMS, default="dmca",
                   help="dmca: US 17 USC 512(c)(3) (default); dsa: EU Digital Services Act Art. 16")
    p.add_argument("--profile", metavar="NAME", help="rights profile naming the claimant (default: the profile named 'default', if any)")
    p.add_argument("--full-paths", action="store_true", help="show local folders in the report (default: file names only)")
    add_common(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.report is not None and args.report.suffix.lower() not in REPORT_SUFFIXES:
        file_error(args.report, "the report must end in .html or .pdf")
        return EXIT_USAGE
    profile = claimant_profile(args.profile)  # a wrong profile name fails before any work
    results = check_many(args.sources, on_result=None if args.json else _print_text, feature_progress=feature_progress)
    failed = [r for r in results if r.status == "error"]
    if args.json:
        for result in failed:
            file_error(result.path, result.error or "failed")
    if not results:
        file_error(" ".join(args.sources), "no image files found")
        return EXIT_FAILED
    checked = [r for r in results if r.status == "ok"]
    outputs: dict[str, Any] = {"report": None, "notice": None}
    errors = _write_outputs(args, results, profile, outputs) if checked else []
    if args.json:
        doc = {"files": [r.to_json() for r in results], "checked": len(checked), "failed": len(failed), **outputs}
        if errors:
            doc["errors"] = errors
        print_json(doc)
    return EXIT_FAILED if failed or errors else EXIT_OK


def feature_progress(done: int, total: int) -> None:
    """Records published since the last check get their local features once (~25 ms each on
    two cores); say so, so a longer first check is not a surprise."""
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\x1b[Kpreparing {total} new catalog records for feature search (once): {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
    elif done == 1:
        sys.stderr.write(f"preparing {total} new catalog records for feature search (once)\n")
    sys.stderr.flush()


def _write_outputs(args: argparse.Namespace, results: list[CheckResult], profile: RightsProfile | None, outputs: dict[str, Any]) -> list[str]:
    """Write the report and notices; their failures are returned, never raised."""
    if args.report is None and args.notice is None:
        return []
    errors: list[str] = []
    try:
        with Catalog() as catalog:
            report = build_report(results, profile=profile, catalog=catalog, full_paths=args.full_paths)
    except Exception as exc:  # noqa: BLE001 - a report bug must not lose the check results
        return [_failed("the report could not be prepared", exc)]
    evidence = None
    if args.report is not None:
        try:
            written = write_report(report, args.report)
        except Exception as exc:  # noqa: BLE001
            errors.append(_failed(f"{args.report}: the report could not be written", exc))
        else:
            outputs["report"] = str(written.report)
            outputs["report_json"] = str(written.twin)
            outputs["report_sha256"] = written.sha256
            evidence = f"evidence report {written.report.name}, SHA-256 {written.sha256}"
            if not args.json:
                print(f"Report written to {written.report} (facts in {written.twin.name}, checksum in {written.checksum.name})")
    if args.notice is not None:
        try:
            write_notices(report, args.notice, args.notice_form, evidence=evidence)
        except Exception as exc:  # noqa: BLE001
            errors.append(_failed(f"{args.notice}: the notices could not be written", exc))
        else:
            outputs["notice"] = str(args.notice)
            if not args.json:
                print(f"Notice drafts ({args.notice_form.upper()}) written to {args.notice}: review and sign them; nothing was sent")
    return errors


def _failed(what: str, exc: Exception) -> str:
    reason = str(exc) if isinstance(exc, (ArtGuardError, OSError)) else f"{type(exc).__name__}: {exc}"
    message = f"{what}: {plain(reason, 300)}"
    print(f"artguard: error: {message}", file=sys.stderr)
    return message


def _print_text(result: CheckResult) -> None:
    where = plain(f"{result.path} (on page {result.page})" if result.page else result.path, 500)
    if result.status == "error":
        file_error(where, plain(result.error or "failed"))
        return
    match = result.match
    if match is None:
        out(f"{where}: no original in the catalog matches (verdict unknown)")
    else:
        pub = match.publication
        what = (
            f"is your original {pub.original.path} as it was before protection "
            f"(it never carried the CMI below; published as {pub.output.path}"
            if match.method == "sha256" and match.against == "original"
            else f"{'is a derivative of' if match.relation == 'derivative' else 'matches'} "
            f"{pub.output.path} ({words.METHODS.get(match.method, match.method)}"
        )
        out(f"{where}: {words.verdict_words(result.verdict)[0]} - {what}; published {pub.published_at})")
        shows = f"; the copy {match.transform.words()}" if match.transform else ""
        out(f"  {words.strength(match.method, match.confidence, match.strength)}{shows}")
        for name, state in result.fields.items():
            seen = result.field_values.get(name) or {}
            change = f" (was {plain(seen.get('written'), 100)!r}, now {plain(seen.get('found'), 100)!r})" if state == "altered" else ""
            out(f"  {registry.label(name):<28} {words.FIELD_STATES.get(state, state)}{change}")
    out(f"  {'Content Credentials':<28} {words.CREDENTIALS.get(result.c2pa.get('state', 'absent'), ('absent',))[0]}")
    if (result.match is None or result.verdict == "derivative") and result.carried:
        for name, values in result.carried.items():
            value = "; ".join(registry.human_value(name, v) for v in values.values())
            out(f"  carries {registry.label(name)}: {plain(value, 100)}")
