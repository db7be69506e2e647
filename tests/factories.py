from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from guanxi.accounts.models import Team, User
from guanxi.core.roles import Role
from guanxi.sales.models import PipelineStage

PASSWORD = "correct-horse-battery"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"团队{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "王"
    first_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    role = Role.ACCOUNT_MANAGER
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer with its search columns filled, as the service would."""

    class Meta:
        model = "customers.Customer"
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:06d}")
    name = factory.Sequence(lambda n: f"测试客户{n}有限公司")
    level = "ordinary"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):  # type: ignore[no-untyped-def]
        from guanxi.customers.search import search_fields

        kwargs.update(
            search_fields(
                name=kwargs["name"],
                code=kwargs["code"],
                phone=kwargs.get("phone", ""),
                email=kwargs.get("email", ""),
                person=kwargs.get("kind") == "individual",
            )
        )
        return super()._create(model_class, *args, **kwargs)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "customers.Contact"
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Product"

    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"产品{n}")
    unit = "台"
    price = "100.00"


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Warehouse"

    code = factory.Sequence(lambda n: f"WH{n:02d}")
    name = factory.Sequence(lambda n: f"仓库{n}")


class InteractionFactory(factory.django.DjangoModelFactory):
    """An effective phone call, now."""

    class Meta:
        model = "customers.Interaction"
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    channel = "phone"
    summary = "回访"


class OrderFactory(factory.django.DjangoModelFactory):
    """An order as history: no lines, just its total (confirmed, so it counts as a sale)."""

    class Meta:
        model = "orders.Order"
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"SO{n:09d}")
    customer = factory.SubFactory(CustomerFactory)
    order_date = factory.LazyFunction(timezone.localdate)
    total = Decimal("1000.00")


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    """An inquiry received now, from someone not on file unless a customer is given."""

    class Meta:
        model = "service.ServiceRequest"
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"SR{n:010d}")
    service_type = "inquiry"
    summary = "测试请求"
    requester_name = "测试"
    received_at = factory.LazyFunction(timezone.now)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """An unassigned lead at the pipeline's first stage."""

    class Meta:
        model = "sales.Opportunity"
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"OP{n:010d}")
    customer_name = factory.Sequence(lambda n: f"潜在客户{n}有限公司")
    summary = "新线索"
    stage = factory.LazyFunction(lambda: PipelineStage.objects.order_by("order").first())
