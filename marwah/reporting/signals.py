"""Signals the reporting channel sends to case handling (see the reporting/cases contract).

`report_submitted` is sent INSIDE the submission transaction with kwargs `report`,
`report_key` (bytes: for sealing only, never store it), `accused_employee_ids`,
`involved_employee_ids` (lists of Employee ids picked from the registry) and
`seal_identity_share`: the receiver that seals the report key calls it once, right after, with the
ids of the users the key was sealed to; it seals the identity's custodian share to the custodians
who are not among them (nobody may hold both). When no receiver calls it, the submission does.

`repeat_match` is sent when a second, independent reporter names a person already
named in an earlier sexual-violence report, with `reports` (every matched Report).
It is never sent for the first report about a person.
"""

from django.dispatch import Signal

report_submitted = Signal()
repeat_match = Signal()
