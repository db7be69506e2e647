"""Demo teams and users: sales teams with supervisors and reps, service staff, executives."""

from django.contrib.auth.hashers import make_password

from guanxi.accounts.models import Team, User
from guanxi.core.roles import Role
from guanxi.demo.context import DemoContext
from guanxi.demo.names import mobile, person_name, username_for

SALES_TEAMS = ["华东销售部", "华南销售部", "华北销售部"]
SERVICE_TEAM = "客户服务部"
# One account manager for every 100 customers, between 4 and 60 in all.
CUSTOMERS_PER_REP = 100


def generate_people(context: DemoContext) -> None:
    rng = context.rng
    # Hash once: every demo user shares the demo password, and hashing is slow on purpose.
    password_hash = make_password(context.password)
    taken = set(User.objects.values_list("username", flat=True))
    reps = min(60, max(4, context.customers // CUSTOMERS_PER_REP))

    plan: list[tuple[str, str]] = []  # (role, team name)
    for index, team in enumerate(SALES_TEAMS):
        plan.append((Role.SALES_SUPERVISOR, team))
        share = reps // len(SALES_TEAMS) + (1 if index < reps % len(SALES_TEAMS) else 0)
        plan += [(Role.ACCOUNT_MANAGER, team)] * share
    plan += [(Role.SERVICE_STAFF, SERVICE_TEAM)] * 3
    plan += [(Role.EXECUTIVE, "")] * 2

    teams = {
        name: Team.objects.get_or_create(name=name)[0] for name in [*SALES_TEAMS, SERVICE_TEAM]
    }
    users = []
    seen: set[str] = set()  # numbered within this run only, so a seed always gives the same names
    for role, team_name in plan:
        family, given = person_name(rng)
        username = username_for(family, given, seen)
        users.append(
            User(
                username=username,
                last_name=family,
                first_name=given,
                email=f"{username}@demo.guanxi.example",
                mobile=mobile(rng),
                role=role,
                team=teams.get(team_name),
                password=password_hash,
            )
        )
    # Same seed, same names: users already there from an earlier run are skipped.
    fresh = []
    for user in users:
        if user.username in taken:
            continue
        taken.add(user.username)
        fresh.append(user)
    User.objects.bulk_create(fresh)

    for team_name in SALES_TEAMS:
        sales = teams[team_name]
        if sales.supervisor_id is None:
            sales.supervisor = (
                User.objects.filter(team=sales, role=Role.SALES_SUPERVISOR).order_by("pk").first()
            )
            sales.save(update_fields=["supervisor"])
    service = teams[SERVICE_TEAM]
    if service.supervisor_id is None:
        service.supervisor = User.objects.filter(team=service).order_by("pk").first()
        service.save(update_fields=["supervisor"])

    context.made["users"] = users
    context.made["teams"] = teams
    context.counts["teams"] = len(teams)
    context.counts["users"] = len(fresh)
