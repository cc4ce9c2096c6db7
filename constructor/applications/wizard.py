"""The citizen's step-by-step application: django-formtools with the draft as its storage.

One Django form per step, built from the FormVersion by ``build_step_form``; steps appear or
disappear through ``condition_dict``, evaluated on the server from the answers so far. The
wizard state lives, encrypted, in the ApplicationDraft row, so a draft survives closing the
browser; the row is stored with the first page the citizen sends, never on a visit. Steps have
their own URLs (back is a plain link and keeps every answer); a step later than the first
unfinished one sends the citizen back there.
"""

import json
from collections import OrderedDict

from django import forms
from django.contrib import messages
from django.core.files import File
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from formtools.wizard.forms import ManagementForm
from formtools.wizard.storage.base import BaseStorage
from formtools.wizard.views import NamedUrlWizardView, StepsHelper

from constructor.applications.changes import draft_form_changes
from constructor.applications.drafts import remember_draft, resume_url
from constructor.applications.models import ApplicationFile
from constructor.applications.progress import (
    empty_state,
    file_keys,
    open_step_files,
    replay,
    step_form,
)
from constructor.applications.templatetags.applications_tags import first_input_id, upload_rules


class DraftStorage(BaseStorage):
    """formtools storage kept in the draft's encrypted payload; uploads as private files."""

    def __init__(self, draft):
        super().__init__("application", request=None, file_storage=None)
        self.draft = draft
        self.data = draft.open_answers() or empty_state()

    def get_step_files(self, step):
        return open_step_files(self.draft, self.data, step)

    def set_step_files(self, step, files):
        saved = {}
        for name, uploads in (files or {}).items():
            ids = []
            for upload in uploads:
                record = getattr(upload, "application_file", None)
                if record is None:
                    record = ApplicationFile(
                        draft=self.draft,
                        field_key=name.split("-", 1)[-1],
                        name=upload.name[:255],
                        size=upload.size,
                        content_type=upload.content_type or "application/octet-stream",
                    )
                    upload.seek(0)
                    record.file.save(upload.name, File(upload), save=False)
                    record.save()
                ids.append(str(record.id))
            saved[name] = ids
        previous = {
            file_id for ids in (self.data["step_files"].get(step) or {}).values() for file_id in ids
        }
        kept = {file_id for ids in saved.values() for file_id in ids}
        for replaced in self.draft.files.filter(id__in=previous - kept):
            replaced.file.delete(save=False)
            replaced.delete()
        self.data["step_files"][step] = saved

    def save(self, progress=None):
        if progress is not None:
            self.data["summary"] = {
                "answers": progress.answers,
                "complete": progress.complete,
                "first_incomplete": progress.first_incomplete,
            }
        self.draft.current_step = self.data.get("step") or ""
        self.draft.seal_answers(self.data)
        self.draft.save()

    def update_response(self, response):
        # The draft is saved by the view after a change; nothing rides on the response.
        return None


def step_condition(step_key):
    """A formtools condition: the step shows when replaying the answers before it shows it."""

    def condition(wizard):
        return step_key in wizard.progress.step_keys()

    return condition


class ApplicationWizard(NamedUrlWizardView):
    template_name = "applications/step.html"

    def get_prefix(self, request, *args, **kwargs):
        return "wizard"

    def setup_draft(self, draft):
        self.draft = draft
        self.page = draft.page
        self.version = draft.form_version
        self.layout = {step["key"]: step for step in self.version.layout_steps()}
        self.form_list = OrderedDict((key, forms.Form) for key in self.layout)
        self.condition_dict = {key: step_condition(key) for key in self.layout}

    def dispatch(self, request, *args, draft, **kwargs):
        self.setup_draft(draft)
        self.prefix = self.get_prefix(request)
        self.storage = DraftStorage(self.draft)
        self.steps = StepsHelper(self)
        self._progress = None
        # WizardView.dispatch would build a session storage; the draft is ours.
        return View.dispatch(self, request, *args, **kwargs)

    # -- where the citizen stands -------------------------------------------------------

    @property
    def progress(self):
        if self._progress is None:
            self._progress = replay(self.version, self.draft, self.storage.data)
        return self._progress

    def forget_progress(self):
        self._progress = None
        for attr in ("_resolved_form_list", "_cache_signature"):
            self.__dict__.pop(attr, None)

    def draft_stored(self):
        return not self.draft._state.adding

    def store_draft(self):
        """Store a new draft when the citizen first sends a page, answered well or not.

        Until then the draft lives only in this request (views.open_draft): showing the form
        wrote nothing. From now on the session ties the draft to this browser.
        """
        if not self.draft_stored():
            self.draft.save()
            remember_draft(self.request, self.draft)

    def get_step_url(self, step):
        return reverse("applications:step", args=[self.page.slug, step])

    def check_url(self):
        return reverse("applications:check", args=[self.page.slug])

    def get_form(self, step=None, data=None, files=None, refused_uploads=None):
        step = step or self.steps.current
        answers_before = self.progress.answers_before.get(step, self.progress.answers)
        form = step_form(
            self.layout[step],
            answers_before,
            data=data,
            files=files,
            refused_uploads=refused_uploads,
        )
        describe_fields(form)
        return form

    # -- requests ---------------------------------------------------------------------

    def get(self, request, *args, step=None, **kwargs):
        progress = self.progress
        if step not in progress.step_keys():
            if progress.complete:
                return redirect(self.check_url())
            return redirect(self.get_step_url(progress.first_incomplete))
        if not progress.may_open(step):
            messages.info(
                request, _("Answer the questions on this page first. Nothing you typed was lost.")
            )
            return redirect(self.get_step_url(progress.first_incomplete))
        self.storage.current_step = step
        if self.draft_stored():
            self.storage.save()
        data = self.storage.get_step_data(step)
        files = self.storage.get_step_files(step) if data is not None else None
        return self.render(self.get_form(step, data=data, files=files))

    def post(self, request, *args, step=None, upload_limit=None, **kwargs):
        progress = self.progress
        if step not in progress.step_keys() or not progress.may_open(step):
            return self.get(request, *args, step=step, **kwargs)
        management_form = ManagementForm(request.POST, prefix=self.prefix)
        if not management_form.is_valid() or management_form.cleaned_data["current_step"] != step:
            messages.warning(
                request,
                _("The page was changed before sending. Check your answers on it and continue."),
            )
            return redirect(self.get_step_url(step))
        self.store_draft()
        self.storage.current_step = step
        files = self.storage.get_step_files(step)
        if files:
            # Files already saved for this step stay unless the citizen chooses new ones.
            for name in request.FILES:
                files.setlist(name, request.FILES.getlist(name))
        else:
            files = request.FILES
        refused = refused_uploads(upload_limit, step)
        data = request.POST
        if upload_limit is not None and upload_limit.stopped:
            data = self.with_saved_after(step, data, refused)
        form = self.get_form(step, data=data, files=files, refused_uploads=refused)
        if not form.is_valid():
            # Also «Добавить ещё» and «Удалить»: the step again, with what was typed.
            return self.render(form)
        prefix = f"{step}-"
        self.storage.set_step_data(
            step, {name: values for name, values in request.POST.lists() if name.startswith(prefix)}
        )
        file_names = {form.add_prefix(key) for key in file_keys(self.layout[step])}
        self.storage.set_step_files(
            step, {name: files.getlist(name) for name in file_names if files.getlist(name)}
        )
        self.forget_progress()
        progress = self.progress
        self.storage.current_step = progress.first_incomplete or step
        self.storage.save(progress)
        if progress.complete and (
            request.GET.get("return") == "check" or not progress.step_after(step)
        ):
            return redirect(self.check_url())
        if request.GET.get("return") == "check" and progress.first_incomplete:
            return redirect(self.get_step_url(progress.first_incomplete))
        return redirect(self.get_step_url(progress.step_after(step) or progress.first_incomplete))

    def with_saved_after(self, step, data, refused):
        """The body stopped at a refused upload: the questions after it get what the draft held.

        The browser sends the page's inputs in order, so everything above the file arrived;
        what came after it was never read.
        """
        keys = [field["key"] for field in self.layout[step]["fields"] if field["key"]]
        cut = min((keys.index(key) for key in refused if key in keys), default=len(keys))
        later = {f"{step}-{key}" for key in keys[cut + 1 :]}
        data = data.copy()
        saved = self.storage.get_step_data(step)
        for name, values in saved.lists() if saved is not None else ():
            if input_owner(name, keys, step) in later:
                data.setlist(name, values)
        return data

    # -- rendering --------------------------------------------------------------------

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        keys = self.progress.step_keys()
        previous = keys[keys.index(step) - 1] if keys.index(step) > 0 else None
        context.update(
            page=self.page,
            step=self.layout[step],
            step_number=keys.index(step) + 1,
            step_count=len(keys),
            previous_url=self.get_step_url(previous) if previous else self.page.url,
            # Nothing is saved before the first page is sent: no link to come back to yet.
            resume_url=resume_url(self.request, self.draft) if self.draft_stored() else None,
            error_summary=error_summary(form),
            fields=layout_fields(self.layout[step], form, self.storage.data, self.draft),
            return_to_check=self.request.GET.get("return") == "check",
            has_entry_buttons=any(
                hasattr(field.widget, "action") for field in form.fields.values()
            ),
            form_changes=draft_form_changes(self.draft),
        )
        return context


def refused_uploads(upload_limit, step):
    """{field key: error} for the uploads stopped as they arrived (None: not a field here)."""
    if upload_limit is None:
        return {}
    prefix = f"{step}-"
    return {
        name.removeprefix(prefix) if name.startswith(prefix) else None: error
        for name, error in upload_limit.refused.items()
    }


def input_owner(name, keys, step):
    """Which question an input name belongs to: ``<step>-<key>``, ``…_<part>``, ``…-<n>-…``."""
    owners = [
        f"{step}-{key}"
        for key in keys
        if name == f"{step}-{key}" or name.startswith((f"{step}-{key}_", f"{step}-{key}-"))
    ]
    return max(owners, key=len, default=None)


def describe_fields(form):
    """Tie each input to its hint and error message for screen readers."""
    errors = form.errors if form.is_bound else {}
    for name, field in form.fields.items():
        bound = form[name]
        described_by = []
        if field.help_text:
            described_by.append(f"{bound.auto_id}-hint")
        if upload_rules(bound):
            described_by.append(f"{bound.auto_id}-rules")
        if name in errors:
            described_by.append(f"{bound.auto_id}-error")
            field.widget.attrs["aria-invalid"] = "true"
        if described_by:
            field.widget.attrs["aria-describedby"] = " ".join(described_by)


def error_summary(form):
    """GOV.UK error summary entries: (message, anchor of the field it is about)."""
    entries = []
    for name, errors in form.errors.items():
        anchor = first_input_id(form[name]) if name in form.fields else ""
        for error in errors:
            entries.append({"message": error, "anchor": anchor})
    return entries


def layout_fields(step, form, state, draft):
    """The step's content in the editor's order: bound fields and information texts."""
    saved_ids = (state["step_files"].get(step["key"]) or {}).copy()
    items = []
    shown = set()
    for field in step["fields"]:
        if field["key"] in form.fields:
            item = {
                "kind": "field",
                "layout": field,
                "bound": form[field["key"]],
                "required": form.required_when_shown(field["key"]),
            }
            condition = field.get("condition")
            if condition and condition["field"] in form.fields:
                # Shown or hidden live by application-form.js, which reads this JSON from a
                # data attribute (no inline script under the CSP); the server decides anyway.
                # A required one loses its «необязательно» as it appears, the same way.
                item["condition"] = json.dumps(
                    {**condition, "name": form.add_prefix(condition["field"])}
                )
                item["required_if_shown"] = field["required"]
            ids = saved_ids.get(form.add_prefix(field["key"]))
            if ids:
                item["saved_files"] = list(draft.files.filter(id__in=ids))
            items.append(item)
            shown.add(field["key"])
        elif field["type"] == "info":
            items.append({"kind": "info", "layout": field})
    for name, bound in form.fields.items():
        if name not in shown and not bound.widget.is_hidden:
            items.append(
                {
                    "kind": "field",
                    "layout": {"key": name},
                    "bound": form[name],
                    "required": bound.required,
                }
            )
    return items
