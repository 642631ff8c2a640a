from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marwah.accounts.selectors import ORG_MANAGERS
from marwah.orgs.widgets import UnitField
from marwah.people.models import EmploymentType

MAX_UPLOAD = 25 * 1024 * 1024


class ImportForm(forms.Form):
    unit = UnitField(roles=ORG_MANAGERS, label=_("Import into (this unit and the units under it)"))
    file = forms.FileField(label=_("Employee file (.csv or .xlsx)"),
                           help_text=_("Columns: nip, nomor_pegawai, nama, jabatan, jenis_kepegawaian, kode_unit, "
                                       "email, telepon, nip_atasan. The first row is the header."))

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 25 MB; split it."))
        if not upload.name.lower().endswith((".csv", ".xlsx", ".xlsm", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or NIP"), required=False, max_length=100)
    type = forms.ChoiceField(label=_("Employment type"), required=False,
                             choices=[("", _("All types"))] + list(EmploymentType.choices))
