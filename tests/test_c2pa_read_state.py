"""The C2PA summary fails closed: only a reader's explicit verdict makes a manifest valid."""

from __future__ import annotations

from artguard.provenance.read import summarise_store

_MANIFEST = {"urn:c2pa:1": {"title": "a.jpg", "assertions": [], "signature_info": {}}}


def test_store_without_validation_state_is_not_valid() -> None:
    report = summarise_store({"active_manifest": "urn:c2pa:1", "manifests": _MANIFEST})
    assert report["state"] == "invalid"
    assert report["errors"][0]["code"] == "validation.missing"


def test_store_with_untrusted_only_is_valid() -> None:
    store = {
        "active_manifest": "urn:c2pa:1",
        "manifests": _MANIFEST,
        "validation_state": "Valid",
        "validation_results": {"activeManifest": {"failure": [{"code": "signingCredential.untrusted"}]}},
    }
    report = summarise_store(store)
    assert report["state"] == "valid" and report["errors"] == []
