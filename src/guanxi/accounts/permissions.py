"""What each role may do: the one table of role permissions (``app_label.codename``).

``RoleBackend`` reads it, so a role's rights are this code — reviewed and versioned with the
rest — not rows spread over data migrations. Administrators hold every permission; a person
may also be granted a permission of their own (``User.user_permissions``). Which *rows* a
role sees is its data scope (``core.roles``), not a permission.
"""

from guanxi.core.roles import Role

VIEW_DICTIONARY = ("core.view_dictcategory", "core.view_dictitem")
VIEW_PEOPLE = ("accounts.view_user", "accounts.view_team")
# Personal data (mobiles, e-mails, individuals' addresses, bank accounts) unmasked; without it
# they are masked and each reveal is recorded (``core.privacy``).
VIEW_PERSONAL = "core.view_personal_data"
VIEW_CUSTOMERS = (
    "customers.view_customer",
    "customers.view_contact",
    "customers.view_interaction",
    "catalog.view_product",
    "catalog.view_warehouse",
    "catalog.view_stockitem",
    "orders.view_order",
)
# A rep's own book: customers, their contacts, interactions and orders; imports and exports.
KEEP_CUSTOMERS = (
    "customers.add_customer",
    "customers.change_customer",
    "customers.add_contact",
    "customers.change_contact",
    "customers.delete_contact",
    "customers.add_interaction",
    "customers.change_interaction",
    "customers.delete_interaction",
    "orders.add_order",
    "orders.change_order",
    "transfer.import_data",
    "transfer.export_data",
)
SUPERVISE_CUSTOMERS = (
    "customers.delete_customer",
    "customers.reassign_customer",
    "customers.merge_customer",
    "catalog.add_product",
    "catalog.change_product",
    "catalog.add_warehouse",
    "catalog.change_warehouse",
    "catalog.change_stockitem",
)
VIEW_SALES = (
    "sales.view_opportunity",
    "sales.view_developmentplanstep",
    "sales.view_activity",
    "sales.view_pipelinestage",
)
ACTIVITIES = (
    "sales.add_activity",
    "sales.change_activity",
    "sales.delete_activity",
)
SELL = (
    "sales.add_opportunity",
    "sales.change_opportunity",
    "sales.add_developmentplanstep",
    "sales.change_developmentplanstep",
    *ACTIVITIES,
)
SUPERVISE_SALES = (
    "sales.assign_opportunity",
    "sales.manage_pipeline",
    "sales.view_leadform",
    "sales.view_assignmentrule",
)
VIEW_SERVICE = (
    "service.view_servicerequest",
    "service.view_callback",
    "service.view_slapolicy",
    "service.view_businesscalendar",
)
WORK_REQUESTS = ("service.add_servicerequest", "service.change_servicerequest")
RUN_THE_DESK = (
    "service.assign_servicerequest",
    "service.archive_servicerequest",
    "service.change_callback",
)
VIEW_ANALYTICS = (
    "analytics.view_reports",
    "analytics.view_customerscore",
    "analytics.view_churnwarning",
    "analytics.view_retentionmeasure",
    "analytics.view_improvementplan",
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SALES_SUPERVISOR: frozenset(
        {
            *VIEW_DICTIONARY,
            *VIEW_PEOPLE,
            *VIEW_CUSTOMERS,
            VIEW_PERSONAL,
            *KEEP_CUSTOMERS,
            *SUPERVISE_CUSTOMERS,
            *VIEW_SALES,
            *SELL,
            *SUPERVISE_SALES,
            *VIEW_SERVICE,
            *WORK_REQUESTS,
            *RUN_THE_DESK,
            *VIEW_ANALYTICS,
            "analytics.manage_churn",
            "analytics.manage_improvementplan",
            "analytics.change_lifecyclestrategy",
        }
    ),
    Role.ACCOUNT_MANAGER: frozenset(
        {
            *VIEW_DICTIONARY,
            *VIEW_CUSTOMERS,
            VIEW_PERSONAL,
            *KEEP_CUSTOMERS,
            *VIEW_SALES,
            *SELL,
            *VIEW_SERVICE,
            *WORK_REQUESTS,
            *VIEW_ANALYTICS,
            "analytics.manage_churn",
        }
    ),
    # The desk answers whoever calls; it keeps its own to-dos and calls, not the pipeline.
    Role.SERVICE_STAFF: frozenset(
        {
            *VIEW_DICTIONARY,
            *VIEW_CUSTOMERS,
            VIEW_PERSONAL,
            "customers.add_interaction",
            "transfer.export_data",
            "sales.view_activity",
            *ACTIVITIES,
            *VIEW_SERVICE,
            *WORK_REQUESTS,
            *RUN_THE_DESK,
            *VIEW_ANALYTICS,
            "analytics.manage_improvementplan",
        }
    ),
    # Executives read everything and change nothing (see also ``core.roles.can_write``); they
    # see personal data masked.
    Role.EXECUTIVE: frozenset(
        {
            *VIEW_DICTIONARY,
            *VIEW_PEOPLE,
            *VIEW_CUSTOMERS,
            "transfer.export_data",
            *VIEW_SALES,
            *VIEW_SERVICE,
            *VIEW_ANALYTICS,
        }
    ),
}
