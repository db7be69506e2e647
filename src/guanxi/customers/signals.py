"""What the customers app announces, so later modules react without the customers app
knowing them (the analytics drop an archived customer's scores)."""

from django.dispatch import Signal

# Sent inside the archiving transaction with ``customer``.
customer_archived = Signal()
