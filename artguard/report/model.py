"""The report as data: every fact the HTML, the PDF, the JSON twin and the notices show.

``build_report`` turns check results into a ``Report`` once; the views only lay it out, so
the HTML, the PDF and ``OUT.json`` cannot disagree. Values from a copy go through
``text.safe`` here, and local paths become file names unless ``full_paths`` is asked for.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from artguard import __version__
from artguard.catalog import Catalog, Posting, Publication
from artguard.check import CheckResult
from artguard.errors import ArtGuardError
from artguard.metadata import CMI_FIELDS, registry
from artguard.profile import ProfileStore, RightsProfile
from artguard.report import words
from artguard.report.images import Pictures, pictures
from artguard.untrusted_text import SafeText, safe
from artguard.report.transform import describe_shown

UNKNOWN_HOST = "unknown host"
Show = Callable[[str], str]  # how a local path appears: its name, or whole with --full-paths


@dataclass
class DateFact:
    """A date and how it is known (whose clock, or which independent authority)."""

    when: str  # ISO 8601 as recorded
    how: str
    self_asserted: bool = True

    @property
    def shown(self) -> str:
        """The date as a person reads it: UTC, to the second (a bare date stays a date)."""
        if len(self.when) == 10:
            return self.when
        try:
            moment = _dt.datetime.fromisoformat(self.when.replace("Z", "+00:00"))
        except ValueError:
            return safe(self.when, 40).text
        if moment.tzinfo is not None:
            moment = moment.astimezone(_dt.timezone.utc)
        return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass
class Claimant:
    """Who claims the works: from the rights profile (or what the catalog wrote)."""

    name: str
    email: str = ""
    url: str = ""
    profile: str = ""

    @property
    def contact(self) -> str:
        return ", ".join(x for x in (self.email, self.url) if x) or "(add your contact details)"


@dataclass
class FieldRow:
    name: str
    label: str
    state: str  # intact | thinned | stripped | altered
    what_happened: str
    written: SafeText
    in_copy: SafeText


@dataclass
class Credentials:
    """Content Credentials (C2PA) of the copy in plain words; raw errors go to the appendix."""

    state: str
    words: str
    meaning: str
    signer: str = ""
    signed: DateFact | None = None
    expected: bool = False  # the published file was signed
    raw_errors: list[str] = field(default_factory=list)


@dataclass
class Record:
    """What the catalog recorded when the original was published."""

    publication_id: int | None
    published: DateFact
    signed: DateFact | None
    profile: str
    original_name: str
    original_sha256: str
    published_name: str
    published_sha256: str
    published_size: str
    posted: list[tuple[str, DateFact | None]]


@dataclass
class CopySection:
    number: int
    where: SafeText  # URL or file name
    url: str | None
    host: str
    found: DateFact | None  # when downloaded (or the file's own date)
    checked: DateFact
    verdict: str
    verdict_words: str
    verdict_meaning: str
    work: SafeText  # which work, in a few words
    removed: str  # what was removed, one line
    size: str
    match_how: str = ""
    strength: str = ""
    shows: str = ""
    fields: list[FieldRow] = field(default_factory=list)
    credentials: Credentials | None = None
    record: Record | None = None
    carried: list[tuple[str, SafeText]] = field(default_factory=list)  # CMI of an unmatched copy
    technical: list[tuple[str, str]] = field(default_factory=list)
    pictures: Pictures = field(default_factory=Pictures)

    @property
    def cmi_removed(self) -> bool:
        """Rights information (CMI) the published file had is missing or changed in the copy."""
        return any(f.state != "intact" for f in self.fields)


@dataclass
class Report:
    made: DateFact
    claimant: Claimant
    copies: list[CopySection]
    counts: list[tuple[str, int]]  # (verdict words, how many), most serious first
    failed: list[tuple[SafeText, str]]  # copies that could not be checked
    full_paths: bool
    version: str = __version__
    title: str = "Evidence report: copies of protected works"

    def to_json(self) -> dict[str, Any]:
        """The JSON twin: the same facts as the document, without the pictures' bytes."""

        def plain(value: Any) -> Any:
            if isinstance(value, SafeText):
                return {"text": value.text, "note": value.note} if value.note else value.text
            if isinstance(value, DateFact):
                return {"when": value.when, "shown": value.shown, "how": value.how, "self_asserted": value.self_asserted}
            if isinstance(value, Pictures):
                return value.present()
            if dataclasses.is_dataclass(value):
                return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
            if isinstance(value, (list, tuple)):
                return [plain(v) for v in value]
            return value

        doc = plain(self)
        doc["claimant"]["contact"] = self.claimant.contact
        for section, data in zip(self.copies, doc["copies"]):
            data["cmi_removed"] = section.cmi_removed
        return doc


def build_report(
    results: list[CheckResult],
    *,
    profile: RightsProfile | None = None,
    catalog: Catalog | None = None,
    full_paths: bool = False,
) -> Report:
    """The report for these check results (errors listed apart), ready for any view."""
    checked = [r for r in results if r.status == "ok"]
    failures = [r for r in results if r.status != "ok"]
    show: Show = (lambda p: p) if full_paths else _name
    copies = [_section(n, r, show, catalog) for n, r in enumerate(checked, 1)]
    counts = Counter(c.verdict for c in copies)
    return Report(
        made=DateFact(_now(), f"{words.CLOCK} when the report was made"),
        claimant=_claimant(profile, checked),
        copies=copies,
        counts=[(words.verdict_words(v)[0], counts[v]) for v in words.VERDICT_ORDER if counts[v]]
        + [(v, n) for v, n in counts.items() if v not in words.VERDICT_ORDER],
        failed=[(safe(show(r.path)), safe(r.error or "failed").text) for r in failures],
        full_paths=full_paths,
    )


def claimant_profile(name: str | None = None) -> RightsProfile | None:
    """The profile naming the claimant: ``name``, else the one called "default", else none."""
    store = ProfileStore()
    if name:
        return store.get(name)
    return store.get("default") if store.exists("default") else None


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _name(path: str) -> str:
    """A local path as its file name only (URLs stay whole): no home folders in the report."""
    if "://" in path:
        return path
    return Path(path).name or path


def _claimant(profile: RightsProfile | None, results: list[CheckResult]) -> Claimant:
    if profile is not None and profile.creator:
        return Claimant(profile.creator, profile.contact_email, profile.contact_url or profile.web_statement, profile.name)
    for result in results:  # no profile: the name and contact written into the published files
        if result.match is not None:
            fields = result.match.publication.fields
            name = next((fields[k] for k in CMI_FIELDS["creator"] if fields.get(k)), "")
            if name:
                email = next((v for k, v in fields.items() if k.endswith("CiEmailWork")), "")
                url = next((v for k, v in fields.items() if k.endswith("CiUrlWork")), fields.get("Xmp.xmpRights.WebStatement", ""))
                return Claimant(safe(name, 120).text, safe(email, 120).text, safe(url, 200).text, result.match.publication.profile_name)
    return Claimant("(claimant not set: choose a rights profile)")


def host_of(url: str | None) -> str:
    """The hosting site a copy was found on, as its host name (local files: unknown host)."""
    if not url:
        return UNKNOWN_HOST
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or UNKNOWN_HOST


def _where(result: CheckResult, show: Show) -> str:
    """Where a copy was found: its URL or file name, and the page that showed it."""
    where = result.url or show(result.path)
    return f"{where} (shown on the page {result.page})" if result.page else where


def _section(number: int, result: CheckResult, show: Show, catalog: Catalog | None) -> CopySection:
    verdict_short, meaning = words.verdict_words(result.verdict)
    section = CopySection(
        number=number,
        where=safe(_where(result, show), 500),
        url=result.url,
        host=host_of(result.url),
        found=_found(result),
        checked=DateFact(result.checked_at, f"{words.CLOCK} when ArtGuard checked the copy"),
        verdict=result.verdict,
        verdict_words=verdict_short,
        verdict_meaning=meaning,
        work=safe("(no match in the catalog)"),
        removed="",
        size=f"{(result.format or '?').upper()}, {words.size_words(result.width, result.height)}, {result.size or 0:,} bytes",
    )
    section.credentials = _credentials(result)
    section.technical = _technical(result)
    match = result.match
    if match is None or result.verdict == "derivative":
        section.carried = [
            (registry.label(name), safe("; ".join(dict.fromkeys(registry.human_value(name, v) for v in values.values()))))
            for name, values in result.carried.items()
        ]
    if match is None:
        section.removed = "not known (no original to compare with)"
        section.pictures = pictures(result, None, None)
        return section
    pub = match.publication
    section.work = safe(_work(pub, show), 120)
    section.match_how = words.METHODS.get(match.method, match.method)
    section.strength = words.strength(match.method, match.confidence, getattr(match, "strength", None))
    transform = getattr(match, "transform", None)
    section.shows = describe_shown(result, pub, transform, getattr(match, "relation", None))
    section.fields = _fields(result)
    section.credentials.expected = bool(pub.c2pa_label) and result.verdict != "derivative"
    if section.credentials.expected and section.credentials.state == "absent":
        section.credentials.meaning = "The published file carried signed Content Credentials; this copy has none: they were removed."
    section.record = _record(pub, show, catalog)
    section.removed = "not compared (a derivative may never have carried it)" if result.verdict == "derivative" else _removed(section)
    section.pictures = pictures(result, pub, transform)
    return section


def _found(result: CheckResult) -> DateFact | None:
    if result.downloaded_at:
        return DateFact(result.downloaded_at, f"{words.CLOCK} when ArtGuard downloaded it from the address above")
    try:
        mtime = Path(result.path).stat().st_mtime
    except OSError:
        return None
    when = _dt.datetime.fromtimestamp(mtime, _dt.timezone.utc).replace(microsecond=0).isoformat()
    return DateFact(when, "the file's last-modified time on this computer (when it was saved here, not when it was posted)")


def _work(pub: Publication, show: Show) -> str:
    title = next((pub.fields[k] for k in CMI_FIELDS.get("title", ()) if pub.fields.get(k)), "")
    name = show(pub.output.path)
    return f"“{title}” ({name})" if title else name


def _fields(result: CheckResult) -> list[FieldRow]:
    """Each written field in words: its value at publication, in the copy, what happened."""
    rows = []
    for name, state in result.fields.items():
        seen = result.field_values.get(name) or {}
        written = registry.human_value(name, seen.get("written") or "")
        found = registry.human_value(name, seen["found"]) if seen.get("found") else ""
        happened = words.FIELD_STATES.get(state, state)
        if found and seen.get("blocks_lost"):
            happened += f" (missing from {', '.join(seen['blocks_lost'])})"
        rows.append(FieldRow(name, registry.label(name), state, happened, safe(written), safe(found or "—")))
    return rows


def _removed(section: CopySection) -> str:
    stripped = [f.label for f in section.fields if f.state == "stripped"]
    changed = [f.label for f in section.fields if f.state in ("altered", "thinned")]
    creds = section.credentials
    if creds is not None and creds.expected and creds.state == "absent":
        stripped.append("Content Credentials")
    elif creds is not None and creds.expected and creds.state == "invalid":
        changed.append("Content Credentials (broken)")
    parts = []
    if stripped and not changed and len(stripped) >= len(section.fields) > 3:
        extra = " and the Content Credentials" if "Content Credentials" in stripped else ""
        parts.append(f"removed: all {len(section.fields)} rights fields{extra}")
    elif stripped:
        parts.append("removed: " + ", ".join(stripped))
    if changed:
        parts.append("changed: " + ", ".join(changed))
    return "; ".join(parts) or "nothing removed"


def _credentials(result: CheckResult) -> Credentials:
    c2pa = result.c2pa or {}
    state = str(c2pa.get("state") or "absent")
    short, meaning = words.CREDENTIALS.get(state, (state, ""))
    manifest = c2pa.get("manifest") or None
    creds = Credentials(state, short, meaning)
    if manifest:
        creds.signer = safe(words.signer(manifest), 200).text
        if manifest.get("signing_time"):
            how, asserted = words.signing_time_how(manifest.get("signing_time_source"))
            creds.signed = DateFact(str(manifest["signing_time"]), how, asserted)
    for error in c2pa.get("errors") or []:
        if isinstance(error, dict):
            text = ": ".join(str(x) for x in (error.get("code"), error.get("explanation")) if x)
        else:
            text = str(error)
        creds.raw_errors.append(safe(text, 400).text)
    return creds


def _published_signature(pub: Publication) -> DateFact | None:
    """The signing time of the published file, if it is still on this computer and signed."""
    if not pub.c2pa_label or not Path(pub.output.path).is_file():
        return None
    from artguard.provenance import read_c2pa

    try:
        manifest = read_c2pa(Path(pub.output.path)).get("manifest") or {}
    except ArtGuardError:
        return None
    if not manifest.get("signing_time"):
        return None
    how, asserted = words.signing_time_how(manifest.get("signing_time_source"))
    return DateFact(str(manifest["signing_time"]), how, asserted)


def _record(pub: Publication, show: Show, catalog: Catalog | None) -> Record:
    postings: list[Posting] = []
    if catalog is not None and pub.id is not None:
        try:
            postings = catalog.postings(pub.id)
        except ArtGuardError:
            postings = []
    posted = [
        (p.url, DateFact(p.posted_at, "the date the claimant entered in the catalog (self-asserted)") if p.posted_at else None)
        for p in postings
    ]
    out = pub.output
    return Record(
        publication_id=pub.id,
        published=DateFact(pub.published_at, f"{words.CLOCK} when ArtGuard wrote the file, kept in the local catalog ({words.SELF_ASSERTED})"),
        signed=_published_signature(pub),
        profile=pub.profile_name,
        original_name=show(pub.original.path),
        original_sha256=pub.original.sha256,
        published_name=show(out.path),
        published_sha256=out.sha256,
        published_size=f"{out.format.upper()}, {words.size_words(out.width, out.height)}, {out.size:,} bytes",
        posted=posted,
    )


def _technical(result: CheckResult) -> list[tuple[str, str]]:
    rows = [("Copy SHA-256", result.sha256 or "—"), ("Copy format", f"{result.format} {result.width}x{result.height}, {result.size} bytes")]
    match = result.match
    if match is not None:
        pub = match.publication
        rows += [
            ("Match method", match.method),
            ("Perceptual distance (bits of 192)", "—" if match.distance is None else str(match.distance)),
            ("Match confidence (0-1)", f"{match.confidence:.2f}"),
            ("Matched recorded image", match.against),
            ("Publication id", str(pub.id)),
            ("Original SHA-256", pub.original.sha256),
            ("Published SHA-256", pub.output.sha256),
            ("XMP DocumentID", pub.document_id or "—"),
            ("XMP InstanceID", pub.instance_id or "—"),
            ("C2PA manifest (published)", pub.c2pa_label or "—"),
        ]
        transform = getattr(match, "transform", None)
        if transform:
            rows.append(("Alignment (transform)", safe(transform, 400).text))
    c2pa = result.c2pa or {}
    rows.append(("C2PA state (copy)", str(c2pa.get("state", "absent"))))
    if c2pa.get("label"):
        rows.append(("C2PA manifest (copy)", safe(c2pa["label"], 200).text))
    mark = result.watermark or {}
    rows.append(("Invisible watermark", "—" if mark.get("id") is None else f"image id {mark['id']}"))
    return rows
