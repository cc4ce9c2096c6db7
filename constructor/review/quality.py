"""Quality standards of a service page, as a list of small rules.

Each rule has a code, a severity (a "must" rule blocks review, a "should" rule lowers the score),
a title and a check. A check takes the page's ``PageContent`` and returns the problems it found
(each with a message and a link to the place to fix it), an empty list when the page passes,
or ``None`` when the rule does not apply (no registry entry yet, no application form yet).
Later checks (form editor checks, the mapping check) plug in by appending to ``RULES``.
"""

import functools
import math
from dataclasses import dataclass, field

from django.http import Http404
from django.urls import Resolver404, resolve, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from constructor.review import plain_language
from constructor.review.content import BODY_ANCHOR, PageContent, block_anchor

MUST, SHOULD = "must", "should"
WEIGHTS = {MUST: 3, SHOULD: 1}
MAX_FIELDS_PER_STEP = 10
# Form field types that ask for personal data (152-FZ): a consent field must come with them.
PERSONAL_DATA_TYPES = frozenset(
    {"full_name", "passport", "snils", "inn", "address", "phone", "email", "date", "file"}
)
# Working days per calendar day: 5 of every 7 days; public holidays are ignored.
WORKING_DAYS_PER_CALENDAR_DAY = 5 / 7


@dataclass(frozen=True)
class Problem:
    message: str
    link: str = BODY_ANCHOR


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    title: str
    check: object  # PageContent -> list[Problem] | None


@dataclass
class RuleResult:
    rule: Rule
    problems: list | None  # None: the rule does not apply to this page

    @property
    def applies(self):
        return self.problems is not None

    @property
    def passed(self):
        return not self.problems


@dataclass
class QualityReport:
    score: int
    results: list = field(default_factory=list)

    @property
    def failed(self):
        return [result for result in self.results if result.applies and not result.passed]

    @property
    def must_failures(self):
        return [result for result in self.failed if result.rule.severity == MUST]

    @property
    def passes_review(self):
        return not self.must_failures


def _editor_field(name):
    return f"#id_{name}"


def check_registry_entry(content):
    page = content.page
    standard = page.registry_entry
    if standard is None:
        return [
            Problem(
                _("Link the page to its entry in the federal registry."),
                _editor_field("registry_entry"),
            )
        ]
    if page.service_code != standard.code:
        return [
            Problem(
                _("The service code %(page)s differs from the registry code %(code)s.")
                % {"page": page.service_code, "code": standard.code},
                _editor_field("service_code"),
            )
        ]
    return []


def check_mandatory_blocks(content):
    standard = content.page.registry_entry
    if standard is None or not standard.mandatory_blocks:
        return None
    labels = dict(_block_labels())
    problems = []
    for block_type in standard.mandatory_blocks:
        present = content.blocks_of_type(block_type)
        label = labels.get(block_type, block_type)
        if not present:
            problems.append(
                Problem(
                    _("Add the block «%(block)s»: the standard requires it.") % {"block": label}
                )
            )
        elif not any(info.filled for info in present):
            problems.append(
                Problem(
                    _("Fill in the block «%(block)s».") % {"block": label},
                    present[0].anchor,
                )
            )
    return problems


def _block_labels():
    from constructor.registry.models import landing_block_choices

    return [(name, str(label)) for name, label in landing_block_choices()]


def check_curator(content):
    if not content.curators:
        return [Problem(_("Add the «Service curator» block and choose the curator."))]
    problems = []
    for info, curator in content.curators:
        if curator is None:
            problems.append(Problem(_("Choose the curator in the curator block."), info.anchor))
            continue
        edit = reverse("wagtailsnippets_services_curator:edit", args=[curator.pk])
        if not curator.photo_id:
            problems.append(
                Problem(
                    _("Add a photo of the curator %(name)s.") % {"name": curator.full_name},
                    edit,
                )
            )
        if not curator.consent_to_publish:
            problems.append(
                Problem(
                    _("The curator %(name)s has not consented to publication.")
                    % {"name": curator.full_name},
                    edit,
                )
            )
    return problems


def working_days(days, day_kind):
    """Working days in a deadline; calendar days count as 5/7, rounded up."""
    if day_kind == "calendar":
        return math.ceil(days * WORKING_DAYS_PER_CALENDAR_DAY)
    return days


def check_processing_time(content):
    standard = content.page.registry_entry
    if standard is None:
        return None
    timelines = content.blocks_of_type("timelines")
    if not timelines:
        return [Problem(_("Add the «Processing time» block with the deadlines."))]
    longest, where = 0, timelines[0]
    for info in timelines:
        for deadline in info.value["deadlines"]:
            days = working_days(deadline.get("days") or 0, deadline.get("day_kind"))
            if days > longest:
                longest, where = days, info
    if longest > standard.max_processing_days:
        return [
            Problem(
                ngettext(
                    "Processing takes %(days)d working day; the standard allows at most %(max)d.",
                    "Processing takes %(days)d working days; the standard allows at most %(max)d.",
                    longest,
                )
                % {"days": longest, "max": standard.max_processing_days},
                where.anchor,
            )
        ]
    return []


def check_image_alt_text(content):
    problems = []
    for _info, image, what in content.images:
        if not (image.description or "").strip():
            problems.append(
                Problem(
                    _("Describe the image «%(image)s» (%(what)s) for people who cannot see it.")
                    % {"image": image.title, "what": what},
                    reverse("wagtailimages:edit", args=[image.pk]),
                )
            )
    return problems


def check_empty_headings_and_links(content):
    problems = [
        Problem(
            _("Block %(n)d «%(block)s» has an empty heading.")
            % {"n": info.index, "block": info.label},
            info.anchor,
        )
        for info in content.empty_headings
    ]
    problems += [
        Problem(
            _("Block %(n)d «%(block)s» has a link without text.")
            % {"n": info.index, "block": info.label},
            info.anchor,
        )
        for info, _target in content.empty_links
    ]
    return problems


def check_internal_links(content):
    from wagtail.models import Page

    problems = []
    wanted = {page_id for _info, page_id in content.page_links}
    live = (
        set(Page.objects.live().filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted
        else set()
    )
    for info, page_id in content.page_links:
        if page_id not in live:
            problems.append(
                Problem(
                    _("Block %(n)d «%(block)s» links to a page that is not published.")
                    % {"n": info.index, "block": info.label},
                    info.anchor,
                )
            )
    for info, url in content.hero_links:
        if url.startswith("/") and not url.startswith("//") and not _resolves(content.page, url):
            problems.append(
                Problem(
                    _("The button link %(url)s leads to no page of this site.") % {"url": url},
                    info.anchor,
                )
            )
    return problems


def _resolves(page, url):
    """Whether a site-relative link leads to a live page (or a route of one) in the page's site."""
    from wagtail.contrib.routable_page.models import RoutablePageMixin
    from wagtail.models import Page

    path = url.split("#", 1)[0].split("?", 1)[0] or "/"
    try:
        match = resolve(path)
    except Resolver404:
        return False
    if match.url_name != "wagtail_serve":
        return True
    site = page.get_site() if page.pk else None
    if site is None:
        return False
    components = [part for part in path.split("/") if part]
    root_path = site.root_page.url_path
    candidates = [
        root_path + "".join(f"{part}/" for part in components[:n])
        for n in range(len(components), -1, -1)
    ]
    pages = {p.url_path: p for p in Page.objects.live().filter(url_path__in=candidates)}
    for depth, candidate in zip(range(len(components), -1, -1), candidates, strict=True):
        found = pages.get(candidate)
        if found is None:
            continue
        if depth == len(components):
            return True
        found = found.specific
        if not isinstance(found, RoutablePageMixin):
            return False
        try:
            found.resolve_subpage("/" + "".join(f"{part}/" for part in components[depth:]))
        except Http404:
            return False
        return True
    return False


def check_plain_language(content):
    report = plain_language.measure(content.texts)
    problems = []
    for words, sentence in report.long_sentences[: plain_language.WORST_SENTENCES_SHOWN]:
        problems.append(
            Problem(
                _("A sentence of %(words)d words; split it (at most %(max)d): «%(sentence)s»")
                % {"words": words, "max": plain_language.MAX_SENTENCE_WORDS, "sentence": sentence}
            )
        )
    if report.too_many_long_words:
        problems.append(
            Problem(
                _(
                    "%(share)d%% of the words are very long; "
                    "use shorter, everyday words (at most %(max)d%%)."
                )
                % {
                    "share": round(report.long_word_share * 100),
                    "max": round(plain_language.MAX_LONG_WORD_SHARE * 100),
                }
            )
        )
    for phrase, count in report.phrases.most_common():
        problems.append(
            Problem(
                _("«%(phrase)s» (%(count)d times): say it plainer, e.g. «%(plainer)s».")
                % {
                    "phrase": phrase,
                    "count": count,
                    "plainer": report.plainer[phrase],
                }
            )
        )
    if report.service_phrase_repeats > plain_language.MAX_SERVICE_PHRASE_REPEATS:
        problems.append(
            Problem(
                _(
                    "«Provision of the public service» appears %(count)d times; "
                    "call the service by its name."
                )
                % {"count": report.service_phrase_repeats}
            )
        )
    return problems


def form_steps(page):
    """The application form's steps as raw data, or None when the page has no form (yet)."""
    form = getattr(page, "application_form", None)
    if form is None:
        return None
    raw = getattr(form, "raw_data", form)
    steps = [step for step in raw if step.get("type") == "step"]
    return steps or None


def _fields(stream):
    for field_block in stream or []:
        yield field_block
        if field_block.get("type") == "group":
            yield from _fields((field_block.get("value") or {}).get("fields"))


FORM_ANCHOR = "#application_form"


def check_fields_per_step(content):
    steps = form_steps(content.page)
    if steps is None:
        return None
    problems = []
    for number, step in enumerate(steps, start=1):
        value = step.get("value") or {}
        count = sum(1 for f in value.get("fields") or [] if f.get("type") != "info")
        if count > MAX_FIELDS_PER_STEP:
            problems.append(
                Problem(
                    _(
                        "Step %(n)d «%(step)s» has %(count)d fields; "
                        "split it (at most %(max)d per step)."
                    )
                    % {
                        "n": number,
                        "step": value.get("title", ""),
                        "count": count,
                        "max": MAX_FIELDS_PER_STEP,
                    },
                    FORM_ANCHOR,
                )
            )
    return problems


def check_personal_data_consent(content):
    steps = form_steps(content.page)
    if steps is None:
        return None
    types = {
        f.get("type") for step in steps for f in _fields((step.get("value") or {}).get("fields"))
    }
    if types & PERSONAL_DATA_TYPES and "consent" not in types:
        return [
            Problem(
                _("The form asks for personal data: add a consent to personal data processing."),
                FORM_ANCHOR,
            )
        ]
    return []


def check_form_blocks(content):
    """What publishing or review would refuse in the form, named by step and field.

    The same clean as the editor's (Wagtail's own checks of each block, such as an empty
    consent text, then the form checks), run on the saved form, so nothing refuses a
    submission that the panel did not show first.
    """
    from blocks.form import form_problems

    if form_steps(content.page) is None:
        return None
    return [
        Problem(str(problem), _form_anchor(problem))
        for problem in form_problems(content.page.application_form)
    ]


def _form_anchor(problem):
    """The input at fault, else its block, else the form."""
    if problem.input_id:
        return f"#{problem.input_id}"
    return block_anchor(problem.block_id) if problem.block_id else FORM_ANCHOR


@functools.cache
def required_model_fields(page_class):
    """The model fields the page editor's form requires (its form class is built once)."""
    from django.core.exceptions import FieldDoesNotExist

    form_class = page_class.get_edit_handler().get_form_class()
    fields = []
    for name, form_field in form_class.base_fields.items():
        try:
            model_field = page_class._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if form_field.required:
            fields.append(model_field)
    return fields


def check_required_fields(content):
    """Fields a draft may leave empty (Wagtail defers them) but a submission may not."""
    page = content.page
    problems = []
    for model_field in required_model_fields(type(page)):
        value = getattr(page, model_field.attname, None)
        if value is None or not str(value).strip():
            problems.append(
                Problem(
                    _("Fill in «%(field)s»: the page cannot be sent for review without it.")
                    % {"field": capfirst(model_field.verbose_name)},
                    _editor_field(model_field.name),
                )
            )
    return problems


MAPPING_ANCHOR = "#payload_mapping"


def check_payload_mapping(content):
    """The mapping checker finds no error; n/a without an integration and without rules."""
    from constructor.services.mapping import errors, page_problems

    page = content.page
    if not hasattr(page, "payload_mapping"):
        return None
    problems = page_problems(page)
    if problems is None:
        return None
    return [Problem(str(problem.message), MAPPING_ANCHOR) for problem in errors(problems)]


RULES = [
    Rule(
        "registry_entry", MUST, gettext_lazy("Linked to the federal registry"), check_registry_entry
    ),
    Rule(
        "mandatory_blocks",
        MUST,
        gettext_lazy("Blocks required by the standard"),
        check_mandatory_blocks,
    ),
    Rule("curator", MUST, gettext_lazy("Curator with photo and consent"), check_curator),
    Rule(
        "processing_time",
        MUST,
        gettext_lazy("Processing time within the standard"),
        check_processing_time,
    ),
    Rule("image_alt_text", MUST, gettext_lazy("Alternative text for images"), check_image_alt_text),
    Rule(
        "empty_headings_links",
        MUST,
        _("No empty headings or links"),
        check_empty_headings_and_links,
    ),
    Rule(
        "internal_links",
        MUST,
        gettext_lazy("Links to pages of the site work"),
        check_internal_links,
    ),
    Rule("plain_language", SHOULD, gettext_lazy("Plain language"), check_plain_language),
    Rule(
        "form_fields_per_step",
        SHOULD,
        gettext_lazy("Few fields per form step"),
        check_fields_per_step,
    ),
    Rule(
        "form_consent", MUST, _("Consent when personal data is asked"), check_personal_data_consent
    ),
    Rule(
        "required_fields",
        MUST,
        gettext_lazy("Required page fields are filled in"),
        check_required_fields,
    ),
    Rule(
        "form_blocks",
        MUST,
        gettext_lazy("The application form has no errors"),
        check_form_blocks,
    ),
    Rule(
        "payload_mapping",
        MUST,
        gettext_lazy("The mapping to the agency has no errors"),
        check_payload_mapping,
    ),
]


def score_page(page, rules=None):
    """Check a service page against every rule; the score weighs "must" rules three times."""
    content = PageContent.of(page)
    results = [RuleResult(rule, rule.check(content)) for rule in rules or RULES]
    applicable = [result for result in results if result.applies]
    total = sum(WEIGHTS[result.rule.severity] for result in applicable)
    passed = sum(WEIGHTS[result.rule.severity] for result in applicable if result.passed)
    score = round(100 * passed / total) if total else 100
    return QualityReport(score=score, results=results)
