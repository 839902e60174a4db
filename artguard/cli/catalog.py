"""``artguard catalog list|show|export|remove|posted|prepare``: read and tidy the record of what was published."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from artguard.catalog import Catalog, ImageFacts, Publication, to_record
from artguard.cli.output import add_common, out, print_json, table
from artguard.errors import ArtGuardError
from artguard.fileio import atomic_path, describe_os_error

ORDER = 60
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("catalog", help="list, show, export or remove catalog entries")
    parser.set_defaults(func=lambda args: _usage(parser))
    sub = parser.add_subparsers(dest="catalog_command", metavar="ACTION")

    p = sub.add_parser("list", help="publications, newest first")
    p.add_argument("--search", default="", metavar="TEXT", help="match paths, profile name or embedded field values")
    p.add_argument("--limit", type=_positive, default=100, metavar="N", help="show at most N (default 100)")
    add_common(p)
    p.set_defaults(func=_list)

    p = sub.add_parser("show", help="everything recorded about one publication")
    p.add_argument("id", type=int, metavar="ID")
    add_common(p)
    p.set_defaults(func=_show)

    p = sub.add_parser("posted", help="record where you posted a protected copy (reports and notices cite it)")
    p.add_argument("id", type=int, metavar="ID")
    p.add_argument("url", metavar="URL", help="the web page or image address where you posted it")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="when you posted it (default: not stated)")
    p.add_argument("--remove", action="store_true", help="forget this address instead")
    add_common(p)
    p.set_defaults(func=_posted)

    p = sub.add_parser("export", help="the whole catalog as CSV or JSON")
    p.add_argument("--format", choices=("csv", "json"), required=True)
    p.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    add_common(p, json_flag=False)
    p.set_defaults(func=_export)

    p = sub.add_parser("prepare", help="compute the local features checks search by, for records published since the last "
                                       "check (checks do it themselves when needed; the GUI after each batch)")
    add_common(p)
    p.set_defaults(func=_prepare)

    p = sub.add_parser("remove", help="delete publications from the catalog (the files stay)")
    p.add_argument("ids", type=int, nargs="+", metavar="ID")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_common(p, json_flag=False)
    p.set_defaults(func=_remove)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_USAGE


def _when(pub: Publication) -> str:
    return pub.published_at[:19].replace("T", " ")


def _list(args: argparse.Namespace) -> int:
    with Catalog() as catalog:
        total = catalog.count(args.search)
        pubs = catalog.list(args.search, limit=args.limit)
    if args.json:
        print_json({"total": total, "publications": [to_record(p) for p in pubs]})
        return EXIT_OK
    if not pubs:
        print("no publications match" if args.search else "the catalog is empty", file=sys.stderr)
        return EXIT_OK
    rows = [(p.id, _when(p), p.profile_name, p.watermark_id, p.output.path) for p in pubs]
    print(table(rows, ["ID", "PUBLISHED (UTC)", "PROFILE", "WATERMARK", "OUTPUT"]))
    if total > len(pubs):
        print(f"showing {len(pubs)} of {total}; use --limit or --search", file=sys.stderr)
    return EXIT_OK


def _image_lines(label: str, img: ImageFacts) -> list[tuple[str, str]]:
    return [
        (label, img.path),
        ("  size", f"{img.size} bytes, {img.width}x{img.height} {img.format}"),
        ("  sha256", img.sha256),
        ("  phash", f"{img.phash:016x}"),
        ("  fingerprint", f"{len(img.fingerprint)} bytes"),
    ]


def _posted(args: argparse.Namespace) -> int:
    with Catalog() as catalog:
        if args.remove:
            if not catalog.remove_posting(args.id, args.url):
                print(f"artguard: error: {args.url} is not recorded for publication {args.id}", file=sys.stderr)
                return EXIT_FAILED
            postings = catalog.postings(args.id)
        else:
            catalog.add_posting(args.id, args.url, args.date)
            postings = catalog.postings(args.id)
    if args.json:
        print_json({"id": args.id, "posted": [p.to_record() for p in postings]})
    else:
        print(f"publication {args.id}: {'forgot' if args.remove else 'posted at'} {args.url}")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    with Catalog() as catalog:
        pub = catalog.get(args.id)
        postings = catalog.postings(args.id)
    if args.json:
        print_json({**to_record(pub), "posted": [p.to_record() for p in postings]})
        return EXIT_OK
    lines = [
        ("id", str(pub.id)),
        ("published", pub.published_at),
        ("profile", pub.profile_name),
        ("document id", pub.document_id or "-"),
        ("instance id", pub.instance_id or "-"),
        ("c2pa manifest", pub.c2pa_label or "-"),
        ("watermark id", "-" if pub.watermark_id is None else str(pub.watermark_id)),
        ("settings hash", pub.settings_hash),
        *_image_lines("original", pub.original),
        *_image_lines("output", pub.output),
        *[("posted at", p.url + (f" ({p.posted_at})" if p.posted_at else "")) for p in postings],
    ]
    width = max(len(k) for k, _ in lines)
    for key, value in lines:
        out(f"{key.ljust(width)}  {value}")
    print("fields" if pub.fields else "fields        (none)")
    key_width = max((len(k) for k in pub.fields), default=0)
    for key, value in sorted(pub.fields.items()):
        out(f"  {key.ljust(key_width)}  {value}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    with Catalog() as catalog:
        if args.output is None:
            catalog.export(args.format, sys.stdout)
            return EXIT_OK
        with atomic_path(args.output) as tmp:
            try:
                with open(tmp, "w", encoding="utf-8", newline="") as out:
                    n = catalog.export(args.format, out)
            except OSError as exc:
                raise ArtGuardError(describe_os_error(exc, args.output)) from exc
    print(f"exported {n} publication(s) to {args.output}", file=sys.stderr)
    return EXIT_OK


def _prepare(args: argparse.Namespace) -> int:
    from artguard.check import complete_references
    from artguard.cli.check import feature_progress

    done = [0]

    def progress(n: int, total: int) -> None:
        done[0] = n
        if not args.json:
            feature_progress(n, total)

    with Catalog() as catalog:
        records = len(complete_references(catalog, progress=progress))
    if args.json:
        print_json({"prepared": done[0], "records": records})
    else:
        print(f"prepared {done[0]} record(s); {records} in the catalog have a verification reference")
    return EXIT_OK


def _remove(args: argparse.Namespace) -> int:
    if not args.yes and not sys.stdin.isatty():
        print("artguard: error: removing catalog entries needs --yes when not run interactively", file=sys.stderr)
        return EXIT_USAGE
    with Catalog() as catalog:
        found, missing = [], []
        for pub_id in dict.fromkeys(args.ids):
            try:
                found.append(catalog.get(pub_id))
            except ArtGuardError:
                missing.append(pub_id)
        for pub_id in missing:
            print(f"artguard: error: no publication with id {pub_id}", file=sys.stderr)
        if found and not args.yes and not _confirm(found):
            print("nothing removed", file=sys.stderr)
            return EXIT_FAILED
        removed = catalog.remove(p.id for p in found if p.id is not None)
    print(f"removed {removed} publication(s)")
    return EXIT_FAILED if missing else EXIT_OK


def _confirm(pubs: list[Publication]) -> bool:
    for pub in pubs:
        out(f"  {pub.id}  {_when(pub)}  {pub.output.path}")
    answer = input(f"Remove {len(pubs)} publication(s) from the catalog? The files stay. [y/N] ")
    return answer.strip().lower() in ("y", "yes")
