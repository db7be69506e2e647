"""The SLA state rule (models.SLA_STATE_RULE) read in Python for one request and in SQL for
lists and filters gives the same state."""

from datetime import timedelta

from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from guanxi.service.models import ServiceRequest, sla_state_expression, sla_state_filter
from tests.factories import ServiceRequestFactory

SR = ServiceRequest
minutes = st.one_of(st.none(), st.integers(min_value=-600, max_value=600))


class TestStateRule(TestCase):
    @settings(max_examples=60, deadline=None)
    @given(
        status=st.sampled_from(SR.Status.values),
        paused=st.booleans(),
        first_breached=st.booleans(),
        resolution_breached=st.booleans(),
        due_in=minutes,
        warn_before=st.integers(min_value=0, max_value=300),
    )
    def test_python_and_sql_agree(
        self,
        status: str,
        paused: bool,
        first_breached: bool,
        resolution_breached: bool,
        due_in: int | None,
        warn_before: int,
    ) -> None:
        now = timezone.now()
        due = None if due_in is None else now + timedelta(minutes=due_in)
        request = ServiceRequestFactory(
            number=f"SR{SR.objects.count() + 1:010d}",
            service_type="inquiry",
            summary="x",
            requester_name="x",
            status=status,
            paused_at=now - timedelta(hours=1) if paused else None,
            first_response_breached=first_breached,
            resolution_breached=resolution_breached,
            next_due_at=due,
            next_warn_at=None if due is None else due - timedelta(minutes=warn_before),
        )
        expected = request.sla_state(now)
        found = SR.objects.annotate(sla=sla_state_expression(now)).get(pk=request.pk)
        assert found.sla == expected
        # The list filters put it in exactly the list of its state.
        for state in SR.SlaState.values:
            listed = SR.objects.filter(sla_state_filter(state, now), pk=request.pk).exists()
            assert listed == (state == expected), (state, expected)
