"""The demo assortment: a stoma catalogue of about 200 variants, the 33-line urology tender,
and smaller wound care, diabetes and clinical nutrition ranges. Names are realistic, GTINs
are made up (valid check digits) and prices are illustrative."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class CategoryDef:
    code: str
    name_da: str
    name_en: str
    iso9999: str


@dataclass(frozen=True)
class ProductDef:
    category: str
    name: str
    supplier: str
    manufacturer: str
    order_unit: str
    pieces_per_unit: int
    price: Decimal
    size: str = ""
    cut_min_mm: int | None = None
    cut_max_mm: int | None = None
    convexity: str = ""
    outlet: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


SUPPLIERS = [
    # code, name, stem for CVR/GLN
    ("coloplast", "Coloplast Danmark A/S", "6915"),
    ("convatec", "ConvaTec Danmark A/S", "6916"),
    ("hollister", "Hollister Danmark ApS", "6917"),
    ("bbraun", "B. Braun Medical A/S", "6918"),
    ("wellspect", "Wellspect HealthCare Danmark", "6919"),
]

STOMA_CATEGORIES = [
    CategoryDef("stoma-1p-closed", "1-delt lukket pose", "1-piece closed bag", "09 18 04"),
    CategoryDef("stoma-1p-drain", "1-delt tømbar pose", "1-piece drainable bag", "09 18 05"),
    CategoryDef("stoma-1p-uro", "1-delt urostomipose", "1-piece urostomy bag", "09 18 06"),
    CategoryDef("stoma-2p-plate", "2-delt basisplade", "2-piece base plate", "09 18 07"),
    CategoryDef("stoma-2p-closed", "2-delt lukket pose", "2-piece closed bag", "09 18 04"),
    CategoryDef("stoma-2p-drain", "2-delt tømbar pose", "2-piece drainable bag", "09 18 05"),
    CategoryDef("stoma-2p-uro", "2-delt urostomipose", "2-piece urostomy bag", "09 18 06"),
    CategoryDef("stoma-ring", "Beskyttelsesring", "Protective ring", "09 18 30"),
    CategoryDef("stoma-paste", "Stomipasta", "Stoma paste", "09 18 30"),
    CategoryDef("stoma-remover", "Plasterfjerner", "Adhesive remover", "09 18 30"),
    CategoryDef("stoma-film", "Hudbeskyttelsesfilm", "Barrier film", "09 18 30"),
    CategoryDef("stoma-strip", "Kantstrimler", "Edge strips", "09 18 30"),
    CategoryDef("stoma-belt", "Stomibælte", "Stoma belt", "09 18 24"),
    CategoryDef("stoma-irrigation", "Irrigationssæt", "Irrigation set", "09 18 21"),
]

_STOMA_FAMILIES = [
    # supplier, manufacturer, product line
    ("coloplast", "Coloplast", "SenSura Mio"),
    ("convatec", "ConvaTec", "Esteem+"),
    ("hollister", "Hollister", "Moderma Flex"),
]


def _stoma_products() -> list[ProductDef]:
    out: list[ProductDef] = []
    cut_ranges = [(10, 45), (10, 55), (15, 70)]
    for supplier, manufacturer, line in _STOMA_FAMILIES:
        base = {
            "coloplast": Decimal("0"),
            "convatec": Decimal("0.85"),
            "hollister": Decimal("1.40"),
        }[supplier]
        for outlet, cat, per_box, price in (
            ("closed", "stoma-1p-closed", 30, Decimal("27.50")),
            ("drainable", "stoma-1p-drain", 20, Decimal("33.10")),
            ("urostomy", "stoma-1p-uro", 10, Decimal("41.20")),
        ):
            for convexity in ("flat", "soft_convex", "convex"):
                for low, high in cut_ranges:
                    for bag in ("midi", "maxi"):
                        if outlet == "urostomy" and bag == "midi":
                            continue
                        out.append(
                            ProductDef(
                                category=cat,
                                name=f"{line} {outlet_da(outlet)} 1-delt {convexity_da(convexity)} "
                                f"{bag}, {low}-{high} mm",
                                supplier=supplier,
                                manufacturer=manufacturer,
                                order_unit="box",
                                pieces_per_unit=per_box,
                                price=price
                                + base
                                + (Decimal("3.20") if convexity != "flat" else 0),
                                size=bag,
                                cut_min_mm=low,
                                cut_max_mm=high,
                                convexity=convexity,
                                outlet=outlet,
                            )
                        )
        for coupling in (40, 50, 60):
            for convexity in ("flat", "convex"):
                out.append(
                    ProductDef(
                        category="stoma-2p-plate",
                        name=f"{line} basisplade {convexity_da(convexity)} {coupling} mm kobling, "
                        f"klippes 10-{coupling - 5} mm",
                        supplier=supplier,
                        manufacturer=manufacturer,
                        order_unit="box",
                        pieces_per_unit=5,
                        price=Decimal("52.80")
                        + base
                        + (Decimal("6") if convexity != "flat" else 0),
                        size=f"{coupling} mm",
                        cut_min_mm=10,
                        cut_max_mm=coupling - 5,
                        convexity=convexity,
                    )
                )
            for outlet, cat, per_box, price in (
                ("closed", "stoma-2p-closed", 30, Decimal("14.90")),
                ("drainable", "stoma-2p-drain", 30, Decimal("18.40")),
                ("urostomy", "stoma-2p-uro", 10, Decimal("24.60")),
            ):
                out.append(
                    ProductDef(
                        category=cat,
                        name=f"{line} {outlet_da(outlet)} 2-delt, {coupling} mm kobling",
                        supplier=supplier,
                        manufacturer=manufacturer,
                        order_unit="box",
                        pieces_per_unit=per_box,
                        price=price + base,
                        size=f"{coupling} mm",
                        outlet=outlet,
                    )
                )
    accessories = [
        (
            "stoma-ring",
            "Brava beskyttelsesring",
            "coloplast",
            "Coloplast",
            10,
            "23.10",
            ["2,0 mm", "4,2 mm"],
            ["18 mm", "27 mm", "34 mm"],
        ),
        (
            "stoma-ring",
            "Eakin Cohesive Seal",
            "convatec",
            "ConvaTec",
            10,
            "21.80",
            ["standard"],
            ["small", "large"],
        ),
        (
            "stoma-paste",
            "Brava stomipasta 60 g",
            "coloplast",
            "Coloplast",
            1,
            "89.00",
            ["tube"],
            [""],
        ),
        (
            "stoma-paste",
            "Adapt stomipasta 57 g",
            "hollister",
            "Hollister",
            1,
            "92.50",
            ["tube"],
            [""],
        ),
        (
            "stoma-remover",
            "Brava plasterfjerner",
            "coloplast",
            "Coloplast",
            30,
            "4.10",
            ["spray 50 ml", "servietter"],
            [""],
        ),
        (
            "stoma-remover",
            "Niltac plasterfjerner",
            "convatec",
            "ConvaTec",
            30,
            "4.40",
            ["spray 50 ml", "servietter"],
            [""],
        ),
        (
            "stoma-film",
            "Brava hudbeskyttelse",
            "coloplast",
            "Coloplast",
            30,
            "3.90",
            ["servietter", "spray"],
            [""],
        ),
        (
            "stoma-film",
            "Silesse hudbarriere",
            "convatec",
            "ConvaTec",
            30,
            "4.05",
            ["servietter", "spray"],
            [""],
        ),
        (
            "stoma-strip",
            "Brava elastiske kantstrimler",
            "coloplast",
            "Coloplast",
            20,
            "6.75",
            ["standard", "XL"],
            [""],
        ),
        (
            "stoma-strip",
            "Adapt kantstrimler",
            "hollister",
            "Hollister",
            20,
            "6.90",
            ["standard", "XL"],
            [""],
        ),
        (
            "stoma-belt",
            "Brava stomibælte",
            "coloplast",
            "Coloplast",
            1,
            "118.00",
            ["S", "M", "L"],
            [""],
        ),
        (
            "stoma-belt",
            "Adapt stomibælte",
            "hollister",
            "Hollister",
            1,
            "121.00",
            ["S", "M", "L"],
            [""],
        ),
        (
            "stoma-irrigation",
            "Peristeen Plus anal irrigation",
            "coloplast",
            "Coloplast",
            1,
            "1150.00",
            ["startsæt", "kateterpakke"],
            [""],
        ),
        (
            "stoma-irrigation",
            "Iryflex irrigationssæt",
            "bbraun",
            "B. Braun",
            1,
            "980.00",
            ["sæt"],
            [""],
        ),
    ]
    for cat, name, supplier, manufacturer, per, price_text, variants, sizes in accessories:
        for variant in variants:
            for size in sizes:
                label = ", ".join(x for x in (variant, size) if x)
                out.append(
                    ProductDef(
                        category=cat,
                        name=f"{name}, {label}",
                        supplier=supplier,
                        manufacturer=manufacturer,
                        order_unit="box" if per > 1 else "piece",
                        pieces_per_unit=per,
                        price=Decimal(price_text),
                        size=size or variant,
                    )
                )
    return out


def outlet_da(outlet: str) -> str:
    return {"closed": "lukket pose", "drainable": "tømbar pose", "urostomy": "urostomipose"}[outlet]


def convexity_da(convexity: str) -> str:
    return {
        "flat": "plan",
        "soft_convex": "blød konveks",
        "convex": "konveks",
    }[convexity]


# The 33 lot lines of the urology tender (DOMAIN.md §4), with a typical pack and price.
UROLOGY_LINES = [
    (
        "uro-cath-standard",
        "Engangskateter, standard",
        "Disposable catheter, standard",
        "09 24 06",
        30,
        "9.80",
    ),
    (
        "uro-cath-compact",
        "Engangskateter, kompakt",
        "Disposable catheter, compact",
        "09 24 06",
        30,
        "11.40",
    ),
    (
        "uro-cath-luer",
        "Engangskateter, luer lock",
        "Disposable catheter, luer lock",
        "09 24 06",
        30,
        "10.20",
    ),
    (
        "uro-cath-tiemann",
        "Engangskateter, tiemann/kugle-spids",
        "Disposable catheter, tiemann/ball tip",
        "09 24 06",
        30,
        "12.10",
    ),
    (
        "uro-cath-bag",
        "Engangskateter med urinpose",
        "Disposable catheter with urine bag",
        "09 24 06",
        20,
        "19.60",
    ),
    (
        "uro-balloon-silicone",
        "Ballonkateter, silikone",
        "Balloon catheter, silicone",
        "09 24 06",
        1,
        "38.00",
    ),
    (
        "uro-balloon-latex",
        "Ballonkateter, latex",
        "Balloon catheter, latex",
        "09 24 06",
        1,
        "14.50",
    ),
    (
        "uro-balloon-large",
        "Ballonkateter, stor ballon",
        "Balloon catheter, large balloon",
        "09 24 06",
        1,
        "41.00",
    ),
    (
        "uro-balloon-temp",
        "Ballonkateter, temperatur",
        "Balloon catheter, temperature",
        "09 24 06",
        1,
        "96.00",
    ),
    ("uro-rectal", "Rektalkateter", "Rectal catheter", "09 24 06", 10, "8.70"),
    (
        "uro-set-balloon",
        "Kateterisationssæt, ballon",
        "Catheterisation set, balloon",
        "09 24 06",
        1,
        "27.00",
    ),
    (
        "uro-set-nitrile",
        "Kateterisationssæt, nitril",
        "Catheterisation set, nitrile",
        "09 24 06",
        1,
        "22.00",
    ),
    ("uro-clamp", "Kateterklemme", "Catheter clamp", "09 24 09", 10, "3.10"),
    ("uro-valve", "Kateterventil", "Catheter valve", "09 24 09", 5, "17.80"),
    ("uro-gel", "Katetergel", "Catheter gel", "09 24 09", 25, "6.20"),
    ("uro-fixation", "Kateterfiksering", "Catheter fixation", "09 24 09", 10, "5.40"),
    ("uro-syringe", "Fyldt sprøjte", "Prefilled syringe", "09 24 09", 10, "7.90"),
    (
        "uro-irrigation-fluid",
        "Kateterskyllevæske",
        "Catheter irrigation fluid",
        "09 24 09",
        10,
        "24.00",
    ),
    ("uro-bladder-bag", "Blæreskyllepose", "Bladder irrigation bag", "09 24 09", 10, "31.00"),
    ("uro-sheath", "Uridom", "Urinary sheath", "09 24 12", 30, "7.60"),
    ("uro-bedbag-sterile", "Natpose, steril", "Bed bag, sterile", "09 27 04", 10, "6.90"),
    ("uro-bedbag-clean", "Natpose, ren", "Bed bag, clean", "09 27 04", 30, "2.30"),
    ("uro-bedbag-stand", "Natposestativ", "Bed bag stand", "09 27 09", 1, "45.00"),
    ("uro-legbag-sterile", "Benpose, steril", "Leg bag, sterile", "09 27 04", 10, "8.10"),
    ("uro-legbag-clean", "Benpose, ren", "Leg bag, clean", "09 27 04", 10, "5.20"),
    (
        "uro-legbag-net",
        "Netfiksering til benpose",
        "Net fixation for leg bags",
        "09 27 09",
        5,
        "9.40",
    ),
    (
        "uro-band-buttons",
        "Fikseringsbånd med knapper",
        "Fixation band, buttons",
        "09 27 09",
        4,
        "6.60",
    ),
    (
        "uro-band-velcro",
        "Fikseringsbånd med velcro",
        "Fixation band, velcro",
        "09 27 09",
        4,
        "7.10",
    ),
    ("uro-anal-plug", "Analprop", "Anal plug", "09 31 04", 20, "12.30"),
    ("uro-vaginal-plug", "Vaginalprop", "Vaginal plug", "09 31 04", 10, "14.80"),
    ("uro-wipes", "Desinfektionsservietter", "Disinfection wipes", "09 24 09", 100, "0.45"),
    ("uro-diuresis", "Timediuresesæt", "Hourly diuresis set", "09 27 04", 1, "58.00"),
    ("uro-toilet-insert", "Toiletindsats", "Toilet insert", "09 27 09", 1, "79.00"),
]

_UROLOGY_SUPPLIERS = ["wellspect", "coloplast", "bbraun", "hollister", "convatec"]

OTHER_AREAS: dict[str, list[tuple[str, str, str, str, list[tuple[str, int, str]]]]] = {
    "wound_care": [
        (
            "wound-foam",
            "Skumbandage",
            "Foam dressing",
            "04 48 03",
            [("10x10 cm", 10, "11.20"), ("15x15 cm", 10, "19.80")],
        ),
        (
            "wound-alginate",
            "Alginatbandage",
            "Alginate dressing",
            "04 48 06",
            [("10x10 cm", 10, "14.10")],
        ),
        (
            "wound-hydrocolloid",
            "Hydrokolloidbandage",
            "Hydrocolloid dressing",
            "04 48 09",
            [("10x10 cm", 10, "12.60"), ("20x20 cm", 5, "31.00")],
        ),
        ("wound-film", "Filmbandage", "Film dressing", "04 48 12", [("6x7 cm", 100, "1.90")]),
    ],
    "diabetes": [
        (
            "diab-strips",
            "Blodsukkerteststrimler",
            "Blood glucose test strips",
            "04 24 12",
            [("50 stk", 50, "2.15")],
        ),
        ("diab-lancets", "Lancetter", "Lancets", "04 24 12", [("100 stk", 100, "0.55")]),
        (
            "diab-needles",
            "Pennekanyler",
            "Pen needles",
            "04 19 09",
            [("4 mm", 100, "0.95"), ("6 mm", 100, "0.95")],
        ),
        ("diab-cgm", "CGM-sensor", "CGM sensor", "04 24 12", [("14 dage", 1, "412.00")]),
    ],
    "clinical_nutrition": [
        (
            "nutr-drink",
            "Ernæringsdrik",
            "Oral nutritional supplement",
            "04 03 27",
            [("200 ml", 24, "14.40")],
        ),
        ("nutr-tube", "Sondeernæring", "Tube feed", "04 03 27", [("500 ml", 12, "39.00")]),
        ("nutr-thickener", "Fortykningsmiddel", "Thickener", "04 03 27", [("225 g", 6, "74.00")]),
    ],
}


def urology_categories() -> list[CategoryDef]:
    return [CategoryDef(c, da, en, iso) for c, da, en, iso, _, _ in UROLOGY_LINES]


def urology_products() -> list[ProductDef]:
    out: list[ProductDef] = []
    for i, (code, name_da, _en, _iso, per, price) in enumerate(UROLOGY_LINES):
        supplier = _UROLOGY_SUPPLIERS[i % len(_UROLOGY_SUPPLIERS)]
        sizes = ["CH10", "CH12", "CH14"] if code.startswith("uro-cath") else [""]
        for size in sizes:
            out.append(
                ProductDef(
                    category=code,
                    name=f"{name_da}{', ' + size if size else ''}",
                    supplier=supplier,
                    manufacturer=dict((s[0], s[1].split()[0]) for s in SUPPLIERS)[supplier],
                    order_unit="box" if per > 1 else "piece",
                    pieces_per_unit=per,
                    price=Decimal(price),
                    size=size,
                )
            )
    return out


def other_categories(area: str) -> list[CategoryDef]:
    return [CategoryDef(c, da, en, iso) for c, da, en, iso, _ in OTHER_AREAS[area]]


def other_products(area: str) -> list[ProductDef]:
    out: list[ProductDef] = []
    suppliers = ["coloplast", "convatec", "bbraun"]
    for i, (code, name_da, _en, _iso, variants) in enumerate(OTHER_AREAS[area]):
        for size, per, price_text in variants:
            supplier = suppliers[i % len(suppliers)]
            out.append(
                ProductDef(
                    category=code,
                    name=f"{name_da}, {size}",
                    supplier=supplier,
                    manufacturer=dict((s[0], s[1].split()[0]) for s in SUPPLIERS)[supplier],
                    order_unit="box" if per > 1 else "piece",
                    pieces_per_unit=per,
                    price=Decimal(price_text),
                    size=size,
                )
            )
    return out


STOMA_PRODUCTS = _stoma_products()
