"""Customer pages: the list, the form, the 360 view, contacts, interactions and merging."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from guanxi.core.access import record_view
from guanxi.core.dictionary import DictionaryLookup
from guanxi.core.selectors import audit_for_record
from guanxi.customers import selectors, services
from guanxi.customers.forms import (
    CommunicationTargetsForm,
    ConsentForm,
    ContactForm,
    CustomerForm,
    InteractionForm,
    MergeForm,
    ReassignForm,
)
from guanxi.customers.models import Contact, Customer
from guanxi.customers.profile import customer_360
from guanxi.customers.search import filter_search
from guanxi.customers.tables import CustomerTable
from guanxi.web.pagination import CappedPaginator
from guanxi.web.utils import AuthedRequest, require, run_service

PAGE_SIZE = 25


@require("customers.view_customer")
def customer_list(request: AuthedRequest) -> HttpResponse:
    lookup = DictionaryLookup()
    filterset = selectors.customer_filters(actor=request.user, data=request.GET, lookup=lookup)
    filters, customers = filterset.form, filterset.qs
    can_reassign = request.user.has_perm("customers.reassign_customer")
    table = CustomerTable(customers, lookup=lookup, selectable=can_reassign)
    RequestConfig(
        request, paginate={"per_page": PAGE_SIZE, "paginator_class": CappedPaginator}
    ).configure(table)
    context = {
        "filters": filters,
        "table": table,
        "reassign_form": ReassignForm(actor=request.user, customers=customers)
        if can_reassign
        else None,
        "query": request.GET.urlencode(),
        "advanced": any(
            request.GET.get(name) for name in filters.fields if name not in {"q", "level", "status"}
        ),
    }
    return render(request, "customers/customer_list.html", context)


@require("customers.add_customer")
def customer_create(request: AuthedRequest) -> HttpResponse:
    lookup = DictionaryLookup()
    form = CustomerForm(request.POST or None, actor=request.user, lookup=lookup)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        values.pop("version", None)
        try:
            customer = run_service(
                form, lambda: services.customer_create(actor=request.user, **values)
            )
        except services.DuplicateCustomer as error:
            # Matches from other books are named but not linked: their pages would answer 404.
            visible = set(
                selectors.visible_customers(request.user)
                .filter(pk__in=[m.pk for m in error.matches])
                .values_list("pk", flat=True)
            )
            duplicates = [(match, match.pk in visible) for match in error.matches]
            form.add_error(
                None,
                _(
                    "A customer like this is already on file. Open it, or tick the box below "
                    "to create this one anyway."
                ),
            )
            customer = None
        if customer is not None:
            messages.success(request, _("Customer %(name)s was created.") % {"name": customer})
            return redirect(customer)
    context = {"form": form, "title": _("New customer"), "duplicates": duplicates}
    return render(request, "customers/customer_form.html", context)


@require("customers.change_customer")
def customer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(actor=request.user, pk=pk, include_archived=False)
    lookup = DictionaryLookup()
    form = CustomerForm(
        request.POST or None,
        actor=request.user,
        lookup=lookup,
        customer=customer,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        values.pop("allow_duplicate", None)
        changed = {
            name: values[name] for name in form.changed_data if name in values and name != "version"
        }
        try:
            updated = run_service(
                form,
                lambda: services.customer_update(
                    actor=request.user,
                    customer=customer,
                    version=values.get("version"),
                    **changed,
                ),
            )
        except services.EditConflict as error:
            conflict = error
            updated = None
        if updated is not None:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": updated})
            return redirect(updated)
    context = {
        "form": form,
        "title": _("Edit %(name)s") % {"name": customer},
        "customer": customer,
        "conflict": conflict,
    }
    return render(request, "customers/customer_form.html", context)


@require("customers.view_customer")
def customer_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(actor=request.user, pk=pk)
    record_view(request.user, customer, request)
    view = customer_360(actor=request.user, customer=customer)
    context = {**view, "history": audit_for_record(instance=customer)[:20]}
    return render(request, "customers/customer_detail.html", context)


@require("customers.delete_customer")
@require_POST
def customer_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(actor=request.user, pk=pk)
    services.customer_archive(actor=request.user, customer=customer)
    messages.success(request, _("%(name)s was archived. You can restore it.") % {"name": customer})
    return redirect(customer)


@require("customers.delete_customer")
@require_POST
def customer_restore(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(actor=request.user, pk=pk)
    try:
        services.customer_restore(actor=request.user, customer=customer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s was restored.") % {"name": customer})
    return redirect(customer)


@require("customers.reassign_customer")
@require_POST
def customer_reassign(request: AuthedRequest) -> HttpResponse:
    visible = selectors.visible_customers(request.user)
    form = ReassignForm(request.POST, actor=request.user, customers=visible)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
    else:
        try:
            moved = services.customer_reassign(
                actor=request.user,
                customers=list(form.cleaned_data["customers"]),
                account_manager=form.cleaned_data["account_manager"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(count)d customers now belong to %(name)s.")
                % {"count": moved, "name": form.cleaned_data["account_manager"].display_name},
            )
    return redirect(request.POST.get("next") or "customer-list")


@require("customers.merge_customer")
def customer_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    target = selectors.customer_get(actor=request.user, pk=pk, include_archived=False)
    candidates = selectors.visible_customers(request.user).filter(archived_at__isnull=True)
    candidates = candidates.exclude(pk=target.pk)
    suggested = services.find_duplicates(
        name=target.name,
        phone=target.phone,
        email=target.email,
        unified_social_credit_code=target.unified_social_credit_code,
        exclude_pk=target.pk,
    )
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "source" in request.GET else None)
    )
    form = MergeForm(data, candidates=candidates)
    source = None
    if data is not None and form.is_valid():
        source = form.cleaned_data["source"]
        if request.method == "POST" and form.cleaned_data["confirm"]:
            moved = run_service(
                form,
                lambda: services.customer_merge(actor=request.user, target=target, source=source),
            )
            if moved is not None:
                summary = ", ".join(f"{name} {count}" for name, count in moved.items())
                messages.success(
                    request,
                    _("%(source)s was merged into %(target)s. Moved: %(moved)s.")
                    % {"source": source, "target": target, "moved": summary or _("nothing")},
                )
                return redirect(target)
    q = request.GET.get("q", "").strip()
    context = {
        "target": target,
        "source": source,
        "form": form,
        "q": q,
        "found": filter_search(candidates, q)[:20] if q else [],
        "suggested": [c for c in suggested if candidates.filter(pk=c.pk).exists()],
    }
    return render(request, "customers/customer_merge.html", context)


# --- Contacts and interactions -------------------------------------------------------------


def _form_page(
    request: AuthedRequest, form: object, title: str, back: str, delete_url: str = ""
) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, "delete_url": delete_url}
    return render(request, "web/form.html", context)


@require("customers.add_contact")
def contact_create(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(actor=request.user, pk=pk, include_archived=False)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contact = run_service(
            form,
            lambda: services.contact_create(
                actor=request.user, customer=customer, **form.service_values()
            ),
        )
        if contact is not None:
            messages.success(request, _("Contact %(name)s was added.") % {"name": contact})
            return redirect(customer)
    title = _("New contact of %(customer)s") % {"customer": customer}
    return _form_page(request, form, title, customer.get_absolute_url())


@require("customers.change_contact")
def contact_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get(actor=request.user, pk=pk)
    if request.method == "GET":
        record_view(request.user, contact, request)
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        updated = run_service(
            form, lambda: services.contact_update(actor=request.user, contact=contact, **values)
        )
        if updated is not None:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": updated})
            return redirect(contact.customer)
    title = _("Edit %(name)s") % {"name": contact}
    return _form_page(request, form, title, contact.customer.get_absolute_url())


@require("customers.delete_contact")
@require_POST
def contact_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get(actor=request.user, pk=pk)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("Contact %(name)s was removed.") % {"name": contact})
    return redirect(contact.customer)


@require("customers.add_interaction")
def interaction_create(request: AuthedRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get(actor=request.user, pk=pk, include_archived=False)
    form = InteractionForm(request.POST or None, contacts=customer.contacts.all())
    if request.method == "POST" and form.is_valid():
        interaction = run_service(
            form,
            lambda: services.interaction_create(
                actor=request.user, customer=customer, **form.cleaned_data
            ),
        )
        if interaction is not None:
            messages.success(request, _("The interaction was recorded."))
            return redirect(customer)
    title = _("Record an interaction with %(customer)s") % {"customer": customer}
    return _form_page(request, form, title, customer.get_absolute_url())


@require("customers.change_interaction")
def interaction_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    interaction = selectors.interaction_get(actor=request.user, pk=pk)
    customer = interaction.customer
    form = InteractionForm(
        request.POST or None, contacts=customer.contacts.all(), instance=interaction
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        updated = run_service(
            form,
            lambda: services.interaction_update(
                actor=request.user, interaction=interaction, **values
            ),
        )
        if updated is not None:
            messages.success(request, _("The interaction was saved."))
            return redirect(customer)
    title = _("Interaction with %(customer)s") % {"customer": customer}
    delete_url = (
        reverse("interaction-delete", args=[interaction.pk])
        if request.user.has_perm("customers.delete_interaction")
        else ""
    )
    return _form_page(request, form, title, customer.get_absolute_url(), delete_url)


@require("customers.delete_interaction")
@require_POST
def interaction_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    interaction = selectors.interaction_get(actor=request.user, pk=pk)
    services.interaction_delete(actor=request.user, interaction=interaction)
    messages.success(request, _("The interaction was deleted."))
    return redirect(interaction.customer)


@require("customers.change_communicationtarget")
def communication_targets(request: AuthedRequest) -> HttpResponse:
    """The effective communications a month each customer level should get."""
    rows = selectors.communication_targets()
    form = CommunicationTargetsForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        changed = run_service(
            form,
            lambda: services.communication_targets_set(
                actor=request.user, targets=form.cleaned_data
            ),
        )
        if changed is not None:
            messages.success(
                request,
                ngettext(
                    "%(count)s target was changed.", "%(count)s targets were changed.", changed
                )
                % {"count": changed},
            )
            return redirect("communication-targets")
    lines = [(row, form[row["level"]]) for row in rows]
    return render(request, "customers/communication_targets.html", {"form": form, "lines": lines})


def _consents_page(
    request: AuthedRequest, customer: Customer, contact: Contact | None, subject: Customer | Contact
) -> HttpResponse:
    form = ConsentForm(request.POST or None, initial={"granted": True})
    if request.method == "POST":
        if not request.user.has_perm("customers.change_contact"):
            raise PermissionDenied
        if form.is_valid():
            done = run_service(
                form,
                lambda: services.consent_record(
                    actor=request.user, customer=customer, contact=contact, **form.cleaned_data
                ),
            )
            if done is not None:
                messages.success(request, _("The consent was recorded."))
                return redirect(request.path)
    history = selectors.consent_history(actor=request.user, customer=customer, contact=contact)
    context = {
        "customer": customer,
        "contact": contact,
        "subject": subject,
        "form": form,
        "history": history[:100],
        "state": selectors.consent_state(history),
        "kind": "contact" if contact is not None else "customer",
    }
    return render(request, "customers/consents.html", context)


@require("customers.view_contact")
def contact_consents(request: AuthedRequest, pk: int) -> HttpResponse:
    """A contact's consents in force and their history; record a new one."""
    contact = selectors.contact_get(actor=request.user, pk=pk)
    return _consents_page(request, contact.customer, contact, contact)


@require("customers.view_contact")
def customer_consents(request: AuthedRequest, pk: int) -> HttpResponse:
    """An individual customer's own consents (a company's are its contacts')."""
    customer = selectors.customer_get(actor=request.user, pk=pk)
    if customer.kind != customer.Kind.INDIVIDUAL:
        raise Http404(_("A company's consents are its contacts'."))
    return _consents_page(request, customer, None, customer)
