import pytest

from guanxi.accounts.models import User
from guanxi.core.audit import audit_create, audit_update, snapshot
from guanxi.core.models import AuditEntry
from guanxi.core.roles import DataScope, can_write, data_scope, scope_queryset
from tests.conftest import People

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "scope"),
    [
        ("admin", DataScope.ALL),
        ("executive", DataScope.ALL),
        ("sup_east", DataScope.TEAM),
        ("service_east", DataScope.TEAM),
        ("rep_east", DataScope.OWN),
    ],
)
def test_each_role_has_its_scope(people: People, persona: str, scope: DataScope) -> None:
    assert data_scope(people.by_name(persona)) is scope


def test_scope_queryset_by_owner(people: People) -> None:
    # Treat each user as owning their own row, the way a customer is owned by its manager.
    users = User.objects.all()
    assert scope_queryset(users, people.rep_east, owner_field="pk", team_field="team").count() == 1
    team = scope_queryset(users, people.sup_east, owner_field="pk", team_field="team")
    assert set(team.values_list("username", flat=True)) == {
        "sup_east",
        "rep_east",
        "rep_east2",
        "service_east",
    }
    assert scope_queryset(users, people.executive, owner_field="pk", team_field="team").count() == 8


def test_a_supervisor_without_team_sees_only_own(people: People) -> None:
    people.sup_west.team = None
    people.sup_west.save()
    users = scope_queryset(User.objects.all(), people.sup_west, owner_field="pk", team_field="team")
    assert list(users) == [people.sup_west]


def test_inactive_users_see_nothing(people: People) -> None:
    people.admin.is_active = False
    assert scope_queryset(User.objects.all(), people.admin, owner_field="pk").count() == 0


def test_executives_read_but_do_not_write(people: People) -> None:
    assert can_write(people.executive) is False
    assert can_write(people.rep_east) is True


def test_audit_records_only_real_changes(people: People) -> None:
    before = snapshot(people.rep_east)
    assert audit_update(actor=people.admin, instance=people.rep_east, before=before) is None
    people.rep_east.mobile = "13900001111"
    people.rep_east.save()
    entry = audit_update(actor=people.admin, instance=people.rep_east, before=before)
    assert entry is not None
    assert entry.changes == {"mobile": ["", "13900001111"]}
    assert entry.object_repr == str(people.rep_east)


def test_audit_never_stores_secrets(people: People) -> None:
    entry = audit_create(actor=people.admin, instance=people.rep_east)
    assert "password" not in entry.changes
    assert entry.changes["username"] == [None, "rep_east"]
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_every_role_permission_exists() -> None:
    """The code table names real permissions (a typo would silently grant nothing)."""
    from django.contrib.auth.models import Permission

    from guanxi.accounts.permissions import ROLE_PERMISSIONS

    known = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    for role, permissions in ROLE_PERMISSIONS.items():
        assert permissions - known == set(), role


@pytest.mark.django_db
def test_a_permission_granted_to_one_person_counts(people: People) -> None:
    from django.contrib.auth.models import Permission

    rep = people.rep_east
    assert not rep.has_perm("customers.merge_customer")
    rep.user_permissions.add(Permission.objects.get(codename="merge_customer"))
    rep = type(rep).objects.get(pk=rep.pk)  # a fresh permission cache
    assert rep.has_perm("customers.merge_customer")
    assert not rep.has_perm("customers.reassign_customer")
