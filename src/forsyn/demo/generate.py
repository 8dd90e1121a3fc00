"""Deterministic demo data at three scales. `forsyn loaddemo --scale small|region|national`.

small: the real participants (2 regions, 17 + 14 municipalities), ~500 citizens;
region: the same parties with ~7,200 citizens, as in the stoma solution;
national: all 5 regions and 98 municipalities, 300,000 citizens across all product areas.
Citizens are written in chunks with bulk inserts so memory stays flat.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from forsyn.catalogue.models import Category, Participation, Product, ProductArea
from forsyn.citizens.models import Citizen, Representative
from forsyn.contracts.models import Contract, Lot, PriceListEntry, Tender
from forsyn.core.identifiers import cvr_with_check_digit, with_check_digit
from forsyn.demo import catalogue as cat
from forsyn.demo.warehouse import fulfilment_history, warehouse_create
from forsyn.grants.models import Grant, GrantEvent, GrantLine
from forsyn.organisations.models import Organisation, User, UserRole

SCALES = {"small": 500, "region": 7_200, "national": 300_000}
# Grant lines whose last 18 months of orders the demo places (three orders each).
ORDER_LINES = {"small": 150, "region": 400, "national": 400}
DEMO_EMAIL_DOMAIN = "demo.forsyn.dk"

MIDTJYLLAND_PARTICIPANTS = [
    "751",
    "710",
    "766",
    "661",
    "615",
    "756",
    "665",
    "707",
    "727",
    "730",
    "760",
    "740",
    "746",
    "779",
    "671",
    "706",
    "791",
]
SYDDANMARK_PARTICIPANTS = [
    "461",
    "479",
    "450",
    "440",
    "430",
    "420",
    "410",
    "480",
    "482",
    "492",
    "630",
    "621",
    "607",
    "561",
]
FIRST_WAVE = {"751", "461"}
STOMA_START = dt.date(2023, 6, 1)
UROLOGY_START = dt.date(2025, 3, 1)

HOSPITAL_UNITS = [
    ("AUH-URO", "Aarhus Universitetshospital, Urinvejskirurgi", "1082"),
    ("AUH-KIR", "Aarhus Universitetshospital, Mave- og Tarmkirurgi", "1082"),
    ("RHG-KIR", "Regionshospitalet Gødstrup, Kirurgi", "1082"),
    ("OUH-KIR", "Odense Universitetshospital, Kirurgisk Afdeling A", "1083"),
    ("OUH-URO", "Odense Universitetshospital, Urologisk Afdeling L", "1083"),
    ("SLB-KIR", "Sygehus Lillebælt, Kirurgi", "1083"),
    ("RH-KIR", "Rigshospitalet, Abdominalcenter K", "1084"),
    ("AAUH-KIR", "Aalborg Universitetshospital, Kirurgi", "1081"),
    ("SUH-KIR", "Sjællands Universitetshospital, Kirurgi", "1085"),
]

FIRST_NAMES = [
    "Anne",
    "Kirsten",
    "Hanne",
    "Mette",
    "Anna",
    "Helle",
    "Susanne",
    "Lene",
    "Maria",
    "Marianne",
    "Inge",
    "Karen",
    "Bente",
    "Lone",
    "Camilla",
    "Pia",
    "Jette",
    "Louise",
    "Charlotte",
    "Ida",
    "Peter",
    "Jens",
    "Michael",
    "Lars",
    "Henrik",
    "Thomas",
    "Søren",
    "Jan",
    "Christian",
    "Martin",
    "Niels",
    "Anders",
    "Morten",
    "Jesper",
    "Mads",
    "Hans",
    "Rasmus",
    "Per",
    "Erik",
    "Poul",
    "Ole",
    "Knud",
    "Bent",
    "Jørgen",
    "Birthe",
    "Grethe",
    "Else",
    "Ruth",
    "Aase",
]
LAST_NAMES = [
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Olesen",
    "Frederiksen",
    "Laursen",
    "Henriksen",
    "Lund",
    "Holm",
    "Schmidt",
]
STREETS = [
    "Algade",
    "Bakkevej",
    "Birkevej",
    "Bøgevej",
    "Engvej",
    "Fasanvej",
    "Grønnegade",
    "Havnegade",
    "Industrivej",
    "Kirkevej",
    "Kongensgade",
    "Lindevej",
    "Mosevej",
    "Nørregade",
    "Parkvej",
    "Rosenvej",
    "Skolegade",
    "Skovvej",
    "Stationsvej",
    "Søndergade",
    "Toftevej",
    "Vestergade",
    "Østergade",
    "Åboulevarden",
]
POSTCODES = {
    "751": ("8000", "Aarhus C"),
    "461": ("5000", "Odense C"),
    "730": ("8900", "Randers C"),
    "740": ("8600", "Silkeborg"),
    "791": ("8800", "Viborg"),
    "615": ("8700", "Horsens"),
    "630": ("7100", "Vejle"),
    "621": ("6000", "Kolding"),
    "561": ("6700", "Esbjerg"),
    "479": ("5700", "Svendborg"),
    "101": ("1550", "København V"),
    "851": ("9000", "Aalborg"),
}


@dataclass
class DemoLogin:
    username: str
    role: str
    organisation_code: str


def _gln(stem: str) -> str:
    return with_check_digit(("579800" + stem).ljust(12, "0")[:12])


def _cvr(rng: random.Random) -> str:
    while True:
        try:
            return cvr_with_check_digit(str(rng.randint(1_000_000, 9_999_999)))
        except ValueError:
            continue


def _gtin(n: int) -> str:
    return with_check_digit(f"570{n:09d}")


class DemoBuilder:
    def __init__(self, *, scale: str, seed: int, out: Callable[[str], None]) -> None:
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.out = out
        self.orgs: dict[tuple[str, str], Organisation] = {}
        self.logins: list[DemoLogin] = []

    # -- organisations -------------------------------------------------------------------
    def organisations(self) -> None:
        rng = self.rng
        for org in Organisation.objects.filter(kind__in=["region", "municipality"]).order_by(
            "kind", "code"
        ):
            org.cvr = org.cvr or _cvr(rng)
            org.gln = org.gln or _gln(org.code)
            org.save(update_fields=["cvr", "gln"])
            self.orgs[(org.kind, org.code)] = org
        regions = {o.code: o for (k, _), o in self.orgs.items() if k == "region"}

        counter = iter(range(9000, 9999))

        def make(kind: str, code: str, name: str, region: Organisation | None = None) -> None:
            org, _ = Organisation.objects.update_or_create(
                kind=kind,
                code=code,
                defaults={
                    "name": name,
                    "cvr": _cvr(rng),
                    "gln": _gln(str(next(counter))),
                    "region": region,
                },
            )
            self.orgs[(kind, code)] = org

        make("service_centre", "FSC", "Fælles Service Center")
        make("logistics_provider", "LOG1", "Nordisk Sundhedslogistik A/S")
        for code, name, _stem in cat.SUPPLIERS:
            make("supplier", code, name)
        for code, name, region_code in HOSPITAL_UNITS:
            make("hospital_unit", code, name, regions[region_code])

    def participating_municipalities(self) -> list[str]:
        if self.scale == "national":
            return sorted(c for (k, c) in self.orgs if k == "municipality")
        return MIDTJYLLAND_PARTICIPANTS + SYDDANMARK_PARTICIPANTS

    def participating_regions(self) -> list[str]:
        if self.scale == "national":
            return ["1081", "1082", "1083", "1084", "1085"]
        return ["1082", "1083"]

    def hospital_units(self) -> list[Organisation]:
        regions = set(self.participating_regions())
        return [
            o
            for (k, _), o in self.orgs.items()
            if k == "hospital_unit" and o.region is not None and o.region.code in regions
        ]

    # -- catalogue and contracts --------------------------------------------------------------
    def catalogue(self) -> None:
        areas = {a.code: a for a in ProductArea.objects.all()}
        area_defs: list[tuple[str, list[cat.CategoryDef], list[cat.ProductDef]]] = [
            ("stoma", cat.STOMA_CATEGORIES, cat.STOMA_PRODUCTS),
            ("urology", cat.urology_categories(), cat.urology_products()),
        ]
        if self.scale == "national":
            for area in ("wound_care", "diabetes", "clinical_nutrition"):
                area_defs.append((area, cat.other_categories(area), cat.other_products(area)))
        self.area_codes = [a for a, _, _ in area_defs]
        gtin_counter = 0
        self.products_by_category: dict[str, list[Product]] = {}
        self.categories: dict[str, Category] = {}
        for area_code, categories, products in area_defs:
            product_area = areas[area_code]
            cat_objs = {
                c.code: Category.objects.update_or_create(
                    code=c.code,
                    defaults={
                        "product_area": product_area,
                        "name_da": c.name_da,
                        "name_en": c.name_en,
                        "iso9999": c.iso9999,
                    },
                )[0]
                for c in categories
            }
            self.categories.update(cat_objs)
            start = STOMA_START if area_code == "stoma" else UROLOGY_START
            tender, _ = Tender.objects.update_or_create(
                reference=f"FSC-{area_code.upper()}-{start.year - 1}",
                defaults={
                    "product_area": product_area,
                    "name": f"Fælles udbud {product_area.name_da} {start.year - 1}",
                    "published_on": start - dt.timedelta(days=300),
                },
            )
            lots: dict[str, Lot] = {}
            for number, c in enumerate(categories, start=1):
                lot, _ = Lot.objects.update_or_create(
                    tender=tender, number=number, defaults={"name": c.name_da}
                )
                lot.categories.set([cat_objs[c.code]])
                lots[c.code] = lot
            contracts: dict[tuple[str, str], Contract] = {}
            for p in products:
                gtin_counter += 1
                supplier = self.orgs[("supplier", p.supplier)]
                product, _ = Product.objects.update_or_create(
                    gtin=_gtin(gtin_counter),
                    defaults={
                        "name": p.name,
                        "manufacturer": p.manufacturer,
                        "supplier": supplier,
                        "supplier_item_number": f"{p.supplier[:3].upper()}{gtin_counter:05d}",
                        "category": cat_objs[p.category],
                        "order_unit": p.order_unit,
                        "pieces_per_unit": p.pieces_per_unit,
                        "size": p.size,
                        "cut_min_mm": p.cut_min_mm,
                        "cut_max_mm": p.cut_max_mm,
                        "convexity": p.convexity,
                        "outlet": p.outlet,
                    },
                )
                self.products_by_category.setdefault(p.category, []).append(product)
                key = (p.category, p.supplier)
                if key not in contracts:
                    rank = 1 + sum(1 for k in contracts if k[0] == p.category)
                    contracts[key], _ = Contract.objects.update_or_create(
                        reference=f"{tender.reference}-{lots[p.category].number:02d}-{p.supplier}",
                        defaults={
                            "lot": lots[p.category],
                            "supplier": supplier,
                            "starts_on": start,
                            "ends_on": start.replace(year=start.year + 4),
                            "max_extensions": 2,
                            "extension_months": 12,
                            "rank": rank,
                        },
                    )
                contract = contracts[key]
                # One index regulation two years in: +3 % from then on.
                change = start.replace(year=start.year + 2)
                later = (p.price * Decimal("1.03")).quantize(Decimal("0.0001"))
                for valid_from, valid_until, price in (
                    (start, change, p.price),
                    (change, None, later),
                ):
                    PriceListEntry.objects.update_or_create(
                        product=product,
                        valid_from=valid_from,
                        defaults={"contract": contract, "price": price, "valid_until": valid_until},
                    )
        # One assortment change: a product phased out with its successor.
        plates = self.products_by_category["stoma-2p-plate"]
        old = plates[-1]
        old.status, old.phased_out_on, old.successor = "phased_out", dt.date(2025, 1, 1), plates[-2]
        old.save()
        self.products_by_category["stoma-2p-plate"] = plates[:-1]

    def participations(self) -> None:
        areas = {a.code: a for a in ProductArea.objects.filter(code__in=self.area_codes)}
        rows = []
        muni = self.participating_municipalities()
        for i, code in enumerate(muni):
            org = self.orgs[("municipality", code)]
            if self.scale == "national" or code in FIRST_WAVE:
                stoma_start = STOMA_START
            else:
                stoma_start = dt.date(2024, 4, 1) if i % 2 == 0 else dt.date(2025, 4, 1)
            for area_code, area in areas.items():
                start = stoma_start if area_code == "stoma" else UROLOGY_START
                rows.append(Participation(organisation=org, product_area=area, go_live_on=start))
        for code in self.participating_regions():
            org = self.orgs[("region", code)]
            for area_code, area in areas.items():
                start = STOMA_START if area_code == "stoma" else UROLOGY_START
                rows.append(Participation(organisation=org, product_area=area, go_live_on=start))
        for unit in self.hospital_units():
            for area_code, area in areas.items():
                start = STOMA_START if area_code == "stoma" else UROLOGY_START
                rows.append(Participation(organisation=unit, product_area=area, go_live_on=start))
        Participation.objects.bulk_create(rows, ignore_conflicts=True)

    # -- users ----------------------------------------------------------------------------
    def users(self) -> None:
        password = make_password(settings.FORSYN_DEMO_PASSWORD)
        specs: list[tuple[str, str, str, str, str]] = []  # username, role, kind, code, full name
        for code in MIDTJYLLAND_PARTICIPANTS + SYDDANMARK_PARTICIPANTS:
            specs.append(
                (f"caseworker-{code}", "caseworker", "municipality", code, "Sagsbehandler")
            )
        for code in ("751", "461"):
            specs.append((f"nurse-{code}", "nurse", "municipality", code, "Stomisygeplejerske"))
            specs.append((f"analyst-{code}", "analyst", "municipality", code, "Analytiker"))
            specs.append((f"finance-{code}", "finance", "municipality", code, "Økonomi"))
        for code, _, _ in HOSPITAL_UNITS[:6]:
            specs.append(
                (
                    f"hospital-{code.lower()}",
                    "hospital_orderer",
                    "hospital_unit",
                    code,
                    "Afdelingssygeplejerske",
                )
            )
        specs.append(("nurse-auh-kir", "nurse", "hospital_unit", "AUH-KIR", "Stomisygeplejerske"))
        for username, role, name in (
            ("agent-fsc", "service_agent", "Servicemedarbejder"),
            ("advisor-fsc", "advisor", "Rådgiver"),
            ("finance-fsc", "finance", "Økonomimedarbejder"),
            ("contracts-fsc", "contract_manager", "Kontraktansvarlig"),
            ("analyst-fsc", "analyst", "Analytiker"),
            ("admin", "admin", "Administrator"),
        ):
            specs.append((username, role, "service_centre", "FSC", name))
        specs.append(("finance-1082", "finance", "region", "1082", "Økonomi"))
        specs.append(
            (
                "warehouse-log1",
                "warehouse_operator",
                "logistics_provider",
                "LOG1",
                "Lagermedarbejder",
            )
        )
        for code, _, _ in cat.SUPPLIERS:
            specs.append((f"supplier-{code}", "supplier_viewer", "supplier", code, "Leverandør"))
        for username, role, kind, code, title in specs:
            org = self.orgs[(kind, code)]
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "password": password,
                    "organisation": org,
                    "first_name": title,
                    "last_name": org.name,
                    "email": f"{username}@{DEMO_EMAIL_DOMAIN}",
                    "is_staff": role == "admin",
                    "is_superuser": role == "admin",
                },
            )
            UserRole.objects.get_or_create(user=user, role=role)
            self.logins.append(DemoLogin(username, role, code))

    # -- citizens and grants -----------------------------------------------------------------
    def citizens(self, count: int, chunk: int = 5_000) -> int:
        rng = random.Random(self.seed * 7919 + 1)
        muni_codes = self.participating_municipalities()
        # Weight by a rough size: Aarhus and Odense far above the rest (Aarhus: 871 citizens
        # with a stoma grant in 2019 of ~4,800 in Midtjylland).
        weights = [18 if c == "751" else 14 if c == "461" else 3 + (int(c) % 5) for c in muni_codes]
        munis = [self.orgs[("municipality", c)] for c in muni_codes]
        units_by_region: dict[int, list[Organisation]] = {}
        for unit in self.hospital_units():
            units_by_region.setdefault(unit.region_id or 0, []).append(unit)
        areas = {a.code: a for a in ProductArea.objects.filter(code__in=self.area_codes)}
        used_cpr: set[str] = set(Citizen.objects.values_list("cpr", flat=True))
        today = timezone.localdate()
        made = 0
        while made < count:
            n = min(chunk, count - made)
            with transaction.atomic():
                batch: list[Citizen] = []
                for _ in range(n):
                    cpr = self._cpr(rng, used_cpr)
                    muni = rng.choices(munis, weights)[0]
                    postcode, city = POSTCODES.get(
                        muni.code,
                        (f"{5000 + int(muni.code) % 4000:04d}", muni.name.replace(" Kommune", "")),
                    )
                    batch.append(
                        Citizen(
                            cpr=cpr,
                            first_name=rng.choice(FIRST_NAMES),
                            last_name=rng.choice(LAST_NAMES),
                            street=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                            postcode=postcode,
                            city=city,
                            municipality=muni,
                            is_address_protected=rng.random() < 0.01,
                            phone=f"{rng.randint(20_00_00_00, 99_99_99_99)}",
                            # Receipts go to the console in the demo (RFC 2606 domain).
                            email=f"borger{made + len(batch) + 1}@example.com",
                        )
                    )
                citizens = Citizen.objects.bulk_create(batch, batch_size=2_000)
                self._grants(rng, citizens, areas, units_by_region, today)
            made += n
            if made % 50_000 == 0 or made == count:
                self.out(f"  {made} citizens")
        return made

    @staticmethod
    def _cpr(rng: random.Random, used: set[str]) -> str:
        while True:
            born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randint(0, 27_000))
            century_digit = rng.randint(0, 3) if born.year < 2000 else 4
            cpr = f"{born:%d%m%y}{century_digit}{rng.randint(0, 999):03d}"
            if cpr not in used:
                used.add(cpr)
                return cpr

    def _grants(
        self,
        rng: random.Random,
        citizens: list[Citizen],
        areas: dict[str, ProductArea],
        units_by_region: dict[int, list[Organisation]],
        today: dt.date,
    ) -> None:
        grants: list[Grant] = []
        line_specs: list[list[dict[str, Any]]] = []
        reps: list[Representative] = []
        for citizen in citizens:
            wanted = ["stoma"] if rng.random() < 0.7 else ["urology"]
            if rng.random() < 0.15:
                wanted.append("urology" if wanted[0] == "stoma" else "stoma")
            if self.scale == "national" and rng.random() < 0.35:
                wanted = [rng.choice(["wound_care", "diabetes", "clinical_nutrition"])]
            for area_code in wanted:
                status = rng.choices(["active", "suspended", "ended", "draft"], [85, 5, 5, 5])[0]
                start = today - dt.timedelta(days=rng.randint(10, 1_400))
                grant = Grant(
                    citizen=citizen,
                    granting_organisation=citizen.municipality,
                    product_area=areas[area_code],
                    legal_basis="sel_112",
                    case_number=f"27.27.08-G01-{rng.randint(1, 99_999):05d}-{start.year % 100}",
                    status=status,
                    status_reason={
                        "suspended": "Indlagt på hospital",
                        "ended": "Behovet er ophørt",
                    }.get(status, ""),
                    valid_from=start,
                    valid_until=None
                    if status != "ended"
                    else today - dt.timedelta(days=rng.randint(1, 60)),
                    follow_up_on=start.replace(year=start.year + 1)
                    if start.month != 2 or start.day != 29
                    else start + dt.timedelta(days=365),
                )
                if grant.valid_until is not None and grant.valid_until <= grant.valid_from:
                    grant.valid_until = grant.valid_from + dt.timedelta(days=30)
                grants.append(grant)
                line_specs.append(self._lines(rng, area_code))
            # A few recently discharged patients on a temporary hospital grant.
            if rng.random() < 0.04 and units_by_region.get(citizen.municipality.region_id or 0):
                unit = rng.choice(units_by_region[citizen.municipality.region_id or 0])
                grants.append(
                    Grant(
                        citizen=citizen,
                        granting_organisation=unit,
                        product_area=areas["stoma"],
                        legal_basis="hospital_temporary",
                        status="active",
                        valid_from=today - dt.timedelta(days=5),
                        valid_until=today + dt.timedelta(days=60),
                        note="Midlertidig forsyning efter udskrivning",
                    )
                )
                line_specs.append(self._lines(rng, "stoma"))
            if rng.random() < 0.05:
                reps.append(
                    Representative(
                        citizen=citizen,
                        cpr=self._cpr(rng, set()),
                        name=f"{rng.choice(FIRST_NAMES)} {citizen.last_name}",
                        relation=rng.choice(["Ægtefælle", "Datter", "Søn"]),
                        valid_from=today - dt.timedelta(days=200),
                    )
                )
        Grant.objects.bulk_create(grants, batch_size=2_000)
        lines = [
            GrantLine(grant=grant, **spec)
            for grant, specs in zip(grants, line_specs, strict=True)
            for spec in specs
        ]
        GrantLine.objects.bulk_create(lines, batch_size=5_000)
        GrantEvent.objects.bulk_create(
            [
                GrantEvent(grant=g, kind="created", summary="Bevilling oprettet (demodata)")
                for g in grants
            ],
            batch_size=5_000,
        )
        Representative.objects.bulk_create(reps, batch_size=2_000)

    def _lines(self, rng: random.Random, area_code: str) -> list[dict[str, Any]]:
        pbc = self.products_by_category
        if area_code == "stoma":
            if rng.random() < 0.55:
                bag = rng.choice(
                    pbc["stoma-1p-closed"] + pbc["stoma-1p-drain"] + pbc["stoma-1p-uro"]
                )
                specs: list[dict[str, Any]] = [
                    self._line(rng, bag, 30 if bag.outlet == "closed" else 15)
                ]
            else:
                plate = rng.choice(pbc["stoma-2p-plate"])
                cat_code = rng.choice(["stoma-2p-closed", "stoma-2p-drain", "stoma-2p-uro"])
                specs = [self._line(rng, plate, 10)]
                if rng.random() < 0.3:
                    specs.append(
                        {
                            "product": None,
                            "category": self.categories[cat_code],
                            "pieces_per_month": 30,
                        }
                    )
                else:
                    specs.append(self._line(rng, rng.choice(pbc[cat_code]), 30))
            for accessory in rng.sample(
                ["stoma-ring", "stoma-remover", "stoma-film", "stoma-strip"], k=rng.randint(0, 2)
            ):
                specs.append(self._line(rng, rng.choice(pbc[accessory]), rng.choice([10, 15, 30])))
            if rng.random() < 0.03:
                specs[0].update(
                    free_choice=True,
                    free_choice_product="Welland Aurum Plus (frit valg)",
                    free_choice_price_difference=Decimal("2.4500"),
                )
            return specs
        if area_code == "urology":
            first = rng.choice(
                ["uro-cath-standard", "uro-cath-compact", "uro-cath-bag", "uro-sheath"]
            )
            specs = [self._line(rng, rng.choice(pbc[first]), rng.choice([120, 150, 180]))]
            if rng.random() < 0.5:
                specs.append(
                    self._line(
                        rng,
                        rng.choice(pbc[rng.choice(["uro-legbag-clean", "uro-bedbag-clean"])]),
                        30,
                    )
                )
            return specs
        codes = [
            c
            for c in pbc
            if c.startswith(
                {"wound_care": "wound", "diabetes": "diab", "clinical_nutrition": "nutr"}[area_code]
            )
        ]
        return [
            self._line(rng, rng.choice(pbc[c]), rng.choice([10, 30, 60]))
            for c in rng.sample(codes, k=min(2, len(codes)))
        ]

    @staticmethod
    def _line(rng: random.Random, product: Product, pieces: int) -> dict[str, Any]:
        hole = None
        if product.cut_min_mm is not None and product.cut_max_mm is not None and rng.random() < 0.6:
            hole = rng.randint(product.cut_min_mm, product.cut_max_mm)
        return {
            "product": product,
            "category": None,
            "pieces_per_month": pieces,
            "hole_size_mm": hole,
        }

    def orders(self) -> None:
        """Orders over the last 18 months, placed through the real ordering service as phone
        orders by the service centre's demo agent (each with its events and access-log entry),
        oldest first so every order meets the quota of its own day. The warehouse's services
        then take them (`demo.warehouse`): orders older than ten days are waved, picked, packed,
        shipped and delivered a week at a time; last week's are allocated (or back-ordered);
        the newest stay approved (or held, if over the quota) for today's wave and the approval
        queue."""
        from django.test.utils import override_settings

        from forsyn.access.context import AccessContext, Channel
        from forsyn.core.errors import DomainError
        from forsyn.orders.placement import DeliveryInput, LineInput, order_place

        rng = random.Random(self.seed * 31 + 7)
        now = timezone.now()
        agent = User.objects.get(username="agent-fsc")
        # loaddemo is a management command: its reads and orders are logged as channel cli.
        ctx = AccessContext.for_user(
            agent, channel=Channel.CLI, purpose="Demodata: bestilling pr. telefon"
        )
        lines = list(
            GrantLine.objects.filter(
                grant__status="active",
                product__isnull=False,
                product__status="active",
                grant__legal_basis="sel_112",
            )
            .select_related("grant", "product")
            .order_by("pk")[:3000]
        )
        planned: list[tuple[dt.datetime, GrantLine, int]] = []
        for line in rng.sample(lines, k=min(ORDER_LINES[self.scale], len(lines))):
            assert line.product is not None  # noqa: S101
            units = max(1, line.pieces_per_month // line.product.pieces_per_unit // 2)
            for months_back in rng.sample(range(0, 18), k=3):
                placed = now - dt.timedelta(days=30 * months_back + rng.randint(0, 20), hours=2)
                if placed.date() >= line.grant.valid_from:
                    planned.append((placed, line, units))
        placed_orders = []
        # Historical receipts are not mailed to var/mail/: the demo's mail folder shows only
        # what people trying the demo order themselves.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for placed, line, units in sorted(planned, key=lambda p: (p[0], p[1].pk)):
                try:
                    order, _ = order_place(
                        ctx=ctx,
                        citizen_id=line.grant.citizen_id,
                        lines=[LineInput(line.product.gtin, units)],  # type: ignore[union-attr]
                        delivery=DeliveryInput(),
                        now=placed,
                    )
                except DomainError:
                    continue  # e.g. a citizen who has since died or moved away
                placed_orders.append(order)
        self.out(f"  {len(placed_orders)} orders placed through the ordering service")
        # The warehouse takes them from here: stock, then the history through its services.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            fulfilment_history(seed=self.seed, orders=placed_orders, now=now, out=self.out)

    def consumption(self) -> None:
        """2022 urology consumption in the shared template, imported through the real importer.
        Regions paid far less than municipalities (1 øre per disposable catheter); two rows carry
        the classic unit error (boxes reported as pieces) and are flagged."""
        from forsyn.economics.services import consumption_import

        rng = random.Random(self.seed * 131 + 3)
        lines = ["party;gtin;description;unit;pieces_per_unit;quantity;price_per_unit;year"]
        products = [
            p
            for code in sorted(self.products_by_category)
            if code.startswith("uro-")
            for p in self.products_by_category[code][:1]
        ]
        prices = {
            e.product_id: e.price
            for e in PriceListEntry.objects.filter(product__in=products, valid_until__isnull=False)
        }
        parties = [("municipality", c) for c in self.participating_municipalities()[:31]]
        parties += [("region", c) for c in self.participating_regions()[:2]]
        unit_errors = {(parties[3][1], products[0].gtin), (parties[7][1], products[1].gtin)}
        for kind, code in parties:
            org = self.orgs[(kind, code)]
            for product in products:
                contract = prices[product.pk]
                if kind == "region":
                    per_piece = (
                        Decimal("0.01")
                        if product.category.code.startswith("uro-cath")
                        else (contract * Decimal("0.85"))
                    )
                else:
                    per_piece = contract * Decimal(rng.randint(112, 128)) / 100
                boxes = rng.randint(20, 400) * (2 if kind == "region" else 1)
                per_unit = product.pieces_per_unit
                box_price = (per_piece * per_unit).quantize(Decimal("0.01"))
                if (code, product.gtin) in unit_errors:
                    # Boxes counted and priced, but reported as single pieces.
                    lines.append(
                        f"{org.name};{product.gtin};{product.name};stk;1;{boxes};{box_price};2022"
                    )
                elif per_unit == 1:
                    lines.append(
                        f"{org.name};{product.gtin};{product.name};stk;1;{boxes};{box_price};2022"
                    )
                else:
                    lines.append(
                        f"{org.name};{product.gtin};{product.name};pk;{per_unit};{boxes};{box_price};2022"
                    )
        result = consumption_import(
            file_name="forbrug-urologi-2022.csv", data="\n".join(lines).encode()
        )
        if result.errors:
            raise RuntimeError(f"demo consumption data invalid: {result.errors[:3]}")

    def build(self) -> list[DemoLogin]:
        self.out(f"forsyn demo data: scale {self.scale}, seed {self.seed}")
        with transaction.atomic():
            self.organisations()
            self.catalogue()
            self.participations()
            self.users()
            warehouse_create(self.orgs[("logistics_provider", "LOG1")])
        self.out(f"  {Product.objects.count()} products, {Contract.objects.count()} contracts")
        self.citizens(SCALES[self.scale])
        self.orders()
        self.consumption()
        # Bulk loads leave the planner without statistics until autovacuum gets round to it;
        # on PostgreSQL that means minutes of nested loops over 700k grant lines.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return self.logins


def demo_logins() -> list[dict[str, str]]:
    """The demo users in the database, for `forsyn demo-logins`."""
    rows = (
        User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}", is_active=True)
        .select_related("organisation")
        .prefetch_related("roles")
        .order_by("username")
    )
    return [
        {
            "username": u.username,
            "password": settings.FORSYN_DEMO_PASSWORD,
            "role": r.role,
            "organisation_code": u.organisation.code if u.organisation else "",
        }
        for u in rows
        for r in u.roles.all()
    ]


def demo_citizen_logins(limit: int = 4) -> list[dict[str, str]]:
    """Citizens (and one representative) to log in as through the test IdP. Aarhus (751)
    first, so the demo story matches `caseworker-751`, who approves their held orders."""
    active = Citizen.objects.filter(
        grants__status="active", deceased_on__isnull=True, moved_away_on__isnull=True
    ).select_related("municipality")
    chosen = list(active.filter(municipality__code="751").order_by("pk").distinct()[:limit])
    if len(chosen) < limit:
        chosen += list(
            active.exclude(pk__in=[c.pk for c in chosen])
            .order_by("pk")
            .distinct()[: limit - len(chosen)]
        )
    rows = [
        {
            "cpr": c.cpr,
            "name": c.name,
            "kind": "citizen",
            "represents": "",
            "municipality": c.municipality.code,
        }
        for c in chosen
    ]
    rep = (
        Representative.objects.filter(citizen__municipality__code="751")
        .select_related("citizen", "citizen__municipality")
        .order_by("pk")
        .first()
    )
    if rep is not None:
        rows.append(
            {
                "cpr": rep.cpr,
                "name": rep.name,
                "kind": "representative",
                "represents": rep.citizen.name,
                "municipality": rep.citizen.municipality.code,
            }
        )
    return rows
