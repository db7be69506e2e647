from django.contrib.auth import views as auth_views
from django.urls import path

from guanxi.accounts import views as accounts
from guanxi.core import views as core
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
]
