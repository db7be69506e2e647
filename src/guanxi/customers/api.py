"""Customers API: the archive, contacts, interactions, duplicates, merge and the 360 view."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from guanxi.accounts.models import User
from guanxi.api.errors import problem
from guanxi.api.pagination import (
    CappedPageNumberPagination,
    PageNumberPagination,
    apply_ordering,
)
from guanxi.core.errors import field_error, require_perm
from guanxi.customers import selectors, services
from guanxi.customers.models import Customer
from guanxi.customers.profile import customer_360
from guanxi.customers.selectors import CUSTOMER_ORDERING, SCORE_ORDERING, CustomerFilters

router = Router(tags=["customers"])


class ManagerRef(Schema):
    id: int
    username: str
    display_name: str


class ScoreRef(Schema):
    """The analytics' latest scores (refreshed nightly and on demand)."""

    segment: str
    value_tier: str
    clv: Decimal | None
    churn_risk: int | None
    annual_spend: Decimal


class CustomerOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    level: str
    credit_rating: str
    satisfaction: str
    region: str
    industry: str
    source: str
    scale: str
    address: str
    postcode: str
    phone: str
    fax: str
    email: str
    website: str
    unified_social_credit_code: str
    registration_number: str
    legal_representative: str
    registered_capital: Decimal | None
    annual_revenue: Decimal | None
    bank_name: str
    bank_account: str
    tax_number: str
    birthday: date | None
    lifecycle_stage: str
    status: str
    notes: str
    tags: list[str]
    account_manager: ManagerRef | None
    archived_at: datetime | None
    merged_into: int | None = Field(None, alias="merged_into_id")
    version: int
    created_at: datetime
    updated_at: datetime
    scores: ScoreRef | None = None

    @staticmethod
    def resolve_scores(customer: Customer) -> Any:
        return getattr(customer, "score", None)

    @staticmethod
    def resolve_tags(customer: Customer) -> list[str]:
        return sorted(tag.name for tag in customer.tags.all())


class CustomerFields(Schema):
    name: str | None = None
    kind: str | None = None
    level: str | None = None
    credit_rating: str | None = None
    satisfaction: str | None = None
    region: str | None = None
    industry: str | None = None
    source: str | None = None
    scale: str | None = None
    address: str | None = None
    postcode: str | None = None
    phone: str | None = None
    fax: str | None = None
    email: str | None = None
    website: str | None = None
    unified_social_credit_code: str | None = None
    registration_number: str | None = None
    legal_representative: str | None = None
    registered_capital: Decimal | None = None
    annual_revenue: Decimal | None = None
    bank_name: str | None = None
    bank_account: str | None = None
    tax_number: str | None = None
    birthday: date | None = None
    lifecycle_stage: str | None = None
    status: str | None = None
    notes: str | None = None
    tags: list[str] | None = None
    account_manager: int | None = None


class CustomerIn(CustomerFields):
    name: str  # type: ignore[assignment]
    code: str = Field("", max_length=32)
    allow_duplicate: bool = Field(
        False, description="Create even when a likely duplicate is on file (409 otherwise)."
    )


class CustomerPatch(CustomerFields):
    version: int | None = Field(
        None, description="The version you read; a newer one on file answers 409 Conflict."
    )


class CustomerQuery(Schema):
    q: str = ""
    level: str = ""
    credit_rating: str = ""
    satisfaction: str = ""
    region: str = ""
    industry: str = ""
    account_manager: int | None = None
    status: str = ""
    lifecycle_stage: str = ""
    tag: str = ""
    created_from: date | None = None
    created_to: date | None = None
    archived: bool = False
    segment: str = Field("", description="RFM segment, e.g. champions, at_risk, lost")
    value_tier: str = Field("", description="high, medium or low")
    churn_risk_min: int | None = Field(None, description="churn risk of at least (0–100)")
    ordering: str | None = Field(
        None,
        description="code, name, level, created_at, updated_at, account_manager, clv, "
        "churn_risk or annual_spend; prefix - for descending",
    )


class ReassignIn(Schema):
    customers: list[int] = Field(..., min_length=1, max_length=1000)
    account_manager: int


class MergeIn(Schema):
    source: int = Field(..., description="The duplicate; it is archived after the merge.")


class ContactOut(Schema):
    id: int
    customer: int = Field(..., alias="customer_id")
    name: str
    gender: str
    title: str
    office_phone: str
    mobile: str
    email: str
    birthday: date | None
    notes: str
    is_primary: bool


class ContactIn(Schema):
    name: str
    gender: str = ""
    title: str = ""
    office_phone: str = ""
    mobile: str = ""
    email: str = ""
    birthday: date | None = None
    notes: str = ""
    is_primary: bool = False


class ContactPatch(Schema):
    name: str | None = None
    gender: str | None = None
    title: str | None = None
    office_phone: str | None = None
    mobile: str | None = None
    email: str | None = None
    birthday: date | None = None
    notes: str | None = None
    is_primary: bool | None = None


class InteractionOut(Schema):
    id: int
    customer: int = Field(..., alias="customer_id")
    contact: int | None = Field(None, alias="contact_id")
    occurred_at: datetime
    channel: str
    place: str
    summary: str
    details: str
    notes: str
    effective: bool
    recorded_by: int | None = Field(None, alias="recorded_by_id")


class InteractionIn(Schema):
    occurred_at: datetime
    channel: str
    summary: str
    place: str = ""
    details: str = ""
    notes: str = ""
    effective: bool = True
    contact: int | None = None


class InteractionPatch(Schema):
    occurred_at: datetime | None = None
    channel: str | None = None
    summary: str | None = None
    place: str | None = None
    details: str | None = None
    notes: str | None = None
    effective: bool | None = None
    contact: int | None = None


def _actor(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _manager(actor: User, user_id: int | None) -> User | None:
    if user_id is None:
        return None
    manager = selectors.manager_choices(actor=actor).filter(pk=user_id).first()
    if manager is None:
        raise field_error(
            "account_manager",
            _("No account manager you may assign has the id %(id)s.") % {"id": user_id},
        )
    return manager


def duplicate_problem(error: services.DuplicateCustomer) -> HttpResponse:
    return problem(
        409,
        _("A customer like this is already on file."),
        _("Check the matches; send allow_duplicate=true to create it anyway."),
        kind="duplicate",
        extra={
            "duplicates": [
                {
                    "id": match.pk,
                    "code": match.code,
                    "name": match.name,
                    "account_manager": (
                        match.account_manager.display_name if match.account_manager else None
                    ),
                }
                for match in error.matches
            ]
        },
    )


def conflict_problem(error: services.EditConflict) -> HttpResponse:
    return problem(
        409,
        _("Someone else changed this customer after you opened it."),
        _("Reload it (version %(version)s), check their changes and apply yours again.")
        % {"version": error.customer.version},
        kind="edit-conflict",
        extra={
            "version": error.customer.version,
            "changes": [
                {
                    "at": entry.at,
                    "by": entry.actor.display_name if entry.actor else None,
                    "changes": entry.changes,
                }
                for entry in error.changes
            ],
        },
    )


@router.get("/customers", response=list[CustomerOut], summary="List and search customers")
@paginate(CappedPageNumberPagination)
def customer_list(request: HttpRequest, filters: Query[CustomerQuery]) -> Any:
    """``q`` finds a Chinese fragment, pinyin or initials (zsf → 张三丰), phone, e-mail or code."""
    values = filters.dict(exclude={"ordering"})
    customers = selectors.customer_list(actor=_actor(request), filters=CustomerFilters(**values))
    customers = customers.prefetch_related("tags")
    # Sorting by a score lists the scored customers: the database then walks the score's own
    # index instead of sorting every customer (see SCORE_ORDERING).
    keys = {term.strip().lstrip("-") for term in (filters.ordering or "").split(",")}
    for key in keys & SCORE_ORDERING:
        customers = customers.filter(**{f"{CUSTOMER_ORDERING[key]}__isnull": False})
    return apply_ordering(customers, filters.ordering, CUSTOMER_ORDERING, "-created_at")


@router.post(
    "/customers",
    response={201: CustomerOut},
    summary="Create a customer (409 with the matches if it looks like a duplicate)",
)
def customer_create(request: HttpRequest, payload: CustomerIn) -> Any:
    actor = _actor(request)
    values = payload.dict(exclude_none=True)
    manager = _manager(actor, values.pop("account_manager", None))
    try:
        customer = services.customer_create(
            actor=actor,
            account_manager=manager,
            tags=values.pop("tags", []),
            allow_duplicate=values.pop("allow_duplicate"),
            code=values.pop("code"),
            **values,
        )
    except services.DuplicateCustomer as error:
        return duplicate_problem(error)
    return Status(201, customer)


@router.post("/customers/reassign", summary="Give customers a new account manager")
def customer_reassign(request: HttpRequest, payload: ReassignIn) -> dict[str, int]:
    actor = _actor(request)
    require_perm(actor, "customers.reassign_customer")
    manager = _manager(actor, payload.account_manager)
    assert manager is not None
    visible = selectors.visible_customers(actor).filter(pk__in=payload.customers)
    found = {c.pk for c in visible}
    missing = [pk for pk in payload.customers if pk not in found]
    if missing:
        raise field_error(
            "customers",
            _("No customers you may see have the ids %(ids)s.")
            % {"ids": ", ".join(map(str, missing))},
        )
    moved = services.customer_reassign(
        actor=actor, customers=list(visible), account_manager=manager
    )
    return {"reassigned": moved}


@router.get("/customers/{customer_id}", response=CustomerOut, summary="One customer")
def customer_detail(request: HttpRequest, customer_id: int) -> Customer:
    return selectors.customer_get(actor=_actor(request), pk=customer_id)


@router.patch(
    "/customers/{customer_id}",
    response=CustomerOut,
    summary="Change a customer (send the version you read to detect conflicts)",
)
def customer_update(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> Any:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    values = payload.dict(exclude_unset=True)
    version = values.pop("version", None)
    tags = values.pop("tags", None)
    if "account_manager" in values:
        manager = _manager(actor, values.pop("account_manager"))
        if manager is not None and manager.pk != customer.account_manager_id:
            services.customer_reassign(actor=actor, customers=[customer], account_manager=manager)
            version = None if version is None else version + 1
    try:
        return services.customer_update(
            actor=actor, customer=customer, version=version, tags=tags, **values
        )
    except services.EditConflict as error:
        return conflict_problem(error)


@router.delete(
    "/customers/{customer_id}",
    response={204: None},
    summary="Archive a customer (soft delete; POST …/restore brings it back)",
)
def customer_archive(request: HttpRequest, customer_id: int) -> Status:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    services.customer_archive(actor=actor, customer=customer)
    return Status(204, None)


@router.post("/customers/{customer_id}/restore", response=CustomerOut, summary="Restore")
def customer_restore(request: HttpRequest, customer_id: int) -> Customer:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    return services.customer_restore(actor=actor, customer=customer)


@router.get(
    "/customers/{customer_id}/duplicates",
    response=list[CustomerOut],
    summary="Customers that look like this one",
)
def customer_duplicates(request: HttpRequest, customer_id: int) -> Any:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    matches = services.find_duplicates(
        name=customer.name,
        phone=customer.phone,
        email=customer.email,
        unified_social_credit_code=customer.unified_social_credit_code,
        exclude_pk=customer.pk,
    )
    # Only those the caller may open are listed here.
    return (
        selectors.visible_customers(actor)
        .filter(pk__in=[m.pk for m in matches])
        .select_related("account_manager")
        .prefetch_related("tags")
    )


@router.post(
    "/customers/{customer_id}/merge",
    summary="Merge another customer into this one",
)
def customer_merge(request: HttpRequest, customer_id: int, payload: MergeIn) -> dict[str, Any]:
    actor = _actor(request)
    target = selectors.customer_get(actor=actor, pk=customer_id)
    source = selectors.customer_get(actor=actor, pk=payload.source)
    moved = services.customer_merge(actor=actor, target=target, source=source)
    return {"customer": target.pk, "merged": source.pk, "moved": moved}


@router.get("/customers/{customer_id}/360", summary="Everything about one customer")
def customer_profile(request: HttpRequest, customer_id: int) -> dict[str, Any]:
    """Profile, contacts, interactions, orders (and later modules' sections), one timeline."""
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    view = customer_360(actor=actor, customer=customer)
    return {
        "id": customer.pk,
        "code": customer.code,
        "name": customer.name,
        "version": customer.version,
        "sections": {section["key"]: section["data"] for section in view["sections"]},
        "timeline": view["timeline"],
    }


# --- Contacts and interactions -------------------------------------------------------------


@router.get("/customers/{customer_id}/contacts", response=list[ContactOut], summary="Contacts")
def contact_list(request: HttpRequest, customer_id: int) -> Any:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    return selectors.contact_list(actor=actor, customer=customer)


@router.post(
    "/customers/{customer_id}/contacts", response={201: ContactOut}, summary="Add a contact"
)
def contact_create(request: HttpRequest, customer_id: int, payload: ContactIn) -> Status:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    contact = services.contact_create(actor=actor, customer=customer, **payload.dict())
    return Status(201, contact)


@router.patch("/contacts/{contact_id}", response=ContactOut, summary="Change a contact")
def contact_update(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Any:
    actor = _actor(request)
    contact = selectors.contact_get(actor=actor, pk=contact_id)
    return services.contact_update(actor=actor, contact=contact, **payload.dict(exclude_unset=True))


@router.delete("/contacts/{contact_id}", response={204: None}, summary="Remove a contact")
def contact_delete(request: HttpRequest, contact_id: int) -> Status:
    actor = _actor(request)
    services.contact_delete(actor=actor, contact=selectors.contact_get(actor=actor, pk=contact_id))
    return Status(204, None)


@router.get(
    "/customers/{customer_id}/interactions",
    response=list[InteractionOut],
    summary="Interactions, newest first",
)
@paginate(PageNumberPagination)
def interaction_list(request: HttpRequest, customer_id: int) -> Any:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    return selectors.interaction_list(actor=actor, customer=customer)


def _contact(actor: User, customer: Customer, contact_id: int | None) -> Any:
    if contact_id is None:
        return None
    contact = customer.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise field_error(
            "contact", _("This customer has no contact with the id %(id)s.") % {"id": contact_id}
        )
    return contact


@router.post(
    "/customers/{customer_id}/interactions",
    response={201: InteractionOut},
    summary="Record an interaction",
)
def interaction_create(request: HttpRequest, customer_id: int, payload: InteractionIn) -> Status:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    values = payload.dict()
    contact = _contact(actor, customer, values.pop("contact"))
    interaction = services.interaction_create(
        actor=actor, customer=customer, contact=contact, **values
    )
    return Status(201, interaction)


@router.patch(
    "/interactions/{interaction_id}", response=InteractionOut, summary="Change an interaction"
)
def interaction_update(request: HttpRequest, interaction_id: int, payload: InteractionPatch) -> Any:
    actor = _actor(request)
    interaction = selectors.interaction_get(actor=actor, pk=interaction_id)
    values = payload.dict(exclude_unset=True)
    if "contact" in values:
        values["contact"] = _contact(actor, interaction.customer, values["contact"])
    return services.interaction_update(actor=actor, interaction=interaction, **values)


@router.delete(
    "/interactions/{interaction_id}", response={204: None}, summary="Delete an interaction"
)
def interaction_delete(request: HttpRequest, interaction_id: int) -> Status:
    actor = _actor(request)
    interaction = selectors.interaction_get(actor=actor, pk=interaction_id)
    services.interaction_delete(actor=actor, interaction=interaction)
    return Status(204, None)
