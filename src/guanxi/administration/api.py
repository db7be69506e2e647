"""The data dictionary, audit trail and personal data request API."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from guanxi.api.filters import query_schema
from guanxi.api.pagination import PageNumberPagination, apply_ordering
from guanxi.core import selectors, services, subjects
from guanxi.core.errors import require_perm
from guanxi.core.filters import AccessFilterSet, AuditFilterSet
from guanxi.core.models import AccessEntry, AuditEntry, DictCategory, DictItem, PrivacyRequest
from guanxi.customers.privacy import find_people

router = Router(tags=["dictionary"])


class DictItemOut(Schema):
    id: int
    code: str
    label: str
    label_en: str
    label_zh: str
    order: int
    active: bool
    editable: bool


class DictCategoryOut(Schema):
    code: str
    label: str
    label_en: str
    label_zh: str
    editable: bool
    items: list[DictItemOut]

    @staticmethod
    def resolve_items(category: DictCategory) -> list[DictItem]:
        return list(category.items.all())


class DictItemIn(Schema):
    code: str = Field(..., min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
    label_en: str = Field(..., min_length=1, max_length=100)
    label_zh: str = Field(..., min_length=1, max_length=100)
    order: int = Field(0, ge=0)
    active: bool = True


class DictItemPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")
    label_en: str | None = Field(None, min_length=1, max_length=100)
    label_zh: str | None = Field(None, min_length=1, max_length=100)
    order: int | None = Field(None, ge=0)
    active: bool | None = None


class AuditEntryOut(Schema):
    id: int
    at: datetime
    actor: int | None = Field(None, alias="actor_id")
    actor_name: str | None
    action: str
    model: str
    object_id: str
    object_repr: str
    changes: dict

    @staticmethod
    def resolve_actor_name(entry: AuditEntry) -> str | None:
        return entry.actor.display_name if entry.actor else None


AuditFilters = query_schema(
    "AuditFilters",
    AuditFilterSet,
    ordering=(str | None, Field(None, description="at or -at (the default: newest first)")),
)


class AccessEntryOut(Schema):
    id: int
    at: datetime
    actor: int | None = Field(None, alias="actor_id")
    actor_name: str | None
    action: str = Field(..., description="view or export")
    model: str = Field(..., description="the record type, or the kind exported")
    object_id: str
    object_repr: str
    rows: int | None = Field(None, description="rows exported")
    detail: str
    address: str

    @staticmethod
    def resolve_actor_name(entry: AccessEntry) -> str | None:
        return entry.actor.display_name if entry.actor else None


AccessFilters = query_schema("AccessFilters", AccessFilterSet)


@router.get("/dictionary", response=list[DictCategoryOut], summary="The data dictionary")
@paginate(PageNumberPagination)
def dictionary(request: HttpRequest, include_inactive: bool = False) -> list[DictCategory]:
    """Every category with its items; ``include_inactive`` needs the right to change items."""
    if include_inactive:
        require_perm(request.auth, "core.change_dictitem")  # type: ignore[attr-defined]
    return list(selectors.dictionary(include_inactive=include_inactive))


@router.post(
    "/dictionary/{category}/items",
    response={201: DictItemOut},
    summary="Add an item to a dictionary category",
)
def dict_item_create(request: HttpRequest, category: str, payload: DictItemIn) -> Status:
    require_perm(request.auth, "core.add_dictitem")  # type: ignore[attr-defined]
    item = services.dict_item_create(
        actor=request.auth,  # type: ignore[attr-defined]
        category=selectors.dict_category_get(code=category),
        **payload.dict(),
    )
    return Status(201, item)


@router.patch(
    "/dictionary/{category}/items/{item_id}",
    response=DictItemOut,
    summary="Change a dictionary item",
)
def dict_item_update(
    request: HttpRequest, category: str, item_id: int, payload: DictItemPatch
) -> DictItem:
    require_perm(request.auth, "core.change_dictitem")  # type: ignore[attr-defined]
    item = selectors.dict_item_get(category=selectors.dict_category_get(code=category), pk=item_id)
    changes = {
        name: value for name, value in payload.dict(exclude_unset=True).items() if value is not None
    }
    return services.dict_item_update(actor=request.auth, item=item, **changes)  # type: ignore[attr-defined]


@router.delete(
    "/dictionary/{category}/items/{item_id}",
    response={204: None},
    summary="Delete a dictionary item",
)
def dict_item_delete(request: HttpRequest, category: str, item_id: int) -> Status:
    require_perm(request.auth, "core.delete_dictitem")  # type: ignore[attr-defined]
    item = selectors.dict_item_get(category=selectors.dict_category_get(code=category), pk=item_id)
    services.dict_item_delete(actor=request.auth, item=item)  # type: ignore[attr-defined]
    return Status(204, None)


@router.get(
    "/audit", response=list[AuditEntryOut], tags=["audit"], summary="Search the audit trail"
)
@paginate(PageNumberPagination)
def audit_search(request: HttpRequest, filters: Query[AuditFilters]) -> object:  # type: ignore[valid-type]
    values = filters.dict(exclude={"ordering"})  # type: ignore[attr-defined]
    entries = selectors.audit_search(actor=request.auth, filters=values)  # type: ignore[attr-defined]
    ordering = filters.ordering  # type: ignore[attr-defined]
    return apply_ordering(entries, ordering, {"at": "at"}, default="-at")


@router.get(
    "/audit/reads",
    response=list[AccessEntryOut],
    tags=["audit"],
    summary="Who saw which customer, contact or 360 page, and every export (newest first)",
)
@paginate(PageNumberPagination)
def access_search(request: HttpRequest, filters: Query[AccessFilters]) -> object:  # type: ignore[valid-type]
    values = filters.dict()  # type: ignore[attr-defined]
    return selectors.access_search(actor=request.auth, filters=values)  # type: ignore[attr-defined]


# --- Personal data requests (PIPL/GDPR) -----------------------------------------------------

privacy_router = Router(tags=["privacy"])


class PersonOut(Schema):
    kind: str = Field(..., description="contact or customer (an individual)")
    id: int
    name: str
    customer: str


class HoldingOut(Schema):
    key: str
    label: str
    count: int
    erasable: bool = Field(..., description="Erasing deletes these; otherwise they are anonymised")


class SubjectOut(Schema):
    kind: str
    id: int
    name: str
    records: list[HoldingOut]


class ForgetIn(Schema):
    mode: Literal["anonymise", "erase"]
    reason: str = Field(..., description="Why: the person's request and its date")


class PrivacyRequestOut(Schema):
    id: int
    at: datetime
    actor: int | None = Field(None, alias="actor_id")
    action: str
    subject_model: str
    subject_id: str
    reason: str
    counts: dict[str, int]


@privacy_router.get(
    "/privacy/people",
    response=list[PersonOut],
    summary="Find a person by mobile, phone, e-mail or name (administrators)",
)
def privacy_people(request: HttpRequest, q: str) -> list:
    require_perm(request.auth, subjects.MANAGE)  # type: ignore[attr-defined]
    return find_people(actor=request.auth, q=q)  # type: ignore[attr-defined]


def _subject(request: HttpRequest, kind: str, subject_id: int) -> subjects.Subject:
    return subjects.subject_get(actor=request.auth, kind=kind, pk=subject_id)  # type: ignore[attr-defined]


@privacy_router.get(
    "/privacy/people/{kind}/{subject_id}",
    response=SubjectOut,
    summary="What Guanxi holds about one person",
)
def privacy_subject(request: HttpRequest, kind: str, subject_id: int) -> dict:
    subject = _subject(request, kind, subject_id)
    return {
        "kind": kind,
        "id": subject_id,
        "name": subject.label,
        "records": subjects.summary(subject),
    }


@privacy_router.get(
    "/privacy/people/{kind}/{subject_id}/export",
    response={200: None},
    summary="A copy of everything held about one person: a ZIP of subject.json and CSVs",
    openapi_extra={
        "responses": {200: {"content": {"application/zip": {}}, "description": "The ZIP"}}
    },
)
def privacy_export(request: HttpRequest, kind: str, subject_id: int) -> HttpResponse:
    subject = _subject(request, kind, subject_id)
    content = subjects.export_zip(actor=request.auth, subject=subject, request=request)  # type: ignore[attr-defined]
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="personal-data-{kind}-{subject_id}.zip"'
    )
    return response


@privacy_router.post(
    "/privacy/people/{kind}/{subject_id}/forget",
    response=PrivacyRequestOut,
    summary="Anonymise or erase one person's data (cannot be undone)",
)
def privacy_forget(
    request: HttpRequest, kind: str, subject_id: int, payload: ForgetIn
) -> PrivacyRequest:
    subject = _subject(request, kind, subject_id)
    return subjects.forget(
        actor=request.auth,  # type: ignore[attr-defined]
        subject=subject,
        erase=payload.mode == "erase",
        reason=payload.reason,
    )


@privacy_router.get(
    "/privacy/requests",
    response=list[PrivacyRequestOut],
    summary="The data-subject requests carried out",
)
@paginate(PageNumberPagination)
def privacy_requests(request: HttpRequest) -> object:
    return subjects.request_list(actor=request.auth)  # type: ignore[attr-defined]
