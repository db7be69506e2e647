"""Customers API: the archive, contacts, interactions, duplicates, merge and the 360 view."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Query, Router, Schema, Status
from ninja.pagination import paginate

from guanxi.accounts.models import User
from guanxi.api.errors import problem
from guanxi.api.filters import query_schema
from guanxi.api.pagination import (
    CappedPageNumberPagination,
    PageNumberPagination,
    apply_ordering,
)
from guanxi.api.schemas import Input, RecordId, model_values
from guanxi.core import privacy
from guanxi.core.access import record_view
from guanxi.core.errors import field_error, require_perm
from guanxi.customers import selectors, services
from guanxi.customers.filters import CustomerFilterSet
from guanxi.customers.models import (
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    INTERACTION_FIELDS,
    Consent,
    Contact,
    Customer,
    Interaction,
)
from guanxi.customers.profile import customer_360
from guanxi.customers.selectors import CUSTOMER_ORDERING, SCORE_ORDERING

router = Router(tags=["customers"])
# Customer input that is not a column of its own.
CUSTOMER_EXTRAS = {"tags", "account_manager", "code", "allow_duplicate", "version"}


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


class CustomerOut(ModelSchema):
    tags: list[str]
    account_manager: ManagerRef | None
    merged_into: int | None = Field(None, alias="merged_into_id")
    scores: ScoreRef | None = None
    lifecycle_set_by: int | None = Field(
        None, alias="lifecycle_set_by_id", description="Who set the stage by hand (null: derived)"
    )

    class Meta:
        model = Customer
        fields = ["id", "code", *CUSTOMER_FIELDS, "archived_at", "version", "created_at"]
        fields += ["updated_at", "lifecycle_stage", "lifecycle_derived", "lifecycle_set_at"]
        fields += ["lifecycle_reason"]

    @staticmethod
    def resolve_scores(customer: Customer) -> Any:
        return getattr(customer, "score", None)

    @staticmethod
    def resolve_tags(customer: Customer) -> list[str]:
        return sorted(tag.name for tag in customer.tags.all())

    # Personal data as the caller may see it (``customers.privacy``).
    masked: list[str] = Field(
        [], description="Personal fields shown masked; POST /customers/{id}/reveal shows them"
    )

    @staticmethod
    def resolve_masked(customer: Customer, context: Any) -> list[str]:
        return privacy.masked_fields(context["request"].auth, customer)

    @staticmethod
    def resolve_phone(customer: Customer, context: Any) -> str:
        return privacy.shown(context["request"].auth, customer, "phone")

    @staticmethod
    def resolve_email(customer: Customer, context: Any) -> str:
        return privacy.shown(context["request"].auth, customer, "email")

    @staticmethod
    def resolve_address(customer: Customer, context: Any) -> str:
        return privacy.shown(context["request"].auth, customer, "address")

    @staticmethod
    def resolve_bank_account(customer: Customer, context: Any) -> str:
        return privacy.shown(context["request"].auth, customer, "bank_account")


class CustomerFields(ModelSchema, Input):
    """The customer's own fields, each optional; the model's rules judge them."""

    tags: list[str] | None = None
    account_manager: int | None = None

    class Meta:
        model = Customer
        fields = list(CUSTOMER_FIELDS)
        fields_optional = "__all__"


class CustomerIn(CustomerFields):
    name: str
    code: str = Field("", description="Leave out for a generated code (C000000001).")
    allow_duplicate: bool = Field(
        False, description="Create even when a likely duplicate is on file (409 otherwise)."
    )


class CustomerPatch(CustomerFields):
    version: int | None = Field(
        None, description="The version you read; a newer one on file answers 409 Conflict."
    )


CustomerQuery = query_schema(
    "CustomerQuery",
    CustomerFilterSet,
    ordering=(
        str | None,
        Field(
            None,
            description="code, name, level, created_at, updated_at, account_manager, clv, "
            "churn_risk or annual_spend; prefix - for descending",
        ),
    ),
)


class ReassignIn(Schema):
    customers: list[RecordId] = Field(..., min_length=1, max_length=1000)
    account_manager: int


class MergeIn(Schema):
    source: int = Field(..., description="The duplicate; it is archived after the merge.")


class ContactOut(ModelSchema):
    customer: int = Field(..., alias="customer_id")
    masked: list[str] = Field(
        [], description="Personal fields shown masked; POST /contacts/{id}/reveal shows them"
    )

    class Meta:
        model = Contact
        fields = ["id", *CONTACT_FIELDS, "is_primary"]

    @staticmethod
    def resolve_masked(contact: Contact, context: Any) -> list[str]:
        return privacy.masked_fields(context["request"].auth, contact)

    @staticmethod
    def resolve_mobile(contact: Contact, context: Any) -> str:
        return privacy.shown(context["request"].auth, contact, "mobile")

    @staticmethod
    def resolve_email(contact: Contact, context: Any) -> str:
        return privacy.shown(context["request"].auth, contact, "email")


class RevealIn(Schema):
    fields: list[str] | None = Field(
        None, description="The personal fields to show; all of them when left out"
    )


class ContactIn(ModelSchema, Input):
    is_primary: bool = False

    class Meta:
        model = Contact
        fields = list(CONTACT_FIELDS)


class ContactPatch(ModelSchema, Input):
    is_primary: bool | None = None

    class Meta:
        model = Contact
        fields = list(CONTACT_FIELDS)
        fields_optional = "__all__"


class InteractionOut(ModelSchema):
    customer: int = Field(..., alias="customer_id")
    contact: int | None = Field(None, alias="contact_id")
    recorded_by: int | None = Field(None, alias="recorded_by_id")

    class Meta:
        model = Interaction
        fields = ["id", *INTERACTION_FIELDS]


class InteractionIn(ModelSchema, Input):
    contact: int | None = None

    class Meta:
        model = Interaction
        fields = list(INTERACTION_FIELDS)


class InteractionPatch(ModelSchema, Input):
    contact: int | None = None

    class Meta:
        model = Interaction
        fields = list(INTERACTION_FIELDS)
        fields_optional = "__all__"


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


class TargetOut(Schema):
    level: str
    label: str
    per_month: int
    is_default: bool = Field(..., description="No figure of its own: the default (2) applies")
    updated_by: int | None = None
    updated_at: datetime | None = None

    @staticmethod
    def resolve_updated_by(row: dict[str, Any]) -> int | None:
        return row["updated_by"].pk if row["updated_by"] else None


class TargetsIn(Schema):
    targets: dict[str, int] = Field(
        ...,
        description="Customer level (code or label) → effective communications a month "
        "(0–31; 0: no target). Levels left out keep theirs.",
    )


@router.get(
    "/communication-targets",
    response=list[TargetOut],
    summary="Effective communications a month each customer level should get",
)
def communication_targets(request: HttpRequest) -> list[dict[str, Any]]:
    require_perm(_actor(request), "customers.view_customer")
    return selectors.communication_targets()


@router.put(
    "/communication-targets",
    response=list[TargetOut],
    summary="Set the monthly communication target of customer levels (all or none are stored)",
)
def communication_targets_set(request: HttpRequest, payload: TargetsIn) -> list[dict[str, Any]]:
    try:
        services.communication_targets_set(actor=_actor(request), targets=payload.targets)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise ValidationError(
            {f"targets.{level}": messages for level, messages in error.message_dict.items()}
        ) from error
    return selectors.communication_targets()


@router.get("/customers", response=list[CustomerOut], summary="List and search customers")
@paginate(CappedPageNumberPagination)
def customer_list(request: HttpRequest, filters: Query[CustomerQuery]) -> Any:  # type: ignore[valid-type]
    """``q`` finds a Chinese fragment, pinyin or initials (zsf → 张三丰), phone, e-mail or code."""
    values = filters.dict(exclude={"ordering"})  # type: ignore[attr-defined]
    customers = selectors.customer_list(actor=_actor(request), filters=values)
    customers = customers.prefetch_related("tags")
    # Sorting by a score lists the scored customers: the database then walks the score's own
    # index instead of sorting every customer (see SCORE_ORDERING).
    ordering = filters.ordering  # type: ignore[attr-defined]
    keys = {term.strip().lstrip("-") for term in (ordering or "").split(",")}
    for key in keys & SCORE_ORDERING:
        customers = customers.filter(**{f"{CUSTOMER_ORDERING[key]}__isnull": False})
    return apply_ordering(customers, ordering, CUSTOMER_ORDERING, "-created_at")


@router.post(
    "/customers",
    response={201: CustomerOut},
    summary="Create a customer (409 with the matches if it looks like a duplicate)",
)
def customer_create(request: HttpRequest, payload: CustomerIn) -> Any:
    actor = _actor(request)
    values = model_values(payload, Customer, partial=False, exclude=CUSTOMER_EXTRAS)
    try:
        customer = services.customer_create(
            actor=actor,
            account_manager=_manager(actor, payload.account_manager),
            tags=payload.tags or [],
            allow_duplicate=payload.allow_duplicate,
            code=payload.code,
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
    customers = [Customer(pk=pk) for pk in payload.customers]
    moved = services.customer_reassign(actor=actor, customers=customers, account_manager=manager)
    return {"reassigned": moved}


@router.get("/customers/{customer_id}", response=CustomerOut, summary="One customer")
def customer_detail(request: HttpRequest, customer_id: int) -> Customer:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    record_view(actor, customer, request)
    return customer


@router.patch(
    "/customers/{customer_id}",
    response=CustomerOut,
    summary="Change a customer (send the version you read to detect conflicts)",
)
def customer_update(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> Any:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    values = model_values(payload, Customer, partial=True, exclude=CUSTOMER_EXTRAS)
    sent = payload.model_fields_set
    if "account_manager" in sent:
        values["account_manager"] = _manager(actor, payload.account_manager)
    try:
        return services.customer_update(
            actor=actor,
            customer=customer,
            version=payload.version,
            tags=payload.tags if "tags" in sent else None,
            **values,
        )
    except services.EditConflict as error:
        return conflict_problem(error)


class LifecycleIn(Schema):
    stage: Customer.Lifecycle | None = Field(
        ..., description="The stage to set by hand; null goes back to the one the data gives"
    )
    reason: str = Field("", description="Why the stage differs from the data (needed to set)")
    version: int | None = Field(
        None, description="The version you read; a newer one on file answers 409 Conflict."
    )


@router.post(
    "/customers/{customer_id}/lifecycle",
    response=CustomerOut,
    summary="Set the lifecycle stage by hand with a reason (kept by the nightly run), or clear it",
)
def customer_lifecycle(request: HttpRequest, customer_id: int, payload: LifecycleIn) -> Any:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    try:
        return services.customer_lifecycle_set(
            actor=actor,
            customer=customer,
            stage=payload.stage,
            reason=payload.reason,
            version=payload.version,
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
@paginate(PageNumberPagination)
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
    record_view(actor, customer, request)
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


@router.post(
    "/customers/{customer_id}/reveal",
    response=dict[str, str],
    summary="Show a customer's masked personal data (recorded in who saw)",
)
def customer_reveal(request: HttpRequest, customer_id: int, payload: RevealIn) -> dict[str, str]:
    actor = _actor(request)
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    return privacy.reveal(actor=actor, instance=customer, fields=payload.fields, request=request)


@router.post(
    "/contacts/{contact_id}/reveal",
    response=dict[str, str],
    summary="Show a contact's masked personal data (recorded in who saw)",
)
def contact_reveal(request: HttpRequest, contact_id: int, payload: RevealIn) -> dict[str, str]:
    actor = _actor(request)
    contact = selectors.contact_get(actor=actor, pk=contact_id)
    return privacy.reveal(actor=actor, instance=contact, fields=payload.fields, request=request)


@router.get("/customers/{customer_id}/contacts", response=list[ContactOut], summary="Contacts")
@paginate(PageNumberPagination)
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
    values = model_values(payload, Contact, partial=False, exclude={"is_primary"})
    contact = services.contact_create(
        actor=actor, customer=customer, is_primary=payload.is_primary, **values
    )
    return Status(201, contact)


@router.patch("/contacts/{contact_id}", response=ContactOut, summary="Change a contact")
def contact_update(request: HttpRequest, contact_id: int, payload: ContactPatch) -> Any:
    actor = _actor(request)
    contact = selectors.contact_get(actor=actor, pk=contact_id)
    values = model_values(payload, Contact, partial=True, exclude={"is_primary"})
    return services.contact_update(
        actor=actor, contact=contact, is_primary=payload.is_primary, **values
    )


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


def _contact(customer: Customer, contact_id: int | None) -> Any:
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
    values = model_values(payload, Interaction, partial=False, exclude={"contact"})
    contact = _contact(customer, payload.contact)
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
    values = model_values(payload, Interaction, partial=True, exclude={"contact"})
    if "contact" in payload.model_fields_set:
        values["contact"] = _contact(interaction.customer, payload.contact)
    return services.interaction_update(actor=actor, interaction=interaction, **values)


@router.delete(
    "/interactions/{interaction_id}", response={204: None}, summary="Delete an interaction"
)
def interaction_delete(request: HttpRequest, interaction_id: int) -> Status:
    actor = _actor(request)
    interaction = selectors.interaction_get(actor=actor, pk=interaction_id)
    services.interaction_delete(actor=actor, interaction=interaction)
    return Status(204, None)


# --- Consents -------------------------------------------------------------------------------


class ConsentOut(ModelSchema):
    customer: int = Field(..., alias="customer_id")
    contact: int | None = Field(None, alias="contact_id")
    recorded_by: int | None = Field(None, alias="recorded_by_id")

    class Meta:
        model = Consent
        fields = ["id", "purpose", "granted", "source", "recorded_at", "note"]


class ConsentIn(ModelSchema, Input):
    class Meta:
        model = Consent
        fields = ["purpose", "granted", "source", "note"]
        fields_optional = ["note"]


def _consents(actor: User, customer: Customer, contact: Contact | None) -> list[Consent]:
    return list(selectors.consent_history(actor=actor, customer=customer, contact=contact))


def _individual(actor: User, customer_id: int) -> Customer:
    customer = selectors.customer_get(actor=actor, pk=customer_id)
    if customer.kind != Customer.Kind.INDIVIDUAL:
        raise field_error("customer", _("A company's consents are its contacts'."))
    return customer


@router.get(
    "/contacts/{contact_id}/consents",
    response=list[ConsentOut],
    summary="A contact's consents, newest first (the first per purpose is in force)",
)
def contact_consents(request: HttpRequest, contact_id: int) -> list[Consent]:
    actor = _actor(request)
    contact = selectors.contact_get(actor=actor, pk=contact_id)
    return _consents(actor, contact.customer, contact)


@router.post(
    "/contacts/{contact_id}/consents",
    response={201: ConsentOut},
    summary="Record a contact's consent or its withdrawal (granted: false)",
)
def contact_consent_record(request: HttpRequest, contact_id: int, payload: ConsentIn) -> Status:
    actor = _actor(request)
    contact = selectors.contact_get(actor=actor, pk=contact_id)
    consent = services.consent_record(
        actor=actor,
        customer=contact.customer,
        contact=contact,
        **model_values(payload, Consent, partial=False),
    )
    return Status(201, consent)


@router.get(
    "/customers/{customer_id}/consents",
    response=list[ConsentOut],
    summary="An individual customer's own consents, newest first",
)
def customer_consents(request: HttpRequest, customer_id: int) -> list[Consent]:
    actor = _actor(request)
    return _consents(actor, _individual(actor, customer_id), None)


@router.post(
    "/customers/{customer_id}/consents",
    response={201: ConsentOut},
    summary="Record an individual customer's consent or its withdrawal",
)
def customer_consent_record(request: HttpRequest, customer_id: int, payload: ConsentIn) -> Status:
    actor = _actor(request)
    customer = _individual(actor, customer_id)
    consent = services.consent_record(
        actor=actor, customer=customer, **model_values(payload, Consent, partial=False)
    )
    return Status(201, consent)
