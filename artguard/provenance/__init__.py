"""C2PA Content Credentials: the signing identity, signing outputs, reading manifests.

Public surface (everything else in this package is internal):

- ``Identity``, ``load_identity``, ``create_identity``, ``ensure_identity``,
  ``import_identity``, ``local_ca_pem``: the creator's certificate chain and key;
  ``set_session_password`` and ``KeyLocked`` for a passphrase-protected key.
- ``sign`` -> ``SignResult``, ``make_thumbnail``: sign final file bytes (the last step of
  ``embed``); ``has_manifest``: a cheap "is there a manifest store" check.
- ``read_c2pa``: state (trusted/valid/invalid/absent) and a JSON-safe manifest summary;
  ``describe_signer``: its signer as "Name (issuer)".
- ``add_anchors``, ``list_anchors``, ``remove_anchor``, ``tsa_url``, ``set_tsa_url``:
  trust anchors and the optional time-stamp authority.
"""

from artguard.provenance.detect import has_manifest
from artguard.provenance.identity import (
    Identity,
    KeyLocked,
    create_identity,
    ensure_identity,
    import_identity,
    load_identity,
    local_ca_pem,
    set_session_password,
)
from artguard.provenance.read import describe_signer, read_c2pa
from artguard.provenance.sign import SignResult, make_thumbnail, sign
from artguard.provenance.trust import add_anchors, list_anchors, remove_anchor, set_tsa_url, tsa_url

__all__ = [
    "Identity",
    "KeyLocked",
    "SignResult",
    "add_anchors",
    "create_identity",
    "describe_signer",
    "ensure_identity",
    "has_manifest",
    "import_identity",
    "list_anchors",
    "load_identity",
    "local_ca_pem",
    "make_thumbnail",
    "read_c2pa",
    "remove_anchor",
    "set_session_password",
    "set_tsa_url",
    "sign",
    "tsa_url",
]
