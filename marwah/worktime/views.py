"""Holiday calendar: list, load from the package, add and cancel days (administrators)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marwah.worktime import selectors, services
from marwah.worktime.forms import HolidayForm, LoadYearsForm


@login_required
def holiday_list(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("tahun") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    rows = list(selectors.holidays_for_user(request.user, year))  # type: ignore[arg-type]
    can_edit = selectors.can_edit_holidays(request.user)  # type: ignore[arg-type]
    form = HolidayForm(request.POST or None) if can_edit else None
    load_form = LoadYearsForm(initial={"years": f"{year} {year + 1}"}) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        assert form is not None
        if form.is_valid():
            d = form.cleaned_data
            services.add_holiday(actor=request.user, day=d["date"], name=d["name"], kind=d["kind"],  # type: ignore[arg-type]
                                 note=d["note"])
            messages.success(request, _("The day was added. Deadlines from now on skip it."))
            return redirect(f"{reverse('worktime:holidays')}?tahun={d['date'].year}")
    return render(request, "worktime/holidays.html", {
        "year": year, "rows": rows, "form": form, "load_form": load_form, "can_edit": can_edit,
        "active_count": sum(1 for r in rows if r.is_active),
    }, status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def holiday_load(request: HttpRequest) -> HttpResponse:
    if not selectors.can_edit_holidays(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    form = LoadYearsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(form.errors["years"]))
        return redirect("worktime:holidays")
    years = form.cleaned_data["years"]
    result = services.load_holidays(years=years, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Loaded %(created)d new days (%(updated)d updated).") % result)
    return redirect(f"{reverse('worktime:holidays')}?tahun={years[0]}")


@login_required
@require_POST
def holiday_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    holiday = selectors.get_holiday_for_editor(request.user, pk)  # type: ignore[arg-type]
    if holiday.is_active:
        services.remove_holiday(actor=request.user, holiday=holiday)  # type: ignore[arg-type]
        messages.success(request, _("The day is now a working day."))
    else:
        services.restore_holiday(actor=request.user, holiday=holiday)  # type: ignore[arg-type]
        messages.success(request, _("The day is a holiday again."))
    return redirect(f"{reverse('worktime:holidays')}?tahun={holiday.date.year}")
