"""The one mapping from a rights profile's AI-use choice to what a website should say.

Every file of the opt-out kit and every expectation of the site audit comes from
:func:`site_policy`; when the profile's AI-use table changes, only this function follows.
"""

from __future__ import annotations

from dataclasses import dataclass

from artguard.profile import AIUse, RightsProfile

SEARCH_PROHIBITED_TERMS = ("DMI-PROHIBITED",)  # PLUS terms that also refuse search indexing


@dataclass(frozen=True)
class SitePolicy:
    """What the site asks of machines, derived from the profile."""

    term: str  # the IPTC PLUS DataMining term the images carry
    blocked: frozenset[str]  # crawler categories to disallow in robots.txt
    search_allowed: bool
    tdm_reserved: bool  # TDMRep tdm-reservation 1 (the DSM Art. 4(3) opt-out)
    tdm_policy: str  # URL where a licence can be asked for ("" none)
    robots_directives: tuple[str, ...]  # <meta name=robots> / X-Robots-Tag values


def plus_term(ai_use: AIUse) -> str:
    """The IPTC PLUS DataMining term the images carry for this choice.

    The field registry's AI-use table (``registry.plus_terms``, being merged from the fields
    work) is the one mapping; ``AIUse.iptc_data_mining`` is its predecessor on branches
    without it. Once both are merged, only the first line is needed.
    """
    from artguard.metadata import registry

    if hasattr(registry, "plus_terms"):
        return str(registry.plus_terms(ai_use)[0])
    return ai_use.iptc_data_mining()


def site_policy(profile: RightsProfile) -> SitePolicy:
    """The profile's AI-use choice as website reservations.

    - AI training or generative training reserved: AI-training and dataset crawlers are
      disallowed, images say ``noai, noimageai``, ai.txt disallows everything;
    - data mining reserved: dataset crawlers are disallowed;
    - AI inference reserved: crawlers that fetch pages to write AI answers are disallowed;
    - TDM (TDMRep) is reserved when training or data mining is, with the licensing URL
      as the policy; search engines are left alone unless the term refuses indexing.
    """
    use = profile.ai_use
    term = plus_term(use)
    training = not use.ai_training or not use.ai_generative_training
    blocked: set[str] = set()
    if training:
        blocked |= {"ai-training", "dataset"}
    if not use.data_mining:
        blocked.add("dataset")
    if not use.ai_inference:
        blocked.add("ai-answers")
    search_allowed = term not in SEARCH_PROHIBITED_TERMS
    if not search_allowed:
        blocked.add("search")
    tdm_reserved = training or not use.data_mining
    return SitePolicy(
        term=term,
        blocked=frozenset(blocked),
        search_allowed=search_allowed,
        tdm_reserved=tdm_reserved,
        tdm_policy=profile.licensing_url if tdm_reserved else "",
        robots_directives=("noai", "noimageai") if training else (),
    )
