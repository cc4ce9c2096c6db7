"""Landing blocks: what a service page is assembled from.

Each block is a small StructBlock whose Meta carries icon, template, description
and preview_value, so editors see a live preview in the block picker.
Contact-like blocks (offices, curator, support) live in ``blocks.contacts``.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from blocks.accessible_names import NamedRichTextBlock, list_item
from blocks.contacts import CuratorBlock, OfficesBlock, SupportBlock

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link", "document-link"]


SAFE_LINK_PREFIXES = ("/", "#", "https://", "http://")


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    summary = blocks.TextBlock(label=_("Summary"), max_length=400)
    cta_label = blocks.CharBlock(label=_("Button text"), max_length=40, default="Подать заявление")
    cta_url = blocks.CharBlock(
        label=_("Button link"),
        required=False,
        help_text=_("Leave empty to link to the steps on this page."),
    )
    online = blocks.BooleanBlock(label=_("Available online"), required=False, default=True)

    def clean(self, value):
        value = super().clean(value)
        link = (value.get("cta_url") or "").strip()
        if link and not link.startswith(SAFE_LINK_PREFIXES):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "cta_url": ValidationError(
                        _(
                            "Enter a link starting with https://, / (a page of this site) "
                            "or # (a section of this page)."
                        )
                    )
                }
            )
        return value

    class Meta:
        icon = "pick"
        template = "blocks/hero.html"
        label = _("First screen with an apply button")
        description = _("The first screen: what the service gives and a button to apply.")
        preview_value = {
            "heading": "Запись ребёнка в детский сад",
            "summary": "Поставьте ребёнка в очередь в детский сад онлайн и следите за ней.",
            "cta_label": "Подать заявление",
            "online": True,
        }


class EligibilityBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Кто может подать заявление")
    applicants = blocks.ListBlock(
        list_item(blocks.CharBlock(label=_("Applicant"))), label=_("Who may apply"), min_num=1
    )
    note = NamedRichTextBlock(label=_("Note"), required=False, features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "group"
        template = "blocks/eligibility.html"
        label = _("Who may apply")
        description = _("The people and organisations entitled to the service.")
        preview_value = {
            "heading": "Кто может подать заявление",
            "applicants": ["Родители ребёнка", "Опекуны и попечители"],
        }


class RequiredDocumentBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Document"), max_length=255)
    note = blocks.TextBlock(label=_("Note"), required=False)
    obtained_by_agency = blocks.BooleanBlock(
        label=_("The agency obtains it by interagency request"),
        required=False,
        help_text=_("The applicant need not bring it, but may bring it to speed things up."),
    )
    original_required = blocks.BooleanBlock(label=_("Original required"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document")


class DocumentsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Какие документы нужны")
    documents = blocks.ListBlock(RequiredDocumentBlock(), label=_("Documents"), min_num=1)

    class Meta:
        icon = "doc-full-inverse"
        template = "blocks/documents.html"
        label = _("Required documents")
        description = _("What to bring, and what the agency requests itself.")
        preview_value = {
            "heading": "Какие документы нужны",
            "documents": [
                {"title": "Паспорт заявителя", "original_required": True},
                {
                    "title": "Свидетельство о рождении ребёнка",
                    "note": "Выдано в России — запросим сами через ЗАГС",
                    "obtained_by_agency": True,
                },
            ],
        }


class FeeBlock(blocks.StructBlock):
    purpose = blocks.CharBlock(label=_("What it is for"), max_length=255)
    amount = blocks.DecimalBlock(
        label=_("Amount, roubles"), min_value=0, max_digits=12, decimal_places=2
    )
    note = blocks.CharBlock(label=_("Note"), required=False)

    class Meta:
        icon = "tag"
        label = _("Fee")


class FeesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Сколько стоит")
    fees = blocks.ListBlock(FeeBlock(), label=_("Fees"), min_num=1)
    exemptions = blocks.ListBlock(
        list_item(blocks.CharBlock(label=_("Exemption"))), label=_("Who is exempt"), required=False
    )

    class Meta:
        icon = "tag"
        template = "blocks/fees.html"
        label = _("Fees")
        description = _("State fee amounts, what they pay for, and who is exempt.")
        preview_value = {
            "heading": "Сколько стоит",
            "fees": [
                {"purpose": "Государственная пошлина за регистрацию ИП", "amount": Decimal("800")}
            ],
            "exemptions": ["При подаче электронных документов пошлина не уплачивается"],
        }


class DeadlineBlock(blocks.StructBlock):
    stage = blocks.CharBlock(label=_("Stage"), max_length=255)
    days = blocks.IntegerBlock(label=_("Number of days"), min_value=0, max_value=365)
    day_kind = blocks.ChoiceBlock(
        label=_("Kind of days"),
        choices=[("working", _("working days")), ("calendar", _("calendar days"))],
        default="working",
    )
    note = blocks.CharBlock(label=_("Note"), required=False)

    class Meta:
        icon = "time"
        label = _("Deadline")


class TimelinesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Сроки")
    deadlines = blocks.ListBlock(DeadlineBlock(), label=_("Deadlines"), min_num=1)

    class Meta:
        icon = "time"
        template = "blocks/timelines.html"
        label = _("Processing time")
        description = _("How long each stage takes, in working or calendar days.")
        preview_value = {
            "heading": "Сроки",
            "deadlines": [
                {"stage": "Регистрация заявления", "days": 1, "day_kind": "working"},
                {"stage": "Рассмотрение", "days": 7, "day_kind": "working"},
            ],
        }


class ResultBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Результат")
    results = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("title", blocks.CharBlock(label=_("Result"))),
                ("description", blocks.TextBlock(label=_("Description"), required=False)),
            ],
            label=_("Result"),
            icon="success",
        ),
        label=_("Results"),
        min_num=1,
    )
    how_received = blocks.TextBlock(label=_("How the result is received"), required=False)

    class Meta:
        icon = "success"
        template = "blocks/result.html"
        label = _("Result of the service")
        description = _("What the applicant gets, and how.")
        preview_value = {
            "heading": "Результат",
            "results": [{"title": "Направление в детский сад"}],
            "how_received": "Письмо о решении придёт на электронную почту из заявления.",
        }


class StepsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Как получить услугу")
    steps = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("title", blocks.CharBlock(label=_("Step"))),
                ("description", blocks.TextBlock(label=_("Details"), required=False)),
            ],
            label=_("Step"),
            icon="list-ol",
        ),
        label=_("Steps"),
        min_num=1,
    )

    class Meta:
        icon = "list-ol"
        template = "blocks/steps.html"
        label = _("Step by step")
        description = _("Numbered steps from application to result.")
        preview_value = {
            "heading": "Как получить услугу",
            "steps": [
                {"title": "Заполните заявление", "description": "Это займёт около 10 минут."},
                {"title": "Дождитесь решения"},
            ],
        }


CHANNEL_CHOICES = [
    ("online", _("Online on the portal")),
    ("mfc", _("At a multifunctional centre (MFC)")),
    ("post", _("By post")),
    ("in_person", _("In person at the agency")),
]


class ChannelsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Способы подачи")
    channels = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("kind", blocks.ChoiceBlock(label=_("Channel"), choices=CHANNEL_CHOICES)),
                ("description", blocks.TextBlock(label=_("Details"), required=False)),
                ("url", blocks.URLBlock(label=_("Link"), required=False)),
            ],
            label=_("Channel"),
            icon="mail",
        ),
        label=_("Channels"),
        min_num=1,
    )

    class Meta:
        icon = "mail"
        template = "blocks/channels.html"
        label = _("Ways to apply")
        description = _("Online, at an MFC, by post or in person.")
        preview_value = {
            "heading": "Способы подачи",
            "channels": [
                {"kind": "online", "description": "Круглосуточно, без визита в ведомство."},
                {"kind": "mfc", "description": "В любом МФЦ региона по записи."},
            ],
        }


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Частые вопросы")
    items = blocks.ListBlock(
        blocks.StructBlock(
            [
                ("question", blocks.CharBlock(label=_("Question"), max_length=255)),
                ("answer", NamedRichTextBlock(label=_("Answer"), features=RICH_TEXT_FEATURES)),
            ],
            label=_("Question and answer"),
            icon="help",
        ),
        label=_("Questions"),
        min_num=1,
    )

    class Meta:
        icon = "help"
        template = "blocks/faq.html"
        label = _("FAQ")
        description = _(
            "Questions whose answers open on click or by keyboard, even without JavaScript."
        )
        preview_value = {
            "heading": "Частые вопросы",
            "items": [
                {
                    "question": "Можно ли выбрать несколько детских садов?",
                    "answer": "<p>Да, до трёх в порядке приоритета.</p>",
                }
            ],
        }


ACT_KINDS = [
    ("federal_law", _("Federal law")),
    ("government_decree", _("Government decree")),
    ("ministry_order", _("Ministry order")),
    ("regional_law", _("Regional law")),
    ("regional_decree", _("Regional government decree")),
    ("regulation", _("Administrative regulation")),
]


class LegalActBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(label=_("Kind of act"), choices=ACT_KINDS)
    title = blocks.CharBlock(label=_("Title"), max_length=500)
    number = blocks.CharBlock(label=_("Number"), max_length=50)
    date = blocks.DateBlock(label=_("Date"))
    url = blocks.URLBlock(label=_("Link to the official text"), required=False)
    document = DocumentChooserBlock(label=_("Or a document"), required=False)

    class Meta:
        icon = "doc-empty"
        label = _("Legal act")


class LegalBasisBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), default="Нормативные правовые акты")
    acts = blocks.ListBlock(LegalActBlock(), label=_("Acts"), min_num=1)

    class Meta:
        icon = "doc-empty-inverse"
        template = "blocks/legal_basis.html"
        label = _("Legal basis")
        description = _("The laws and decrees the service rests on.")
        preview_value = {
            "heading": "Нормативные правовые акты",
            "acts": [
                {
                    "kind": "federal_law",
                    "title": "Об образовании в Российской Федерации",
                    "number": "273-ФЗ",
                    "date": datetime.date(2012, 12, 29),
                }
            ],
        }


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("info", _("Information")), ("warning", _("Warning"))],
        default="info",
    )
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = NamedRichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "blocks/callout.html"
        label = _("Callout")
        description = _("A highlighted notice: information or a warning.")
        preview_value = {
            "kind": "warning",
            "title": "Проверьте срок действия паспорта",
            "text": "<p>С недействительным паспортом заявление не примут.</p>",
        }


class DocumentDownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    title = blocks.CharBlock(
        label=_("Title"), required=False, help_text=_("Leave empty to use the document's title.")
    )
    description = blocks.TextBlock(label=_("Description"), required=False)

    class Meta:
        icon = "download"
        template = "blocks/document_download.html"
        label = _("Document to download")
        description = _("A form or a sample to download, with its format and size.")


class RichTextContentBlock(NamedRichTextBlock):
    class Meta:
        icon = "pilcrow"
        template = "blocks/rich_text.html"
        label = _("Text")
        description = _("Free text with headings, lists and links.")
        preview_value = "<p>Услугу оказывает министерство образования региона.</p>"


class LandingStreamBlock(blocks.StreamBlock):
    hero = HeroBlock()
    eligibility = EligibilityBlock()
    documents = DocumentsBlock()
    fees = FeesBlock()
    timelines = TimelinesBlock()
    result = ResultBlock()
    steps = StepsBlock()
    channels = ChannelsBlock()
    faq = FAQBlock()
    offices = OfficesBlock()
    legal_basis = LegalBasisBlock()
    curator = CuratorBlock()
    rich_text = RichTextContentBlock(features=RICH_TEXT_FEATURES)
    callout = CalloutBlock()
    document_download = DocumentDownloadBlock()
    support = SupportBlock()

    class Meta:
        block_counts = {"hero": {"max_num": 1}}
