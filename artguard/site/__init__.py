"""The artist's website: an opt-out kit from the profile's AI-use choice, and an audit of
what a site really serves (reservations present and consistent, images still carrying
their CMI and Content Credentials).

Public surface: :func:`site_policy` / :class:`SitePolicy` (the one profile-to-website
mapping), :func:`crawlers` (the crawler list, data in ``crawlers.json``),
:func:`build_kit` / :func:`write_kit`, and :func:`audit_site` / :func:`write_audit_report`.
"""

from artguard.site.audit import ImageFinding, Signal, SiteAudit, audit_site
from artguard.site.crawlers import Crawler, crawlers
from artguard.site.kit import Kit, KitFile, build_kit, write_kit
from artguard.site.policy import SitePolicy, site_policy
from artguard.site.report import render_audit_html, write_audit_report

__all__ = [
    "Crawler", "ImageFinding", "Kit", "KitFile", "Signal", "SiteAudit", "SitePolicy",
    "audit_site", "build_kit", "crawlers", "render_audit_html", "site_policy", "write_audit_report", "write_kit",
]
