"""The shell around every module: home page, language switch, password change."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guanxi.accounts import selectors as account_selectors
from guanxi.accounts.services import user_set_language
from guanxi.analytics import selectors as analytics_selectors
from guanxi.core import privacy
from guanxi.core.roles import data_scope
from guanxi.service import selectors as service_selectors
from guanxi.web.utils import AuthedRequest, require


@require()
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    teammates = (
        account_selectors.colleagues(user).filter(team_id=user.team_id) if user.team_id else []
    )
    context = {"scope": data_scope(user), "teammates": teammates}
    if user.has_perm("service.change_servicerequest"):
        # Who works the service desk lands on what needs doing there.
        context["service_queues"] = service_selectors.queue_counts(actor=user)
    if user.has_perm("analytics.manage_churn"):
        # Account managers and supervisors see at once how many customers are slipping away.
        context["churn"] = analytics_selectors.churn_counts(actor=user)
    return render(request, "web/home.html", context)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the language; signed-in users keep it across devices, everyone keeps a cookie."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


@require()
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return HttpResponseRedirect("/")
    return render(request, "web/password_change.html", {"form": form})


@require_POST
@require()
def personal_reveal(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    """One masked personal value shown in full (the *Show* button), recorded in who saw. The
    record is loaded through its app's scoped selector: 404 for one the user may not see."""
    field = request.GET.get("field", "")
    instance = privacy.record_for(request.user, kind, pk)
    try:
        values = privacy.reveal(
            actor=request.user, instance=instance, fields=[field], request=request
        )
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    return render(request, "web/_revealed.html", {"field": field, "value": values[field]})
