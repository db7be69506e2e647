"""The service desk's personal fields (a requester's phone and e-mail), registered with
``core.privacy``."""

from guanxi.core import privacy
from guanxi.service import selectors
from guanxi.service.models import ServiceRequest

privacy.register(
    ServiceRequest,
    {"requester_phone": "phone", "requester_email": "email"},
    get=lambda actor, pk: selectors.request_get(actor=actor, pk=pk),
)
