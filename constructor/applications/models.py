"""Drafts and submitted applications, their private files, numbers and the staff access log.

Answers never touch the database in the clear (invariant 5): drafts and applications keep
an AES-GCM ciphertext, its nonce and the id of the key that sealed it (see crypto.py).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from constructor.applications.crypto import Sealed, decrypt_json, encrypt_json
from constructor.applications.storage import private_storage


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    DELIVERED = "delivered", _("Delivered to the agency")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    INFO_NEEDED = "info_needed", _("More information needed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    COMPLETED = "completed", _("Completed")


class EncryptedAnswers(models.Model):
    """Ciphertext columns and the two methods that seal and open them."""

    answers_ciphertext = models.BinaryField(_("answers (encrypted)"), editable=False, default=b"")
    answers_nonce = models.BinaryField(_("nonce"), editable=False, default=b"")
    answers_key_id = models.CharField(_("key id"), max_length=40, editable=False, blank=True)

    class Meta:
        abstract = True

    def encryption_binding(self):
        raise NotImplementedError

    def seal_answers(self, value):
        sealed = encrypt_json(value, self.encryption_binding())
        self.answers_ciphertext = sealed.ciphertext
        self.answers_nonce = sealed.nonce
        self.answers_key_id = sealed.key_id

    def open_answers(self, default=None):
        if not self.answers_key_id:
            return default
        sealed = Sealed(self.answers_ciphertext, self.answers_nonce, self.answers_key_id)
        return decrypt_json(sealed, self.encryption_binding())


class Application(EncryptedAnswers):
    """A submitted application: what the agency receives and the citizen tracks."""

    uuid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    page = models.ForeignKey(
        "services.ServicePage",
        verbose_name=_("service"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    form_version = models.ForeignKey(
        "formbuilder.FormVersion",
        verbose_name=_("form version"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    pilot = models.BooleanField(_("pilot"), default=False)
    # When the citizen last asked for a new status link: at most one per few minutes.
    status_link_sent_at = models.DateTimeField(
        _("new status link sent at"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return self.number

    def encryption_binding(self):
        return f"application:{self.uuid}"


class ApplicationDraft(EncryptedAnswers):
    """A citizen's unfinished application; lives in the database so it survives the browser.

    The sealed payload is the wizard's state: the raw data of every step the citizen has
    saved, the files of each step and the current step.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    page = models.ForeignKey(
        "services.ServicePage",
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="application_drafts",
    )
    form_version = models.ForeignKey(
        "formbuilder.FormVersion",
        verbose_name=_("form version"),
        on_delete=models.PROTECT,
        related_name="drafts",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    current_step = models.CharField(_("current step"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="draft",
    )

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")

    def __str__(self):
        return str(self.id)

    def encryption_binding(self):
        return f"draft:{self.id}"


def private_upload_path(instance, filename):
    # The citizen's file name stays in the database only; on disk a random name.
    return f"drafts/{instance.draft_id}/{uuid.uuid4().hex}"


class ApplicationFile(models.Model):
    """A file a citizen uploaded: private storage, never under MEDIA_ROOT or any URL."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    draft = models.ForeignKey(
        ApplicationDraft,
        verbose_name=_("application draft"),
        on_delete=models.CASCADE,
        related_name="files",
    )
    field_key = models.CharField(_("form field key"), max_length=50)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=private_upload_path, max_length=255
    )
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    content_type = models.CharField(_("file type"), max_length=100)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self):
        return self.name

    def as_answer(self):
        return {
            "id": str(self.id),
            "name": self.name,
            "size": self.size,
            "content_type": self.content_type,
        }


class ApplicationNumberCounter(models.Model):
    """The last sequence number handed out in one region in one year."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("application number counter")
        verbose_name_plural = _("application number counters")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_counter_per_region_year")
        ]

    def __str__(self):
        return f"{self.region_id}-{self.year}: {self.last}"


class AnswerAccess(models.Model):
    """Who read a citizen's answers, when, and how (invariant 5)."""

    class Kind(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("official"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="access_log",
    )
    kind = models.CharField(_("kind of access"), max_length=10, choices=Kind.choices)
    accessed_at = models.DateTimeField(_("accessed at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-accessed_at"]
        verbose_name = _("answer access")
        verbose_name_plural = _("answer access log")

    def __str__(self):
        return f"{self.user} {self.kind} {self.application_id}"


class ApplicationEvent(models.Model):
    """One recorded change of an application's status: the citizen's and officials' timeline.

    A "delivered" that arrives after the agency already answered is kept with the status it
    found (``late``) and does not move the status. ``event_key`` makes callbacks idempotent:
    the agency's event id, unique per application when not empty.
    """

    class Actor(models.TextChoices):
        SYSTEM = "system", _("System")
        AGENCY = "agency", _("Agency")
        OFFICIAL = "official", _("Official")
        CITIZEN = "citizen", _("Citizen")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="events", verbose_name=_("application")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)
    status_from = models.CharField(
        _("previous status"), max_length=20, choices=ApplicationStatus.choices
    )
    status_to = models.CharField(_("new status"), max_length=20, choices=ApplicationStatus.choices)
    actor = models.CharField(_("actor"), max_length=100)
    message = models.TextField(_("message"), blank=True)
    document_url = models.URLField(_("result document"), max_length=500, blank=True)
    event_key = models.CharField(_("event key"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "event_key"],
                condition=~models.Q(event_key=""),
                name="one_event_per_key",
            )
        ]

    def __str__(self):
        return f"{self.application_id}: {self.status_from} -> {self.status_to}"

    @property
    def late(self):
        """A "delivered" recorded after the agency had already answered: status unchanged."""
        return self.status_to == ApplicationStatus.DELIVERED and self.status_from not in (
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.DELIVERED,
        )

    def actor_label(self):
        """The actor in words: "agency:<integration code>" names the agency, then the system."""
        kind, _sep, detail = self.actor.partition(":")
        try:
            label = self.Actor(kind).label
        except ValueError:
            return self.actor
        if kind == self.Actor.AGENCY and detail:
            from constructor.integrations.models import Integration

            integration = Integration.objects.select_related("agency").filter(code=detail).first()
            if integration is not None:
                return f"{integration.agency} — {integration.name}"
        return f"{label} ({detail})" if detail else str(label)
