import django_tables2 as tables
from django.apps import apps
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from guanxi.core.models import AccessEntry, AuditEntry


class AuditTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i:s")
    actor = tables.Column(verbose_name=_("Changed by"), default="—", orderable=False)
    action = tables.Column(verbose_name=_("Action"), orderable=False)
    model = tables.Column(verbose_name=_("Record type"), orderable=False)
    object_repr = tables.Column(verbose_name=_("Record"), orderable=False)
    changes = tables.Column(verbose_name=_("Changes"), orderable=False)

    class Meta:
        model = AuditEntry
        fields = ["at", "actor", "action", "model", "object_repr", "changes"]
        attrs = {"class": "table table-sm align-top"}
        empty_text = _("No changes match.")

    def render_model(self, value: str) -> str:
        try:
            return str(apps.get_model(value)._meta.verbose_name)
        except LookupError:
            return value

    def render_changes(self, record: AuditEntry) -> str:
        return render_to_string("core/_changes.html", {"entry": record})


class AccessTable(tables.Table):
    at = tables.DateTimeColumn(verbose_name=_("Time"), format="Y-m-d H:i:s")
    actor = tables.Column(verbose_name=_("Seen by"), default="—", orderable=False)
    action = tables.Column(verbose_name=_("Action"), orderable=False)
    model = tables.Column(verbose_name=_("Record type"), orderable=False)
    object_repr = tables.Column(verbose_name=_("Record"), default="—", orderable=False)
    rows = tables.Column(verbose_name=_("Rows"), default="", orderable=False)
    detail = tables.Column(verbose_name=_("Detail"), default="", orderable=False)
    address = tables.Column(verbose_name=_("Address"), default="", orderable=False)

    class Meta:
        model = AccessEntry
        fields = ["at", "actor", "action", "model", "object_repr", "rows", "detail", "address"]
        attrs = {"class": "table table-sm align-top", "id": "access-table"}
        empty_text = _("Nobody's reading matches.")

    def render_model(self, value: str) -> str:
        try:
            return str(apps.get_model(value)._meta.verbose_name)
        except (LookupError, ValueError):
            return value
