"""``artguard site kit|audit``: the website opt-out kit, and an audit of what a site serves.

``site audit`` exits 0 when every reservation is present and agrees with the profile and
no protected image lost its CMI on the site, 1 when it found problems (or could not read
the site), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from artguard.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from artguard.cli.output import add_common, file_error, print_json
from artguard.profile import ProfileStore, RightsProfile

if TYPE_CHECKING:
    from artguard.site import SiteAudit

ORDER = 60


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("site", help="opt-out kit for your website, and an audit of what it serves")
    site_sub = p.add_subparsers(dest="site_command", metavar="COMMAND")

    kit = site_sub.add_parser("kit", help="write robots.txt, ai.txt, TDMRep, meta tags and header snippets from a profile")
    kit.add_argument("--profile", metavar="NAME", help="rights profile (default: the profile named 'default', if any)")
    kit.add_argument("-o", "--output", type=Path, required=True, metavar="DIR",
                     help="folder to write the kit into: a new folder, or your site's root (existing robots.txt, .htaccess, _headers are merged)")
    kit.add_argument("--merge-robots", type=Path, metavar="EXISTING", help="your site's current robots.txt: its rules are kept")
    add_common(kit)
    kit.set_defaults(func=run_kit)

    audit = site_sub.add_parser("audit", help="check a site's AI reservations and whether its images keep their CMI")
    audit.add_argument("target", metavar="PATH_OR_URL", help="a folder of a static site export, or the site's http(s) address")
    audit.add_argument("--profile", metavar="NAME", help="rights profile to compare with (default: 'default', if any)")
    audit.add_argument("--report", type=Path, metavar="OUT.html", help="write an HTML report")
    audit.add_argument("--max-pages", type=int, default=None, metavar="N", help="read at most N pages (default 50)")
    audit.add_argument("--max-images", type=int, default=None, metavar="N", help="check at most N images (default 300)")
    add_common(audit)
    audit.set_defaults(func=run_audit)
    p.set_defaults(func=lambda args: (p.print_help(), EXIT_USAGE)[1])


def _profile(name: str | None) -> RightsProfile:
    store = ProfileStore()
    if name:
        return store.get(name)
    return store.get("default") if store.exists("default") else RightsProfile()


def run_kit(args: argparse.Namespace) -> int:
    from artguard.site import build_kit, write_kit

    existing = None
    if args.merge_robots is not None:
        try:
            existing = args.merge_robots.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            file_error(args.merge_robots, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
            return EXIT_FAILED
    kit = write_kit(build_kit(_profile(args.profile), existing_robots=existing), args.output)
    if args.json:
        print_json({
            "output": str(args.output),
            "ai_use": kit.policy.term,
            "files": [{"path": str(args.output / f.path), "purpose": f.purpose} for f in kit.files],
            "robots_changes": kit.robots_changes,
        })
        return EXIT_OK
    print(f"Kit for AI-use choice {kit.policy.term} written to {args.output}:")
    for item in kit.files:
        print(f"  {item.path:<32} {item.purpose}")
    for change in kit.robots_changes:
        print(f"  robots.txt: {change}")
    print(f"Read {args.output / kit.files[0].path} for where each file goes.")
    return EXIT_OK


def run_audit(args: argparse.Namespace) -> int:
    from artguard.site import audit_site, write_audit_report
    from artguard.site.audit import MAX_IMAGES, MAX_PAGES

    for flag, value in (("--max-pages", args.max_pages), ("--max-images", args.max_images)):
        if value is not None and value < 1:
            file_error(flag, "must be at least 1")
            return EXIT_USAGE
    if args.report is not None and args.report.suffix.lower() not in (".html", ".htm"):
        file_error(args.report, "the report must end in .html")
        return EXIT_USAGE

    def progress(what: str, done: int, total: int) -> None:
        if not args.json:
            print(f"  {what}", file=sys.stderr)

    audit = audit_site(args.target, _profile(args.profile), max_pages=args.max_pages or MAX_PAGES,
                       max_images=args.max_images or MAX_IMAGES, on_progress=progress)
    if args.report is not None:
        write_audit_report(audit, args.report)
    if args.json:
        doc = audit.to_json()
        doc["report"] = str(args.report) if args.report else None
        print_json(doc)
    else:
        _print_audit(audit)
        if args.report is not None:
            print(f"Report written to {args.report}")
    return EXIT_OK if audit.ok() else EXIT_FAILED


def _print_audit(audit: SiteAudit) -> None:
    print(f"{audit.target}: {audit.summary_text()} (profile {audit.profile}, {audit.policy.term})")
    print("Reservations:")
    for s in audit.signals:
        agrees = {True: "agrees", False: "DOES NOT AGREE", None: ""}[s.agrees]
        print(f"  {s.name:<32} {s.state:<11} {agrees:<15} {s.detail}")
    print("Images:")
    for image in audit.images:
        where = f"original {image.result.match.publication.original.path}" if image.own else ""
        print(f"  {image.state:<17} c2pa {image.c2pa_state:<8} {image.url} {where}{image.error or ''}")
    for url, error in audit.page_errors.items():
        file_error(url, error)
    if audit.problems:
        print("Problems:")
        for problem in audit.problems:
            print(f"  - {problem}")
