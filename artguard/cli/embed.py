"""``artguard embed``: protect images into an output folder."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from artguard.batch import EmbedJob, Progress, run_batch
from artguard.cli import EXIT_USAGE
from artguard.cli.output import add_common, file_error, print_json
from artguard.cli.profile_flags import add_profile_flags, apply_profile_flags
from artguard.errors import ArtGuardError
from artguard.metadata import ScrubOptions
from artguard.pipeline import OUTPUT_FORMATS, EmbedOptions, FileResult, RunContext
from artguard.profile import ProfileStore, RightsProfile

ORDER = 10


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("embed", help="protect images: CMI, C2PA, watermarks, web copies")
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="files or folders (recursed)")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR")
    p.add_argument("--profile", metavar="NAME", help="rights profile (default: the profile named 'default', if any)")
    add_profile_flags(p)
    p.add_argument("--keep-gps", action="store_true", help="keep GPS location (removed by default)")
    p.add_argument("--keep-private", action="store_true", help="keep camera serial numbers and owner name")
    p.add_argument("--no-c2pa", action="store_true", help="do not sign Content Credentials")
    p.add_argument("--no-cmi", action="store_true", help="do not write EXIF/IPTC/XMP rights fields")
    p.add_argument("--invisible", action="store_true", default=None, help="embed the invisible owner/image id")
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="keep", help="output format (keep: HEIC/AVIF become JPEG)")
    p.add_argument("--quality", type=int, default=90, help="JPEG/WebP quality 1-100 (default 90)")
    p.add_argument("--max-size", type=int, metavar="PX", help="shrink the long edge to PX (never enlarges)")
    p.add_argument("--sidecar", action="store_true", help="also write each output's XMP as NAME.xmp beside it")
    p.add_argument("--metadata-csv", type=Path, metavar="FILE",
                   help="per-image values over the profile: a 'file' column (name or relative path) and one "
                        "column per field, as `inspect --csv` writes them")
    p.add_argument("--suffix", default="", help="append to output names (allows OUTDIR = an input folder)")
    p.add_argument("--jobs", type=int, default=0, metavar="N", help="parallel workers (default: one per core)")
    p.add_argument("--force", action="store_true", help="redo files already up to date; replace existing outputs")
    p.add_argument("--no-catalog", action="store_true", help="do not record outputs in the catalog (no resume, no later matching)")
    add_common(p)
    p.set_defaults(func=run)


def load_profile(args: argparse.Namespace) -> RightsProfile:
    store = ProfileStore()
    if args.profile:
        profile = store.get(args.profile)
    elif store.exists("default"):
        profile = store.get("default")
    else:
        profile = RightsProfile()
    return apply_profile_flags(profile, args)


def run(args: argparse.Namespace) -> int:
    try:
        profile = load_profile(args)
    except ArtGuardError as exc:
        print(f"artguard: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.invisible:
        profile.invisible_watermark = True
    if not args.no_cmi and not profile.creator:
        print("artguard: error: no creator: pass --creator NAME or use --profile (see `artguard profile create`)", file=sys.stderr)
        return EXIT_USAGE
    try:
        overrides, csv_problems = _metadata_table(args, profile)
    except ArtGuardError as exc:
        print(f"artguard: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for problem in csv_problems:
        print(f"artguard: warning: {args.metadata_csv}: {problem}", file=sys.stderr)
    options = EmbedOptions(
        profile=profile,
        write_cmi=not args.no_cmi,
        sign_c2pa=not args.no_c2pa,
        invisible=profile.invisible_watermark,
        scrub=ScrubOptions(keep_gps=args.keep_gps, keep_private=args.keep_private),
        format=args.format,
        quality=args.quality,
        max_size=args.max_size,
        sidecar=args.sidecar,
        overrides=overrides,
    )
    job = EmbedJob(list(args.inputs), args.output, options, jobs=args.jobs, force=args.force, suffix=args.suffix)
    try:
        job.validate()
    except ArtGuardError as exc:
        print(f"artguard: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    show_bar = sys.stderr.isatty() and not args.json
    cancel = threading.Event()

    def on_event(progress: Progress, result: FileResult) -> None:
        if result.status == "error":
            if show_bar:
                sys.stderr.write("\r\x1b[K")
            file_error(result.input, result.error or "failed")
        for warning in result.warnings:
            if show_bar:
                sys.stderr.write("\r\x1b[K")
            print(f"{result.input}: warning: {warning}", file=sys.stderr)
        if show_bar:
            _draw_bar(progress)

    ctx = RunContext() if args.no_catalog else None
    summary = run_batch(job, on_event=on_event, cancel=cancel, ctx=ctx)
    if show_bar:
        sys.stderr.write("\n")
    if args.json:
        print_json({
            "files": [r.to_json() for r in summary.results],
            "written": summary.count("ok"),
            "skipped": summary.count("skipped"),
            "failed": summary.count("error"),
            "cancelled": summary.cancelled,
            **({"csv_problems": csv_problems} if csv_problems else {}),
            "elapsed": round(summary.elapsed, 3),
        })
    else:
        note = " (cancelled)" if summary.cancelled else ""
        print(
            f"{summary.count('ok')} written, {summary.count('skipped')} skipped, "
            f"{summary.count('error')} failed in {summary.elapsed:.1f} s{note} -> {args.output}"
        )
    if summary.cancelled:
        return 130
    return summary.exit_code


def _metadata_table(args: argparse.Namespace, profile: RightsProfile) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The --metadata-csv rows matched to the inputs; every row is checked before any work."""
    if args.metadata_csv is None:
        return {}, []
    from artguard.batch import iter_inputs
    from artguard.metadata.csv_table import apply_row, read_table

    table = read_table(args.metadata_csv, iter_inputs(args.inputs, skip_dir=args.output))
    bad = []
    for src, row in table.rows.items():
        try:
            apply_row(profile, row)
        except ArtGuardError as exc:
            bad.append(f"{Path(src).name}: {exc}")
    if bad:
        raise ArtGuardError(f"{args.metadata_csv}: " + "; ".join(bad))
    return table.rows, table.problems


def _draw_bar(p: Progress) -> None:
    width = 30
    filled = int(width * p.done / max(p.total, 1))
    eta = f"ETA {p.eta:.0f}s" if p.eta else ""
    name = Path(p.current).name[:30]
    sys.stderr.write(
        f"\r\x1b[K[{'#' * filled}{'.' * (width - filled)}] {p.done}/{p.total} "
        f"{p.bytes_done / 1e6:.0f} MB {eta} {name}"
    )
    sys.stderr.flush()
