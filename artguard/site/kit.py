"""The opt-out kit: every file an artist's website needs to state the profile's AI-use choice.

robots.txt rules per AI crawler (merged into an existing robots.txt without touching its
other rules), Spawning's ai.txt, TDMRep (``/.well-known/tdmrep.json``, meta tags, HTTP
headers), ``noai``/``noimageai`` meta and X-Robots-Tag snippets for nginx, Apache and
Netlify/Cloudflare Pages, a note for hosted platforms, and a README. All of it comes from
:func:`artguard.site.policy.site_policy`, so the files agree with each other and with
the CMI inside the images.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from artguard.fileio import write_bytes_atomic
from artguard.profile import RightsProfile
from artguard.site.crawlers import Crawler, crawlers, in_categories
from artguard.site.policy import SitePolicy, site_policy

BEGIN = "# BEGIN ArtGuard AI opt-out"
END = "# END ArtGuard AI opt-out"
_BLOCK = re.compile(rf"^{re.escape(BEGIN)}.*?^{re.escape(END)}[^\n]*\n?", re.MULTILINE | re.DOTALL)
_FIELD = re.compile(r"^\s*([A-Za-z-]+)\s*:\s*(.*?)\s*(?:#.*)?$")
AI_TXT_TYPES = ("jpg", "jpeg", "png", "webp", "gif", "avif", "heic", "tif", "tiff", "bmp", "svg", "psd", "mp4", "webm", "mov")


DOCS = "artguard-kit"  # the kit's instructions and snippets; everything else goes to the site root
MERGED = ("robots.txt", ".htaccess", "_headers")  # files a site may already have: ArtGuard's block is merged in


@dataclass
class KitFile:
    """One file of the kit: where it goes on the site, its text, and what it is for."""

    path: str  # relative to the site root, e.g. ".well-known/tdmrep.json"
    text: str
    purpose: str


@dataclass
class Kit:
    profile: RightsProfile
    policy: SitePolicy
    files: list[KitFile]
    robots_changes: list[str] = field(default_factory=list)  # what merging changed in an existing robots.txt
    merged_robots: bool = False  # built on the site's existing robots.txt

    def file(self, path: str) -> KitFile:
        return next(f for f in self.files if f.path == path)


def build_kit(profile: RightsProfile, *, existing_robots: str | None = None, today: _dt.date | None = None) -> Kit:
    """The kit for ``profile``; ``existing_robots`` is the site's current robots.txt, if any."""
    policy = site_policy(profile)
    today = today or _dt.date.today()
    blocked = in_categories(policy.blocked)
    robots, changes = merge_robots(existing_robots or "", robots_block(policy, blocked, profile.name, today), {c.name for c in blocked})
    files = [
        KitFile("robots.txt", robots, "Asks each AI crawler by name to stay away (search engines untouched)."),
        KitFile("ai.txt", ai_txt(policy), "Spawning's ai.txt: asks dataset tools that read it not to use the site's media."),
        KitFile(".well-known/tdmrep.json", tdmrep_json(policy), "W3C TDMRep: the machine-readable text-and-data-mining reservation for the whole site."),
        KitFile(".htaccess", htaccess(policy), "Response headers for Apache (read at the site root; merged into an existing one)."),
        KitFile("_headers", netlify_headers(policy), "Response headers for Netlify and Cloudflare Pages (merged into an existing one)."),
        KitFile(f"{DOCS}/head-tags.html", head_tags(policy), "Meta tags to paste into the head section of every page (or the site builder's header code box)."),
        KitFile(f"{DOCS}/nginx.conf", nginx_snippet(policy), "Response headers to paste into an nginx server block."),
        KitFile(f"{DOCS}/HOSTED-PLATFORMS.md", hosted_note(policy), "What to do on hosted platforms that allow none of these files."),
    ]
    files.insert(0, KitFile(f"{DOCS}/README.md", readme(profile, policy, blocked, files, changes, today), "What each file does, who honours it, and what it cannot do."))
    return Kit(profile, policy, files, changes, existing_robots is not None)


def write_kit(kit: Kit, out_dir: Path) -> Kit:
    """Write the kit into ``out_dir`` (a new folder, or the site's root folder itself).

    Nothing the site already has is lost: an existing robots.txt is merged (the kit is
    rebuilt on it, so its README lists what changed), an existing .htaccess or _headers
    keeps its lines and gets ArtGuard's block (replaced when written before). Writes are
    atomic. Returns the kit as written.
    """
    robots = out_dir / "robots.txt"
    if robots.is_file() and not kit.merged_robots:
        kit = build_kit(kit.profile, existing_robots=robots.read_text(encoding="utf-8", errors="replace"))
    for item in kit.files:
        target = out_dir / item.path
        text = item.text
        if item.path in MERGED[1:] and target.is_file():
            text = merge_block(target.read_text(encoding="utf-8", errors="replace"), item.text)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(target, text.encode("utf-8"))
    return kit


def merge_block(existing: str, block: str) -> str:
    """``existing`` with ArtGuard's marked block replaced, or appended when it has none."""
    kept = _BLOCK.sub("", existing.replace("\r\n", "\n")).rstrip("\n")
    return (kept + "\n\n" if kept.strip() else "") + block


def _marked(text: str) -> str:
    return f"{BEGIN}\n{text}{END}\n"


# ---- robots.txt ---------------------------------------------------------------------------
def robots_block(policy: SitePolicy, blocked: list[Crawler], profile_name: str, today: _dt.date) -> str:
    lines = [
        f"{BEGIN} (profile {profile_name!r}, {today.isoformat()}; edit the profile and write the kit again)",
        f"# AI-use choice: {policy.term}.",
    ]
    if policy.search_allowed:
        lines.append("# Search engines are not named here: they may index the site as before.")
    if not blocked:
        lines.append("# The profile allows AI use: no crawler is asked to stay away.")
    for crawler in blocked:
        lines += ["", f"# {crawler.operator}: {crawler.purpose}", f"User-agent: {crawler.name}", "Disallow: /"]
    lines.append(END)
    return "\n".join(lines) + "\n"


def merge_robots(existing: str, block: str, managed: set[str]) -> tuple[str, list[str]]:
    """``existing`` with ArtGuard's block (re)placed at the end.

    Every other rule stays as it was, except that a crawler ArtGuard now disallows is
    taken out of an earlier group that named it (parsers use the first or a merged group,
    so an old ``Allow`` there would defeat the new rule); each such edit is reported.
    """
    text = _BLOCK.sub("", existing.replace("\r\n", "\n"))
    lines = text.split("\n")
    managed_lower = {m.lower() for m in managed}
    changes: list[str] = []
    groups: list[list[int]] = []  # line indexes of each group's user-agent and rule lines
    in_agents = False
    for i, line in enumerate(lines):
        match = _FIELD.match(line)
        if not match:
            continue
        key = match.group(1).lower()
        if key == "user-agent":
            if not in_agents:
                groups.append([])
                in_agents = True
            groups[-1].append(i)
        elif key != "sitemap" and groups:
            in_agents = False
            groups[-1].append(i)
    drop: set[int] = set()
    for group in groups:
        agents = [i for i in group if _FIELD.match(lines[i]).group(1).lower() == "user-agent"]  # type: ignore[union-attr]
        named = [i for i in agents if _FIELD.match(lines[i]).group(2).lower() in managed_lower]  # type: ignore[union-attr]
        if not named:
            continue
        names = ", ".join(_FIELD.match(lines[i]).group(2) for i in named)  # type: ignore[union-attr]
        if len(named) == len(agents):
            drop.update(group)
            changes.append(f"removed the existing group for {names} (line {group[0] + 1}); ArtGuard's rule replaces it")
        else:
            drop.update(named)
            changes.append(f"took {names} out of the group at line {agents[0] + 1}; ArtGuard's rule replaces it")
    kept = "\n".join(line for i, line in enumerate(lines) if i not in drop).rstrip("\n")
    if drop:
        kept = re.sub(r"\n{3,}", "\n\n", kept)
    return (kept + "\n\n" if kept.strip() else "") + block, changes


# ---- ai.txt, TDMRep ------------------------------------------------------------------------
def ai_txt(policy: SitePolicy) -> str:
    head = "# Spawning ai.txt: may AI datasets use the media on this site?\n# Written by ArtGuard from the profile's AI-use choice.\nUser-Agent: *\n"
    if "ai-training" not in policy.blocked:
        return head + "Allow: /\n"
    return head + "".join(f"Disallow: *.{ext}\n" for ext in AI_TXT_TYPES) + "Disallow: /\n"


def tdmrep_json(policy: SitePolicy) -> str:
    rule: dict[str, object] = {"location": "/", "tdm-reservation": 1 if policy.tdm_reserved else 0}
    if policy.tdm_reserved and policy.tdm_policy:
        rule["tdm-policy"] = policy.tdm_policy
    return json.dumps([rule], indent=2) + "\n"


def header_pairs(policy: SitePolicy) -> list[tuple[str, str]]:
    """The HTTP response headers every page and image should carry."""
    return _pairs(policy, "X-Robots-Tag")


def meta_pairs(policy: SitePolicy) -> list[tuple[str, str]]:
    """The ``<meta name content>`` tags every page should carry."""
    return _pairs(policy, "robots")


def _pairs(policy: SitePolicy, robots_name: str) -> list[tuple[str, str]]:
    pairs = []
    if policy.robots_directives:
        pairs.append((robots_name, ", ".join(policy.robots_directives)))
    pairs.append(("tdm-reservation", "1" if policy.tdm_reserved else "0"))
    if policy.tdm_policy:
        pairs.append(("tdm-policy", policy.tdm_policy))
    return pairs


def head_tags(policy: SitePolicy) -> str:
    tags = "".join(f'<meta name="{html.escape(n)}" content="{html.escape(v)}">\n' for n, v in meta_pairs(policy))
    return "<!-- ArtGuard: paste inside <head> on every page, or into your site builder's header code injection -->\n" + tags


def nginx_snippet(policy: SitePolicy) -> str:
    adds = "".join(f'add_header {n} "{v}" always;\n' for n, v in header_pairs(policy))
    return (
        "# ArtGuard: inside your server { } block. nginx drops these in any location that has\n"
        "# add_header lines of its own: repeat them there.\n"
        + adds
        + "location = /.well-known/tdmrep.json {\n    default_type application/json;\n" + "".join("    " + line + "\n" for line in adds.splitlines()) + "}\n"
    )


def htaccess(policy: SitePolicy) -> str:
    sets = "".join(f'    Header set {n} "{v}"\n' for n, v in header_pairs(policy))
    return _marked(
        "# Written by ArtGuard from the profile's AI-use choice. Needs mod_headers (enabled on most hosts).\n"
        f"<IfModule mod_headers.c>\n{sets}</IfModule>\n"
        "AddType application/json .json\n"
    )


def netlify_headers(policy: SitePolicy) -> str:
    lines = "".join(f"  {n}: {v}\n" for n, v in header_pairs(policy))
    return _marked(f"# Written by ArtGuard from the profile's AI-use choice (Netlify / Cloudflare Pages).\n/*\n{lines}/.well-known/tdmrep.json\n  Content-Type: application/json\n")


def hosted_note(policy: SitePolicy) -> str:
    return f"""# Hosted platforms (portfolio sites, shops, social media)

Many hosted platforms do not let you upload `robots.txt`, `ai.txt` or `/.well-known/`
files, or set response headers. What you can still do there:

1. **Use the platform's own AI setting.** Several hosts have one (for example a
   "block AI crawlers" switch in the crawler or SEO settings, or a "prevent third-party
   sharing" privacy option); names and places change, so search your host's help for
   "AI crawlers". Cloudflare, if your domain runs through it, has a one-click
   "block AI bots" setting that refuses known AI crawlers outright.
2. **Paste the meta tags** from `head-tags.html` (in this folder) into the header code injection box if
   the platform has one (often on paid plans only).
3. **Keep the CMI in the images.** The rights metadata ArtGuard writes ({policy.term})
   travels with each file. Check what your host serves with `artguard site audit URL`:
   many platforms strip metadata when they resize uploads. If yours does, the images on
   your site no longer say who made them; say so in your licence page and keep the
   protected originals as evidence.
4. **Say it in words** on your site (an "AI use" line in the footer or licence page):
   a human-readable reservation still counts as a statement of your terms.
"""


# ---- README --------------------------------------------------------------------------------
def readme(profile: RightsProfile, policy: SitePolicy, blocked: list[Crawler], files: list[KitFile], changes: list[str], today: _dt.date) -> str:
    table = "\n".join(f"| `{f.path}` | {f.purpose} |" for f in files)
    who = "\n".join(
        f"| {c.name} | {c.operator} | {c.category} | {c.honours_robots_txt} |" for c in crawlers() if c in blocked
    ) or "| (none: the profile allows AI use) | | | |"
    merged = "\n".join(f"- {c}" for c in changes) or "- nothing (no earlier rule named these crawlers)"
    policy_line = (
        f"Licensing requests are pointed to {policy.tdm_policy} (TDMRep `tdm-policy`)."
        if policy.tdm_policy
        else "The profile has no licensing URL, so no `tdm-policy` is given: add one in the profile to tell AI companies where to ask for a licence."
    )
    return f"""# Website opt-out kit for "{profile.name}"

Written by ArtGuard on {today.isoformat()} from the profile's AI-use choice
(**{policy.term}**), the same choice that is written into your images' metadata and
Content Credentials. {policy_line}

## What goes where

| file | what it does |
|---|---|
{table}

Everything outside `{DOCS}/` belongs at the root of your site (`https://your.site/robots.txt`,
...): write the kit straight into your site's folder (`artguard site kit -o public/`) and
your existing `robots.txt`, `.htaccess` and `_headers` keep their rules, or upload the files
yourself. `.htaccess` is read by Apache hosts, `_headers` by Netlify and Cloudflare Pages;
on nginx, paste `{DOCS}/nginx.conf` into the server block. Paste `{DOCS}/head-tags.html`
into every page's `<head>`. If your host allows none of these, read
`{DOCS}/HOSTED-PLATFORMS.md`. The `{DOCS}/` folder itself need not be uploaded.

## Who honours what

- **robots.txt**: read by crawlers that choose to follow it. Each AI crawler is named
  (a rule for `*` would also shut out search engines). The list and what each operator
  says about it:

| crawler | operator | used for | honours robots.txt |
|---|---|---|---|
{who}

- **ai.txt**: Spawning's file, read by dataset tools that check Spawning's opt-outs
  (its Data Diligence package and API) before using a site's media.
- **TDMRep** (`tdmrep.json`, `tdm-reservation`/`tdm-policy` headers and meta tags): the
  W3C community protocol for the EU text-and-data-mining opt-out (DSM Directive
  Art. 4(3) and the AI Act's reference to it): a machine-readable reservation of rights.
- **noai / noimageai** (meta tag and `X-Robots-Tag` header): honoured by some dataset
  downloaders (img2dataset skips such images by default) and art platforms.

## Changes made to your existing robots.txt

{merged}

## What this cannot do

These files **ask**; they do not **enforce**. A crawler that ignores them is not stopped,
and a crawler not on the list is not asked by name. They state your reservation in the
forms the law and the industry recognise, which matters if you later need to show that
you opted out. To actually refuse requests, block user agents at the server or CDN (for
example Cloudflare's AI bot blocking). Keep the kit current: run `artguard site kit`
again when you change the profile, and `artguard site audit` to see what your site serves.
"""
