"""``artguard profile``: list, show, create, edit, delete, export, import rights profiles."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from artguard.cli import EXIT_OK
from artguard.cli.output import add_common, print_json
from artguard.cli.profile_flags import add_profile_flags, apply_profile_flags
from artguard.errors import ProfileError
from artguard.metadata import registry
from artguard.profile import ProfileStore, RightsProfile

ORDER = 40


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("profile", help="manage rights profiles")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = actions.add_parser("list", help="list profiles")
    add_common(a)
    a.set_defaults(func=_list)
    a = actions.add_parser("show", help="show one profile")
    a.add_argument("name")
    add_common(a)
    a.set_defaults(func=_show)
    for verb, func in (("create", _create), ("edit", _edit)):
        a = actions.add_parser(verb, help=f"{verb} a profile from flags")
        a.add_argument("name")
        add_profile_flags(a)
        add_common(a, json_flag=False)
        a.set_defaults(func=func)
    a = actions.add_parser("delete", help="delete a profile")
    a.add_argument("name")
    add_common(a, json_flag=False)
    a.set_defaults(func=_delete)
    a = actions.add_parser("export", help="write a profile as JSON")
    a.add_argument("name")
    a.add_argument("file", type=Path)
    add_common(a, json_flag=False)
    a.set_defaults(func=_export)
    a = actions.add_parser(
        "import",
        help="read a profile from JSON, an XMP template (Bridge, Photo Mechanic) or a Lightroom .lrtemplate",
    )
    a.add_argument("file", type=Path)
    a.add_argument("--name", help="name for a profile made from a template (default: the template's)")
    a.add_argument("--force", action="store_true", help="replace a profile with the same name")
    add_common(a, json_flag=False)
    a.set_defaults(func=_import)


def _list(args: argparse.Namespace) -> int:
    names = ProfileStore().names()
    if args.json:
        print_json(names)
    else:
        print("\n".join(names) if names else "no profiles yet: artguard profile create NAME --creator ...")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    profile = ProfileStore().get(args.name)
    if args.json:
        print_json(profile.to_dict())
    else:
        print(json.dumps(profile.to_dict(), indent=2, ensure_ascii=False))
    return EXIT_OK


def _create(args: argparse.Namespace) -> int:
    store = ProfileStore()
    if store.exists(args.name):
        raise ProfileError(f"profile {args.name!r} exists: use `artguard profile edit`")
    path = store.save(apply_profile_flags(RightsProfile(name=args.name), args))
    print(f"created profile {args.name!r} ({path})")
    return EXIT_OK


def _edit(args: argparse.Namespace) -> int:
    store = ProfileStore()
    store.save(apply_profile_flags(store.get(args.name), args))
    print(f"saved profile {args.name!r}")
    return EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    ProfileStore().delete(args.name)
    print(f"deleted profile {args.name!r}")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    ProfileStore().export(args.name, args.file)
    print(f"exported {args.name!r} to {args.file}")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from artguard.metadata.templates import TEMPLATE_SUFFIXES, import_template

    store = ProfileStore()
    if args.file.suffix.lower() not in TEMPLATE_SUFFIXES:
        profile = store.import_file(args.file, overwrite=args.force)
        print(f"imported profile {profile.name!r}")
        return EXIT_OK
    imported = import_template(args.file, args.name)
    profile = imported.profile
    if store.exists(profile.name) and not args.force:
        raise ProfileError(f"a profile named {profile.name!r} exists (use --force to replace it, or --name)")
    store.save(profile)
    known = ", ".join(registry.label(name) for name in imported.fields) or "no rights fields"
    print(f"imported profile {profile.name!r} from {args.file.name}: {known}")
    if imported.skipped:
        print(f"skipped (not rights fields ArtGuard writes): {', '.join(imported.skipped)}")
    return EXIT_OK
