import pytest
from django.test import Client
from tests.fulfilment.flow import flow_world, order, stock, scan_of, NOW, CUTOFF
from forsyn.fulfilment.models import PickLine, Parcel, Wave
pytestmark = pytest.mark.django_db

def test_smoke(django_capture_on_commit_callbacks):
    fl = flow_world(); w = fl.w
    stock(fl, (w.bag, "B1", "270930", 300), (w.plate, "P1", "280229", 100), bins={"B1": "B-07", "P1": "A-01"})
    order(fl, fl.karen, {w.bag: 60}, placed=NOW.replace(year=2025))
    order(fl, fl.karen, {w.plate: 10}, hole=25, placed=NOW.replace(year=2025))
    c = Client(); c.force_login(fl.operator)
    r = c.get("/lager/"); assert r.status_code == 200, r.content.decode()[:3000]
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/lager/", {"warehouse": "FSC"})
    print(r.status_code, r.get("Location"))
    wave = Wave.objects.get()
    for url in ["/lager/boelger/%d/" % wave.pk, "/lager/boelger/%d/pluk/" % wave.pk, "/lager/boelger/%d/hulklip/" % wave.pk, "/lager/boelger/%d/pak/" % wave.pk, "/lager/boelger/%d/send/" % wave.pk, "/lager/modtag/", "/lager/retur/"]:
        r = c.get(url); assert r.status_code == 200, (url, r.content.decode()[:3000])
    for line in PickLine.objects.order_by("sequence"):
        r = c.post("/lager/boelger/%d/pluk/" % wave.pk, {"pick_line": line.pk, "scan": scan_of(line.lot), "quantity": line.quantity}, headers={"HX-Request": "true"})
        assert r.status_code == 200, r.content.decode()[:2000]
    print(r.content.decode())
    from forsyn.fulfilment.models import HoleCutTask
    t = HoleCutTask.objects.get()
    r = c.post("/lager/boelger/%d/hulklip/" % wave.pk, {"task": t.pk, "pieces": 10}); assert r.status_code == 302
    r = c.post("/lager/boelger/%d/pak/" % wave.pk, {}); assert r.status_code == 302
    p = Parcel.objects.get()
    r = c.get("/lager/pakker/%d/label.pdf" % p.pk); assert r.status_code == 200 and r.content[:4] == b"%PDF"
    r = c.get("/lager/pakker/%d/foelgeseddel.pdf" % p.pk); assert r.status_code == 200
    r = c.post("/lager/boelger/%d/send/" % wave.pk, {"parcel": p.pk}); assert r.status_code == 302
    r = c.get("/lager/boelger/%d/send/" % wave.pk); print(r.content.decode()[-2500:])
