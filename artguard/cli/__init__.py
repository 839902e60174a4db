"""The ``artguard`` command: one sub-command per module in this package.

Each module that defines ``register(subparsers)`` adds its commands; handlers return the
exit code (0 all good, 1 some files failed, 2 usage error). ``main`` is the console
script. No module here imports Qt: ``artguard gui`` imports the GUI package lazily.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from artguard import __version__
from artguard.errors import ArtGuardError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep its one-line style
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"artguard: error: {message}\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """All commands, or only ``command``'s module (start-up stays fast: no unused imports)."""
    parser = _Parser(
        prog="artguard",
        description="Protect images before posting; check copies found later.",
    )
    parser.add_argument("--version", action="version", version=f"artguard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    names = [info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")]
    if command in names:
        names = [command]
    modules = []
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        if hasattr(module, "register"):
            modules.append(module)
    for module in sorted(modules, key=lambda m: getattr(m, "ORDER", 50)):
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        argv = ["gui"]
    parser = build_parser(argv[0])
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    if getattr(args, "debug", False):
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    else:
        _quiet_library_warnings()
    try:
        return int(args.func(args) or 0)
    except ArtGuardError as exc:
        if getattr(args, "debug", False):
            raise
        print(f"artguard: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("artguard: cancelled", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `artguard ... | head`: the reader left; that is not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _quiet_library_warnings() -> None:
    """Pillow's warnings about odd files ("Invalid APNG", "Possibly corrupt EXIF data") and
    libtiff's own stderr messages are not for users: each file's outcome is reported in
    plain words, and --debug shows them. The environment variable carries the warnings
    filter into worker processes (which silence libtiff when they start)."""
    import os
    import warnings

    from artguard.libquiet import silence_libtiff

    warnings.simplefilter("ignore")
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    silence_libtiff()
