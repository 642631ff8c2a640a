"""The inbox reads a handler's cases from their memberships: copy the case's sort keys there."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


OPEN = ("received", "verified", "examination", "decision", "follow_up")


def copy_sort_keys(apps, schema_editor):
    from django.db.models import Exists, OuterRef, Subquery

    Case = apps.get_model("cases", "Case")
    CaseMember = apps.get_model("cases", "CaseMember")
    case = Case.objects.filter(pk=OuterRef("case_id"))
    CaseMember.objects.update(case_open=Exists(case.filter(status__in=OPEN)),
                              case_due=Subquery(case.values("stage_due")[:1]),
                              case_created=Subquery(case.values("created_at")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_catalog_version_reference'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='casemember',
            name='case_member_user',
        ),
        migrations.AddField(
            model_name='casemember',
            name='case_created',
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name='casemember',
            name='case_due',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='casemember',
            name='case_open',
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(copy_sort_keys, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='casemember',
            index=models.Index(fields=['user', 'is_active', 'case_open', 'case_due', '-case_created'], name='case_member_inbox'),
        ),
    ]
