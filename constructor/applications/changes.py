"""What changed in a service's form since a citizen started their draft.

A draft keeps the FormVersion it was started on (FORMS.md): republishing the service never
breaks a draft, and the draft is submitted against its own version, which stays valid because
versions are immutable. The citizen is told that the form was updated and which questions
differ, so they can start again on the new form if they wish.
"""

from dataclasses import dataclass, field

from constructor.formbuilder.models import live_form_version


@dataclass
class FormChanges:
    """The live version differs from the draft's: labels of the questions that differ."""

    live_number: int
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    def questions(self):
        return [*self.added, *self.changed, *self.removed]


def question_fields(version):
    return {f["key"]: f for f in version.fields() if f.get("key") and f["type"] != "info"}


def compare_versions(old, new):
    """FormChanges between two versions of one page's form, or None when they are the same."""
    if new is None or old.pk == new.pk:
        return None
    before, after = question_fields(old), question_fields(new)
    changes = FormChanges(live_number=new.number)
    for key, question in after.items():
        if key not in before:
            changes.added.append(question["label"])
        elif question != before[key]:
            changes.changed.append(question["label"])
    changes.removed = [question["label"] for key, question in before.items() if key not in after]
    return changes


def draft_form_changes(draft):
    """How the service's live form differs from the one the draft was started on."""
    return compare_versions(draft.form_version, live_form_version(draft.page))
