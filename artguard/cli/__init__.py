"""The ``artguard`` command: one sub-command per module in this package.

Each module that defines ``register(subparsers)`` adds its commands; handlers return the
exit code (0 all good, 1 some files failed, 2 usage error). ``main`` is the console
script. No module here imports Qt: ``artguard gui`` imports the GUI package lazily.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from artguard import __version__
from artguard.errors import ArtGuardError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with the error first, on one line, then where to read more (no usage dump);
    text values may start with ``-`` (``--suffix -web``)."""

    def error(self, message: str) -> None:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\nsee `{self.prog} --help`\n")

    def parse_known_args(self, args=None, namespace=None):  # type: ignore[no-untyped-def]
        args = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(self._join_dash_values(args), namespace)

    def _join_dash_values(self, args: list[str]) -> list[str]:
        """``--suffix -web`` becomes ``--suffix=-web`` when the option takes free text and
        ``-web`` is not one of this command's options (argparse would take it for a flag)."""
        text_options = {
            option
            for action in self._actions
            if action.option_strings and action.nargs is None and action.type in (None, str)
            and not action.choices and not isinstance(action, argparse._StoreConstAction)
            for option in action.option_strings
        }
        known = set(self._option_string_actions)
        joined: list[str] = []
        index = 0
        while index < len(args):
            token = args[index]
            if token == "--":
                joined.extend(args[index:])
                break
            following = args[index + 1] if index + 1 < len(args) else None
            if (
                token in text_options and following is not None and following.startswith("-")
                and following not in ("-", "--") and following.split("=", 1)[0] not in known
            ):
                joined.append(f"{token}={following}")
                index += 2
                continue
            joined.append(token)
            index += 1
        return joined

    def unknown(self, extras: list[str]) -> None:
        """Report flags this command does not know, with the nearest real one."""
        flag = next((e for e in extras if e.startswith("-")), extras[0])
        near = difflib.get_close_matches(flag.split("=", 1)[0], list(self._option_string_actions), n=1, cutoff=0.75)
        hint = f" (did you mean {near[0]}?)" if near else ""
        self.error(f"unrecognized argument{'s' if len(extras) > 1 else ''}: {' '.join(extras)}{hint}")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """All commands, or only ``command``'s module (start-up stays fast: no unused imports)."""
    parser = _Parser(
        prog="artguard",
        description="Protect images before posting; check copies found later.",
    )
    parser.add_argument("--version", action="version", version=f"artguard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    if command and command.isidentifier() and not command.startswith("_") and importlib.util.find_spec(f"{__name__}.{command}"):
        names = [command]
    else:  # listing the package imports pkgutil and inspect (~30 ms): only for help and typos
        import pkgutil

        names = [info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")]
    modules = []
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        if hasattr(module, "register"):
            modules.append(module)
    for module in sorted(modules, key=lambda m: getattr(m, "ORDER", 50)):
        module.register(sub)
    return parser


def _command_parser(parser: argparse.ArgumentParser, command: str | None) -> _Parser:
    """The sub-command's own parser, so its errors name it and point to its --help."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return action.choices[command]
    return parser  # type: ignore[return-value]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        argv = ["gui"]
    parser = build_parser(argv[0])
    args, extras = parser.parse_known_args(argv)
    if extras:
        _command_parser(parser, getattr(args, "command", None)).unknown(extras)
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
