"""The delivery tasks moved into the ``delivery`` sub-package: queued rows follow them.

``django_tasks_db`` finds a task by the dotted path stored with it, so tasks queued before the
move would fail to import. Only rows still to run are rewritten; finished ones are history.
"""

from django.db import migrations

MOVED = {
    "constructor.integrations.tasks.deliver": "constructor.integrations.delivery.attempts.deliver",
    "constructor.integrations.tasks.sweep": "constructor.integrations.delivery.recovery.sweep",
}


def rename(apps, schema_editor, moves):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in moves.items():
        DBTaskResult.objects.filter(task_path=old, status__in=["READY", "RUNNING"]).update(
            task_path=new
        )


def forwards(apps, schema_editor):
    rename(apps, schema_editor, MOVED)


def backwards(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0003_lease_holder_and_answer_excerpt"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
