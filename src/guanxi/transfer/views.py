"""Import and export pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from guanxi.core.access import recorded_export
from guanxi.transfer import selectors, services, uploads
from guanxi.transfer.forms import ImportForm
from guanxi.transfer.kinds import KINDS
from guanxi.transfer.writers import csv_lines, download
from guanxi.web.utils import AuthedRequest, require, run_service


@require("transfer.import_data")
def import_list(request: AuthedRequest) -> HttpResponse:
    jobs = selectors.import_job_list(actor=request.user)[:50]
    return render(request, "transfer/import_list.html", {"jobs": jobs})


@require("transfer.import_data")
def import_create(request: AuthedRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = run_service(
            form,
            lambda: uploads.import_job_start(
                actor=request.user,
                kind=data["kind"],
                upload=data["file"],
                dry_run=data["dry_run"],
                skip_bad_rows=data["skip_bad_rows"],
                create_missing_customers=data["create_missing_customers"],
            ),
        )
        if job is not None:
            return redirect(job)
    kinds = {
        str(kind.label): [str(c.label) for c in kind.importer.columns] for kind in KINDS.values()
    }
    return render(request, "transfer/import_form.html", {"form": form, "kinds": kinds})


@require("transfer.import_data")
def import_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    job = services.import_job_progress(selectors.import_job_get(actor=request.user, pk=pk))
    partial = getattr(request, "htmx", False)
    template = "transfer/_import_status.html" if partial else "transfer/import_detail.html"
    return render(request, template, {"job": job})


@require("transfer.import_data")
def import_errors(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    job = selectors.import_job_get(actor=request.user, pk=pk)
    header = [_("Row"), _("Column"), _("Problem"), _("Kind")]
    rows = [[e["row"], e["column"], e["message"], _("Error")] for e in job.errors] + [
        [w["row"], w["column"], w["message"], _("Warning")] for w in job.warnings
    ]
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


@require("transfer.export_data")
def export(request: AuthedRequest, kind: str) -> HttpResponseBase:
    chosen = KINDS.get(kind)
    if chosen is None:
        messages.error(request, _("Nothing can be exported under that name."))
        return redirect("home")
    services.check_export(request.user, chosen)
    try:
        header, rows = chosen.export(request.user, request.GET)
    except ValidationError as error:
        # A filter with a bad value (edited by hand): back to the list, saying which.
        messages.error(request, " ".join(error.messages))
        back = request.headers.get("referer", "")
        safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
        return redirect(back if safe else "home")
    rows = recorded_export(
        request.user, kind, rows, detail=request.GET.urlencode(), request=request
    )
    return download(kind, header, rows, request.GET.get("format", "csv"))
