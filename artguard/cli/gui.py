"""``artguard gui`` (and bare ``artguard``): open the desktop app."""

from __future__ import annotations

import argparse

ORDER = 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the desktop app (default)")
    p.add_argument("files", nargs="*", help="images to add to the Protect page")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from artguard.gui.app import run_app

    return run_app(args.files)
