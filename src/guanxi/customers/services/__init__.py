"""Every write to customers, contacts and interactions. Views, the API, imports and jobs call
these, so each business rule lives in one place."""

from guanxi.customers.services.consents import consent_record
from guanxi.customers.services.contacts import (
    contact_create,
    contact_delete,
    contact_update,
    interaction_create,
    interaction_delete,
    interaction_update,
)
from guanxi.customers.services.customers import (
    DuplicateCustomer,
    EditConflict,
    customer_archive,
    customer_create,
    customer_reassign,
    customer_restore,
    customer_status_set,
    customer_update,
    customers_status_bulk_set,
    find_duplicates,
)
from guanxi.customers.services.lifecycle import customer_lifecycle_set, customers_lifecycle_derive
from guanxi.customers.services.merge import customer_merge
from guanxi.customers.services.targets import communication_targets_set

__all__ = [
    "DuplicateCustomer",
    "EditConflict",
    "communication_targets_set",
    "consent_record",
    "contact_create",
    "contact_delete",
    "contact_update",
    "customer_archive",
    "customer_create",
    "customer_lifecycle_set",
    "customer_merge",
    "customer_reassign",
    "customer_restore",
    "customer_status_set",
    "customer_update",
    "customers_lifecycle_derive",
    "customers_status_bulk_set",
    "find_duplicates",
    "interaction_create",
    "interaction_delete",
    "interaction_update",
]
