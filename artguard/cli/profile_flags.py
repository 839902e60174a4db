"""Profile fields as command-line flags, shared by ``embed`` and ``profile create|edit``.

The rights flags come from the field registry: a field declared there with a flag gets
it here, with its help text and choices.
"""

from __future__ import annotations

import argparse

from artguard.metadata import registry
from artguard.profile import POSITIONS, RightsProfile

_METAVARS = {"url": "URL", "email": "EMAIL"}


def add_profile_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per registry part that has one, then the AI-use and watermark flags."""
    group = parser.add_argument_group("rights (override the profile)")
    for part in registry.parts():
        if not part.flag:
            continue
        help_text = part.full_help
        if part.input == "choice":
            group.add_argument(part.flag, dest=part.dest, choices=[value for value, _ in part.choices], help=help_text)
        else:
            group.add_argument(part.flag, dest=part.dest, metavar=_METAVARS.get(part.input, "TEXT"), help=help_text)
    group.add_argument("--allow-ai-training", action="store_true", default=None,
                       help="allow AI training, inference and data mining (default: all reserved; search engines may index)")
    mark = parser.add_argument_group("visible watermark")
    kind = mark.add_mutually_exclusive_group()
    kind.add_argument("--watermark-text", metavar="T", help="text mark, e.g. '© {year} {creator}'")
    kind.add_argument("--watermark-logo", metavar="PNG", help="logo mark (PNG with alpha)")
    mark.add_argument("--watermark-position", choices=POSITIONS, metavar="P", help=f"one of {', '.join(POSITIONS)}")
    mark.add_argument("--watermark-opacity", type=_fraction, metavar="0..1")
    mark.add_argument("--watermark-scale", type=float, metavar="F", help="size as a fraction of the short side")
    mark.add_argument("--tile", action="store_true", default=None, help="repeat the mark diagonally over the image")


def apply_profile_flags(profile: RightsProfile, args: argparse.Namespace) -> RightsProfile:
    """Overlay the flags a user typed on a profile (untyped flags change nothing)."""
    for part in registry.parts():
        value = getattr(args, part.dest, None) if part.flag else None
        if value is not None:
            registry.set_attr(profile, part.attr, value)
    if args.allow_ai_training:
        profile.ai_use.allow_all()
    mark = profile.watermark
    if args.watermark_text is not None:
        mark.kind, mark.text = "text", args.watermark_text
    if args.watermark_logo is not None:
        mark.kind, mark.logo_path = "logo", args.watermark_logo
    if args.watermark_position:
        mark.position = args.watermark_position
    if args.watermark_opacity is not None:
        mark.opacity = args.watermark_opacity
    if args.watermark_scale is not None:
        mark.scale = args.watermark_scale
    if args.tile:
        mark.tile = True
    profile.validate()
    return profile


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value
