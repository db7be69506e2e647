"""Pages for users, teams, one's own API tokens, sessions and two-factor sign-in."""

import math
import time as clock
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from guanxi.accounts import selectors, services, sessions, twofactor
from guanxi.accounts.forms import (
    ApiTokenForm,
    CodeForm,
    SetPasswordForm,
    SignInForm,
    TeamForm,
    TwoFactorPolicyForm,
    UserCreateForm,
    UserEditForm,
)
from guanxi.accounts.models import User
from guanxi.accounts.signin import SignInLocked, locked_for, second_factor
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
        "two_factor": twofactor.is_enrolled(user),
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


# --- Signing in with a second factor --------------------------------------------------------

PENDING_KEY = "guanxi_2fa_pending"
PENDING_SECONDS = 300


class SignInView(LoginView):
    """The password step. A user with two-factor sign-in is not signed in yet: the session
    remembers who passed it (for ``PENDING_SECONDS``) and the code step finishes."""

    template_name = "web/login.html"
    redirect_authenticated_user = True
    authentication_form = SignInForm

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        user = form.get_user()
        if not twofactor.is_enrolled(user):
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[0]),
            "at": clock.time(),
            "next": self.get_redirect_url(),
        }
        return redirect("signin-code")


def signin_code(request: Any) -> HttpResponse:
    """The code step: the app's 6-digit code or a recovery code."""
    pending = request.session.get(PENDING_KEY)
    user = None
    if pending and clock.time() - pending["at"] <= PENDING_SECONDS:
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        messages.error(
            request, _("Sign in again: give the code within five minutes of your password.")
        )
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            used = second_factor(request, user, form.cleaned_data["code"])
        except SignInLocked as error:
            form.add_error("code", str(error))
        else:
            if used is None:
                form.add_error("code", twofactor.invalid_code_message())
            else:
                return _finish_sign_in(request, user, pending, recovery=used == "recovery")
    return render(request, "accounts/signin_code.html", {"form": form})


def _finish_sign_in(
    request: Any, user: User, pending: dict[str, Any], *, recovery: bool
) -> HttpResponse:
    del request.session[PENDING_KEY]
    auth_login(request, user, backend=pending["backend"])
    twofactor.session_mark(request, user, verified=True)
    if recovery:
        left = twofactor.recovery_codes_left(user)
        messages.warning(
            request,
            ngettext(
                "You signed in with a recovery code; %(count)d is left. Make new ones under "
                "Two-factor sign-in.",
                "You signed in with a recovery code; %(count)d are left. Make new ones under "
                "Two-factor sign-in.",
                left,
            )
            % {"count": left},
        )
    target = pending.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse(settings.LOGIN_REDIRECT_URL)
    return HttpResponseRedirect(target or reverse(settings.LOGIN_REDIRECT_URL))


# --- One's own two-factor sign-in ----------------------------------------------------------


def _code_action(request: AuthedRequest, action: str, call: Any) -> tuple[CodeForm, Any]:
    """Run a two-factor change that needs a code; a refusal shows on the code field."""
    form = CodeForm(request.POST, auto_id=f"{action}-%s")
    if not form.is_valid():
        return form, None
    return form, run_service(form, lambda: call(form.cleaned_data["code"]))


TWO_FACTOR_ACTIONS = {
    "confirm": (twofactor.enrol_confirm, gettext_lazy("Two-factor sign-in is on.")),
    "renew": (
        twofactor.recovery_codes_renew,
        gettext_lazy("Your old recovery codes no longer work."),
    ),
    "disable": (twofactor.disable, gettext_lazy("Two-factor sign-in is off.")),
}


@require()
def two_factor(request: AuthedRequest) -> HttpResponse:
    """Set up, review or turn off two-factor sign-in."""
    user = request.user
    forms = {name: CodeForm(auto_id=f"{name}-%s") for name in TWO_FACTOR_ACTIONS}
    context: dict[str, Any] = {"required": twofactor.is_required(user), "forms": forms}
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action in TWO_FACTOR_ACTIONS:
        service, done_message = TWO_FACTOR_ACTIONS[action]
        form, codes = _code_action(request, action, lambda code: service(user=user, code=code))
        if form.errors:
            forms[action] = form
        else:
            twofactor.session_mark(request, user, verified=action != "disable")
            messages.success(request, str(done_message))
            if action == "disable":
                return redirect("two-factor")
            context["recovery_codes"] = codes
    enrolled = twofactor.is_enrolled(user)
    context["enrolled"] = enrolled
    if enrolled:
        context["codes_left"] = twofactor.recovery_codes_left(user)
    else:
        device = twofactor.totp_device(user, confirmed=False)
        if device is None:
            device = twofactor.enrol_start(user=user)
        context["secret"] = twofactor.secret(device)
        context["qr"] = twofactor.qr_svg(device)
    return render(request, "accounts/two_factor.html", context)


@require_POST
@require(services.MANAGE_USERS)
def user_two_factor_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    user = selectors.user_get(actor=request.user, pk=pk)
    try:
        twofactor.reset(actor=request.user, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Two-factor sign-in of %(name)s was reset.") % {"name": user})
    return redirect(user)


@require(services.MANAGE_USERS)
def security(request: AuthedRequest) -> HttpResponse:
    """Which roles must use two-factor sign-in, and how many of their users have set it up."""
    initial = {"roles": sorted(twofactor.required_roles())}
    form = TwoFactorPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: twofactor.policy_set(actor=request.user, roles=form.cleaned_data["roles"]),
        )
        if done is not None:
            messages.success(request, _("The two-factor policy was saved."))
            return redirect("security")
    return render(
        request, "accounts/security.html", {"form": form, "roles": twofactor.policy_table()}
    )
