"""Profile fields as command-line flags, shared by ``embed`` and ``profile create|edit``."""

from __future__ import annotations

import argparse

from artguard.profile import POSITIONS, SOURCE_TYPES, RightsProfile

# flag -> profile attribute (plain text fields)
TEXT_FLAGS = {
    "--creator": "creator",
    "--copyright": "copyright_notice",
    "--credit": "credit_line",
    "--title": "title",
    "--description": "description",
    "--usage-terms": "usage_terms",
    "--licensor": "licensor",
    "--licensing-url": "licensing_url",
    "--web-statement": "web_statement",
    "--contact-email": "contact_email",
    "--contact-url": "contact_url",
}


def add_profile_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("rights (override the profile)")
    for flag, attr in TEXT_FLAGS.items():
        group.add_argument(flag, dest=attr, metavar="TEXT", help=f"{attr.replace('_', ' ')} (templates: {{year}} {{date}} {{creator}} {{filename}})")
    group.add_argument("--source-type", choices=sorted(SOURCE_TYPES), help="how the image was made")
    group.add_argument("--copyright-status", choices=("copyrighted", "public-domain", "unknown"))
    group.add_argument("--allow-ai-training", action="store_true", default=None, help="allow AI training and data mining (default: not allowed)")
    group.add_argument("--ai-tool", help="AI tool or model used (AI-assisted work)")
    group.add_argument("--ai-prompt", help="prompt used (AI-assisted work)")
    group.add_argument("--ai-seed", help="seed used (AI-assisted work)")
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
    for attr in TEXT_FLAGS.values():
        value = getattr(args, attr, None)
        if value is not None:
            setattr(profile, attr, value)
    if args.source_type:
        profile.source_type = args.source_type
    if args.copyright_status:
        profile.copyright_status = args.copyright_status
    if args.allow_ai_training:
        profile.ai_use.allow_all()
    for flag, attr in (("ai_tool", "tool"), ("ai_prompt", "prompt"), ("ai_seed", "seed")):
        if getattr(args, flag) is not None:
            setattr(profile.ai_disclosure, attr, getattr(args, flag))
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
