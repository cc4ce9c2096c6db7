"""The payload mapping of a service page: its check, the publish gate and the report panel.

``page_mapping_problems`` runs the checker (``constructor.integrations.proof.checker``) on a form, a
mapping and an integration, adding two page-level errors the checker cannot know about: an
integration without a form, and rules without an integration. It returns None when the page
neither names an integration nor has rules: nothing is delivered, nothing to check.

The editor's side of the publish gate lives in ``MappingServicePageForm.clean``: like the form
checks of ``blocks.form``, it is skipped while a draft is saved (Wagtail's deferred validation)
and runs on publish and on submission for review, each error beside its rule. Every other way
to put a page live meets the same check in ``publish_gate`` (run by ``ServicePage.save``).
"""

import logging

from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.admin.panels import Panel

from constructor.panels import ReadOnlyPanel
from constructor.services.forms import ServicePageForm

logger = logging.getLogger(__name__)

NO_FORM, NO_INTEGRATION, CHECK_FAILED = "no_form", "no_integration", "unsupported_schema"
# Where, inside a rule, an error about it is shown: at the source's input, at the transforms,
# or (every other code) at the target.
SOURCE_CODES = frozenset({"unknown_source", "optional_source"})
TRANSFORM_CODES = frozenset({"transform", "enum_missing"})
SOURCE_INPUTS = frozenset({"field", "constant", "system"})


def stream_data(value):
    """A StreamField value (or raw list) as its stored list of block dicts."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return value.get_prep_value()


def _problem(code, message):
    from constructor.integrations.proof.checker import Problem

    return Problem(severity="error", code=code, message=message)


def page_mapping_problems(form_raw, mapping_raw, integration):
    """The checker's problems for this form, mapping and integration; None when n/a."""
    form_raw, mapping_raw = stream_data(form_raw), stream_data(mapping_raw)
    if integration is None and not mapping_raw:
        return None
    if integration is None:
        return [
            _problem(
                NO_INTEGRATION,
                _(
                    "The page has mapping rules but no agency integration: choose the "
                    "integration or delete the rules."
                ),
            )
        ]
    from constructor.formbuilder.compiler import compile_form

    form_schema = compile_form(form_raw)
    if not any(
        field.get("key") for step in form_schema["layout"]["steps"] for field in step["fields"]
    ):
        return [
            _problem(
                NO_FORM,
                _(
                    "Applications go to «%(integration)s», but the page has no application "
                    "form: add the form or remove the integration."
                )
                % {"integration": integration},
            )
        ]
    return run_checker(form_schema, mapping_raw, integration.payload_schema)


def run_checker(form_schema, mapping_raw, payload_schema):
    from constructor.integrations.proof.checker import check_mapping
    from constructor.integrations.proof.mapping import rules_from_stream

    try:
        return list(check_mapping(form_schema, rules_from_stream(mapping_raw), payload_schema))
    except Exception:
        # What cannot be checked cannot be proven: an error, never a silent pass.
        logger.exception("The mapping checker failed")
        return [
            _problem(
                CHECK_FAILED,
                _("The mapping could not be checked against the agency's schema."),
            )
        ]


def errors(problems):
    return [problem for problem in problems or [] if problem.severity == "error"]


def warnings(problems):
    return [problem for problem in problems or [] if problem.severity != "error"]


def mapping_report(page, problems, *, form_version=None):
    """The JSON report of ``mapping-report.json``."""
    problems = problems or []
    integration = page.integration
    return {
        "service": page.service_code,
        "integration": integration.code if integration is not None else None,
        "form_version": form_version,
        "ok": not errors(problems),
        "errors": len(errors(problems)),
        "warnings": len(warnings(problems)),
        "problems": [
            {
                "severity": problem.severity,
                "code": problem.code,
                "target": problem.target,
                "source": problem.source,
                "message": str(problem.message),
            }
            for problem in problems
        ],
    }


def live_mapping_report(page):
    """The report of the live page: its frozen live form and its live mapping."""
    from constructor.formbuilder.models import live_form_version

    version = live_form_version(page)
    mapping_raw = stream_data(page.payload_mapping)
    if page.integration is not None and version is not None:
        problems = run_checker(version.schema, mapping_raw, page.integration.payload_schema)
    else:
        # No live form: an integration without a form, rules without an integration, or n/a.
        problems = page_mapping_problems([], mapping_raw, page.integration) or []
    return mapping_report(page, problems, form_version=version.number if version else None)


def page_problems(page):
    """The problems of a page object as it stands (e.g. its latest revision).

    One editor render asks twice (the quality panel's rule and the mapping panel): the result
    is kept on the page object for as long as its form, mapping and integration are the same.
    """
    from constructor.formbuilder.compiler import canonical_json

    form_raw, mapping_raw = stream_data(page.application_form), stream_data(page.payload_mapping)
    key = (canonical_json([form_raw, mapping_raw]), page.integration_id)
    cached = page.__dict__.get("_mapping_check")
    if cached is not None and cached[0] == key:
        return cached[1]
    problems = page_mapping_problems(form_raw, mapping_raw, page.integration)
    page.__dict__["_mapping_check"] = (key, problems)
    return problems


def mapping_stream_errors(raw_rules, problems):
    """The error of the ``payload_mapping`` stream: each rule's errors beside that rule.

    Returns None when there is no error. Errors of no particular rule go above the rules.
    """
    from blocks.form import errors_at
    from blocks.mapping import PayloadMappingBlock

    found = errors(problems)
    if not found:
        return None
    rule_positions = [i for i, child in enumerate(raw_rules) if child.get("type") == "rule"]
    located = []
    for problem in found:
        index = problem.rule
        if index is None or not 0 <= index < len(rule_positions):
            located.append(((), str(problem.message)))
            continue
        position = rule_positions[index]
        rule = raw_rules[position].get("value") or {}
        located.append(((position, rule_input(problem, rule)), str(problem.message)))
    return errors_at(PayloadMappingBlock(), raw_rules, located)


def rule_input(problem, rule):
    """The input of a rule an error is shown at: the source's, the transforms or the target."""
    if problem.code in SOURCE_CODES:
        source = rule.get("source")
        return source if source in SOURCE_INPUTS else "target"
    if problem.code in TRANSFORM_CODES:
        return "transforms"
    return "target"


class MappingServicePageForm(ServicePageForm):
    """The page editor's form, with the mapping check on publish (not on a draft save)."""

    def clean(self):
        cleaned_data = super().clean()
        if not self.is_deferred_validation:
            self.check_payload_mapping(cleaned_data)
        return cleaned_data

    def check_payload_mapping(self, cleaned_data):
        names = ("integration", "payload_mapping", "application_form")
        if any(name not in self.fields for name in names):
            return
        if any(name in self.errors for name in names):
            return  # the form's own problems come first
        mapping_raw = stream_data(cleaned_data.get("payload_mapping"))
        integration = cleaned_data.get("integration")
        problems = page_mapping_problems(
            cleaned_data.get("application_form"), mapping_raw, integration
        )
        if not problems:
            return
        page_level = [p for p in errors(problems) if p.code in (NO_FORM, NO_INTEGRATION)]
        for problem in page_level:
            self.add_error("integration", str(problem.message))
        stream_error = mapping_stream_errors(
            mapping_raw, [p for p in problems if p not in page_level]
        )
        if stream_error is not None:
            self.add_error("payload_mapping", stream_error)


class MappingReportPanel(ReadOnlyPanel):
    """Read-only: the checker's result for the saved revision being edited."""

    default_name = "mapping_report"

    class BoundPanel(Panel.BoundPanel):
        template_name = "services/mapping_report_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            saved = page is not None and page.pk is not None
            context["saved"] = saved
            if saved:
                problems = page_problems(page)
                context["problems"] = problems
                context["error_count"] = len(errors(problems))
                context["warning_count"] = len(warnings(problems))
                context["options_url"] = reverse("services_mapping_options", args=[page.pk])
                context["report_url"] = reverse("services_mapping_report", args=[page.pk])
            return context
