"""The access log's key: from FORSYN_AUDIT_KEY, or (embedded demo only) generated under var/.

The key never enters the database. Production must set FORSYN_AUDIT_KEY (system check
forsyn.E002; wsgi.py refuses to start without it). The embedded demo (DEBUG, or the default
SQLite database) generates one on first use in FORSYN_AUDIT_KEY_FILE (mode 0600) and reuses it.
"""

import functools
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from forsyn.audit.chain import key_id_for


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes


def audit_key() -> AuditKey:
    """The key new entries and checkpoints are written with."""
    return _resolve(
        settings.FORSYN_AUDIT_KEY, settings.FORSYN_PRODUCTION, str(settings.FORSYN_AUDIT_KEY_FILE)
    )


def audit_keyring() -> dict[str, bytes]:
    """Every key the log may hold entries of: the current one and the retired ones, by key id."""
    current = audit_key()
    ring = {current.key_id: current.secret}
    for retired in settings.FORSYN_AUDIT_RETIRED_KEYS:
        secret = retired.encode()
        ring.setdefault(key_id_for(secret), secret)
    return ring


@functools.lru_cache(maxsize=8)
def _resolve(configured: str, production: bool, key_file: str) -> AuditKey:
    if configured:
        secret = configured.encode()
    elif production:
        raise ImproperlyConfigured(
            "FORSYN_AUDIT_KEY is not set: production needs the access log's key "
            "(docs/DEPLOYMENT.md)"
        )
    else:
        secret = _demo_key(Path(key_file))
    return AuditKey(key_id=key_id_for(secret), secret=secret)


def _demo_key(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written under a temporary name, then linked into place: a second process starting at the
    # same moment either wins the link or reads the finished file, never half a key.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(32) + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_bytes().strip()
