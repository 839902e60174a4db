"""Takedown notice drafts, one per hosting site, from a report's facts. Nothing is sent.

``dmca``: what a notice under 17 U.S.C. 512(c)(3)(A) must contain - (i) a signature of the
owner or of someone authorised to act, (ii) identification of the work, (iii) of the
infringing material and where it is, (iv) the claimant's contact information, (v) the
good-faith statement, (vi) the accuracy statement and, under penalty of perjury, the
authority to act - plus a paragraph on removed or altered CMI (17 U.S.C. 1202(b)) when
the check found it. ``dsa``: a notice under Art. 16(2) of the EU Digital Services Act
(Regulation (EU) 2022/2065): explanation, exact URLs, name and email, bona-fide statement.
Copies found as local files group under "unknown host" with a place to add the address.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from artguard.fileio import write_bytes_atomic
from artguard.report.model import UNKNOWN_HOST, CopySection, Report

FORMS = ("dmca", "dsa")
NOT_LEGAL_ADVICE = "This is a draft made by ArtGuard, not legal advice. Check it, complete it and sign it yourself; ArtGuard sends nothing."
GOOD_FAITH = (
    "I have a good faith belief that use of the material in the manner complained of is not "
    "authorized by the copyright owner, its agent, or the law."
)
ACCURACY = (
    "The information in this notification is accurate, and under penalty of perjury, I am the "
    "owner, or authorized to act on behalf of the owner, of an exclusive right that is allegedly infringed."
)
BONA_FIDE = (
    "I confirm my bona fide belief that the information and allegations contained in this notice "
    "are accurate and complete."
)
_RULE = "=" * 72


def render_notices(report: Report, form: str = "dmca", *, evidence: str | None = None) -> str:
    """The notice drafts as one text: a section per hosting site."""
    if form not in FORMS:
        raise ValueError(f"unknown notice form {form!r} (use {' or '.join(FORMS)})")
    by_host: dict[str, list[CopySection]] = defaultdict(list)
    for section in report.copies:
        if section.record is not None:
            by_host[section.host].append(section)
    if not by_host:
        return f"{NOT_LEGAL_ADVICE}\n\nNo copy was traced to a work in your catalog, so there is nothing to notify.\n"
    hosts = sorted(by_host, key=lambda h: (h == UNKNOWN_HOST, h))
    parts = []
    for n, host in enumerate(hosts, 1):
        body = _dmca(report, host, by_host[host], evidence) if form == "dmca" else _dsa(report, host, by_host[host], evidence)
        parts.append(f"{_RULE}\nNotice {n} of {len(hosts)}: {host}\n{_RULE}\n{NOT_LEGAL_ADVICE}\n\n{body}")
    return "\n\n".join(parts) + "\n"


def write_notices(report: Report, out: Path, form: str = "dmca", *, evidence: str | None = None) -> Path:
    write_bytes_atomic(Path(out), render_notices(report, form, evidence=evidence).encode("utf-8"))
    return Path(out)


def _recipient(host: str, form: str) -> str:
    if host == UNKNOWN_HOST:
        return ("To: [the site where you found the copies below: ArtGuard checked them as files on your computer, "
                "so it does not know the site]")
    if form == "dmca":
        return (f"To: the designated copyright agent of {host}\n"
                "    (find the agent in the U.S. Copyright Office's DMCA directory, dmca.copyright.gov, or on the "
                "site's copyright or abuse page)")
    return (f"To: {host}, through its notice and action mechanism (Art. 16 DSA; usually a 'report illegal content' "
            "form or the contact point the site names under Art. 11-12 DSA)")


def _works(copies: list[CopySection]) -> list[str]:
    lines, seen = [], set()
    for c in copies:
        rec = c.record
        assert rec is not None
        if rec.publication_id in seen:
            continue
        seen.add(rec.publication_id)
        where = "; ".join(url + (f" (posted {when.shown})" if when else "") for url, when in rec.posted)
        lines.append(
            f"  - {c.work.text}. Posted by me at "
            + (where if where else "[add the address where you published it]")
            + f". Recorded in my ArtGuard catalog on {rec.published.shown}; SHA-256 of the published file: "
            f"{rec.published_sha256}."
        )
    return lines


def _material(copies: list[CopySection]) -> list[str]:
    lines = []
    for c in copies:
        location = c.where.text if c.url else f"[add the web address where you found the file {c.where.text}]"
        lines.append(f"  - {location}")
        lines.append(f"    A copy of {c.work.text}. What it shows: {c.shows[:1].lower()}{c.shows[1:]}")
        if c.found is not None and c.url:
            lines.append(f"    Downloaded {c.found.shown}. Match: {c.strength}")
        else:
            lines.append(f"    Match: {c.strength}")
    return lines


def _cmi(copies: list[CopySection]) -> list[str]:
    affected = [c for c in copies if c.cmi_removed]
    if not affected:
        return []
    lines = [
        "Removed or altered copyright management information (17 U.S.C. 1202(b))",
        "The published files carried copyright management information (creator, copyright notice, terms of use and "
        "similar) in their metadata. In the copies listed above it was removed or altered:",
    ]
    for c in affected:
        lines.append(f"  - {c.where.text}: {c.removed}")
    lines.append(
        "Intentionally removing or altering copyright management information, or distributing copies knowing that it "
        "has been removed or altered, where this will induce, enable, facilitate or conceal infringement, is prohibited "
        "by 17 U.S.C. 1202(b)."
    )
    return lines


def _contact(report: Report) -> list[str]:
    who = report.claimant
    return [
        f"Name: {who.name}",
        f"Email: {who.email or '[add your email address]'}",
        *([f"Web: {who.url}"] if who.url else []),
        "Postal address: [add your postal address]",
        "Telephone: [add your telephone number]",
    ]


def _evidence(evidence: str | None) -> list[str]:
    if not evidence:
        return []
    return ["", f"Evidence: {evidence} (made with ArtGuard; available on request)."]


def _dmca(report: Report, host: str, copies: list[CopySection], evidence: str | None) -> str:
    lines = [
        _recipient(host, "dmca"),
        "Subject: Notice of claimed copyright infringement under 17 U.S.C. 512(c)(3)",
        "",
        "1. The copyrighted work",
        "I am the copyright owner, or authorized to act on behalf of the owner, of the following work(s):",
        *_works(copies),
        "",
        "2. The infringing material and where it is",
        "The following material infringes the work(s) above. Please remove it or disable access to it:",
        *_material(copies),
    ]
    cmi = _cmi(copies)
    if cmi:
        lines += ["", "3. " + cmi[0], *cmi[1:]]
    n = 4 if cmi else 3
    lines += [
        "", f"{n}. My contact information", *_contact(report),
        "", f"{n + 1}. Statements", GOOD_FAITH, "", ACCURACY,
        *_evidence(evidence),
        "", "Signature: ______________________________  (your physical or electronic signature, e.g. /Your Full Name/)",
        f"Name: {report.claimant.name}",
        "Date: ____________",
    ]
    return "\n".join(lines)


def _dsa(report: Report, host: str, copies: list[CopySection], evidence: str | None) -> str:
    lines = [
        _recipient(host, "dsa"),
        "Subject: Notice of illegal content under Article 16 of the Digital Services Act (Regulation (EU) 2022/2065)",
        "",
        "1. Why the content is illegal (Art. 16(2)(a))",
        "The content listed below reproduces my copyright-protected work(s) without my permission, which infringes my "
        "exclusive rights of reproduction and communication to the public (Directive 2001/29/EC, Articles 2 and 3, as "
        "implemented in national law). The work(s):",
        *_works(copies),
    ]
    cmi = _cmi(copies)
    if cmi:
        lines += ["", "Rights-management information was also removed or altered (Directive 2001/29/EC, Article 7):",
                  *cmi[2:-1]]
    lines += [
        "",
        "2. Exact electronic location of the content (Art. 16(2)(b))",
        *_material(copies),
        "",
        "3. Name and email address of the person submitting this notice (Art. 16(2)(c))",
        *_contact(report),
        "",
        "4. Statement (Art. 16(2)(d))",
        BONA_FIDE,
        *_evidence(evidence),
        "",
        "Signature: ______________________________",
        f"Name: {report.claimant.name}",
        "Date: ____________",
    ]
    return "\n".join(lines)
