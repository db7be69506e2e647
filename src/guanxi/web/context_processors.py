from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (URL name, label, Bootstrap icon, permission needed or None, URL names that mark it active)
NAVIGATION = [
    ("home", _("Home"), "house", None, {"home"}),
    (
        "customer-list",
        _("Customers"),
        "buildings",
        "customers.view_customer",
        {"customer-", "contact-", "interaction-"},
    ),
    (
        "opportunity-board",
        _("Pipeline"),
        "kanban",
        "sales.view_opportunity",
        {"opportunity-", "plan-step-", "sales-dashboard"},
    ),
    (
        "my-day",
        _("My day"),
        "calendar-check",
        "sales.view_activity",
        {"my-day", "activity-", "calendar-"},
    ),
    (
        "service-request-list",
        _("Service"),
        "headset",
        "service.view_servicerequest",
        {"service-request-", "service-dashboard", "callback-"},
    ),
    ("order-list", _("Orders"), "receipt", "orders.view_order", {"order-"}),
    (
        "analytics-dashboard",
        _("Analytics"),
        "graph-up",
        "analytics.view_reports",
        {
            "analytics-dashboard",
            "analytics-report",
            "analytics-segments",
            "analytics-lifecycle",
            "lifecycle-",
            "churn-",
            "improvement-",
        },
    ),
    ("product-list", _("Products"), "box-seam", "catalog.view_product", {"product-"}),
    ("stock-list", _("Stock"), "boxes", "catalog.view_stockitem", {"stock-", "warehouse-"}),
    ("import-list", _("Imports"), "upload", "transfer.import_data", {"import-"}),
]
# Set-up pages, under one "Administration" menu so the bar stays on one line.
ADMIN_NAVIGATION = [
    ("user-list", _("Users"), "people", "accounts.view_user", {"user-"}),
    ("team-list", _("Teams"), "diagram-3", "accounts.view_team", {"team-"}),
    ("security", _("Security"), "shield-lock", "accounts.manage_users", {"security"}),
    (
        "dictionary",
        _("Data dictionary"),
        "journal-text",
        "core.view_dictitem",
        {"dictionary", "dictionary-", "dict-"},
    ),
    (
        "communication-targets",
        _("Communication targets"),
        "chat-dots",
        "customers.change_communicationtarget",
        {"communication-targets"},
    ),
    (
        "sales-setup",
        _("Sales set-up"),
        "sliders",
        "sales.manage_pipeline",
        {"sales-setup", "stage-", "lead-form-", "assignment-rule-"},
    ),
    (
        "service-setup",
        _("Service set-up"),
        "stopwatch",
        "service.manage_service",
        {"service-setup", "service-settings", "sla-policy-", "business-calendar-", "intake-form-"},
    ),
    (
        "analytics-settings",
        _("Analytics set-up"),
        "graph-up-arrow",
        "analytics.refresh_analytics",
        {"analytics-settings", "analytics-refresh"},
    ),
    ("audit-search", _("Audit trail"), "clock-history", "core.view_auditentry", {"audit-"}),
    (
        "privacy-search",
        _("Personal data requests"),
        "person-lock",
        "core.manage_personal_data",
        {"privacy-"},
    ),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries this user may open, with the current one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else ""

    def entries(items: list) -> list[dict[str, Any]]:
        visible = []
        for url_name, label, icon, perm, prefixes in items:
            if perm and not user.has_perm(perm):
                continue
            active = any(
                current == p or (p.endswith("-") and current.startswith(p)) for p in prefixes
            )
            visible.append(
                {"url": reverse(url_name), "label": label, "icon": icon, "active": active}
            )
        return visible

    admin = entries(ADMIN_NAVIGATION)
    return {
        "navigation": entries(NAVIGATION),
        "admin_navigation": admin,
        "admin_active": any(entry["active"] for entry in admin),
    }
