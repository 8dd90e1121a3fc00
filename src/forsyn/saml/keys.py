"""Key pairs for SAML signing. Production installs point FORSYN_SAML_SP_KEY/_CERT at their own
files; the demo and tests generate self-signed pairs under var/saml/ on first use."""

import datetime as dt
from pathlib import Path

from django.conf import settings


def key_pair(name: str) -> tuple[str, str]:
    """(private key PEM, certificate PEM) for `name` ("sp" or "testidp")."""
    configured_key = getattr(settings, f"FORSYN_SAML_{name.upper()}_KEY", "")
    configured_cert = getattr(settings, f"FORSYN_SAML_{name.upper()}_CERT", "")
    if configured_key and configured_cert:
        return Path(configured_key).read_text(), Path(configured_cert).read_text()
    folder = Path(settings.VAR_DIR) / "saml"
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    if not key_path.exists() or not cert_path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        key_pem, cert_pem = _self_signed(f"forsyn {name}")
        key_path.write_text(key_pem)
        key_path.chmod(0o600)
        cert_path.write_text(cert_pem)
    return key_path.read_text(), cert_path.read_text()


def _self_signed(common_name: str) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def cert_body(pem: str) -> str:
    """The base64 body of a PEM certificate, as SAML metadata carries it."""
    return "".join(line for line in pem.strip().splitlines() if "-----" not in line)
