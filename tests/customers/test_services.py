"""Business rules that live in the customer services, whoever calls them."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from guanxi.customers import services
from guanxi.customers.models import Contact
from tests.conftest import Book, People
from tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


def messages(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_codes_are_generated_unique_and_checked(people: People, book: Book) -> None:
    first = services.customer_create(actor=people.admin, name="甲公司")
    second = services.customer_create(actor=people.admin, name="乙公司")
    assert int(second.code[1:]) == int(first.code[1:]) + 1
    with pytest.raises(ValidationError) as taken:
        services.customer_create(actor=people.admin, name="丙公司", code=book.east.code)
    assert messages(taken) == {"code": [f"A customer with the code {book.east.code} exists."]}
    with pytest.raises(ValidationError) as long:
        services.customer_create(actor=people.admin, name="丁公司", code="X" * 33)
    assert messages(long) == {"code": ["Ensure this value has at most 32 characters (it has 33)."]}


def test_an_inactive_manager_is_refused(people: People, book: Book) -> None:
    people.rep_east2.is_active = False
    people.rep_east2.save()
    with pytest.raises(ValidationError) as error:
        services.customer_reassign(
            actor=people.sup_east, customers=[book.east], account_manager=people.rep_east2
        )
    assert messages(error) == {
        "account_manager": [f"{people.rep_east2} is inactive and cannot manage customers."]
    }


def test_removing_the_primary_contact_passes_the_mark_on(people: People, book: Book) -> None:
    first = services.contact_create(actor=people.rep_east, customer=book.east, name="甲")
    services.contact_create(actor=people.rep_east, customer=book.east, name="乙")
    services.contact_delete(actor=people.rep_east, contact=first)
    assert [(c.name, c.is_primary) for c in Contact.objects.filter(customer=book.east)] == [
        ("乙", True)
    ]
    with pytest.raises(ValidationError) as error:
        services.contact_update(
            actor=people.rep_east, contact=Contact.objects.get(name="乙"), is_primary=False
        )
    assert messages(error)["is_primary"] == [
        "A customer keeps one primary contact: make another contact primary instead."
    ]


def test_an_interaction_cannot_name_another_customers_contact(people: People, book: Book) -> None:
    other = ContactFactory(customer=book.east2, name="外人", is_primary=True)
    with pytest.raises(ValidationError) as error:
        services.interaction_create(
            actor=people.sup_east,
            customer=book.east,
            contact=other,
            occurred_at=timezone.now(),
            channel="phone",
            summary="回访",
        )
    assert messages(error) == {"contact": ["This contact belongs to another customer."]}


def test_a_merged_customer_cannot_be_restored(people: People, book: Book) -> None:
    services.customer_merge(actor=people.sup_east, target=book.east, source=book.east2)
    book.east2.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.customer_restore(actor=people.sup_east, customer=book.east2)
    assert messages(error) == {
        "merged_into": [
            "This customer was merged into 北京华信科技有限公司 and cannot be restored."
        ]
    }


def test_an_archived_customer_cannot_be_edited(people: People, book: Book) -> None:
    services.customer_archive(actor=people.sup_east, customer=book.east)
    with pytest.raises(ValidationError) as error:
        services.customer_update(actor=people.sup_east, customer=book.east, name="新名字")
    assert messages(error) == {"archived_at": ["Restore this customer before changing it."]}


def test_merging_into_itself_is_refused(people: People, book: Book) -> None:
    with pytest.raises(ValidationError) as error:
        services.customer_merge(actor=people.admin, target=book.east, source=book.east)
    assert messages(error) == {"source": ["A customer cannot be merged into itself."]}


def test_a_job_cannot_write_past_the_data_scope(people: People) -> None:
    west = CustomerFactory(name="西部客户", account_manager=people.rep_west)
    with pytest.raises(ValidationError) as error:
        services.customer_update(actor=people.rep_east, customer=west, name="x")
    assert messages(error) == {"customer": ["This customer is outside your data scope."]}


def test_the_bulk_update_refuses_a_reassignment_without_the_permission(
    people: People, book: Book
) -> None:
    from guanxi.customers.services.bulk import (
        CustomerChange,
        customers_bulk_update,
        customers_for_import,
    )

    found, refused = customers_for_import(actor=people.rep_east, codes=[book.east.code])
    assert refused == {}
    outcome = customers_bulk_update(
        actor=people.rep_east,
        changes=[CustomerChange(found[book.east.code], {"notes": "x"}, people.rep_east2)],
    )
    assert outcome.refused == {
        0: ("account_manager", "You do not have permission to reassign customers.")
    }
    assert outcome.updated == 0
    book.east.refresh_from_db()
    assert (book.east.notes, book.east.account_manager) == ("", people.rep_east)


def test_the_import_loader_names_codes_outside_the_scope(people: People, book: Book) -> None:
    from guanxi.customers.services.bulk import customers_for_import

    found, refused = customers_for_import(
        actor=people.rep_east, codes=[book.east.code, book.west.code, "NOPE"]
    )
    assert list(found) == [book.east.code]
    assert refused == {book.west.code: f"The customer {book.west.code} is outside your data scope."}


def test_merging_drops_the_duplicates_scores(people: People, book: Book) -> None:
    from guanxi.analytics.models import CustomerScore

    for customer in (book.east, book.east2):
        CustomerScore.objects.create(customer=customer, annual_spend=0, computed_at=timezone.now())
    services.customer_merge(actor=people.admin, target=book.east, source=book.east2)
    assert list(CustomerScore.objects.values_list("customer_id", flat=True)) == [book.east.pk]


def test_a_status_change_by_the_churn_process_is_audited(people: People, book: Book) -> None:
    from guanxi.core.models import AuditEntry
    from guanxi.customers.models import Customer

    services.customer_status_set(
        actor=people.rep_east,
        customer=book.east,
        status=Customer.Status.CHURNED,
        lifecycle_stage=Customer.Lifecycle.CHURNED,
    )
    entry = AuditEntry.objects.get(object_id=str(book.east.pk), action="update")
    assert (entry.actor, entry.changes) == (
        people.rep_east,
        {
            "status": ["normal", "churned"],
            "lifecycle_stage": ["potential", "churned"],
            "lifecycle_derived": ["potential", "churned"],
            "version": [1, 2],
        },
    )
    with pytest.raises(ValidationError) as error:
        services.customer_status_set(
            actor=people.rep_east2, customer=book.east, status=Customer.Status.NORMAL
        )
    assert messages(error) == {"customer": ["This customer is outside your data scope."]}
