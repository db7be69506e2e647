"""Demo pipeline: opportunities at every stage with their history and plans, and activities.

About one opportunity for every two customers (at most 20,000): some unassigned leads, most
being worked, a quarter won (linked to a customer of the rep) and a fifth lost with a reason.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from guanxi.accounts.models import User
from guanxi.core.roles import Role
from guanxi.core.sequences import next_numbers
from guanxi.customers.models import Customer
from guanxi.demo.context import DemoContext
from guanxi.demo.names import company_name, mobile, person_name
from guanxi.sales.models import (
    Activity,
    DevelopmentPlanStep,
    Opportunity,
    OpportunityPeriod,
    PipelineStage,
)

MAX_OPPORTUNITIES = 20_000
SUMMARIES = [
    "采购 ERP 系统升级",
    "年度办公设备集中采购",
    "新工厂生产线自动化改造",
    "华东区门店收银系统",
    "云服务器与数据备份方案",
    "员工培训平台建设",
    "仓储物流管理系统",
    "客户服务呼叫中心扩容",
]
PLANS = ["电话初步沟通需求", "上门拜访并演示产品", "提交技术方案", "报价并商谈付款条件", "合同评审"]
RESULTS = ["客户有兴趣，约定下次拜访", "已演示，客户反馈良好", "方案已提交，等待评估", ""]
LOST = ["price", "competitor", "no_budget", "no_need", "unreachable", "timing"]
SOURCES = ["website", "referral", "trade_show", "cold_call", "advertising"]
ACTIVITY_SUBJECTS = {
    Activity.Kind.CALL: "电话回访",
    Activity.Kind.MEETING: "需求沟通会",
    Activity.Kind.VISIT: "上门拜访",
    Activity.Kind.TODO: "准备报价单",
}


def generate_pipeline(context: DemoContext) -> None:
    if Opportunity.objects.exists() or context.customers == 0:
        return
    rng = context.rng
    stages = list(PipelineStage.objects.filter(active=True).order_by("order", "id"))
    reps = list(User.objects.filter(role=Role.ACCOUNT_MANAGER).order_by("pk"))
    if not stages or not reps:
        return
    customers_of: dict[int, list[tuple[int, str]]] = {}
    for pk, name, manager in Customer.objects.filter(account_manager__in=reps).values_list(
        "pk", "name", "account_manager"
    )[:50_000]:
        customers_of.setdefault(manager, []).append((pk, name))
    now = timezone.now()
    count = min(max(context.customers // 2, 1), MAX_OPPORTUNITIES)
    numbers = next_numbers("opportunity", count)
    opportunities: list[Opportunity] = []
    paths: list[list[PipelineStage]] = []
    for number in numbers:
        created = now - timedelta(days=rng.randint(0, 330), minutes=rng.randint(0, 1440))
        rep = rng.choice(reps)
        roll = rng.random()
        furthest = rng.randrange(len(stages))
        path = stages[: furthest + 1]
        family, given = person_name(rng)
        opportunity = Opportunity(
            number=f"OP{number:010d}",
            source=rng.choice(SOURCES),
            customer_name=company_name(rng),
            contact_name=family + given,
            contact_phone=mobile(rng),
            summary=rng.choice(SUMMARIES),
            amount=Decimal(rng.randrange(20, 2000) * 1000),
            expected_close=(created + timedelta(days=rng.randint(30, 150))).date(),
            stage=path[-1],
            probability=path[-1].probability,
            team_id=rep.team_id,
            assignee=rep,
            assigned_at=created + timedelta(hours=rng.randint(1, 48)),
            created_at=created,
        )
        if roll < 0.12:
            opportunity.status = Opportunity.Status.UNASSIGNED
            opportunity.assignee, opportunity.assigned_at = None, None
            opportunity.stage, opportunity.probability, path = (
                stages[0],
                stages[0].probability,
                stages[:1],
            )
        elif roll < 0.37 and customers_of.get(rep.pk):
            opportunity.status = Opportunity.Status.SUCCESS
            opportunity.customer_id, opportunity.customer_name = rng.choice(customers_of[rep.pk])
            opportunity.probability = 100
        elif roll < 0.57:
            opportunity.status = Opportunity.Status.FAILED
            opportunity.lost_reason = rng.choice(LOST)
            opportunity.probability = 0
        else:
            opportunity.status = (
                Opportunity.Status.DEVELOPING if len(path) > 1 else Opportunity.Status.ASSIGNED
            )
        if opportunity.status in Opportunity.CLOSED:
            closed = created + timedelta(days=rng.randint(7, 120))
            opportunity.closed_at = min(closed, now)
        opportunities.append(opportunity)
        paths.append(path)
    created_dates = [opportunity.created_at for opportunity in opportunities]
    Opportunity.objects.bulk_create(opportunities, batch_size=2000)
    # auto_now_add stamped them all with now: put the made-up dates back.
    for opportunity, created in zip(opportunities, created_dates, strict=True):
        opportunity.created_at = created
    Opportunity.objects.bulk_update(opportunities, ["created_at"], batch_size=2000)

    periods, steps = [], []
    for opportunity, path in zip(opportunities, paths, strict=True):
        end = opportunity.closed_at or now
        span = (end - opportunity.created_at) / (len(path) + 1)
        entered = opportunity.created_at
        open_status = (
            Opportunity.Status.UNASSIGNED
            if opportunity.assignee_id is None
            else Opportunity.Status.DEVELOPING
        )
        for index, stage in enumerate(path):
            status = (
                Opportunity.Status.ASSIGNED
                if index == 0 and opportunity.assignee_id
                else open_status
            )
            left = entered + span
            periods.append(
                OpportunityPeriod(
                    opportunity=opportunity,
                    status=status,
                    stage=stage,
                    entered_at=entered,
                    left_at=left,
                )
            )
            entered = left
        if opportunity.status in Opportunity.CLOSED:
            periods[-1].left_at = opportunity.closed_at
            periods.append(
                OpportunityPeriod(
                    opportunity=opportunity,
                    status=opportunity.status,
                    stage=path[-1],
                    entered_at=opportunity.closed_at,  # type: ignore[misc]
                )
            )
        else:
            periods[-1].left_at = None
        if opportunity.assignee_id:
            for index in range(min(len(path) + 1, len(PLANS))):
                day = opportunity.created_at + span * index
                steps.append(
                    DevelopmentPlanStep(
                        opportunity=opportunity,
                        date=timezone.localtime(day).date(),
                        content=PLANS[index],
                        result=rng.choice(RESULTS) if day < now else "",
                        result_at=day if day < now else None,
                        created_by_id=opportunity.assignee_id,
                    )
                )
    OpportunityPeriod.objects.bulk_create(periods, batch_size=5000)
    DevelopmentPlanStep.objects.bulk_create(steps, batch_size=5000)

    activities = []
    open_by_rep: dict[int, list[Opportunity]] = {}
    for opportunity in opportunities:
        if opportunity.is_open and opportunity.assignee_id:
            open_by_rep.setdefault(opportunity.assignee_id, []).append(opportunity)
    for rep in reps:
        for _index in range(12):
            kind = rng.choice(list(ACTIVITY_SUBJECTS))
            due = now.replace(minute=0, second=0, microsecond=0) + timedelta(
                hours=rng.randint(-72, 240)
            )
            linked = rng.choice(open_by_rep[rep.pk]) if open_by_rep.get(rep.pk) else None
            done = due < now and rng.random() < 0.6
            activities.append(
                Activity(
                    kind=kind,
                    subject=(
                        f"{ACTIVITY_SUBJECTS[kind]} · {linked.customer_name}"
                        if linked
                        else ACTIVITY_SUBJECTS[kind]
                    ),
                    due_at=due,
                    assignee=rep,
                    opportunity=linked,
                    remind_minutes=15,
                    remind_at=None if done or due < now else due - timedelta(minutes=15),
                    done_at=due + timedelta(minutes=30) if done else None,
                    created_by=rep,
                )
            )
    Activity.objects.bulk_create(activities, batch_size=2000)
    context.counts["opportunities"] = len(opportunities)
    context.counts["plan steps"] = len(steps)
    context.counts["activities"] = len(activities)
