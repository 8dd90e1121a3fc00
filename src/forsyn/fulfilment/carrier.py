"""The carrier boundary (ADR 0024): what forsyn asks of a carrier, and how a carrier's status
events reach us.

- `CarrierAdapter` is the interface: `book(shipment)` registers a parcel for collection and
  answers the tracking number. The adapter in use is `settings.FORSYN_CARRIER_ADAPTER`;
  `LocalCarrier` is the simulator the demo and the tests use (no network).
- A carrier reports status changes to `POST /api/v1/carrier/events`, signed: the header
  `X-Carrier-Signature: sha256=<hex>` is HMAC-SHA256 over `<timestamp>.<body>` with the shared
  secret `settings.FORSYN_CARRIER_WEBHOOK_SECRET`, and `X-Carrier-Timestamp` (Unix seconds) must
  be within `FORSYN_CARRIER_WEBHOOK_TOLERANCE_SECONDS` of our clock, so a captured request
  cannot be replayed later; a replayed event id inside the window changes nothing.
"""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

SIGNATURE_HEADER = "X-Carrier-Signature"
TIMESTAMP_HEADER = "X-Carrier-Timestamp"
SCHEME = "sha256="


@dataclass(frozen=True)
class Shipment:
    """What a carrier needs to move a parcel: its SSCC and where it goes. Nothing about what is
    in it."""

    sscc: str
    name: str
    street: str
    postcode: str
    city: str
    parcel_locker: str = ""


@dataclass(frozen=True)
class Booking:
    carrier: str
    tracking_number: str


class CarrierAdapter(Protocol):
    name: str

    def book(self, shipment: Shipment) -> Booking:
        """Register the parcel for collection; the answer carries the tracking number."""
        ...


class LocalCarrier:
    """The carrier simulator: books without a network and derives the tracking number from the
    SSCC (unique per parcel), so tests can name it. `carrier_simulator` sends its events."""

    name = "local"

    def book(self, shipment: Shipment) -> Booking:
        return Booking(self.name, tracking_number_for(shipment.sscc))


def tracking_number_for(sscc: str) -> str:
    """The simulator's tracking number: "LC", the SSCC's serial reference and check digit, "DK"."""
    return f"LC{sscc[-10:]}DK"


def carrier() -> CarrierAdapter:
    adapter: CarrierAdapter = import_string(settings.FORSYN_CARRIER_ADAPTER)()
    return adapter


# -- Signing and checking the webhook --------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


class SignatureProblem:
    MISSING = "signature_missing"
    STALE = "signature_stale"
    BAD = "signature_bad"


def check_signature(
    *,
    secret: str,
    timestamp: str,
    signature: str,
    body: bytes,
    now: dt.datetime,
    tolerance_seconds: int,
) -> str | None:
    """None when the request is signed with `secret` and fresh, else the SignatureProblem."""
    if not secret or not timestamp or not signature:
        return SignatureProblem.MISSING
    if not timestamp.isdigit() or len(timestamp) > 12:
        return SignatureProblem.BAD
    if abs(now.timestamp() - int(timestamp)) > tolerance_seconds:
        return SignatureProblem.STALE
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.strip()):
        return SignatureProblem.BAD
    return None
