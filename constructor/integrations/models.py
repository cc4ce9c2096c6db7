"""Agencies and their integrations: where an application's payload goes and how it is signed."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from constructor.integrations import signing
from constructor.integrations.schemas import check_payload_schema


def default_endpoint_url(code):
    """The demo endpoint of an integration: the loopback agency simulator."""
    base = getattr(settings, "AGENCY_SIMULATOR_URL", "http://127.0.0.1:8765/")
    return f"{base.rstrip('/')}/{code}/"


class Agency(models.Model):
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.short_name or self.name


class Integration(models.Model):
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="integrations", verbose_name=_("agency")
    )
    name = models.CharField(_("name"), max_length=255)
    code = models.SlugField(_("code"), max_length=80, unique=True)
    endpoint_url = models.URLField(_("endpoint URL"), max_length=500)
    payload_schema = models.JSONField(
        _("payload schema"), default=dict, validators=[check_payload_schema]
    )
    hmac_secret = models.CharField(_("HMAC secret"), max_length=255)
    previous_hmac_secret = models.CharField(
        _("previous HMAC secret"),
        max_length=255,
        blank=True,
        help_text=_("Still accepted while the agency switches to the new secret."),
    )
    timeout_seconds = models.PositiveIntegerField(_("timeout, seconds"), default=10)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["agency__name", "name"]
        verbose_name = _("integration")
        verbose_name_plural = _("integrations")

    def __str__(self):
        return f"{self.agency}: {self.name}"

    def sign(self, body, timestamp, subject=""):
        """Hex HMAC-SHA256 of ``f"{timestamp}.{subject}." + body`` with the current secret."""
        return signing.signature(self.hmac_secret, body, timestamp, subject)

    def signature_matches(self, body, timestamp, signature, subject=""):
        """True when ``signature`` matches the current or (while rotating) the previous secret.

        Whether or not the integration is active: ``verify`` is the check that lets a request
        in; this one only tells a switched-off integration from a stranger in the logs.
        """
        secrets = (self.hmac_secret, self.previous_hmac_secret)
        return signing.matches(secrets, body, timestamp, signature, subject)

    def verify(self, body, timestamp, signature, subject=""):
        """True when the integration is active and ``signature`` is made with one of its secrets.

        ``subject`` is what the request is about (see signing.py): it must be the one signed.
        A switched-off integration verifies nothing: turning it off is how officials stop an
        agency's system (or whoever holds its leaked secret) from moving any status.
        """
        return self.is_active and self.signature_matches(body, timestamp, signature, subject)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """Sending one application to its agency: once, retried until it lands or is refused.

    ``rules`` is the page's mapping as it was live at submission, so editing the mapping later
    never changes what an already submitted application sends. ``idempotency_key`` is the same
    on every attempt: the agency stores the application once however often it is retried.
    """

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="delivery",
        verbose_name=_("application"),
    )
    integration = models.ForeignKey(
        Integration,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("integration"),
    )
    rules = models.JSONField(_("mapping rules"), default=list)
    idempotency_key = models.UUIDField(
        _("idempotency key"), default=uuid.uuid4, unique=True, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    lease_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    # The attempt holding the lease: when it began and which process runs it (holders.py).
    leased_at = models.DateTimeField(_("leased at"), null=True, blank=True)
    lease_holder = models.CharField(_("lease holder"), max_length=255, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self):
        return f"{self.application} → {self.integration}"


class AttemptOutcome(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    RETRY = "retry", _("Will be retried")
    FAILED = "failed", _("Failed")


class DeliveryAttempt(models.Model):
    """One try at sending a delivery: when, what the agency answered, how long it took."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    started_at = models.DateTimeField(_("started at"))
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    latency_ms = models.PositiveIntegerField(_("latency, ms"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    # An excerpt of the body that came back, made safe to show (answers.py).
    answer = models.TextField(_("agency's answer"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=AttemptOutcome.choices)

    class Meta:
        ordering = ["delivery", "started_at", "pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self):
        return f"{self.delivery_id} {self.started_at:%Y-%m-%d %H:%M:%S} {self.outcome}"
