"""``artguard preset``: list the platform presets, save your own, delete them."""

from __future__ import annotations

import argparse
import dataclasses

from artguard import presets
from artguard.cli import EXIT_OK
from artguard.cli.output import add_common, print_json, table, usage_error
from artguard.errors import ArtGuardError
from artguard.pipeline import OUTPUT_FORMATS

ORDER = 45


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("preset", help="platform presets for web copies (Instagram, Bluesky, ...)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("list", help="list presets, built-in and your own")
    add_common(a)
    a.set_defaults(func=_list)
    a = actions.add_parser("save", help="save your own preset (optionally starting from another)")
    a.add_argument("name", help="lower-case letters, digits and -")
    a.add_argument("--from", dest="base", metavar="PRESET", help="start from this preset")
    a.add_argument("--label", help="the name shown in the app")
    a.add_argument("--format", choices=OUTPUT_FORMATS)
    a.add_argument("--quality", type=int)
    a.add_argument("--max-size", type=int, metavar="PX", help="long edge after cropping")
    a.add_argument("--max-bytes", type=int, metavar="N", help="the platform's upload limit in bytes (quality is lowered to fit)")
    a.add_argument("--aspect", metavar="W:H", help="crop to this shape first, e.g. 4:5 (none: no crop)")
    a.add_argument("--note", help="what the preset is for")
    add_common(a, json_flag=False)
    a.set_defaults(func=_save)
    a = actions.add_parser("delete", help="delete one of your presets")
    a.add_argument("name")
    add_common(a, json_flag=False)
    a.set_defaults(func=_delete)


def _list(args: argparse.Namespace) -> int:
    found = presets.all_presets()
    if args.json:
        print_json([{**p.to_dict(), "builtin": p.builtin} for p in found])
        return EXIT_OK
    rows = [(p.key, p.label, p.describe(), "" if p.builtin else "yours") for p in found]
    print(table(rows, ["NAME", "LABEL", "OUTPUT", ""]))
    return EXIT_OK


def _save(args: argparse.Namespace) -> int:
    try:
        base = presets.get(args.base) if args.base else presets.Preset(args.name, args.name)
        changes: dict[str, object] = {"key": args.name, "label": args.label or args.name, "builtin": False}
        for name in ("format", "quality", "max_size", "max_bytes", "note"):
            if getattr(args, name) is not None:
                changes[name] = getattr(args, name)
        if args.aspect is not None:
            changes["aspect"] = _aspect(args.aspect)
        preset = dataclasses.replace(base, **changes)
        path = presets.save(preset)
    except ArtGuardError as exc:
        return usage_error("preset save", str(exc))
    print(f"saved preset {preset.key} ({preset.describe()}) to {path}")
    return EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    try:
        presets.delete(args.name)
    except ArtGuardError as exc:
        return usage_error("preset delete", str(exc))
    print(f"deleted preset {args.name}")
    return EXIT_OK


def _aspect(text: str) -> tuple[int, int] | None:
    if text.lower() in ("none", ""):
        return None
    try:
        width, height = (int(part) for part in text.split(":"))
    except ValueError:
        raise ArtGuardError(f"aspect must look like 4:5, not {text!r}") from None
    return width, height
