import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from guanxi.accounts.models import Team, User


class UserTable(tables.Table):
    display_name = tables.Column(
        verbose_name=_("Name"), linkify=True, order_by=("last_name", "first_name")
    )
    username = tables.Column(verbose_name=_("Username"))
    role = tables.Column(verbose_name=_("Role"))
    team = tables.Column(verbose_name=_("Team"), order_by=("team__name",))
    is_active = tables.Column(verbose_name=_("Status"))
    last_login = tables.DateTimeColumn(verbose_name=_("Last sign-in"), format="Y-m-d H:i")

    class Meta:
        model = User
        fields = ["display_name", "username", "role", "team", "is_active", "last_login"]
        attrs = {"class": "table table-hover align-middle text-nowrap"}
        empty_text = _("No users match.")

    def render_is_active(self, value: bool) -> str:
        if value:
            return format_html('<span class="badge text-bg-success">{}</span>', _("Active"))
        return format_html('<span class="badge text-bg-secondary">{}</span>', _("Inactive"))


class TeamTable(tables.Table):
    name = tables.Column(verbose_name=_("Name"), linkify=True)
    supervisor = tables.Column(verbose_name=_("Supervisor"), order_by=("supervisor__last_name",))
    member_count = tables.Column(verbose_name=_("Members"))
    created_at = tables.DateTimeColumn(verbose_name=_("Created"), format="Y-m-d")

    class Meta:
        model = Team
        fields = ["name", "supervisor", "member_count", "created_at"]
        attrs = {"class": "table table-hover align-middle text-nowrap"}
        empty_text = _("No teams yet.")
