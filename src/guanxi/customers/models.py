"""The customer archive: customers, their contacts and the interactions with them."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanxi.core import fields
from guanxi.core.models import SettingModel, TimestampedModel


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(TimestampedModel):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        INDIVIDUAL = "individual", _("Individual")

    class Scale(models.TextChoices):
        MICRO = "micro", _("Micro (under 10 staff)")
        SMALL = "small", _("Small (10–99 staff)")
        MEDIUM = "medium", _("Medium (100–999 staff)")
        LARGE = "large", _("Large (1,000 staff or more)")

    class Lifecycle(models.TextChoices):
        POTENTIAL = "potential", _("Potential")
        NEW = "new", _("New")
        GROWING = "growing", _("Growing")
        MATURE = "mature", _("Mature")
        DECLINING = "declining", _("Declining")
        CHURNED = "churned", _("Churned")

    class Status(models.TextChoices):
        NORMAL = "normal", _("Normal")
        CHURN_WARNING = "churn_warning", _("Churn warning")
        CHURNED = "churned", _("Churned")

    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = fields.ChoiceField(_("type"), max_length=16, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=200, error_messages=fields.REQUIRED)
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    # Dictionary-driven values are stored as the item's code (see core.DictItem).
    region = fields.DictionaryField(_("region"), category="region", blank=True)
    industry = fields.DictionaryField(_("industry"), category="industry", blank=True)
    level = fields.DictionaryField(_("level"), category="customer_level", default="ordinary")
    credit_rating = fields.DictionaryField(_("credit rating"), category="credit_rating", blank=True)
    satisfaction = fields.DictionaryField(_("satisfaction"), category="satisfaction", blank=True)
    source = fields.DictionaryField(_("source"), category="source", blank=True)
    scale = fields.ChoiceField(_("scale"), max_length=16, choices=Scale.choices, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = fields.PostcodeField(_("postcode"), blank=True)
    phone = fields.PhoneField(_("phone"), blank=True)
    fax = fields.PhoneField(_("fax"), blank=True)
    email = fields.EmailField(_("e-mail"), blank=True)
    website = fields.WebsiteField(_("website"), blank=True)
    unified_social_credit_code = fields.CreditCodeField(_("unified social credit code"), blank=True)
    registration_number = models.CharField(_("business licence number"), max_length=30, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    registered_capital = fields.AmountField(_("registered capital"), null=True, blank=True)
    annual_revenue = fields.AmountField(_("annual revenue"), null=True, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    tax_number = models.CharField(_("tax number"), max_length=30, blank=True)
    birthday = models.DateField(_("birthday or founding date"), null=True, blank=True)
    # The stage in force: what the data says (``lifecycle_derived``, set by the nightly job),
    # unless someone set it by hand (``lifecycle_set_at``), which holds until they clear it.
    lifecycle_stage = fields.ChoiceField(
        _("lifecycle stage"),
        max_length=16,
        choices=Lifecycle.choices,
        default=Lifecycle.POTENTIAL,
    )
    lifecycle_derived = fields.ChoiceField(
        _("lifecycle stage from the data"),
        max_length=16,
        choices=Lifecycle.choices,
        default=Lifecycle.POTENTIAL,
    )
    lifecycle_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifecycle stage set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lifecycle_set_at = models.DateTimeField(_("lifecycle stage set at"), null=True, blank=True)
    lifecycle_reason = models.CharField(
        _("why the stage was set by hand"), max_length=200, blank=True
    )
    status = fields.ChoiceField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NORMAL
    )
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_from",
    )
    # Bumped on every save: an edit made from an older version is a conflict.
    version = models.PositiveIntegerField(_("version"), default=1)
    # Derived, for search and duplicate detection (see customers.search).
    name_key = models.CharField(max_length=200, editable=False)
    search_text = models.TextField(editable=False, default="")
    search_bigrams = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("reassign_customer", "Can reassign customers to another account manager"),
            ("merge_customer", "Can merge duplicate customers"),
        ]
        # One index for each filter, sort and lookup (declared here rather than with
        # db_index, which on PostgreSQL adds a second LIKE index per text column).
        # Lists show customers that are not archived and sort with the primary key last (stable
        # pages): partial indexes on (sort key, id) over those customers let both databases read
        # a page in index order instead of sorting a million rows. Archived customers, few,
        # have their own small index.
        indexes = [
            *[
                models.Index(
                    fields=[key, "id"],
                    name=f"customer_{key}_sort_idx",
                    condition=models.Q(archived_at__isnull=True),
                )
                for key in ("created_at", "updated_at", "name", "level")
            ],
            models.Index(
                fields=["archived_at"],
                name="customer_archived_idx",
                condition=models.Q(archived_at__isnull=False),
            ),
            *[
                models.Index(fields=[field], name=f"customer_{field}_idx")
                for field in (
                    "region",
                    "industry",
                    "credit_rating",
                    "satisfaction",
                    "phone",
                    "email",
                    "lifecycle_stage",
                    "status",
                    "name_key",
                )
            ],
            models.Index(fields=["unified_social_credit_code"], name="customer_uscc_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customer-detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def lifecycle_overridden(self) -> bool:
        return self.lifecycle_set_at is not None


# Every customer field a person may set (besides account_manager and tags).
CUSTOMER_FIELDS = (
    "name",
    "kind",
    "level",
    "credit_rating",
    "satisfaction",
    "region",
    "industry",
    "source",
    "scale",
    "address",
    "postcode",
    "phone",
    "fax",
    "email",
    "website",
    "unified_social_credit_code",
    "registration_number",
    "legal_representative",
    "registered_capital",
    "annual_revenue",
    "bank_name",
    "bank_account",
    "tax_number",
    "birthday",
    "status",
    "notes",
)
# The lifecycle stage is derived (``analytics.lifecycle``) or set by hand with a reason
# (``customers.services.lifecycle``), never edited with the other fields.
LIFECYCLE_FIELDS = (
    "lifecycle_stage",
    "lifecycle_derived",
    "lifecycle_set_by",
    "lifecycle_set_at",
    "lifecycle_reason",
)


class Contact(TimestampedModel):
    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100, error_messages=fields.REQUIRED)
    gender = fields.ChoiceField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    office_phone = fields.PhoneField(_("office phone"), blank=True)
    mobile = fields.MobileField(_("mobile"), blank=True)
    email = fields.EmailField(_("e-mail"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name", "id"]
        indexes = [models.Index(fields=["mobile"], name="contact_mobile_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_primary=True),
                name="contact_one_primary",
            )
        ]

    def __str__(self) -> str:
        return self.name


# Every contact field a person may set (besides is_primary).
CONTACT_FIELDS = (
    "name",
    "gender",
    "title",
    "office_phone",
    "mobile",
    "email",
    "birthday",
    "notes",
)


class Interaction(TimestampedModel):
    """One contact with a customer (交往记录): a call, a visit, a meeting…"""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="interactions"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="interactions",
    )
    occurred_at = fields.AwareDateTimeField(_("time"), error_messages=fields.REQUIRED)
    channel = fields.DictionaryField(_("channel"), category="channel")
    place = models.CharField(_("place"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=200, error_messages=fields.REQUIRED)
    details = models.TextField(_("details"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Only effective communications count towards the two-a-month target.
    effective = models.BooleanField(_("effective communication"), default=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "occurred_at", "id"], name="interaction_customer_idx"),
        ]

    def __str__(self) -> str:
        return self.summary


# Every interaction field a person may set (besides the contact).
INTERACTION_FIELDS = ("occurred_at", "channel", "place", "summary", "details", "notes", "effective")


# Effective communications a month the handbook asks for, where a level sets no other figure.
DEFAULT_MONTHLY_TARGET = 2


class CommunicationTarget(SettingModel):
    """How many effective communications a month a customer of one level should get (the
    handbook's "2 a month, adjusted to the trade"). A level without a row takes the default."""

    level = fields.DictionaryField(_("customer level"), category="customer_level", unique=True)
    per_month = models.PositiveSmallIntegerField(
        _("effective communications a month"),
        default=DEFAULT_MONTHLY_TARGET,
        validators=[MinValueValidator(0), MaxValueValidator(31)],
        help_text=_("0: no target for this level."),
    )

    class Meta:
        verbose_name = _("communication target")
        verbose_name_plural = _("communication targets")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.level}: {self.per_month}"


class Consent(models.Model):
    """One consent given or withdrawn by a contact or an individual customer, for one purpose
    (PIPL art. 13–14, GDPR art. 7). Rows are never changed: the latest per purpose is in force,
    the earlier ones are its history."""

    class Purpose(models.TextChoices):
        MARKETING_EMAIL = "marketing_email", _("Marketing by e-mail")
        MARKETING_SMS = "marketing_sms", _("Marketing by SMS")
        MARKETING_PHONE = "marketing_phone", _("Marketing by phone")
        SURVEYS = "surveys", _("Satisfaction surveys")
        PROFILING = "profiling", _("Analysis of purchases for offers")

    class Source(models.TextChoices):
        FORM = "form", _("Web form")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone call")
        IN_PERSON = "in_person", _("In person")
        CONTRACT = "contract", _("Contract")
        IMPORT = "import", _("Import")
        API = "api", _("API")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="consents"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consents",
    )
    purpose = fields.ChoiceField(_("purpose"), max_length=20, choices=Purpose.choices)
    granted = models.BooleanField(_("granted"))
    source = fields.ChoiceField(_("how it was given"), max_length=12, choices=Source.choices)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [
            models.Index(fields=["contact", "purpose", "-recorded_at"], name="consent_contact_idx"),
            models.Index(
                fields=["customer", "purpose", "-recorded_at"], name="consent_customer_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose}: {self.granted}"
