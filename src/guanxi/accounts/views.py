"""Pages for users, teams and one's own API tokens."""

import math
from datetime import datetime, time

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from guanxi.accounts import selectors, services, sessions
from guanxi.accounts.forms import (
    ApiTokenForm,
    SetPasswordForm,
    TeamForm,
    UserCreateForm,
    UserEditForm,
)
from guanxi.accounts.signin import locked_for
from guanxi.accounts.tables import TeamTable, UserTable
from guanxi.core.selectors import audit_for_record
from guanxi.web.utils import AuthedRequest, require, run_service

PAGE_SIZE = 25
TEAM_NOTE = gettext_lazy("A supervisor joins the team they lead.")


@require("accounts.view_user")
def user_list(request: AuthedRequest) -> HttpResponse:
    filterset = selectors.user_filters(actor=request.user, data=request.GET)
    filters = filterset.form
    table = UserTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(request, "accounts/user_list.html", {"filters": filters, "table": table})


@require("accounts.view_user")
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    context = {
        "person": user,
        "history": audit_for_record(instance=user)[:50],
        "locked_minutes": math.ceil(locked_for(user.username) / 60),
    }
    return render(request, "accounts/user_detail.html", context)


@require_POST
@require(services.MANAGE_USERS)
def user_unlock(request: AuthedRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    services.user_unlock(actor=request.user, user=user)
    messages.success(request, _("%(name)s may sign in again.") % {"name": user})
    return redirect(user)


@require(services.MANAGE_USERS)
def user_create(request: AuthedRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = run_service(
            form, lambda: services.user_create(actor=request.user, **form.cleaned_data)
        )
        if user is not None:
            messages.success(request, _("User %(name)s was created.") % {"name": user})
            return redirect(user)
    context = {"form": form, "title": _("New user"), "back": reverse("user-list")}
    return render(request, "web/form.html", context)


@require(services.MANAGE_USERS)
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    form = UserEditForm(
        request.POST or None, instance=selectors.user_get(actor=request.user, pk=pk)
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        updated = run_service(
            form, lambda: services.user_update(actor=request.user, user=user, **changes)
        )
        if updated is not None:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": updated})
            return redirect(updated)
    context = {
        "form": form,
        "title": _("Edit %(name)s") % {"name": user},
        "back": user.get_absolute_url(),
    }
    return render(request, "web/form.html", context)


@require(services.MANAGE_USERS)
def user_password(request: AuthedRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.user_reset_password(
                actor=request.user, user=user, password=form.cleaned_data["password"]
            ),
        )
        if done is not None:
            messages.success(request, _("The password of %(name)s was reset.") % {"name": user})
            return redirect(user)
    context = {
        "form": form,
        "title": _("Reset the password of %(name)s") % {"name": user},
        "back": user.get_absolute_url(),
    }
    return render(request, "web/form.html", context)


@require("accounts.view_team")
def team_list(request: AuthedRequest) -> HttpResponse:
    table = TeamTable(selectors.team_list(actor=request.user))
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    return render(request, "accounts/team_list.html", {"table": table})


@require("accounts.view_team")
def team_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(actor=request.user, pk=pk)
    members = selectors.visible_users(request.user).filter(team_id=team.pk)
    context = {"team": team, "members": members, "history": audit_for_record(instance=team)[:50]}
    return render(request, "accounts/team_detail.html", context)


@require(services.MANAGE_USERS)
def team_create(request: AuthedRequest) -> HttpResponse:
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = run_service(
            form, lambda: services.team_create(actor=request.user, **form.cleaned_data)
        )
        if team is not None:
            messages.success(request, _("Team %(name)s was created.") % {"name": team})
            return redirect(team)
    context = {
        "form": form,
        "title": _("New team"),
        "back": reverse("team-list"),
        "note": TEAM_NOTE,
    }
    return render(request, "web/form.html", context)


@require(services.MANAGE_USERS)
def team_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get(actor=request.user, pk=pk)
    form = TeamForm(request.POST or None, instance=selectors.team_get(actor=request.user, pk=pk))
    if request.method == "POST" and form.is_valid():
        updated = run_service(
            form, lambda: services.team_update(actor=request.user, team=team, **form.cleaned_data)
        )
        if updated is not None:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": updated})
            return redirect(updated)
    context = {
        "form": form,
        "title": _("Edit %(name)s") % {"name": team},
        "back": team.get_absolute_url(),
        "note": TEAM_NOTE,
    }
    return render(request, "web/form.html", context)


@require()
def token_list(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        expires_on = form.cleaned_data["expires_on"]
        expires_at = (
            timezone.make_aware(datetime.combine(expires_on, time.max)) if expires_on else None
        )
        result = run_service(
            form,
            lambda: services.api_token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=expires_at
            ),
        )
        if result is not None:
            created = result[1]
            form = ApiTokenForm()
    tokens = selectors.api_token_list(actor=request.user)
    context = {"form": form, "tokens": tokens, "created": created}
    return render(request, "accounts/token_list.html", context, status=200)


@require()
@require_POST
def token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = selectors.api_token_get(actor=request.user, pk=pk)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("token-list")


@require()
def session_list(request: AuthedRequest) -> HttpResponse:
    """Where you are signed in; sign any browser out."""
    found = sessions.session_list(actor=request.user)
    context = {"sessions": found, "current": request.session.session_key}
    return render(request, "accounts/session_list.html", context)


@require_POST
@require()
def session_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    revoked = sessions.session_revoke(actor=request.user, pk=pk)
    if revoked.session_key == request.session.session_key:
        return redirect("login")
    messages.success(request, _("That browser was signed out."))
    return redirect("session-list")
