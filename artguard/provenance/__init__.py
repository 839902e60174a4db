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

from __future__ import annotations

import importlib
from typing import Any

# Name -> the submodule that holds it. Loaded on first use: the identity and signing
# modules pull in cryptography and c2pa (~0.2 s), which a metadata-only run that only
# asks ``has_manifest`` should not pay for at start-up.
_HOME = {
    "has_manifest": "detect",
    **dict.fromkeys(
        ("Identity", "KeyLocked", "create_identity", "ensure_identity", "import_identity",
         "load_identity", "local_ca_pem", "set_session_password"),
        "identity",
    ),
    "describe_signer": "read",
    "read_c2pa": "read",
    **dict.fromkeys(("SignResult", "make_thumbnail", "sign"), "signing"),
    **dict.fromkeys(("add_anchors", "list_anchors", "remove_anchor", "set_tsa_url", "tsa_url"), "trust"),
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


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
