from django.contrib.auth import views as auth_views
from django.urls import path

from guanxi.accounts import views as accounts
from guanxi.catalog import views as catalog
from guanxi.core import views as core
from guanxi.customers import views as customers
from guanxi.orders import views as orders
from guanxi.transfer import views as transfer
from guanxi.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set-language"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/tokens/", accounts.token_list, name="token-list"),
    path("account/tokens/<int:pk>/revoke/", accounts.token_revoke, name="token-revoke"),
    path("users/", accounts.user_list, name="user-list"),
    path("users/new/", accounts.user_create, name="user-create"),
    path("users/<int:pk>/", accounts.user_detail, name="user-detail"),
    path("users/<int:pk>/edit/", accounts.user_edit, name="user-edit"),
    path("users/<int:pk>/password/", accounts.user_password, name="user-password"),
    path("teams/", accounts.team_list, name="team-list"),
    path("teams/new/", accounts.team_create, name="team-create"),
    path("teams/<int:pk>/", accounts.team_detail, name="team-detail"),
    path("teams/<int:pk>/edit/", accounts.team_edit, name="team-edit"),
    path("dictionary/", core.dictionary, name="dictionary"),
    path("dictionary/<slug:code>/", core.dictionary, name="dictionary-category"),
    path("dictionary/<slug:code>/<int:pk>/", core.dict_item_edit, name="dict-item-edit"),
    path("dictionary/<slug:code>/<int:pk>/delete/", core.dict_item_delete, name="dict-item-delete"),
    path("audit/", core.audit_search, name="audit-search"),
    path("customers/", customers.customer_list, name="customer-list"),
    path("customers/new/", customers.customer_create, name="customer-create"),
    path("customers/reassign/", customers.customer_reassign, name="customer-reassign"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer-detail"),
    path("customers/<int:pk>/edit/", customers.customer_edit, name="customer-edit"),
    path("customers/<int:pk>/archive/", customers.customer_archive, name="customer-archive"),
    path("customers/<int:pk>/restore/", customers.customer_restore, name="customer-restore"),
    path("customers/<int:pk>/merge/", customers.customer_merge, name="customer-merge"),
    path("customers/<int:pk>/contacts/new/", customers.contact_create, name="contact-create"),
    path("contacts/<int:pk>/edit/", customers.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/delete/", customers.contact_delete, name="contact-delete"),
    path(
        "customers/<int:pk>/interactions/new/",
        customers.interaction_create,
        name="interaction-create",
    ),
    path("interactions/<int:pk>/", customers.interaction_edit, name="interaction-edit"),
    path(
        "interactions/<int:pk>/delete/",
        customers.interaction_delete,
        name="interaction-delete",
    ),
    path("products/", catalog.product_list, name="product-list"),
    path("products/new/", catalog.product_create, name="product-create"),
    path("products/<int:pk>/", catalog.product_detail, name="product-detail"),
    path("products/<int:pk>/edit/", catalog.product_edit, name="product-edit"),
    path("warehouses/", catalog.warehouse_list, name="warehouse-list"),
    path("stock/", catalog.stock_list, name="stock-list"),
    path("stock/adjust/", catalog.stock_adjust, name="stock-adjust"),
    path("orders/", orders.order_list, name="order-list"),
    path("orders/new/", orders.order_create, name="order-create"),
    path("orders/<int:pk>/", orders.order_detail, name="order-detail"),
    path("orders/<int:pk>/edit/", orders.order_edit, name="order-edit"),
    path("imports/", transfer.import_list, name="import-list"),
    path("imports/new/", transfer.import_create, name="import-create"),
    path("imports/<int:pk>/", transfer.import_detail, name="import-detail"),
    path("imports/<int:pk>/errors.csv", transfer.import_errors, name="import-errors"),
    path("export/<slug:kind>/", transfer.export, name="export"),
]
