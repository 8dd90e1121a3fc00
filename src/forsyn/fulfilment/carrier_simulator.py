"""The local carrier simulator's other half (ADR 0024): it reports status changes of parcels
to our webhook as a real carrier would, signed with the shared secret, over HTTP. The demo's
`forsyn carrier simulate` and the browser test use it; nothing here is used by the services."""

import datetime as dt
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from forsyn.fulfilment.carrier import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from forsyn.fulfilment.choices import ParcelStatus
from forsyn.fulfilment.models import Parcel

Post = Callable[[str, bytes, dict[str, str]], tuple[int, bytes]]


@dataclass(frozen=True)
class SimulatedBatch:
    status: int
    answer: bytes
    tracking_numbers: list[str]


def signed_events(
    tracking_numbers: Sequence[str], status: str, *, secret: str, at: dt.datetime
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one webhook call: one event per tracking number."""
    body = json.dumps(
        {
            "events": [
                {
                    "id": f"sim-{secrets.token_hex(8)}",
                    "tracking_number": number,
                    "status": status,
                    "at": at.isoformat(),
                }
                for number in tracking_numbers
            ]
        }
    ).encode()
    stamp = str(int(at.timestamp()))
    return body, {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: sign(secret, stamp, body),
    }


def http_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    if not url.startswith(("http://", "https://")):
        raise ValueError("the webhook URL must be http(s)")
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), bytes(exc.read())


def carrier_simulate(
    *,
    status: str,
    tracking_numbers: Sequence[str] | None = None,
    url: str | None = None,
    post: Post = http_post,
) -> SimulatedBatch:
    """Report `status` for the given parcels (default: every parcel on its way) to the
    webhook at `url` (default settings.FORSYN_CARRIER_WEBHOOK_URL)."""
    if tracking_numbers is None:
        tracking_numbers = list(
            Parcel.objects.filter(
                status__in=[ParcelStatus.SHIPPED, ParcelStatus.IN_TRANSIT, ParcelStatus.FAILED],
                carrier="local",
            )
            .order_by("pk")
            .values_list("tracking_number", flat=True)
        )
    if not tracking_numbers:
        return SimulatedBatch(0, b"", [])
    body, headers = signed_events(
        tracking_numbers,
        status,
        secret=settings.FORSYN_CARRIER_WEBHOOK_SECRET,
        at=timezone.now(),
    )
    code, answer = post(url or settings.FORSYN_CARRIER_WEBHOOK_URL, body, headers)
    return SimulatedBatch(code, answer, list(tracking_numbers))
