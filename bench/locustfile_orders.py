"""Locust load: order placement through the API, and the citizen's "My products" page.

Driven by bench/bench_orders.py, which writes the citizens file and the token; do not run alone.
Mode `orders`: service-agent API clients post one-line orders with fresh Idempotency-Keys.
Mode `products`: each simulated citizen logs in through the real SAML flow (SP -> local test
IdP -> signed response -> ACS) once, then reloads their "My products" page.
"""

import html
import json
import os
import random
import re
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

from locust import FastHttpUser, constant, task

CITIZENS = json.loads(open(os.environ["FORSYN_BENCH_CITIZENS"]).read())  # noqa: SIM115
TOKEN = os.environ["FORSYN_BENCH_TOKEN"]
MODE = os.environ.get("FORSYN_BENCH_MODE", "orders")
HIDDEN = re.compile(r'name="(SAMLResponse|RelayState)" value="([^"]*)"')


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Client(FastHttpUser):  # geventhttpclient: leaves the 2 cores to the server
    wait_time = constant(0)

    def on_start(self) -> None:
        self.rng = random.Random()  # noqa: S311 - load generation, not security
        self.page = ""
        if MODE == "products":
            self.log_in(self.rng.choice(CITIZENS))

    def log_in(self, citizen: dict[str, str]) -> None:
        start = self.client.get("/saml/login/", allow_redirects=False, name="SAML log-in")
        query = parse_qs(urlsplit(start.headers["Location"]).query)
        idp = self.client.post(
            "/testidp/sso/",
            data=urlencode(
                {
                    "SAMLRequest": query["SAMLRequest"][0],
                    "RelayState": query.get("RelayState", [""])[0],
                    "cpr": citizen["cpr"],
                    "name": "Belastningstest",
                }
            ),
            headers=FORM,
            name="SAML log-in",
        )
        fields = {k: html.unescape(v) for k, v in HIDDEN.findall(idp.text or "")}
        home = self.client.post(
            "/saml/acs/",
            data=urlencode(fields),
            headers=FORM,
            allow_redirects=False,
            name="SAML log-in",
        )
        if not urlsplit(home.headers.get("Location", "")).path.startswith("/borger/"):
            raise RuntimeError(f"log-in failed with HTTP {home.status_code}")
        self.page = f"/borger/{citizen['id']}/"

    @task
    def work(self) -> None:
        if MODE == "products":
            self.client.get(self.page, name="GET /borger/{id}/ (My products)")
            return
        citizen = self.rng.choice(CITIZENS)
        self.client.post(
            "/api/v1/orders",
            json={
                "citizen": citizen["id"],
                "lines": [{"gtin": citizen["gtin"], "order_units": 1}],
                "delivery": {"type": "registered_address"},
            },
            headers={
                "Authorization": f"Bearer {TOKEN}",
                "X-Purpose": "Belastningstest",
                "Idempotency-Key": uuid.uuid4().hex,
            },
            name="POST /api/v1/orders",
        )
