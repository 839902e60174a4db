"""The one field model: every rights field ArtGuard writes and checks, declared once.

A `Field` is what the check output, the catalog record and people name ("creator",
"copyright", ...). It is made of `Part`s: one profile attribute each, with the exiv2 keys
that carry it, its label, help text, input kind, CLI flag and whether it is a template.
Everything else is derived from this table:

- the profile attributes the CLI flags (`cli/profile_flags.py`) and the GUI profile
  editor rows (`gui/widgets/profile_editor.py`) edit;
- `resolve()`: the profile's values, templates expanded once per output, as key -> value
  per field; the writer (`fields.cmi_values`), the C2PA `cawg.metadata` assertion
  (`cawg_metadata`), the catalog record and the check comparison all use that one result;
- which blocks a format carries (`BLOCKS`: WebP has no IPTC);
- reading other tools' values back (`Part.decode`, `Part.lightroom`): XMP / Lightroom
  template import and the per-image CSV (`templates.py`, `csv_table.py`);
- the AI-use table (`AI_USES`, `plus_terms`, `training_mining`): one mapping from the
  profile's choice to IPTC PLUS DataMining and to every CAWG training-and-data-mining entry.

Views ask `label()` and `human_value()` instead of showing code names or raw URIs.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Callable

from artguard.profile import C2PA_SOURCE_NOT_STATED, COPYRIGHT_STATUSES, SOURCE_TYPE_LABELS, SOURCE_TYPES, AIUse, RightsProfile

PLUS_VOCAB = "http://ns.useplus.org/ldf/vocab/"
IPTC_SOURCE = "http://cv.iptc.org/newscodes/digitalsourcetype/"
AI_PREFIX = "artguardAI"
AI_NAMESPACE = "https://ns.artguard.app/ai/1.0/"
CONTACT = "Xmp.iptc.CreatorContactInfo"
LICENSOR = "Xmp.plus.Licensor"

# Metadata blocks per output format (WebP has no IPTC IIM block; its fields go to XMP).
BLOCKS: dict[str, tuple[str, ...]] = {
    "jpeg": ("Exif", "Iptc", "Xmp"),
    "png": ("Exif", "Iptc", "Xmp"),
    "tiff": ("Exif", "Iptc", "Xmp"),
    "webp": ("Exif", "Xmp"),
}

# XMP value forms (everything else is simple text). Structs and arrays of structs are
# named by their container; PLUS, exiv2 and ExifTool define plus:Licensor as a Seq.
LANG_ALT = frozenset({"Xmp.dc.rights", "Xmp.dc.title", "Xmp.dc.description", "Xmp.xmpRights.UsageTerms"})
SEQ = frozenset({"Xmp.dc.creator"})
BAG = frozenset({"Xmp.dc.subject"})
CONTAINERS: dict[str, str] = {CONTACT: "struct", LICENSOR: "seq"}

# IPTC IIM limits (bytes) from the IIM 4.2 spec; longer values are cut on a character
# boundary, the full text still goes to XMP.
IPTC_LIMITS = {
    "Iptc.Application2.Byline": 32,
    "Iptc.Application2.Copyright": 128,
    "Iptc.Application2.Credit": 32,
    "Iptc.Application2.ObjectName": 64,
    "Iptc.Application2.Caption": 2000,
    "Iptc.Application2.Keywords": 64,
}
# Keys whose value is a list (written as repeated IPTC datasets / XMP array items).
LIST_KEYS = frozenset({"Iptc.Application2.Keywords", "Xmp.dc.subject"})

# XMP schema prefixes as exiv2 spells them -> (JSON-LD prefix, namespace URI) for cawg.metadata.
XMP_NAMESPACES: dict[str, tuple[str, str]] = {
    "dc": ("dc", "http://purl.org/dc/elements/1.1/"),
    "photoshop": ("photoshop", "http://ns.adobe.com/photoshop/1.0/"),
    "xmpRights": ("xmpRights", "http://ns.adobe.com/xap/1.0/rights/"),
    "iptc": ("Iptc4xmpCore", "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"),
    "iptcExt": ("Iptc4xmpExt", "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"),
    "plus": ("plus", "http://ns.useplus.org/ldf/xmp/1.0/"),
    "xmpMM": ("xmpMM", "http://ns.adobe.com/xap/1.0/mm/"),
    AI_PREFIX: (AI_PREFIX, AI_NAMESPACE),
}

TEMPLATE_HELP = "You can use {year}, {date}, {creator} and {filename} (the output file's name)."


def _marked(status: str) -> str:
    return {"copyrighted": "True", "public-domain": "False"}.get(status, "")


def _source_uri(source_type: str) -> str:
    """The IPTC term's URI; "" (nothing written) when the artist did not state one."""
    term = SOURCE_TYPES.get(source_type, "")
    return IPTC_SOURCE + term if term else ""


def _plus_term(ai_use: AIUse) -> str:
    return PLUS_VOCAB + plus_terms(ai_use)[0]


def _other_constraints(ai_use: AIUse) -> str:
    return plus_terms(ai_use)[1]


def _status_from(marked: str) -> str:
    return {"true": "copyrighted", "false": "public-domain"}.get(marked.strip().lower(), "unknown")


def _source_from(uri: str) -> str | None:
    term = uri.rstrip("/").rsplit("/", 1)[-1]
    return next((name for name, value in SOURCE_TYPES.items() if value and value == term), None)


def _ai_use_from(uri: str) -> AIUse | None:
    """The AI-use choice a PLUS term states (None: the term says nothing usable)."""
    term = uri.removeprefix(PLUS_VOCAB)
    exact = {value: choice for choice, value in PLUS_EXACT.items()}
    if term in exact:
        return AIUse(*exact[term])
    return AIUse() if term.startswith("DMI-PROHIBITED") else None


def _keywords(text: str) -> str:
    """Keywords are typed comma-separated; stored as one text, split where a list is written."""
    return ", ".join(k.strip() for k in text.split(",") if k.strip())


@dataclass(frozen=True)
class Part:
    """One profile attribute and the keys that carry it.

    ``attr`` is a RightsProfile attribute (dotted for nested ones, "" when the pipeline
    supplies the value); ``encode`` turns the attribute into the written text ("" writes
    nothing) and ``decode`` back (importing templates: None when the attribute cannot be
    read back from it); ``input`` says how the editor and the CLI take it: line, text
    (several lines), url, email, choice, ai_use (the AI-use table) or none (not edited).
    """

    attr: str
    keys: tuple[str, ...]
    label: str
    help: str
    flag: str | None = None
    input: str = "line"
    template: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (value, words) for input == "choice"
    encode: Callable[[Any], str] | None = None
    decode: Callable[[str], Any] | None = None  # written text -> attribute (imports); None: as is
    lightroom: str = ""  # the Lightroom metadata field id (com.adobe.<id>) carrying the same thing

    @property
    def full_help(self) -> str:
        """The help text, with the template names when the part is a template."""
        return f"{self.help} {TEMPLATE_HELP}" if self.template else self.help

    @property
    def dest(self) -> str:
        """The argparse destination of the flag (the attribute; the flag's name when nested)."""
        if "." in self.attr and self.flag:
            return self.flag.lstrip("-").replace("-", "_")
        return self.attr

    def value(self, profile: RightsProfile, expand: Callable[[str], str]) -> str:
        raw = get_attr(profile, self.attr) if self.attr else ""
        if self.encode is not None:
            return self.encode(raw)
        text = str(raw).strip()
        return expand(text) if self.template else text


@dataclass(frozen=True)
class Field:
    """One rights field: its name in JSON and the catalog, its words for people, its parts."""

    name: str
    label: str
    help: str
    parts: tuple[Part, ...]
    group: str = "rights"  # editor group: rights | made | ai | ids

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for p in self.parts for k in p.keys)

    def keys_in(self, fmt: str) -> tuple[str, ...]:
        blocks = BLOCKS.get(fmt, BLOCKS["jpeg"])
        return tuple(k for k in self.keys if k.split(".", 1)[0] in blocks)


def _one(
    name: str, label: str, help: str, keys: tuple[str, ...], attr: str, flag: str | None = None,
    *, group: str = "rights", **part: Any,
) -> Field:
    """A field written from one profile attribute (most fields)."""
    return Field(name, label, help, (Part(attr, keys, label, help, flag, **part),), group)


_STATUS_WORDS = {"copyrighted": "Copyrighted", "public-domain": "Public domain", "unknown": "Unknown (not stated)"}

FIELDS: tuple[Field, ...] = (
    _one("creator", "Creator", "Your name as you want it credited (EXIF Artist, IPTC By-line, XMP dc:creator).",
         ("Exif.Image.Artist", "Iptc.Application2.Byline", "Xmp.dc.creator"), "creator", "--creator",
         lightroom="creator"),
    _one("copyright", "Copyright notice", "The notice written into every file, e.g. © {year} {creator}.",
         ("Exif.Image.Copyright", "Iptc.Application2.Copyright", "Xmp.dc.rights"), "copyright_notice", "--copyright",
         template=True, lightroom="copyright"),
    _one("credit", "Credit line", "How publishers should credit you, e.g. 'Jane Doe / janedoe.art'.",
         ("Iptc.Application2.Credit", "Xmp.photoshop.Credit"), "credit_line", "--credit", template=True,
         lightroom="provider"),
    _one("title", "Title", "A title for the work.",
         ("Iptc.Application2.ObjectName", "Xmp.dc.title"), "title", "--title", template=True, lightroom="title"),
    _one("description", "Description", "A caption or description: what the image shows.",
         ("Exif.Image.ImageDescription", "Iptc.Application2.Caption", "Xmp.dc.description"), "description",
         "--description", input="text", template=True, lightroom="caption"),
    _one("keywords", "Keywords", "Words people search for, separated by commas (IPTC Keywords, XMP dc:subject).",
         ("Iptc.Application2.Keywords", "Xmp.dc.subject"), "keywords", "--keywords", encode=_keywords,
         decode=_keywords, lightroom="keywords"),
    _one("copyright_status", "Copyright status", "Whether the work is protected by copyright (XMP xmpRights:Marked).",
         ("Xmp.xmpRights.Marked",), "copyright_status", "--copyright-status", input="choice",
         choices=tuple((s, _STATUS_WORDS[s]) for s in COPYRIGHT_STATUSES), encode=_marked, decode=_status_from,
         lightroom="copyrightState"),
    _one("usage_terms", "Usage terms",
         "What others may do with the image, in your words, e.g. 'No reuse without permission'.",
         ("Xmp.xmpRights.UsageTerms",), "usage_terms", "--usage-terms", template=True, lightroom="rightsUsageTerms"),
    _one("web_statement", "Web statement",
         "A web page stating the rights for your work (shown by many viewers as 'Copyright info').",
         ("Xmp.xmpRights.WebStatement",), "web_statement", "--web-statement", input="url",
         lightroom="copyrightInfoURL"),
    Field("contact", "Creator contact", "How to reach the creator (email, web site).", (
        Part("contact_email", (f"{CONTACT}/Iptc4xmpCore:CiEmailWork",), "Contact email",
             "Where people can reach you about this work.", "--contact-email", input="email",
             lightroom="creatorWorkEmail"),
        Part("contact_url", (f"{CONTACT}/Iptc4xmpCore:CiUrlWork",), "Contact website",
             "Your website or portfolio (http:// or https://).", "--contact-url", input="url",
             lightroom="creatorWorkWebsite"),
    )),
    Field("licensor", "Licensor", "Who licenses the work, and where to ask.", (
        Part("licensor", (f"{LICENSOR}[1]/plus:LicensorName",), "Licensor",
             "Who grants licences (you, your agency or studio).", "--licensor"),
        Part("licensing_url", (f"{LICENSOR}[1]/plus:LicensorURL",), "Licensing URL",
             "A web page where people can ask for or buy a licence (http:// or https://).", "--licensing-url",
             input="url"),
    )),
    Field("data_mining", "AI training and data mining", "Your reservation against machine use of the work.", (
        Part("ai_use", ("Xmp.plus.DataMining",), "AI training and data mining",
             "The IPTC PLUS DataMining term for your AI-use choice.", input="ai_use", encode=_plus_term,
             decode=_ai_use_from),
        Part("ai_use", ("Xmp.plus.OtherConstraints",), "Other constraints",
             "What exactly is allowed, when no single PLUS term says it.", input="none", encode=_other_constraints),
    ), group="ai"),
    _one("source_type", "How it was made", "Camera, hand-made digital art, AI, ... (IPTC digital source type).",
         ("Xmp.iptcExt.DigitalSourceType",), "source_type", "--source-type", input="choice",
         choices=tuple(SOURCE_TYPE_LABELS.items()), encode=_source_uri, decode=_source_from, group="made"),
    Field("ai_disclosure", "AI tools used", "Tool, prompt and seed, for AI-assisted work.", (
        Part("ai_disclosure.tool", (f"Xmp.{AI_PREFIX}.Tool",), "Tool or model",
             "Which AI tool or model made or edited part of the image.", "--ai-tool"),
        Part("ai_disclosure.prompt", (f"Xmp.{AI_PREFIX}.Prompt",), "Prompt",
             "The prompt used, if you want to record it.", "--ai-prompt"),
        Part("ai_disclosure.seed", (f"Xmp.{AI_PREFIX}.Seed",), "Seed", "The seed, if the tool shows one.", "--ai-seed"),
    ), group="made"),
    _one("document_id", "Document ID", "The id that follows the work through edits.",
         ("Xmp.xmpMM.DocumentID",), "", input="none", group="ids"),
    _one("instance_id", "Instance ID", "The id of this one file.",
         ("Xmp.xmpMM.InstanceID",), "", input="none", group="ids"),
)

_BY_NAME = {f.name: f for f in FIELDS}


# --------------------------------------------------------------------------- AI use

@dataclass(frozen=True)
class AIUseEntry:
    """One use the profile allows or reserves; ``cawg`` names its training-mining entry."""

    attr: str  # AIUse attribute
    cawg: str
    label: str
    help: str


AI_USES: tuple[AIUseEntry, ...] = (
    AIUseEntry("ai_training", "cawg.ai_training", "Training AI models",
               "Using the image to train any machine-learning model."),
    AIUseEntry("ai_generative_training", "cawg.ai_generative_training", "Training generative AI",
               "Using the image to train models that make new images, like image generators."),
    AIUseEntry("ai_inference", "cawg.ai_inference", "AI inference",
               "Feeding the image to an AI tool as input, e.g. to make variations of it."),
    AIUseEntry("data_mining", "cawg.data_mining", "Data mining",
               "Automated collection and analysis of the image (scraping). Search engines may still index it."),
)

# The AI-use choice -> PLUS DataMining term, for the combinations one PLUS term states
# exactly (key: ai_training, ai_generative_training, ai_inference, data_mining allowed?).
# Every other combination is DMI-PROHIBITED-SEECONSTRAINT with plus:OtherConstraints
# spelling out each use. "Data mining" not allowed always keeps search engine indexing
# allowed, in PLUS (…-EXCEPTSEARCHENGINEINDEXING) and in CAWG (data_mining "constrained"
# to search engine indexing), so the two never disagree.
PLUS_EXACT: dict[tuple[bool, bool, bool, bool], str] = {
    (True, True, True, True): "DMI-ALLOWED",
    (False, False, False, False): "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
    (False, False, True, True): "DMI-PROHIBITED-AIMLTRAINING",
    (True, False, True, True): "DMI-PROHIBITED-GENAIMLTRAINING",
}
SEARCH_INDEXING_ONLY = "Search engine indexing only; all other data mining is not allowed."


def _choice(ai_use: AIUse) -> tuple[bool, bool, bool, bool]:
    return tuple(bool(getattr(ai_use, e.attr)) for e in AI_USES)  # type: ignore[return-value]


def plus_terms(ai_use: AIUse) -> tuple[str, str]:
    """(PLUS DataMining term, plus:OtherConstraints text or "") for an AI-use choice."""
    choice = _choice(ai_use)
    if choice in PLUS_EXACT:
        return PLUS_EXACT[choice], ""
    words = []
    for entry, allowed in zip(AI_USES, choice):
        state = "allowed" if allowed else "not allowed"
        if entry.attr == "data_mining" and not allowed:
            state = "not allowed (search engine indexing allowed)"
        words.append(f"{entry.label}: {state}.")
    return "DMI-PROHIBITED-SEECONSTRAINT", " ".join(words)


def training_mining(ai_use: AIUse) -> dict[str, Any]:
    """The CAWG ``cawg.training-mining`` assertion data for the same choice as ``plus_terms``."""
    entries: dict[str, Any] = {}
    for entry, allowed in zip(AI_USES, _choice(ai_use)):
        if allowed:
            entries[entry.cawg] = {"use": "allowed"}
        elif entry.attr == "data_mining":
            entries[entry.cawg] = {"use": "constrained", "constraint_info": SEARCH_INDEXING_ONLY}
        else:
            entries[entry.cawg] = {"use": "notAllowed"}
    return {"entries": entries}


# --------------------------------------------------------------------------- lookups

def get(name: str) -> Field:
    return _BY_NAME[name]


def names() -> tuple[str, ...]:
    return tuple(f.name for f in FIELDS)


def parts() -> tuple[Part, ...]:
    return tuple(p for f in FIELDS for p in f.parts)


def field_of(key: str) -> str | None:
    """The field a key belongs to (None for keys outside the table)."""
    for f in FIELDS:
        if key in f.keys:
            return f.name
    return None


def get_attr(profile: RightsProfile, attr: str) -> Any:
    value: Any = profile
    for name in attr.split("."):
        value = getattr(value, name)
    return value


def set_attr(profile: RightsProfile, attr: str, value: Any) -> None:
    owner: Any = profile
    *path, last = attr.split(".")
    for name in path:
        owner = getattr(owner, name)
    setattr(owner, last, value)


# --------------------------------------------------------------------------- resolving

def resolve(
    profile: RightsProfile,
    *,
    filename: str = "",
    when: _dt.datetime | None = None,
    ids: dict[str, str] | None = None,
) -> dict[str, dict[str, str]]:
    """Field name -> {exiv2 key: value}: the profile's values, templates expanded ONCE.

    ``filename`` is the OUTPUT's name; ``ids`` gives the pipeline's document_id and
    instance_id. Every block (EXIF, IPTC, XMP, C2PA, catalog) takes its value from here.
    Empty values are left out, so a field absent from the result is not written.
    """
    when = when or _dt.datetime.now()
    expand = lambda text: profile.expand(text, filename=filename, when=when)  # noqa: E731
    ids = ids or {}
    resolved: dict[str, dict[str, str]] = {}
    for f in FIELDS:
        values: dict[str, str] = {}
        for part in f.parts:
            text = ids.get(f.name, "") if not part.attr else part.value(profile, expand)
            if text:
                values.update({key: text for key in part.keys})
        if values:
            resolved[f.name] = values
    return resolved


def for_format(resolved: dict[str, dict[str, str]], fmt: str) -> dict[str, dict[str, str]]:
    """Only the keys the format's blocks can carry (no IPTC in WebP)."""
    blocks = BLOCKS.get(fmt, BLOCKS["jpeg"])
    kept = {name: {k: v for k, v in values.items() if k.split(".", 1)[0] in blocks} for name, values in resolved.items()}
    return {name: values for name, values in kept.items() if values}


def flatten(by_name: dict[str, dict[str, str]]) -> dict[str, str]:
    return {k: v for values in by_name.values() for k, v in values.items()}


def group(flat: dict[str, str]) -> dict[str, dict[str, str]]:
    """exiv2 key -> value, grouped by field name (keys outside the table under their own key)."""
    grouped: dict[str, dict[str, str]] = {}
    for key, value in flat.items():
        grouped.setdefault(field_of(key) or key, {})[key] = value
    return grouped


def carried(values: dict[str, str]) -> dict[str, dict[str, str]]:
    """The rights fields a file carries, whatever its origin: field -> {exiv2 key: value}."""
    found: dict[str, dict[str, str]] = {}
    for f in FIELDS:
        present = {k: values[k] for k in f.keys if k in values}
        if present:
            found[f.name] = present
    return found


def cawg_metadata(resolved: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The ``cawg.metadata`` assertion (JSON-LD, XMP property names) from the resolved XMP values.

    File ids (xmpMM) stay out: they name one file, not the work.
    """
    data: dict[str, Any] = {}
    used: set[str] = set()
    for name, values in resolved.items():
        if get(name).group == "ids":
            continue
        for key, value in values.items():
            if not key.startswith("Xmp."):
                continue
            schema, prop = key.split(".", 2)[1:]
            container, _, member = prop.partition("/")
            container = container.split("[", 1)[0]
            prefix = XMP_NAMESPACES[schema][0]
            used.add(schema)
            term = f"{prefix}:{container}"
            if member:
                member_schema, member_name = member.split(":", 1)
                holder = data.setdefault(term, [{}] if CONTAINERS.get(f"Xmp.{schema}.{container}") == "seq" else {})
                (holder[0] if isinstance(holder, list) else holder)[f"{member_schema}:{member_name}"] = value
            elif key in SEQ:
                data[term] = [value]
            elif key in BAG:
                data[term] = [k.strip() for k in value.split(",") if k.strip()]
            elif key == "Xmp.xmpRights.Marked":
                data[term] = value == "True"
            else:
                data[term] = value
    context = {XMP_NAMESPACES[s][0]: XMP_NAMESPACES[s][1] for s in sorted(used)}
    return {"@context": context, **data} if data else {}


# --------------------------------------------------------------------------- words

DATA_MINING_WORDS = {
    "DMI-ALLOWED": "AI training and data mining: allowed",
    "DMI-PROHIBITED": "AI training and data mining: not allowed",
    "DMI-PROHIBITED-AIMLTRAINING": "AI training: not allowed",
    "DMI-PROHIBITED-GENAIMLTRAINING": "Generative AI training: not allowed",
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING":
        "AI training and data mining: not allowed (search engine indexing allowed)",
    "DMI-PROHIBITED-SEECONSTRAINT": "Data mining: not allowed, see the stated constraints",
    "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR": "Data mining: not allowed, see the embedded rights",
    "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR": "Data mining: not allowed, see the linked rights",
    "DMI-UNSPECIFIED": "AI training and data mining: not stated",
}

SOURCE_TYPE_WORDS = {
    C2PA_SOURCE_NOT_STATED: "Not stated",
    "digitalCapture": "Photograph or scan from a camera or scanner",
    "digitalCreation": "Digital art made by hand",
    "composite": "Composite of several images",
    "compositeWithTrainedAlgorithmicMedia": "Composite that includes AI-generated elements",
    "trainedAlgorithmicMedia": "Generated by an AI model",
    "algorithmicMedia": "Made by an algorithm (not AI-trained)",
    "minorHumanEdits": "AI-generated with minor human edits",
    "compositeSynthetic": "Composite with synthetic elements",
    "algorithmicallyEnhanced": "Algorithmically enhanced",
    "dataDrivenMedia": "Made from data",
}

CAWG_USE_WORDS = {"allowed": "allowed", "notAllowed": "not allowed", "constrained": "allowed with constraints"}


def label(name: str) -> str:
    """The words a person reads for a field (unknown names are shown as typed)."""
    field = _BY_NAME.get(name)
    return field.label if field else name.replace("_", " ").capitalize()


def summary_label(name: str) -> str:
    """The label in a rights summary, where the AI-use line says which standard states it."""
    return "AI use (IPTC PLUS)" if name == "data_mining" else label(name)


def human_value(name: str, value: str) -> str:
    """A stored value as a person reads it: vocabulary terms in words, not URIs."""
    if name == "data_mining":
        term = value.removeprefix(PLUS_VOCAB)
        return DATA_MINING_WORDS.get(term, value)
    if name == "source_type":
        term = value.removeprefix(IPTC_SOURCE).removeprefix(IPTC_SOURCE.replace("http:", "https:"))
        return SOURCE_TYPE_WORDS.get(term, value)
    if name == "copyright_status":
        return {"True": "Copyrighted", "False": "Public domain"}.get(value, value)
    return value


def human_training_mining(entries: dict[str, Any]) -> list[str]:
    """A CAWG training-mining assertion's entries in words: "AI training: not allowed"."""
    words = {e.cawg: e.label for e in AI_USES}
    lines = []
    for key, entry in entries.items():
        use = (entry or {}).get("use", "") if isinstance(entry, dict) else str(entry)
        text = f"{words.get(key, key)}: {CAWG_USE_WORDS.get(use, use)}"
        if isinstance(entry, dict) and entry.get("constraint_info"):
            text += f" ({entry['constraint_info']})"
        lines.append(text)
    return lines
