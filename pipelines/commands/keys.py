"""``redact keys create|info|rotate|shred``: the lifecycle of a scope's keyset.

Shows metadata only (scope, key ids, KEK URI, dates, status, history): never key material.
Every change is recorded as an audit event under ``OUT/audit/keys/``.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from pipelines.commands.common import add_config_options, config_from_args
from pipelines.commands.options import add_output_root
from transforms.errors import ConfigError

if TYPE_CHECKING:  # Tink and the KMS clients load when a keys command runs, not when the CLI starts
    from pipelines.dataset import Layout
    from transforms.config import RunConfig
    from transforms.keys import KeysetStore
    from transforms.keys.store import KeysetFile


def register(sub) -> None:
    p = sub.add_parser(
        "keys",
        help="create, inspect, rotate or shred a key scope",
        description="Manage the keyset of a key scope (tenant or dataset). Shows metadata only, never key "
        "material; every change is recorded under OUT/audit/keys/. See docs/keys.md.",
    )
    ksub = p.add_subparsers(dest="keys_command", required=True, metavar="ACTION")

    c = ksub.add_parser("create", help="create the keyset of a scope, wrapped under the KEK")
    _common(c)
    c.set_defaults(func=cmd_create)

    i = ksub.add_parser("info", help="show a scope's metadata (never key material)")
    _common(i)
    i.add_argument("--all", action="store_true", help="every scope under the keys root")
    i.add_argument("--check", action="store_true", help="also unwrap the keyset with the KEK (KMS decrypt)")
    i.add_argument("--json", action="store_true", help="print JSON")
    i.set_defaults(func=cmd_info)

    r = ksub.add_parser(
        "rotate",
        help="re-wrap under a new KEK (tokens unchanged) or add a new data key (new token space)",
    )
    _common(r)
    how = r.add_mutually_exclusive_group(required=True)
    how.add_argument("--new-kek-uri", metavar="URI", help="re-wrap the keysets under this KEK; tokens stay the same")
    how.add_argument(
        "--data-key",
        action="store_true",
        help="add a new primary token key: NEW RUNS PRODUCE DIFFERENT TOKENS (old tokens still reveal)",
    )
    r.set_defaults(func=cmd_rotate)

    s = ksub.add_parser("shred", help="crypto-shred a scope: its vault entries become unrecoverable")
    _common(s)
    s.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")
    s.add_argument("--reason", help="why (the audit log keeps its SHA-256 and length, never the text)")
    s.set_defaults(func=cmd_shred)


def _common(p: argparse.ArgumentParser) -> None:
    add_output_root(p)
    add_config_options(p)


def _setup(args: argparse.Namespace) -> tuple[RunConfig, Layout, KeysetStore]:
    from pipelines.dataset import Layout
    from transforms.keys import KeysetStore

    cfg = config_from_args(args)
    layout = Layout.build(args.output, cfg.outputs)
    return cfg, layout, KeysetStore(layout.keys)


def cmd_create(args: argparse.Namespace) -> int:
    from pipelines.audit import append_event, refuse_if_shredded
    from transforms.keys import ScopeKeys

    cfg, layout, store = _setup(args)
    refuse_if_shredded(layout, cfg.keys.scope)  # a shredded scope name stays retired
    keys = ScopeKeys.create(store, cfg.keys.scope, cfg.keys.kek_uri, gcp_kms_endpoint=cfg.keys.gcp_kms_endpoint)
    append_event(
        layout,
        "keys",
        {"action": "create", "scope": keys.scope, "key_id": keys.key_id, "kek_uri": keys.kek_uri},
        kek_uri=keys.kek_uri,
    )
    print(f"created scope {keys.scope!r}: token key {keys.key_id}, wrapped under {keys.kek_uri}")
    print(f"keyset: {store.path(keys.scope)}")
    return 0


def describe(doc: KeysetFile, path: str) -> dict:
    """Metadata of one scope document. Nothing here is secret."""
    return {
        "scope": doc.scope,
        "status": doc.status,
        "kek_uri": doc.kek_uri,
        "created_at": doc.created_at,
        "primary_key_id": doc.primary_key_id,
        "key_ids": doc.key_ids or ([doc.primary_key_id] if doc.primary_key_id is not None else []),
        "history": doc.history,
        "path": path,
    }


def cmd_info(args: argparse.Namespace) -> int:
    from transforms.keys import ScopeKeys

    cfg, _layout, store = _setup(args)
    scopes = store.scopes() if args.all else [cfg.keys.scope]
    infos = []
    for scope in scopes:
        info = describe(store.load(scope), store.path(scope))
        if args.check and info["status"] == "active":
            keys = ScopeKeys.open(store, scope, cfg.keys.kek_uri, gcp_kms_endpoint=cfg.keys.gcp_kms_endpoint)
            info["kek_check"] = f"ok (unwrapped with {keys.kek_uri})"
        infos.append(info)
    if args.json:
        print(json.dumps(infos if args.all else infos[0], indent=2, sort_keys=True))
        return 0
    for info in infos:
        _print_info(info)
    if args.all and not infos:
        print(f"no scopes under {store.root}")
    return 0


def _print_info(info: dict) -> None:
    print(f"scope       {info['scope']}")
    print(f"status      {info['status']}")
    print(f"kek_uri     {info['kek_uri']}")
    print(f"created     {info['created_at']}")
    ids = ", ".join(f"{k}{' (primary)' if k == info['primary_key_id'] else ''}" for k in info["key_ids"])
    print(f"key ids     {ids or '-'}")
    if "kek_check" in info:
        print(f"kek check   {info['kek_check']}")
    print(f"keyset      {info['path']}")
    for event in info["history"]:
        extra = " ".join(f"{k}={v}" for k, v in sorted(event.items()) if k not in {"event", "at"})
        print(f"  {event.get('at', '?')}  {event.get('event', '?')}  {extra}".rstrip())
    print()


def cmd_rotate(args: argparse.Namespace) -> int:
    from pipelines.audit import append_event, operator, refuse_if_shredded
    from transforms.keys import validate_kek_uri
    from transforms.keys.lifecycle import rotate_data_key, rotate_kek

    cfg, layout, store = _setup(args)
    scope, kek, endpoint = cfg.keys.scope, cfg.keys.kek_uri, cfg.keys.gcp_kms_endpoint
    refuse_if_shredded(layout, scope)
    if args.new_kek_uri:
        new_uri = validate_kek_uri(args.new_kek_uri)
        rotate_kek(store, scope, kek, new_uri, operator=operator(), gcp_kms_endpoint=endpoint)
        append_event(
            layout, "keys", {"action": "rotate_kek", "scope": scope, "from": kek, "to": new_uri}, kek_uri=new_uri
        )
        print(f"scope {scope!r} re-wrapped under {new_uri}. Tokens are unchanged.")
        print(f"From now on use --kek-uri {new_uri} (or keys.kek_uri in the config) for this scope.")
        print("The old KEK can be disabled once no backup of the old keyset file must stay readable.")
        return 0
    old_id, new_id = rotate_data_key(store, scope, kek, operator=operator(), gcp_kms_endpoint=endpoint)
    append_event(
        layout,
        "keys",
        {"action": "rotate_data_key", "scope": scope, "from_key_id": old_id, "to_key_id": new_id},
        kek_uri=kek,
    )
    print(f"scope {scope!r}: new primary token key {new_id} (was {old_id}).")
    print("WARNING: this starts a NEW TOKEN SPACE. New runs produce DIFFERENT tokens for the same values,")
    print("so datasets made before and after this rotation cannot be joined on tokens.")
    print(f"Old tokens still reveal (key {old_id} stays in the keyset for decryption).")
    print("To migrate: re-run 'redact run' on the source data of every version you still need, then retire")
    print("the old versions (see docs/keys.md, 'Rotating the data key').")
    return 0


def cmd_shred(args: argparse.Namespace) -> int:
    if not args.yes:
        raise ConfigError("shred destroys the scope's keys and cannot be undone; re-run with --yes")
    from pipelines.audit import operator, record_shred
    from transforms.keys.lifecycle import shred_scope

    cfg, layout, store = _setup(args)
    scope = cfg.keys.scope
    doc = store.load(scope)
    already = doc.status == "shredded"
    shred_scope(store, scope, operator=operator())
    record_shred(layout, scope, reason=args.reason, already=already)
    if already:
        print(f"scope {scope!r} was already shredded")
        return 0
    print(f"scope {scope!r} shredded: its keysets are destroyed; its vault entries can no longer be revealed.")
    print("Not covered: backups or object versions of the keyset file and copies outside this store;")
    print("for KMS KEKs also schedule the key (version) for destruction if no other scope uses it (SECURITY.md).")
    return 0
