"""``artguard identity``: the C2PA signing identity, trust anchors and time-stamp authority.

create [--name --email --org] [--years N] [--password-file F | --password-env VAR]
[--force] | import FILE [--key KEY] [--password-file F | --password-env VAR] [--force] | show [--json] |
trust add [FILE | --own] | trust list [--json] | trust remove FINGERPRINT |
tsa [URL | --off]. Keys and passwords are never printed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from artguard import provenance
from artguard.cli import EXIT_OK, EXIT_USAGE
from artguard.cli.output import add_common, out, print_json, table
from artguard.errors import ArtGuardError, IdentityError, ProfileError
from artguard.profile import ProfileStore

ORDER = 60


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("identity", help="the signing identity for Content Credentials (C2PA)")
    sub = parser.add_subparsers(dest="identity_command", metavar="ACTION", required=True)

    create = sub.add_parser("create", help="make a local CA and a signing certificate")
    create.add_argument("--name", help="creator name (default: the default profile's creator)")
    create.add_argument("--email", default="", help="creator email, put in the certificate")
    create.add_argument("--org", default="", help="organisation or studio")
    create.add_argument("--years", type=int, default=5, help="validity in years (default 5)")
    _add_password_flags(create, "protect the stored keys with a passphrase read from this file",
                        "protect the stored keys with a passphrase read from this environment variable")
    create.add_argument("--force", action="store_true", help="replace an existing identity (old files are kept)")
    add_common(create)
    create.set_defaults(func=_create)

    imp = sub.add_parser("import", help="use an existing certificate chain and key (PEM or PKCS#12)")
    imp.add_argument("file", type=Path, help="PEM chain (may include the key) or .p12/.pfx")
    imp.add_argument("--key", type=Path, help="the private key, when it is not inside FILE")
    _add_password_flags(imp, "read the password from this file (the stored key stays protected by it)",
                        "read the password from this environment variable")
    imp.add_argument("--force", action="store_true", help="replace an existing identity (old files are kept)")
    add_common(imp)
    imp.set_defaults(func=_import)

    show = sub.add_parser("show", help="who signs, validity, fingerprint")
    add_common(show)
    show.set_defaults(func=_show)

    trust = sub.add_parser("trust", help="trust anchors: signers that read back as 'trusted'")
    trust_sub = trust.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    add = trust_sub.add_parser("add", help="trust the CA certificates in FILE, or your own local CA")
    target = add.add_mutually_exclusive_group(required=True)
    target.add_argument("file", nargs="?", type=Path, help="PEM or DER certificate(s)")
    target.add_argument("--own", action="store_true", help="trust the local CA ArtGuard made for you")
    add_common(add)
    add.set_defaults(func=_trust_add)
    listing = trust_sub.add_parser("list", help="the configured trust anchors")
    add_common(listing)
    listing.set_defaults(func=_trust_list)
    remove = trust_sub.add_parser("remove", help="stop trusting an anchor")
    remove.add_argument("fingerprint", help="its SHA-256 fingerprint (a unique prefix is enough)")
    add_common(remove, json_flag=False)
    remove.set_defaults(func=_trust_remove)

    tsa = sub.add_parser("tsa", help="show or set the RFC 3161 time-stamp authority (off by default)")
    tsa_target = tsa.add_mutually_exclusive_group()
    tsa_target.add_argument("url", nargs="?", help="the TSA URL (signing then needs the network)")
    tsa_target.add_argument("--off", action="store_true", help="sign without a time stamp (works offline)")
    add_common(tsa, json_flag=False)
    tsa.set_defaults(func=_tsa)


def _add_password_flags(parser: argparse.ArgumentParser, file_help: str, env_help: str) -> None:
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--password-file", type=Path, help=file_help)
    secret.add_argument("--password-env", metavar="VAR", help=env_help)


def _create(args: argparse.Namespace) -> int:
    name = args.name or _default_creator()
    if not name:
        print("artguard: error: give --name (no default profile with a creator to take it from)", file=sys.stderr)
        return EXIT_USAGE
    identity = provenance.create_identity(
        name, args.email, args.org, years=args.years, overwrite=args.force, password=_password(args)
    )
    _print_identity(identity, args.json, "Created a local CA and signing certificate")
    return EXIT_OK


def _default_creator() -> str:
    store = ProfileStore()
    try:
        return store.get("default").creator if store.exists("default") else ""
    except ProfileError:
        return ""


def _import(args: argparse.Namespace) -> int:
    password = _password(args)
    identity = provenance.import_identity(args.file, key_path=args.key, password=password, overwrite=args.force)
    _print_identity(identity, args.json, "Imported the signing identity")
    return EXIT_OK


def _password(args: argparse.Namespace) -> bytes | None:
    """From a file or the environment, never the command line (it would show in `ps`)."""
    if args.password_file:
        try:
            return args.password_file.read_bytes().rstrip(b"\r\n")
        except OSError as exc:
            raise IdentityError(f"cannot read the password file {args.password_file}: {exc.strerror}") from exc
    if args.password_env:
        value = os.environ.get(args.password_env)
        if value is None:
            raise IdentityError(f"environment variable {args.password_env} is not set")
        return value.encode("utf-8")
    return None


def _show(args: argparse.Namespace) -> int:
    _print_identity(provenance.load_identity(unlock=False), args.json, "")  # who signs: no passphrase needed
    return EXIT_OK


def _print_identity(identity: provenance.Identity, as_json: bool, heading: str) -> None:
    facts = identity.describe()
    if as_json:
        print_json(facts)
        return
    if heading:
        print(f"{heading}.")
    for key, value in facts.items():
        out(f"  {key.replace('_', ' '):<20} {value}")


def _trust_add(args: argparse.Namespace) -> int:
    if args.own:
        added = provenance.add_anchors(provenance.local_ca_pem(), "your local CA")
    else:
        try:
            data = args.file.read_bytes()
        except OSError as exc:
            raise ArtGuardError(f"cannot read {args.file}: {exc.strerror}") from exc
        added = provenance.add_anchors(data, str(args.file))
    if args.json:
        print_json(added)
    else:
        for anchor in added:
            out(f"Trusted {anchor['subject']} ({anchor['fingerprint_sha256'][:16]}…)")
    return EXIT_OK


def _trust_list(args: argparse.Namespace) -> int:
    anchors = provenance.list_anchors()
    if args.json:
        print_json(anchors)
    elif not anchors:
        print("No trust anchors: signed files read back as 'valid' at most.")
    else:
        rows = [(a["fingerprint_sha256"][:16], a["not_after"][:10], a["subject"]) for a in anchors]
        print(table(rows, ("fingerprint", "expires", "subject")))
    return EXIT_OK


def _trust_remove(args: argparse.Namespace) -> int:
    provenance.remove_anchor(args.fingerprint)
    print(f"No longer trusted: {args.fingerprint}")
    return EXIT_OK


def _tsa(args: argparse.Namespace) -> int:
    if args.off:
        provenance.set_tsa_url(None)
    elif args.url:
        provenance.set_tsa_url(args.url)
    current = provenance.tsa_url()
    print(f"Time-stamp authority: {current}" if current else "Time-stamp authority: off (signing works offline)")
    return EXIT_OK
