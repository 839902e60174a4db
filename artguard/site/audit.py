"""Audit what a website really serves: its AI reservations, and the images' CMI.

The site is a URL (crawled on its own host, page count bounded, same fetch limits as
``check``) or a folder of a static export. Reservations (robots.txt AI rules, ai.txt,
TDMRep file, meta tags, response headers) are compared with the profile's choice and with
each other; every image the pages show is checked: does it still carry its CMI and
Content Credentials, and is it one of the artist's protected images (in the catalog) that
the site's pipeline stripped?
"""

from __future__ import annotations

import json
import mimetypes
import urllib.parse
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from artguard.catalog import Catalog
from artguard.check import CatalogIndex, CheckResult, check_bytes, check_copy
from artguard.errors import ArtGuardError
from artguard.fetch import download, is_url, now_utc
from artguard.profile import RightsProfile
from artguard.site.crawlers import in_categories
from artguard.site.kit import header_pairs, meta_pairs
from artguard.site.policy import SitePolicy, site_policy
from artguard.webpage import MAX_PAGE, Page, is_html, is_page

MAX_PAGES = 50
MAX_IMAGES = 300
SEARCH_ENGINES = ("Googlebot", "Bingbot")
FOLDER_ORIGIN = "file://site-export"  # a folder export's pages are read as file://site-export/PATH, reported as /PATH

Progress = Callable[[str, int, int], None]  # (what is being done, done, total or 0)


IMAGE_STATE_WORDS = {
    "stripped-by-site": "Your image, stripped by the site",
    "partly-stripped": "Your image, partly stripped",
    "intact": "Your image, intact",
    "carries-cmi": "Not yours; carries CMI",
    "no-cmi": "Not yours; no CMI",
    "error": "Could not be checked",
}


@dataclass
class Signal:
    """One way a site states its reservation, and what the audit found there."""

    name: str
    state: str  # present | missing | partial | wrong | not-visible
    value: str = ""
    agrees: bool | None = None  # with the profile (None: nothing to compare)
    detail: str = ""
    reserves: bool | None = None  # what this signal says on its own (None: absent or unreadable)


@dataclass
class ImageFinding:
    url: str
    pages: list[str]
    result: CheckResult | None = None
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def own(self) -> bool:
        """One of the artist's protected images (traced in the catalog)."""
        return self.result is not None and self.result.match is not None

    @property
    def carries_cmi(self) -> bool:
        return self.result is not None and bool(self.result.carried)

    @property
    def c2pa_state(self) -> str:
        return str(self.result.c2pa.get("state", "absent")) if self.result else "unknown"

    @property
    def state(self) -> str:
        """stripped-by-site | intact | partly-stripped | no-cmi | carries-cmi | error."""
        if self.result is None:
            return "error"
        if self.own:
            return {"intact": "intact", "stripped": "stripped-by-site"}.get(self.result.verdict, "partly-stripped")
        return "carries-cmi" if self.carries_cmi else "no-cmi"

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"url": self.url, "pages": self.pages, "state": self.state}
        if self.error:
            doc["error"] = self.error
        if self.result is not None:
            match = self.result.match
            doc.update(
                own=self.own,
                original=match.publication.original.path if match else None,
                published_as=match.publication.output.path if match else None,
                verdict=self.result.verdict,
                fields=self.result.fields,
                carries=sorted(self.result.carried),
                c2pa=self.c2pa_state,
                x_robots_tag=self.headers.get("x-robots-tag"),
                tdm_reservation=self.headers.get("tdm-reservation"),
            )
        return doc


@dataclass
class SiteAudit:
    target: str
    policy: SitePolicy
    profile: str
    pages: list[str] = field(default_factory=list)
    page_errors: dict[str, str] = field(default_factory=dict)
    signals: list[Signal] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    images: list[ImageFinding] = field(default_factory=list)
    audited_at: str = ""
    truncated: bool = False  # the page bound was reached
    images_left: bool = False  # the pages show more images than the bound allowed to check

    def counts(self) -> dict[str, int]:
        out = {"pages": len(self.pages), "images": len(self.images)}
        for image in self.images:
            out[image.state] = out.get(image.state, 0) + 1
        return out

    def ok(self) -> bool:
        return not self.problems

    def summary_text(self) -> str:
        """One line: how much was read and how many problems were found."""
        counts = self.counts()
        pages, images, problems = counts["pages"], counts["images"], len(self.problems)
        found = "no problems found" if not problems else f"{problems} problem{'s' if problems != 1 else ''} found"
        return f"{pages} page{'s' if pages != 1 else ''} and {images} image{'s' if images != 1 else ''} read; {found}"

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "profile": self.profile,
            "ai_use": self.policy.term,
            "audited_at": self.audited_at,
            "pages": self.pages,
            "page_errors": self.page_errors,
            "truncated": self.truncated,
            "images_left": self.images_left,
            "reservations": [vars(s) for s in self.signals],
            "images": [i.to_json() for i in self.images],
            "summary": self.counts(),
            "problems": self.problems,
        }


class _Source:
    """Reads a site by URL path: over http(s), or from a folder of a static export."""

    def __init__(self, target: str) -> None:
        self.remote = is_url(target)
        if self.remote:
            parts = urllib.parse.urlsplit(target)
            self.origin = f"{parts.scheme}://{parts.netloc}"
            self.start = target
        else:
            self.root = Path(target).resolve()
            if not self.root.is_dir():
                raise ArtGuardError(f"{target} is neither a folder nor an http(s) URL")
            self.origin = FOLDER_ORIGIN  # root-relative links ("/img/a.jpg") resolve inside the export
            self.start = self.origin + "/"

    def url(self, path: str) -> str:
        return self.origin + path

    def same_site(self, url: str) -> bool:
        return url.startswith(self.origin + "/") or url == self.origin

    def get(self, url: str) -> tuple[bytes, dict[str, str]]:
        """The body (at most ``MAX_PAGE``) and headers (for a folder: the type its name says);
        ArtGuardError when absent."""
        if self.remote:
            headers: dict[str, str] = {}
            data, _ = download(url, limit=MAX_PAGE, images_only=False, headers=headers)
            return data, headers
        path = self._file(url)
        return path.read_bytes(), {"content-type": mimetypes.guess_type(path.name)[0] or ""}

    def _file(self, url: str) -> Path:
        parts = urllib.parse.urlsplit(url)
        rel = urllib.parse.unquote(parts.path)
        path = (self.root / rel.lstrip("/")).resolve()
        if f"{parts.scheme}://{parts.netloc}" != self.origin or (path != self.root and self.root not in path.parents):
            raise ArtGuardError(f"{url} is outside the site folder")
        if path.is_dir():
            path = path / "index.html"
        elif not path.exists() and path.with_suffix(".html").exists():
            path = path.with_suffix(".html")
        if not path.is_file():
            raise ArtGuardError(f"{rel or '/'}: not found in the site folder")
        return path

    def check_image(self, url: str, catalog: Catalog, index: CatalogIndex) -> tuple[CheckResult, dict[str, str]]:
        if is_url(url):  # a site's own images, or a folder export's images on a CDN
            headers: dict[str, str] = {}
            data, when = download(url, headers=headers)
            return check_bytes(url, data, when, catalog, index), headers
        result = check_copy(self._file(url), catalog=catalog, index=index)
        result.url = url
        return result, {}


def audit_site(
    target: str,
    profile: RightsProfile,
    *,
    catalog: Catalog | None = None,
    max_pages: int = MAX_PAGES,
    max_images: int = MAX_IMAGES,
    on_progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> SiteAudit:
    """Crawl ``target`` (URL or folder) and compare what it serves with ``profile``."""
    source = _Source(target)
    policy = site_policy(profile)
    audit = SiteAudit(target=target, policy=policy, profile=profile.name, audited_at=now_utc())
    progress = on_progress or (lambda *_: None)
    stopped = cancel or (lambda: False)

    pages = _crawl(source, audit, max_pages, progress, stopped)
    _site_files(source, audit)
    _page_signals(source, audit, pages)

    catalog = catalog if catalog is not None else Catalog()
    index = CatalogIndex(catalog)
    seen: dict[str, ImageFinding] = {}
    for page in pages:
        for image in page.images():
            if image.url in seen:
                seen[image.url].pages.append(page.url)
            elif len(seen) < max_images:
                seen[image.url] = ImageFinding(image.url, [page.url])
            else:
                audit.images_left = True
    for n, finding in enumerate(seen.values()):
        if stopped():
            break
        progress(f"Checking image {finding.url}", n, len(seen))
        try:
            finding.result, finding.headers = source.check_image(finding.url, catalog, index)
        except ArtGuardError as exc:
            finding.error = str(exc)
        audit.images.append(finding)
    if source.remote and audit.policy.robots_directives:
        served = [(i.url, i.headers.get("x-robots-tag", "")) for i in audit.images if i.result is not None and source.same_site(i.url)]
        if served:
            _per_page(audit, "X-Robots-Tag header on images", ", ".join(audit.policy.robots_directives), served, True, "images")
    _image_problems(audit)
    if not source.remote:  # a folder's pages and images by their path on the site
        audit.pages = [u.removeprefix(FOLDER_ORIGIN) for u in audit.pages]
        audit.page_errors = {u.removeprefix(FOLDER_ORIGIN): e for u, e in audit.page_errors.items()}
        for finding in audit.images:
            finding.url = finding.url.removeprefix(FOLDER_ORIGIN)
            finding.pages = [u.removeprefix(FOLDER_ORIGIN) for u in finding.pages]
    progress("Done", len(seen), len(seen))
    return audit


def _crawl(source: _Source, audit: SiteAudit, max_pages: int, progress: Progress, stopped: Callable[[], bool]) -> list[Page]:
    queue, seen, pages = [source.start], {source.start}, []
    while queue and not stopped():
        if len(pages) >= max_pages:
            audit.truncated = True
            break
        url = queue.pop(0)
        progress(f"Reading page {url}", len(pages), 0)
        try:
            data, headers = source.get(url)
        except ArtGuardError as exc:
            audit.page_errors[url] = str(exc)
            continue
        if not is_page(data, headers):  # a link to a file, not a page
            continue
        page = Page(url, data, now_utc(), headers)
        pages.append(page)
        audit.pages.append(url)
        for link in page.links():
            if link not in seen and source.same_site(link):
                seen.add(link)
                queue.append(link)
    return pages


# ---- reservations ---------------------------------------------------------------------------
def _fetch_text(source: _Source, path: str) -> str | None:
    """A site file's text; None when absent (or when the server answers with a web page,
    as single-page-app hosts do for every unknown path)."""
    try:
        data, _ = source.get(source.url(path))
    except ArtGuardError:
        return None
    return None if is_html(data) else data.decode("utf-8", "replace")


def _site_files(source: _Source, audit: SiteAudit) -> None:
    policy = audit.policy
    blocked = [c.name for c in in_categories(policy.blocked - {"search"})]
    robots = _fetch_text(source, "/robots.txt")
    if robots is None:
        audit.signals.append(Signal("robots.txt AI rules", "missing", agrees=not blocked, detail="no /robots.txt"))
    else:
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(robots.splitlines())
        open_to = [name for name in blocked if parser.can_fetch(name, "/")]
        shut = [c.name for c in in_categories({"ai-training", "dataset", "ai-answers"}) if not parser.can_fetch(c.name, "/")]
        state = "present" if not open_to else ("partial" if len(open_to) < len(blocked) else "missing")
        detail = f"{len(open_to)} of {len(blocked)} not disallowed: {_some(open_to)}" if open_to else f"{len(shut)} AI crawlers disallowed"
        agrees = not open_to and (bool(blocked) or not shut)
        if not blocked and shut:
            detail = f"disallows {_some(shut)} although the profile allows AI use"
        audit.signals.append(Signal("robots.txt AI rules", state if blocked else ("present" if shut else "missing"), f"{len(shut)} disallowed", agrees, detail, bool(shut)))
        if policy.search_allowed:
            refused = [name for name in SEARCH_ENGINES if not parser.can_fetch(name, "/")]
            if refused:
                audit.problems.append(f"robots.txt also shuts out search engines ({', '.join(refused)}) although the profile allows search indexing")

    ai_txt = _fetch_text(source, "/ai.txt")
    if ai_txt is None:
        audit.signals.append(Signal("ai.txt", "missing", agrees=False if "ai-training" in policy.blocked else None, detail="no /ai.txt"))
    else:
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(ai_txt.splitlines())
        reserved = not parser.can_fetch("*", "/image.jpg")
        audit.signals.append(Signal("ai.txt", "present", "disallows media" if reserved else "allows media", reserved == ("ai-training" in policy.blocked), reserves=reserved))

    tdm_text = _fetch_text(source, "/.well-known/tdmrep.json")
    if tdm_text is None:
        audit.signals.append(Signal("tdmrep.json", "missing", agrees=False if policy.tdm_reserved else None, detail="no /.well-known/tdmrep.json"))
    else:
        errors, value, tdm_policy = tdmrep_root_rule(tdm_text)
        if errors:
            audit.signals.append(Signal("tdmrep.json", "wrong", agrees=False, detail="; ".join(errors)))
        else:
            agrees = value == int(policy.tdm_reserved) and (not policy.tdm_policy or tdm_policy == policy.tdm_policy)
            audit.signals.append(Signal("tdmrep.json", "present", f"tdm-reservation {value}" + (f", policy {tdm_policy}" if tdm_policy else ""), agrees, reserves=value == 1))

    if not source.remote:
        configs = [name for name in ("_headers", ".htaccess", "nginx.conf") if (source.root / name).is_file()]
        text = " ".join((source.root / name).read_text("utf-8", "replace").lower() for name in configs)
        wanted = [name for name, _ in header_pairs(policy)]
        missing = [name for name in wanted if name.lower() not in text]
        audit.signals.append(
            Signal("response headers", "not-visible" if not configs else ("present" if not missing else "partial"), ", ".join(configs),
                   None if not configs else not missing,
                   "a folder cannot show what the server sends" + (f"; {', '.join(configs)} lacks {', '.join(missing)}" if configs and missing else ""))
        )


def _some(names: list[str], shown: int = 6) -> str:
    return ", ".join(names[:shown]) + (f" and {len(names) - shown} more" if len(names) > shown else "")


def tdmrep_root_rule(text: str) -> tuple[list[str], int | None, str]:
    """Check a tdmrep.json against the TDMRep format; the rule that applies to "/"."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return [f"not valid JSON ({exc.msg})"], None, ""
    if not isinstance(doc, list):
        return ["must be a JSON array of rules"], None, ""
    errors: list[str] = []
    for n, rule in enumerate(doc, 1):
        if not isinstance(rule, dict):
            errors.append(f"rule {n} is not an object")
            continue
        if not isinstance(rule.get("location"), str) or not rule["location"].startswith("/"):
            errors.append(f"rule {n}: location must be a path starting with /")
        if rule.get("tdm-reservation") not in (0, 1) or isinstance(rule.get("tdm-reservation"), bool):
            errors.append(f"rule {n}: tdm-reservation must be 0 or 1")
        if "tdm-policy" in rule and not (isinstance(rule["tdm-policy"], str) and is_url(rule["tdm-policy"])):
            errors.append(f"rule {n}: tdm-policy must be an http(s) URL")
    if errors:
        return errors, None, ""
    for rule in doc:  # the first matching rule is the most specific one
        if rule["location"] in ("/", "/*"):
            return [], int(rule["tdm-reservation"]), str(rule.get("tdm-policy", ""))
    return ["no rule covers the whole site (location /)"], None, ""


def _page_signals(source: _Source, audit: SiteAudit, pages: list[Page]) -> None:
    """Meta tags on every page, and (for URLs) each page's response headers."""
    if not pages:
        audit.problems.append("no page could be read")
        return
    for name, wanted in meta_pairs(audit.policy):
        _per_page(audit, f'<meta name="{name}">', wanted, [(p.url, ", ".join(p.meta(name))) for p in pages], name == "robots")
    if source.remote:
        for name, wanted in header_pairs(audit.policy):
            _per_page(audit, f"{name} header", wanted, [(p.url, p.headers.get(name.lower(), "")) for p in pages], name == "X-Robots-Tag")


def _per_page(audit: SiteAudit, label: str, wanted: str, found: list[tuple[str, str]], directives: bool, unit: str = "pages") -> None:
    def agrees(value: str) -> bool:
        if directives:
            have = {v.strip().lower() for v in value.split(",")}
            return {w.strip().lower() for w in wanted.split(",")} <= have
        return value.strip() == wanted

    lacking = [url for url, value in found if not value]
    wrong = [(url, value) for url, value in found if value and not agrees(value)]
    values = [value for _, value in found if value]
    reserves = None if not values else any(_reserving(label, value) for value in values)
    if not lacking and not wrong:
        audit.signals.append(Signal(label, "present", wanted, True, _on(len(found), len(found), unit), reserves))
        return
    if not wrong and not _reserving(label, wanted):  # nothing to reserve: absence is fine
        audit.signals.append(Signal(label, "missing" if not values else "partial", "", None, _on(len(values), len(found), unit), reserves))
        return
    state = "missing" if len(lacking) == len(found) else ("wrong" if wrong and not lacking else "partial")
    detail = []
    if lacking:
        detail.append("missing " + _on(len(lacking), len(found), unit))
    if wrong:
        detail.append(f"says {wrong[0][1]!r} instead of {wanted!r} " + _on(len(wrong), len(found), unit))
    audit.signals.append(Signal(label, state, values[0] if values else "", False, "; ".join(detail), reserves))


def _on(count: int, total: int, unit: str) -> str:
    """Where a tag was seen or missed, in words: on 2 of 5 pages, on all 3 pages, on the one page."""
    if total == 1:
        return f"on the one {unit.rstrip('s')}"
    return f"on all {total} {unit}" if count == total else f"on {count} of {total} {unit}"


def _reserving(label: str, value: str) -> bool:
    """Does a meta tag or header value on its own reserve AI use?"""
    if "tdm-reservation" in label:
        return value.strip() == "1"
    if "tdm-policy" in label:
        return bool(value.strip())
    return bool({"noai", "noimageai"} & {v.strip().lower() for v in value.split(",")})


def _image_problems(audit: SiteAudit) -> None:
    for signal in audit.signals:
        if signal.agrees is False and signal.state == "present":
            audit.problems.append(f"{signal.name} says {signal.value}, which is not the profile's choice ({audit.policy.term})")
        elif signal.agrees is False:
            audit.problems.append(f"{signal.name}: {signal.state}" + (f" ({signal.detail})" if signal.detail else ""))
    says_yes = [s.name for s in audit.signals if s.reserves is True]
    says_no = [s.name for s in audit.signals if s.reserves is False]
    if says_yes and says_no:
        audit.problems.append(f"the site contradicts itself: {', '.join(says_yes)} reserve AI use, {', '.join(says_no)} allow it")
    for state, words in (("stripped-by-site", "lost all their CMI and Content Credentials"), ("partly-stripped", "lost part of their CMI or Content Credentials")):
        hits = [i for i in audit.images if i.state == state]
        if hits:
            audit.problems.append(f"{len(hits)} of your protected images {words} on the site (its upload or resize pipeline strips metadata)")
    if audit.truncated:
        audit.problems.append(f"the page limit was reached: only the first {len(audit.pages)} pages were audited")
    if audit.images_left:
        audit.problems.append(f"the image limit was reached: only the first {len(audit.images)} images were checked")
