"""A report as the reporting channel would submit it: a Report row and the signal, in one transaction."""

from __future__ import annotations

from django.db import transaction

from marwah.people.models import Employee
from marwah.reporting import crypto
from marwah.reporting.models import Report
from marwah.reporting.signals import report_submitted
from marwah.rules.violations import category_of


def submit(*, kind: str, unit, accused: list = (), involved: list = (), report_key: bytes | None = None) -> Report:
    def ids(users):
        out = []
        for u in users:
            out.append(u.pk if isinstance(u, Employee) else Employee.objects.get(user=u).pk)
        return out

    with transaction.atomic():
        report = Report.objects.create(category=category_of(kind), kind=kind, institution=unit.institution,
                                       unit=unit, unit_path=unit.path, is_anonymous=True)
        # A real key, as the reporting channel makes: it is sealed to team members who have a key pair.
        report_submitted.send(sender=Report, report=report,
                              report_key=report_key if report_key is not None else crypto.new_key(),
                              accused_employee_ids=ids(accused), involved_employee_ids=ids(involved))
    return report
