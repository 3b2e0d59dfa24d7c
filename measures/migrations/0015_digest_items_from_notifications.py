"""A digest's lines are its notifications: the JSON copy on the digest goes.

Upgrading: the previous release reads this column, so stop web, workers and beat before
``migrate`` (docs/operations.md). Going back rebuilds each digest's list from its
notifications, so that mails still pending are sent with their lines."""

from django.db import migrations


def items_from_notifications(apps, schema_editor):
    Digest = apps.get_model("measures", "Digest")
    Notification = apps.get_model("measures", "Notification")
    lines: dict[int, list] = {}
    for row in Notification.objects.order_by("digest_id", "id").values(
        "digest_id", "kind", "title", "url", "due", "n", "level"
    ):
        lines.setdefault(row.pop("digest_id"), []).append(row)
    for digest in Digest.objects.filter(pk__in=list(lines)).only("pk"):
        digest.items = lines[digest.pk]
        digest.save(update_fields=["items"])


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0014_report_consistency"),
    ]

    operations = [
        # Backwards this runs after the column is back.
        migrations.RunPython(migrations.RunPython.noop, items_from_notifications),
        migrations.RemoveField(
            model_name="digest",
            name="items",
        ),
    ]
