from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from guanxi.accounts.models import User
from guanxi.transfer.models import ImportJob


def import_job_list(*, actor: User) -> QuerySet[ImportJob]:
    """Each person sees the imports they started; administrators see all."""
    jobs = ImportJob.objects.select_related("started_by")
    if actor.is_superuser or actor.role == "administrator":
        return jobs
    return jobs.filter(started_by=actor)


def import_job_get(*, actor: User, pk: int) -> ImportJob:
    job = import_job_list(actor=actor).filter(pk=pk).first()
    if job is None:
        raise Http404(_("No such import."))
    return job
