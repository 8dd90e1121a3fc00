"""The site's own pages: the front page (sends each role to where its work is) and the
accessibility statement."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from forsyn.access import policy
from forsyn.access.context import context_for_request


def home(request: HttpRequest) -> HttpResponse:
    ctx = context_for_request(request)
    if not ctx.is_authenticated:
        return redirect("login")
    if policy.is_portal_user(ctx):
        return redirect("portal:home")
    if policy.sees_personal_data(ctx):
        return redirect("citizen-search")
    if policy.may_use_economics(ctx):
        return redirect("economics:index")
    if policy.may_operate_warehouse(ctx):
        return redirect("fulfilment:home")
    return redirect("product-list")


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "site/accessibility.html")
