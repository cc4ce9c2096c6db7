"""Where a draft stands: replays its saved steps in order through the FormVersion's forms.

Each step's form is built from the answers of the steps before it (conditions only look back),
so replaying in order gives the visible steps, the flat answers, and the first step that is
missing or no longer valid (say, an earlier change made a later field required). The wizard,
the check-your-answers page and ``submit_draft`` all read a draft through this one function.
"""

from dataclasses import dataclass, field

from django.utils.datastructures import MultiValueDict

from constructor.formbuilder.conditions import is_visible
from constructor.formbuilder.forms import build_step_form
from constructor.formbuilder.types import field_type
from constructor.formbuilder.uploads import StoredUpload

FILE_TYPE = "file"


def empty_state():
    return {"step": None, "step_data": {}, "step_files": {}, "extra_data": {}}


def step_form(step, answers_before, data=None, files=None, refused_uploads=None):
    form_class = build_step_form(step, answers_before)
    return form_class(data=data, files=files, prefix=step["key"], refused_uploads=refused_uploads)


def file_keys(step):
    return [f["key"] for f in step["fields"] if f["type"] == FILE_TYPE]


def step_upload_fields(version, step_key):
    """{input name: file form field} of a step, what its uploads are held to as they arrive."""
    for step in version.layout_steps():
        if step["key"] == step_key:
            return {
                f"{step_key}-{field['key']}": field_type(FILE_TYPE).form_field(field)
                for field in step["fields"]
                if field["type"] == FILE_TYPE
            }
    return {}


def step_answers(step, form, files):
    """The step's JSON answers; uploads are described by their private file records."""
    answers = dict(form.answers())
    for key in file_keys(step):
        if key not in form.fields:
            continue
        stored = [
            upload.application_file.as_answer()
            for upload in (files.getlist(form.add_prefix(key)) if files else [])
            if hasattr(upload, "application_file")
        ]
        if stored:
            answers[key] = stored
        else:
            answers.pop(key, None)
    return answers


def open_step_files(draft, state, step_key):
    """The files saved for a step, reopened from private storage for its form.

    They are ``StoredUpload``s: vetted and made safe when they arrived, not taken apart again.
    """
    saved = state["step_files"].get(step_key) or {}
    ids = [file_id for file_ids in saved.values() for file_id in file_ids]
    if not ids:
        return None
    records = {str(record.id): record for record in draft.files.filter(id__in=ids)}
    files = MultiValueDict()
    for name, file_ids in saved.items():
        for file_id in file_ids:
            record = records.get(file_id)
            if record is None:
                continue
            upload = StoredUpload(
                file=record.file.storage.open(record.file.name),
                name=record.name,
                content_type=record.content_type,
                size=record.size,
            )
            upload.application_file = record
            files.appendlist(name, upload)
    return files


@dataclass
class Progress:
    visible_steps: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)
    answers_before: dict = field(default_factory=dict)
    completed: list = field(default_factory=list)
    first_incomplete: str | None = None

    @property
    def complete(self):
        return self.first_incomplete is None and bool(self.visible_steps)

    def step_keys(self):
        return [step["key"] for step in self.visible_steps]

    def may_open(self, step_key):
        """A citizen may open a visible step up to the first one that is not done yet."""
        keys = self.step_keys()
        if step_key not in keys:
            return False
        if self.first_incomplete is None:
            return True
        return keys.index(step_key) <= keys.index(self.first_incomplete)

    def step_after(self, step_key):
        keys = self.step_keys()
        index = keys.index(step_key) + 1 if step_key in keys else len(keys)
        return keys[index] if index < len(keys) else None


def summarise(version, draft, state):
    """Replay the draft and keep the outcome in its state, for the summary and submission.

    The state is sealed with AES-GCM, so what submission reads back is what the step forms
    produced; submission still checks it against the FormVersion's JSON Schema.
    """
    progress = replay(version, draft, state)
    state["summary"] = {
        "answers": progress.answers,
        "complete": progress.complete,
        "first_incomplete": progress.first_incomplete,
    }
    return progress


def replay(version, draft, state):
    progress = Progress()
    answers = {}
    for step in version.layout_steps():
        if not is_visible(step.get("condition"), answers):
            continue
        progress.visible_steps.append(step)
        progress.answers_before[step["key"]] = dict(answers)
        if progress.first_incomplete is not None:
            continue
        data = state["step_data"].get(step["key"])
        if data is None:
            progress.first_incomplete = step["key"]
            continue
        files = open_step_files(draft, state, step["key"])
        form = step_form(step, answers, data=MultiValueDict(data), files=files)
        if not form.is_valid():
            progress.first_incomplete = step["key"]
            continue
        answers.update(step_answers(step, form, files))
        progress.completed.append(step["key"])
    progress.answers = answers
    return progress
