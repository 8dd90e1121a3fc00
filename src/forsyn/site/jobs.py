"""Job runs page: what ran, who started it, how far it got, and how it ended."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from forsyn.access import policy
from forsyn.access.context import context_for_request
from forsyn.core.models import JobRun


@login_required
def job_runs_view(request: HttpRequest) -> HttpResponse:
    ctx = context_for_request(request)
    if not policy.may_view_job_runs(ctx):
        raise PermissionDenied
    runs = JobRun.objects.select_related("started_by").order_by("-created_at", "-pk")
    if not policy.may_view_all_job_runs(ctx):
        runs = runs.filter(started_by_id=ctx.user_id)
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    return render(request, "site/job_runs.html", {"page": page})


@login_required
def job_run_view(request: HttpRequest, run_id: int) -> HttpResponse:
    """One run's row; htmx polls it while the run is queued or running."""
    ctx = context_for_request(request)
    runs = JobRun.objects.select_related("started_by").filter(pk=run_id)
    if not policy.may_view_all_job_runs(ctx):
        runs = runs.filter(started_by_id=ctx.user_id)
    run = runs.first()
    if run is None or not policy.may_view_job_runs(ctx):
        raise Http404
    return render(request, "site/_job_run.html", {"run": run})
