"""The one Ninja API object. Each app keeps its own router; this file only mounts them."""

from django.utils import translation
from ninja import NinjaAPI

from guanxi import __version__
from guanxi.api.auth import DEFAULT_AUTH
from guanxi.api.errors import register_handlers

# The OpenAPI document is in English: schemas made from models take their field titles from
# the models' verbose names, in the language active when the routers are imported.
with translation.override("en"):
    from guanxi.accounts.api import auth_router
    from guanxi.accounts.api import router as accounts_router
    from guanxi.administration.api import privacy_router
    from guanxi.administration.api import router as administration_router
    from guanxi.analytics.api import router as analytics_router
    from guanxi.catalog.api import router as catalog_router
    from guanxi.customers.api import router as customers_router
    from guanxi.orders.api import router as orders_router
    from guanxi.sales.api import router as sales_router
    from guanxi.service.api import router as service_router
    from guanxi.transfer.api import router as transfer_router

api = NinjaAPI(
    title="Guanxi CRM API",
    version=__version__,
    description=(
        "Guanxi's HTTP API. Authenticate with a personal token "
        "(`Authorization: Bearer <token>`) or a browser session with its CSRF token. "
        "Errors are `application/problem+json`."
    ),
    auth=DEFAULT_AUTH,
    urls_namespace="api",
    docs_url="/docs",
)
register_handlers(api)
api.add_router("/auth", auth_router)
api.add_router("/", accounts_router)
api.add_router("/", administration_router)
api.add_router("/", privacy_router)
api.add_router("/", customers_router)
api.add_router("/", catalog_router)
api.add_router("/", orders_router)
api.add_router("/", sales_router)
api.add_router("/", service_router)
api.add_router("/", analytics_router)
api.add_router("/", transfer_router)
