"""Errors as RFC 9457 ``application/problem+json``, field by field, in the user's language.

Pydantic's messages are English only, so each error type maps to a translated sentence.
"""

import json
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PARAM_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def problem(
    status: int,
    title: str,
    detail: str = "",
    *,
    kind: str,
    errors: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"urn:guanxi:problem:{kind}",
        "title": title,
        "status": status,
        "detail": detail or title,
    }
    if errors is not None:
        body["errors"] = errors
    body.update(extra or {})
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def _pydantic_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    messages = {
        "missing": _("This field is required."),
        "string_type": _("Enter text."),
        "int_type": _("Enter a whole number."),
        "int_parsing": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "float_type": _("Enter a number."),
        "float_parsing": _("Enter a number."),
        "bool_type": _("Enter true or false."),
        "bool_parsing": _("Enter true or false."),
        "datetime_type": _("Enter a date and time, such as 2026-12-31T18:00:00+08:00."),
        "datetime_parsing": _("Enter a date and time, such as 2026-12-31T18:00:00+08:00."),
        "datetime_from_date_parsing": _(
            "Enter a date and time, such as 2026-12-31T18:00:00+08:00."
        ),
        "date_type": _("Enter a date, such as 2026-12-31."),
        "date_parsing": _("Enter a date, such as 2026-12-31."),
        "date_from_datetime_parsing": _("Enter a date, such as 2026-12-31."),
        "json_invalid": _("The request body is not valid JSON."),
        "model_attributes_type": _("Send a JSON object."),
        "dict_type": _("Send a JSON object."),
        "list_type": _("Send a list."),
        "extra_forbidden": _("This field is not accepted here."),
    }
    if kind in messages:
        return messages[kind]
    if kind in {"string_too_long", "string_too_short"}:
        # The words of the model's own length rule, which forms and imports report.
        limit = ctx.get("max_length", ctx.get("min_length"))
        validator = MaxLengthValidator if kind == "string_too_long" else MinLengthValidator
        try:
            validator(limit)(str(error.get("input", "")))
        except DjangoValidationError as length_error:
            return length_error.messages[0]
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        return _("Enter a value of at least %(limit)s.") % {"limit": limit}
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        return _("Enter a value of at most %(limit)s.") % {"limit": limit}
    if kind in {"enum", "literal_error"}:
        return _("Choose one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind == "value_error":
        return str(ctx.get("error") or error.get("msg", "")).removeprefix("Value error, ")
    return str(error.get("msg", _("This value is not valid.")))


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "payload", "team")`` → ``team``; ``("query", "page")`` → ``page``."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in PARAM_SOURCES:
        source, rest = parts[0], parts[1:]
        # Body schemas come wrapped in the view's parameter name ("payload").
        if source == "body" and len(rest) > 1:
            rest = rest[1:]
        elif source == "body":
            return "body"
        parts = rest
    return ".".join(parts) or "body"


def validation_errors_from_pydantic(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"field": _field_name(error.get("loc", ())), "message": _pydantic_message(error)}
        for error in errors
    ]


def validation_errors_from_django(error: DjangoValidationError) -> list[dict[str, str]]:
    if not hasattr(error, "error_dict"):
        return [{"field": "__all__", "message": message} for message in error.messages]
    return [
        {"field": field, "message": message}
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def validation_problem(errors: list[dict[str, str]]) -> HttpResponse:
    return problem(
        422,
        _("The data you sent is not valid."),
        "; ".join(f"{error['field']}: {error['message']}" for error in errors),
        kind="validation",
        errors=errors,
    )


def register_handlers(api: Any) -> None:
    """Every error the API can raise, mapped to its problem document."""

    @api.exception_handler(NinjaValidationError)
    def on_ninja_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return validation_problem(validation_errors_from_pydantic(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return validation_problem(validation_errors_from_django(exc))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem(
            401,
            _("Authentication required."),
            _("Sign in, or send a valid token as “Authorization: Bearer <token>”."),
            kind="unauthenticated",
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(PermissionDenied)
    def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(403, _("Permission denied."), str(exc), kind="forbidden")

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(404, _("Not found."), str(exc), kind="not-found")

    @api.exception_handler(ObjectDoesNotExist)
    def on_missing(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return problem(404, _("Not found."), kind="not-found")

    @api.exception_handler(OverflowError)
    def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # A number beyond what the database stores (an id of 30 digits): nothing can match it.
        return problem(
            422,
            _("The data you sent is not valid."),
            _("A number in the request is too large."),
            kind="validation",
        )

    @api.exception_handler(DataError)
    def on_out_of_range(request: HttpRequest, exc: DataError) -> HttpResponse:
        # A value the database column cannot hold (PostgreSQL: "integer out of range").
        return problem(
            422,
            _("The data you sent is not valid."),
            _("A value in the request is out of range."),
            kind="validation",
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, exc.message, kind="http")
