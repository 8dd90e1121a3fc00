"""The assortment page: every staff user sees the shared assortment, a supplier its own."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from forsyn.access.context import context_for_request
from forsyn.catalogue.selectors import product_list


@login_required
def product_list_view(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "")[:100]
    area = (request.GET.get("area") or "")[:40]
    qs = product_list(
        ctx=context_for_request(request), area=area or None, q=q or None
    ).select_related("supplier", "successor")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "catalogue/product_list.html", {"page": page, "q": q, "area": area})
