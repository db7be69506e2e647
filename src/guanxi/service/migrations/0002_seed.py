"""Default business calendars (with China's public holidays) and SLA policies."""

from datetime import date, timedelta

from django.db import migrations


def _days(start, end):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


# The State Council's 2026 schedule (国办发明电〔2025〕7号): holidays and make-up working days.
HOLIDAYS_2026 = [
    ("元旦 New Year's Day", date(2026, 1, 1), date(2026, 1, 3)),
    ("春节 Spring Festival", date(2026, 2, 15), date(2026, 2, 23)),
    ("清明节 Qingming", date(2026, 4, 4), date(2026, 4, 6)),
    ("劳动节 Labour Day", date(2026, 5, 1), date(2026, 5, 5)),
    ("端午节 Dragon Boat Festival", date(2026, 6, 19), date(2026, 6, 21)),
    ("中秋节 Mid-Autumn Festival", date(2026, 9, 25), date(2026, 9, 27)),
    ("国庆节 National Day", date(2026, 10, 1), date(2026, 10, 7)),
]
WORKDAYS_2026 = [
    ("元旦调休 New Year make-up day", date(2026, 1, 4)),
    ("春节调休 Spring Festival make-up day", date(2026, 2, 14)),
    ("春节调休 Spring Festival make-up day", date(2026, 2, 28)),
    ("劳动节调休 Labour Day make-up day", date(2026, 5, 9)),
    ("国庆节调休 National Day make-up day", date(2026, 9, 20)),
    ("国庆节调休 National Day make-up day", date(2026, 10, 10)),
]
# 2027: the statutory holidays (全国年节及纪念日放假办法, 2024) on their 2027 dates, with the
# weekends they join. The State Council's make-up working days for 2027 are added by an
# administrator when they are announced (Administration → Service set-up → calendar).
HOLIDAYS_2027 = [
    ("元旦 New Year's Day (provisional)", date(2027, 1, 1), date(2027, 1, 3)),
    ("春节 Spring Festival (provisional)", date(2027, 2, 5), date(2027, 2, 10)),
    ("清明节 Qingming (provisional)", date(2027, 4, 3), date(2027, 4, 5)),
    ("劳动节 Labour Day (provisional)", date(2027, 5, 1), date(2027, 5, 4)),
    ("端午节 Dragon Boat Festival (provisional)", date(2027, 6, 9), date(2027, 6, 9)),
    ("中秋节 Mid-Autumn Festival (provisional)", date(2027, 9, 15), date(2027, 9, 15)),
    ("国庆节 National Day (provisional)", date(2027, 10, 1), date(2027, 10, 7)),
]
WORKING = "中国工作日 China working days"
ROUND_THE_CLOCK = "全天候 Around the clock"
# (rank, name, type, priority, first response min, resolution min, calendar) — SPEC §1.3.
POLICIES = [
    (10, "紧急 Urgent", "", "urgent", 30, 240, ROUND_THE_CLOCK),
    (20, "投诉 Complaint", "complaint", "", 24 * 60, 72 * 60, ROUND_THE_CLOCK),
    (30, "复杂问题 Complex problem", "complex_problem", "", 24 * 60, 7 * 24 * 60, ROUND_THE_CLOCK),
    (40, "咨询 Inquiry", "inquiry", "", 2 * 60, 8 * 60, WORKING),
    (100, "标准 Standard", "", "", 4 * 60, 16 * 60, WORKING),
]


def seed_service(apps, schema_editor):
    """Calendars, policies and the complex-problem type (browser tests re-run this)."""
    DictCategory = apps.get_model("core", "DictCategory")
    DictItem = apps.get_model("core", "DictItem")
    category = DictCategory.objects.filter(code="service_type").first()
    if category is not None:
        DictItem.objects.get_or_create(
            category=category,
            code="complex_problem",
            defaults={
                "label_en": "Complex problem",
                "label_zh": "复杂问题",
                "order": 40,
                "editable": False,
            },
        )
    BusinessCalendar = apps.get_model("service", "BusinessCalendar")
    CalendarDay = apps.get_model("service", "CalendarDay")
    SlaPolicy = apps.get_model("service", "SlaPolicy")
    working, created = BusinessCalendar.objects.get_or_create(
        name=WORKING,
        defaults={
            "working_hours": [["09:00", "12:00"], ["13:00", "18:00"]],
            "days_off": [5, 6],
            "is_default": True,
        },
    )
    if created:
        days = [
            CalendarDay(calendar=working, date=day, kind="holiday", name=name)
            for name, start, end in HOLIDAYS_2026 + HOLIDAYS_2027
            for day in _days(start, end)
        ]
        days += [
            CalendarDay(calendar=working, date=day, kind="workday", name=name)
            for name, day in WORKDAYS_2026
        ]
        CalendarDay.objects.bulk_create(days)
    always, _ = BusinessCalendar.objects.get_or_create(
        name=ROUND_THE_CLOCK, defaults={"working_hours": [["00:00", "24:00"]], "days_off": []}
    )
    calendars = {WORKING: working, ROUND_THE_CLOCK: always}
    if not SlaPolicy.objects.exists():
        for rank, name, kind, priority, first, resolution, calendar in POLICIES:
            SlaPolicy.objects.create(
                rank=rank,
                name=name,
                service_type=kind,
                priority=priority,
                first_response_minutes=first,
                resolution_minutes=resolution,
                calendar=calendars[calendar],
            )


def seed(apps, schema_editor):
    seed_service(apps, schema_editor)


def unseed(apps, schema_editor):
    apps.get_model("core", "DictItem").objects.filter(code="complex_problem").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("service", "0001_initial"),
        ("sales", "0002_seed"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
