"""``artguard embed``: protect images into an output folder."""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path

from artguard import paths, presets
from artguard.batch import PROTECTED_NOTE, BatchSummary, EmbedJob, Progress, preset_jobs, run_batches
from artguard.cli.output import add_common, file_error, print_json, safe, usage_error
from artguard.cli.profile_flags import add_profile_flags, apply_profile_flags
from artguard.errors import ArtGuardError
from artguard.metadata import ScrubOptions
from artguard.pipeline import OUTPUT_FORMATS, EmbedOptions, FileResult, RunContext
from artguard.profile import ProfileStore, RightsProfile

ORDER = 10


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("embed", help="protect images: CMI, C2PA, watermarks, web copies")
    p.add_argument(
        "inputs", nargs="+", metavar="INPUT",
        help="files or folders (recursed); like rsync, photos/ writes the folder's contents into OUTDIR, photos writes OUTDIR/photos/",
    )
    p.add_argument("-o", "--output", required=True, type=Path, metavar="OUTDIR")
    p.add_argument("--profile", metavar="NAME", help="rights profile (default: the profile named 'default', if any)")
    add_profile_flags(p)
    p.add_argument("--keep-gps", action="store_true", help="keep GPS location (removed by default)")
    p.add_argument("--keep-private", action="store_true", help="keep camera serial numbers and owner name")
    p.add_argument("--no-c2pa", action="store_true", help="do not sign Content Credentials")
    p.add_argument("--no-cmi", action="store_true", help="do not write EXIF/IPTC/XMP rights fields")
    p.add_argument(
        "--invisible", action=argparse.BooleanOptionalAction, default=None,
        help="embed the invisible owner/image id (default: on for re-encoded web copies, off for lossless metadata-only output)",
    )
    p.add_argument("--format", choices=OUTPUT_FORMATS, default="keep", help="output format (keep: HEIC/AVIF become JPEG)")
    p.add_argument("--quality", type=int, default=90, help="JPEG/WebP quality 1-100 (default 90)")
    p.add_argument("--max-size", type=int, metavar="PX", help="shrink the long edge to PX (never enlarges)")
    p.add_argument("--sidecar", action="store_true", help="also write each output's XMP as NAME.xmp beside it")
    p.add_argument("--metadata-csv", type=Path, metavar="FILE",
                   help="per-image values over the profile: a 'file' column (name or relative path) and one "
                        "column per field, as `inspect --csv` writes them")
    p.add_argument("--suffix", default="", help="append to output names, e.g. --suffix -web (allows writing beside the originals)")
    p.add_argument("--include-protected", action="store_true", help="also protect files that are ArtGuard outputs already (skipped by default)")
    p.add_argument(
        "--preset", action="append", metavar="NAME", default=[],
        help="platform preset (repeatable; each writes OUTDIR/NAME/): see `artguard preset list`",
    )
    p.add_argument(
        "--crop-position", metavar="WHERE", default="center", type=_crop_position,
        help="where a preset's crop (e.g. Instagram 4:5) sits: center, top, bottom, left, right, top-left, ... or X,Y fractions (0.3,0.5)",
    )
    p.add_argument("--rename", metavar="TEMPLATE", default="", help="output names from a template: {name} {n} {preset} {date} {suffix}, e.g. {name}-{preset}-{n}")
    p.add_argument("--jobs", type=int, default=0, metavar="N", help="parallel workers (default: one per core, fewer when free memory is short)")
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
        return usage_error("embed", str(exc))
    if not args.no_cmi and not profile.creator:
        return usage_error("embed", "no creator: pass --creator NAME or use --profile (see `artguard profile create`)")
    try:
        overrides, csv_problems = _metadata_table(args, profile)
    except ArtGuardError as exc:
        return usage_error("embed", str(exc))
    for problem in csv_problems:
        print(f"artguard: warning: {safe(args.metadata_csv)}: {safe(problem)}", file=sys.stderr)
    # the mark's switch lives with the output settings; an old profile that turned it on still does
    invisible = args.invisible if args.invisible is not None else (True if profile.invisible_watermark else None)
    options = EmbedOptions(
        profile=profile,
        write_cmi=not args.no_cmi,
        sign_c2pa=not args.no_c2pa,
        scrub=ScrubOptions(keep_gps=args.keep_gps, keep_private=args.keep_private),
        format=args.format,
        quality=args.quality,
        max_size=args.max_size,
        crop_centre=args.crop_position,
        sidecar=args.sidecar,
        overrides=overrides,
    )
    options.invisible = options.reencodes() if invisible is None else invisible
    options.invisible_auto = invisible is None
    job = EmbedJob(
        list(args.inputs), args.output, options, jobs=args.jobs, force=args.force, suffix=args.suffix,
        include_protected=args.include_protected, name_template=args.rename,
    )
    try:
        jobs = preset_jobs(job, [presets.get(key) for key in args.preset], invisible=invisible) if args.preset else [job]
        for each in jobs:
            each.validate()
    except ArtGuardError as exc:
        return usage_error("embed", str(exc))
    show_bar = sys.stderr.isatty() and not args.json
    cancel = threading.Event()

    def on_event(progress: Progress, result: FileResult) -> None:
        if result.error:  # an error, or the reason a file was skipped (a FIFO, a device)
            if show_bar:
                sys.stderr.write("\r\x1b[K")
            if result.status == "error":
                file_error(result.input, result.error)
            else:
                print(f"{safe(result.input)}: {safe(result.error)}", file=sys.stderr)
            if args.debug and result.detail:
                sys.stderr.write(result.detail)
        for warning in result.warnings:
            if show_bar:
                sys.stderr.write("\r\x1b[K")
            print(f"{safe(result.input)}: warning: {safe(warning)}", file=sys.stderr)
        if show_bar:
            _draw_bar(progress)

    ctx = RunContext() if args.no_catalog else None
    identity_exists = _identity_probe([each.options for each in jobs])
    had_identity = identity_exists()
    summary = run_batches(jobs, on_event=on_event, cancel=cancel, ctx=ctx)
    if not had_identity and identity_exists():
        print(
            f"artguard: created a signing identity for Content Credentials in {paths.identity_dir()} "
            "(keep it private; `artguard identity show` describes it)",
            file=sys.stderr,
        )
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
        print(_summary_text(summary, jobs))
    if summary.signal is not None:
        print(f"artguard: stopped by signal {summary.signal}: files in flight were finished, the rest not started", file=sys.stderr)
        return 128 + summary.signal
    if summary.cancelled:
        return 130
    return summary.exit_code


_NAMED_CENTRES = {"center": (0.5, 0.5), "centre": (0.5, 0.5), "top": (0.5, 0.0), "bottom": (0.5, 1.0), "left": (0.0, 0.5), "right": (1.0, 0.5),
                  "top-left": (0.0, 0.0), "top-right": (1.0, 0.0), "bottom-left": (0.0, 1.0), "bottom-right": (1.0, 1.0)}


def _crop_position(text: str) -> tuple[float, float]:
    """A named place or ``X,Y`` fractions of the image: the crop box is centred there, kept inside."""
    if text in _NAMED_CENTRES:
        return _NAMED_CENTRES[text]
    try:
        x, y = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(_NAMED_CENTRES)} or X,Y fractions, not {text!r}") from None
    if not (0 <= x <= 1 and 0 <= y <= 1):
        raise argparse.ArgumentTypeError("X,Y must be fractions between 0 and 1")
    return x, y


def _identity_probe(options: list[EmbedOptions]):  # type: ignore[no-untyped-def]
    """``exists()`` of the signing identity, imported only when this run may create one."""
    if not any(o.sign_c2pa or o.invisible for o in options):
        return lambda: True
    from artguard.provenance.identity import exists

    return exists


def _summary_text(summary: BatchSummary, jobs: list[EmbedJob]) -> str:
    """Counts, then where the files really are, then why files were skipped."""
    note = " (cancelled)" if summary.cancelled else ""
    outputs = [Path(r.output) for r in summary.results if r.status == "ok" and r.output]
    if len(outputs) == 1:
        where = str(outputs[0])
    else:
        where = ", ".join(f"{root}{os.sep}" for job in jobs for root in job.output_roots())
    lines = [
        f"{summary.count('ok')} written, {summary.count('skipped')} skipped, "
        f"{summary.count('error')} failed in {summary.elapsed:.1f} s{note} -> {where}"
    ]
    protected = [r for r in summary.results if r.note == PROTECTED_NOTE]
    if protected:
        lines.append(
            f"{len(protected)} input{'s are' if len(protected) > 1 else ' is'} already protected by ArtGuard "
            "(outputs of an earlier run) and left alone; --include-protected protects them again"
        )
    return "\n".join(lines)


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
