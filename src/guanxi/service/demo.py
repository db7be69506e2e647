"""Demo service desk: half a year of requests with realistic timing, feedback and callbacks.

About one request for every four customers (at most 20,000), received mostly in office hours.
Older ones are archived with feedback (a few reopened once), recent ones are open — some at
risk or breached, with the escalations the sweep would have made — so the queues, clocks and
dashboard have something to show. Due times come from the real policies and calendars.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from guanxi.accounts.models import Team, User
from guanxi.core.dates import day_start
from guanxi.core.roles import Role
from guanxi.customers.models import Customer
from guanxi.demo.context import DemoContext
from guanxi.demo.names import mobile, person_name
from guanxi.service.models import (
    Callback,
    Escalation,
    Priority,
    RequestEvent,
    ServiceRequest,
    ServiceSettings,
    SlaPolicy,
    mean_score,
)
from guanxi.service.services import sla
from guanxi.service.services.callbacks import satisfaction_code
from guanxi.service.services.requests import new_request_numbers

if TYPE_CHECKING:
    from random import Random

MAX_REQUESTS = 20_000
SR = ServiceRequest
A = RequestEvent.Action
TYPES = [("inquiry", 50), ("suggestion", 15), ("complaint", 20), ("complex_problem", 15)]
PRIORITIES = [
    (Priority.LOW, 15),
    (Priority.NORMAL, 62),
    (Priority.HIGH, 17),
    (Priority.URGENT, 6),
]
CHANNELS = [
    (SR.Channel.HOTLINE, 40),
    (SR.Channel.CHAT, 20),
    (SR.Channel.EMAIL, 15),
    (SR.Channel.WECHAT, 15),
    (SR.Channel.WEB_FORM, 10),
]
SUMMARIES = {
    "inquiry": [
        "发票抬头如何修改",
        "订单发货进度查询",
        "产品保修期咨询",
        "账单金额核对",
        "如何开通在线对账",
    ],
    "suggestion": [
        "希望增加夜间服务时段",
        "建议提供电子合同",
        "包装可以更环保",
        "希望微信上能查物流",
    ],
    "complaint": ["送货延误三天", "设备运行噪音大", "客服电话长时间无人接听", "收到的货物有破损"],
    "complex_problem": ["生产线控制器频繁报警", "系统接口数据不同步", "多台设备同时出现故障"],
}
RESULTS = {
    "inquiry": "已电话答复客户并发送说明文档",
    "suggestion": "已记录建议并转交产品部门评估",
    "complaint": "已道歉并安排补发，客户接受处理方案",
    "complex_problem": "工程师上门排查，更换故障部件后恢复正常",
}
ROOT_CAUSES = ["物流承运商排班不足", "出厂检验漏检", "客服排班与来电高峰不匹配", "包装防护不足"]
ACTIONS = ["更换承运商并增加到货提醒", "增加出厂前复检环节", "高峰时段增加值班人员", "改用加厚包装"]
SCORES = [(5, 45), (4, 33), (3, 12), (2, 6), (1, 4)]


def _pick(rng: "Random", weighted: list) -> object:  # type: ignore[type-arg]
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def _received(rng: "Random", now: datetime) -> datetime:
    """Mostly office hours on weekdays, some evenings and weekends."""
    # A quarter in the last few days, so the queues have open work in them.
    days = rng.randint(0, 3) if rng.random() < 0.25 else rng.randint(0, 180)
    day = timezone.localtime(now) - timedelta(days=days)
    hour = rng.choice([9, 9, 10, 10, 10, 11, 11, 13, 14, 14, 15, 15, 16, 16, 17, 19, 21])
    moment = day.replace(hour=hour, minute=rng.randint(0, 59), second=0, microsecond=0)
    return min(moment, now - timedelta(minutes=rng.randint(5, 90)))


def generate_service(context: DemoContext) -> None:
    if SR.objects.exists() or context.customers == 0:
        return
    rng = context.rng
    team = Team.objects.filter(name="客户服务部").first()
    staff = list(User.objects.filter(role=Role.SERVICE_STAFF, is_active=True).order_by("pk"))
    policies = list(SlaPolicy.objects.filter(active=True).select_related("calendar"))
    if team is None or not staff or not policies:
        return
    settings = ServiceSettings.load()
    if settings.default_team_id is None:
        settings.default_team = team
        settings.save(update_fields=["default_team"])
    customers = list(Customer.objects.values_list("pk", "level")[:50_000])
    now = timezone.now()
    count = min(max(context.customers // 4, 1), MAX_REQUESTS)
    requests: list[SR] = []
    plans: list[dict] = []  # type: ignore[type-arg]
    escalations: list[Escalation] = []
    for number in new_request_numbers(count):
        kind = str(_pick(rng, TYPES))
        customer = rng.choice(customers) if rng.random() > 0.08 else None
        received = _received(rng, now)
        channel = str(_pick(rng, CHANNELS))
        family, given = person_name(rng)
        request = SR(
            number=number,
            service_type=kind,
            priority=str(_pick(rng, PRIORITIES)),
            channel=channel,
            customer_id=customer[0] if customer else None,
            requester_name="" if customer else family + given,
            requester_phone="" if customer else mobile(rng),
            summary=rng.choice(SUMMARIES[kind]),
            details="客户来电反映：" + rng.choice(SUMMARIES[kind]) + "，请尽快处理。",
            received_at=received,
            resolution_started_at=received,
            team=team,
            created_by=None if channel == SR.Channel.WEB_FORM else rng.choice(staff),
        )
        request.policy = sla.policy_for(
            service_type=kind,
            priority=request.priority,
            customer_level=customer[1] if customer else "",
            policies=policies,
        )
        sla.refresh_clock(request)
        plans.append(_live(rng, request, staff, now))
        escalations += _escalations(request, now)
        requests.append(request)
        if context.on_progress and len(requests) % 1000 == 0:
            context.on_progress(len(requests) / count)
    SR.objects.bulk_create(requests, batch_size=2000)
    events: list[RequestEvent] = []
    callbacks: list[Callback] = []
    for request, plan in zip(requests, plans, strict=True):
        events += _events(request, plan)
        callback = _callback(rng, request, now)
        if callback is not None:
            callbacks.append(callback)
    RequestEvent.objects.bulk_create(events, batch_size=5000)
    Escalation.objects.bulk_create(escalations, batch_size=5000)
    Callback.objects.bulk_create(callbacks, batch_size=5000)
    # What the sweep looks at next, now that the escalations already made are on record.
    done: dict[int, set[tuple[str, int]]] = {}
    for escalation in escalations:
        done.setdefault(escalation.request_id, set()).add((escalation.clock, escalation.level))
    open_ = [request for request in requests if request.is_open]
    for request in open_:
        sla.schedule_next(request, done.get(request.pk, set()))
    SR.objects.bulk_update(open_, ["escalate_at"], batch_size=2000)
    _satisfaction_from_callbacks(callbacks)
    context.counts["service requests"] = len(requests)
    context.counts["callbacks"] = len(callbacks)


def _live(rng: "Random", request: SR, staff: list[User], now: datetime) -> dict:  # type: ignore[type-arg]
    """Play the request forward from receipt to now: response, handling, feedback, archive."""
    policy = request.policy
    assert policy is not None
    calendar = sla.work_calendar(policy.calendar)
    plan: dict = {}  # type: ignore[type-arg]
    assignee = rng.choice(staff)
    assigned = request.received_at + timedelta(minutes=rng.randint(1, 12))
    fresh = now - request.received_at < timedelta(days=1)
    if assigned >= now or (fresh and rng.random() < 0.3):
        return plan  # still in the team queue
    request.assignee, request.assigned_at, request.status = assignee, assigned, SR.Status.ASSIGNED
    plan["assigned"] = assigned
    late = rng.random() < 0.08
    # Most desks answer within a few hours even when the limit is a day.
    share = (
        rng.uniform(1.05, 1.8)
        if late
        else rng.uniform(0.05, 0.85) * min(1, 240 / policy.first_response_minutes)
    )
    responded = max(
        assigned, calendar.add(request.received_at, int(policy.first_response_minutes * 60 * share))
    )
    if responded >= now:
        return plan
    request.first_response_at = responded
    request.first_response_minutes = round(calendar.between(request.received_at, responded) / 60)
    sla.record_late_stop(request, Escalation.Clock.FIRST_RESPONSE, responded)
    plan["responded"] = responded
    if fresh and rng.random() < 0.6:
        return plan  # still being worked on
    late = rng.random() < 0.06
    share = rng.uniform(1.05, 1.6) if late else rng.uniform(0.2, 0.9)
    target = int(policy.resolution_minutes * 60 * share)
    handled = max(responded, calendar.add(request.received_at, target))
    if handled >= now:
        return plan
    request.status, request.handled_at = SR.Status.HANDLED, handled
    request.result = RESULTS[request.service_type]
    request.resolution_minutes = round(calendar.between(request.received_at, handled) / 60)
    sla.record_late_stop(request, Escalation.Clock.RESOLUTION, handled)
    plan["handled"] = handled
    feedback = handled + timedelta(hours=rng.randint(2, 60))
    if feedback >= now:
        return plan
    score = int(str(_pick(rng, SCORES)))
    if score < 3:
        # The customer was unhappy once; the second try satisfied them.
        request.reopen_count = 1
        plan["reopened"] = (responded + (handled - responded) / 2, score)
        score = rng.choice([3, 4, 4, 5])
    request.satisfaction, request.feedback_at = score, feedback
    plan["feedback"] = feedback
    if request.is_complaint:
        request.root_cause = rng.choice(ROOT_CAUSES)
        request.corrective_action = rng.choice(ACTIONS)
        request.follow_up = "一周后电话确认效果"
        request.review = "已在周例会复盘，纳入服务改进清单"
    archived = feedback + timedelta(hours=rng.randint(1, 30))
    if archived < now and rng.random() < 0.95:
        request.status, request.archived_at = SR.Status.ARCHIVED, archived
        plan["archived"] = archived
    _set_clock_state(request)
    return plan


def _set_clock_state(request: SR) -> None:
    request.next_due_at = request.next_warn_at = request.escalate_at = None


def _events(request: SR, plan: dict) -> list[RequestEvent]:  # type: ignore[type-arg]
    S = SR.Status
    rows = [
        RequestEvent(request=request, action=A.CREATED, to_status=S.CREATED, at=request.received_at)
    ]
    steps = [
        ("assigned", A.ASSIGNED, S.CREATED, S.ASSIGNED),
        ("responded", A.RESPONDED, S.ASSIGNED, S.ASSIGNED),
        ("handled", A.HANDLED, S.ASSIGNED, S.HANDLED),
        ("feedback", A.FEEDBACK, S.HANDLED, S.HANDLED),
        ("archived", A.ARCHIVED, S.HANDLED, S.ARCHIVED),
    ]
    for key, action, before, after in steps:
        if key in plan:
            rows.append(
                RequestEvent(
                    request=request,
                    action=action,
                    from_status=before,
                    to_status=after,
                    actor=request.assignee,
                    at=plan[key],
                    note=f"{request.satisfaction}/5" if key == "feedback" else "",
                )
            )
    if "reopened" in plan:
        at, score = plan["reopened"]
        rows += [
            RequestEvent(
                request=request,
                action=action,
                from_status=S.HANDLED,
                to_status=after,
                at=at,
                actor=request.assignee,
                note=f"{score}/5",
            )
            for action, after in ((A.FEEDBACK, S.HANDLED), (A.REOPENED, S.ASSIGNED))
        ]
    return rows


def _escalations(request: SR, now: datetime) -> list[Escalation]:
    """The steps the sweep would already have taken for an open request's running clocks."""
    if not request.is_open or request.policy is None:
        return []
    delay = timedelta(minutes=request.policy.escalate_after_minutes)
    rows = []
    for clock, warn, due in sla.running_clocks(request):
        if now >= due:
            if clock == Escalation.Clock.FIRST_RESPONSE:
                request.first_response_breached = True
            else:
                request.resolution_breached = True
            rows.append(Escalation(request=request, clock=clock, level=2, at=due))
            if now >= due + delay:
                rows.append(Escalation(request=request, clock=clock, level=3, at=due + delay))
        elif now >= warn:
            rows.append(Escalation(request=request, clock=clock, level=1, at=warn))
    return rows


def _callback(rng: "Random", request: SR, now: datetime) -> Callback | None:
    if request.archived_at is None or not (request.is_complaint or rng.random() < 0.2):
        return None
    due = timezone.localdate(request.archived_at) + timedelta(days=2)
    callback = Callback(
        request=request, customer_id=request.customer_id, assignee=request.assignee, due_date=due
    )
    if due < timezone.localdate(now) - timedelta(days=2):
        if rng.random() < 0.12:
            callback.status = Callback.Status.UNREACHABLE
        else:
            base = request.satisfaction or 4
            answers = [max(1, min(5, base + rng.choice([-1, 0, 0, 0, 1]))) for _ in range(3)]
            callback.attitude, callback.efficiency, callback.information = answers
            callback.score = mean_score(*answers)
            callback.resolved = base >= 3
            callback.status = Callback.Status.DONE
            callback.comment = "客户对处理结果表示认可" if base >= 4 else "客户希望响应再快一些"
        callback.done_at = day_start(due) + timedelta(hours=10)
        callback.done_by = request.assignee
    return callback


def _satisfaction_from_callbacks(callbacks: list[Callback]) -> None:
    """Customers called back get the satisfaction their answers gave (as the service does)."""
    scores: dict[int, list[float]] = {}
    for callback in callbacks:
        if callback.score is not None and callback.customer_id is not None:
            scores.setdefault(callback.customer_id, []).append(float(callback.score))
    customers = list(Customer.objects.filter(pk__in=scores))
    for customer in customers:
        values = scores[customer.pk]
        customer.satisfaction = satisfaction_code(sum(values) / len(values))
    Customer.objects.bulk_update(customers, ["satisfaction"], batch_size=2000)
