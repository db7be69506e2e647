"""Activity pages: my day, the month calendar, the activity form, the calendar feed, and the
notification bell."""

import calendar
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from icalendar import Alarm, Calendar, Event

from guanxi.accounts.selectors import colleagues
from guanxi.core.models import Notification
from guanxi.core.notifications import mark_read
from guanxi.customers.selectors import customer_get
from guanxi.sales import selectors, services
from guanxi.sales.forms import ActivityForm
from guanxi.web.utils import AuthedRequest, require, run_service


@require("sales.view_activity")
def my_day(request: AuthedRequest) -> HttpResponse:
    return render(request, "sales/my_day.html", {"day": selectors.my_day(actor=request.user)})


@require("sales.view_activity")
def activity_calendar(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        first = date(year, month, 1)
    except ValueError:
        raise Http404(_("No such month.")) from None
    members = colleagues(request.user)
    assignee = request.GET.get("assignee", "")
    chosen = int(assignee) if assignee.isdigit() and members.filter(pk=assignee).exists() else None
    activities = selectors.month_activities(
        actor=request.user, year=year, month=month, assignee=chosen
    )
    by_day: dict[date, list[Any]] = {}
    for activity in activities:
        by_day.setdefault(timezone.localtime(activity.due_at).date(), []).append(activity)
    weeks = [
        [{"day": day, "in_month": day.month == month, "items": by_day.get(day, [])} for day in week]
        for week in calendar.Calendar().monthdatescalendar(year, month)
    ]
    previous = first - timedelta(days=1)
    following = first + timedelta(days=32)
    context = {
        "weeks": weeks,
        "month": first,
        "today": today,
        "previous": previous.replace(day=1),
        "following": following.replace(day=1),
        "members": members if members.count() > 1 else [],
        "assignee": chosen,
    }
    return render(request, "sales/calendar.html", context)


def _links(request: AuthedRequest) -> dict[str, Any]:
    """The customer or opportunity a new activity belongs to, from the query string."""
    links: dict[str, Any] = {}
    if request.GET.get("customer", "").isdigit():
        links["customer"] = customer_get(actor=request.user, pk=int(request.GET["customer"]))
    if request.GET.get("opportunity", "").isdigit():
        links["opportunity"] = selectors.opportunity_get(
            actor=request.user, pk=int(request.GET["opportunity"])
        )
    return links


@require("sales.add_activity")
def activity_create(request: AuthedRequest) -> HttpResponse:
    links = _links(request)
    form = ActivityForm(
        request.POST or None,
        actor=request.user,
        initial={"assignee": request.user.pk, "kind": request.GET.get("kind", "todo")},
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        assignee = values.pop("assignee", None)
        created = run_service(
            form,
            lambda: services.activity_create(
                actor=request.user, assignee=assignee, **links, **values
            ),
        )
        if created:
            messages.success(
                request, _("“%(subject)s” was planned.") % {"subject": created.subject}
            )
            target = links.get("opportunity") or links.get("customer")
            return redirect(target or "my-day")
    about = links.get("opportunity") or links.get("customer")
    title = _("New activity for %(name)s") % {"name": about} if about else _("New activity")
    return render(
        request, "web/form.html", {"form": form, "title": title, "back": reverse("my-day")}
    )


@require("sales.view_activity")
def activity_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(actor=request.user, pk=pk)
    form = ActivityForm(
        request.POST or None,
        actor=request.user,
        instance=activity,
        initial={"assignee": activity.assignee_id},
    )
    if request.method == "POST":
        if not request.user.has_perm("sales.change_activity"):
            raise PermissionDenied
        if form.is_valid():
            values = dict(form.cleaned_data)
            assignee = values.pop("assignee", None)
            saved = run_service(
                form,
                lambda: services.activity_update(
                    actor=request.user, activity=activity, assignee=assignee, **values
                ),
            )
            if saved:
                messages.success(request, _("Changes to %(name)s were saved.") % {"name": saved})
                return redirect("my-day")
    context = {
        "form": form,
        "title": activity.subject,
        "back": reverse("my-day"),
        "note": _("Done at %(when)s.") % {"when": timezone.localtime(activity.done_at)}
        if activity.done_at
        else "",
        "delete_url": (
            reverse("activity-delete", args=[activity.pk])
            if request.user.has_perm("sales.delete_activity")
            else ""
        ),
    }
    return render(request, "web/form.html", context)


@require("sales.change_activity")
@require_POST
def activity_done(request: AuthedRequest, pk: int) -> HttpResponse:
    """Tick an activity off (or reopen it); from HTMX the row answers for itself."""
    activity = selectors.activity_get(actor=request.user, pk=pk)
    try:
        activity = services.activity_complete(
            actor=request.user,
            activity=activity,
            outcome=request.POST.get("outcome", ""),
            done=request.POST.get("done", "1") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.headers.get("HX-Request"):
        activity = selectors.activity_get(actor=request.user, pk=pk)
        return render(request, "sales/_activity_row.html", {"activity": activity})
    return redirect(request.POST.get("next") or "my-day")


@require("sales.delete_activity")
@require_POST
def activity_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get(actor=request.user, pk=pk)
    services.activity_delete(actor=request.user, activity=activity)
    messages.success(request, _("“%(subject)s” was deleted.") % {"subject": activity.subject})
    return redirect("my-day")


@require("sales.view_activity")
def calendar_feed(request: AuthedRequest) -> HttpResponse:
    """Create (or replace) and revoke the secret iCalendar address."""
    token = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(actor=request.user)
            messages.success(request, _("The calendar address was revoked."))
            return redirect("calendar-feed")
        token = services.calendar_feed_create(actor=request.user)
    feed = getattr(request.user, "calendar_feed", None)
    url = request.build_absolute_uri(reverse("calendar-ics", args=[token])) if token else ""
    return render(request, "sales/calendar_feed.html", {"feed": feed, "url": url})


def calendar_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed Outlook and Google Calendar subscribe to; the token is the only key."""
    user = selectors.feed_user(token)
    if user is None:
        raise Http404
    cal = Calendar()
    cal.add("prodid", "-//Guanxi CRM//guanxi//")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Guanxi · {user}")
    base = request.build_absolute_uri("/").rstrip("/")
    for activity in selectors.feed_activities(user):
        event = Event()
        event.add("uid", f"activity-{activity.pk}@guanxi")
        event.add("dtstamp", activity.updated_at)
        event.add("dtstart", activity.due_at)
        event.add("dtend", activity.due_at + timedelta(minutes=activity.duration_minutes or 0))
        event.add("summary", f"[{activity.get_kind_display()}] {activity.subject}")
        details = [activity.notes]
        if activity.customer:
            details.append(str(activity.customer.name))
        event.add("description", "\n".join(part for part in details if part))
        event.add("url", base + activity.get_absolute_url())
        event.add("status", "COMPLETED" if activity.done_at else "CONFIRMED")
        if activity.remind_minutes is not None and not activity.done_at:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", activity.subject)
            alarm.add("trigger", timedelta(minutes=-activity.remind_minutes))
            event.add_component(alarm)
        cal.add_component(event)
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="guanxi.ics"'
    return response


@require()
def notification_list(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        mark_read(user=request.user)
        return redirect("notification-list")
    items = Notification.objects.filter(user=request.user)[:100]
    return render(request, "sales/notifications.html", {"items": items})


@require()
def notification_badge(request: AuthedRequest) -> HttpResponse:
    """The bell's count, fetched by HTMX so ordinary pages pay no query for it."""
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "sales/_bell.html", {"unread": unread})


@require()
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = Notification.objects.filter(user=request.user, pk=pk).first()
    if notification is None:
        raise Http404
    mark_read(user=request.user, ids=[pk])
    return redirect(notification.url or "notification-list")
