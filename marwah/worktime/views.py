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

from marwah.accounts.models import User
from marwah.worktime import selectors, services
from marwah.worktime.forms import HolidayForm, LoadYearsForm


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def holiday_list(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("tahun") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    user = _user(request)
    rows = list(selectors.holidays_for_user(user, year))
    can_edit = selectors.can_edit_holidays(user)
    form = HolidayForm(request.POST or None) if can_edit else None
    load_form = LoadYearsForm(initial={"years": f"{year} {year + 1}"}) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        assert form is not None
        if form.is_valid():
            d = form.cleaned_data
            services.add_holiday(actor=user, day=d["date"], name=d["name"], kind=d["kind"],
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
    if not selectors.can_edit_holidays(_user(request)):
        raise PermissionDenied
    form = LoadYearsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(str(error) for error in form.errors["years"]))
        return redirect("worktime:holidays")
    years = form.cleaned_data["years"]
    result = services.load_holidays(years=years, actor=_user(request))
    messages.success(request, _("Loaded %(created)d new days (%(updated)d updated).") % result)
    return redirect(f"{reverse('worktime:holidays')}?tahun={years[0]}")


@login_required
@require_POST
def holiday_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    holiday = selectors.get_holiday_for_editor(user, pk)
    if holiday.is_active:
        services.remove_holiday(actor=user, holiday=holiday)
        messages.success(request, _("The day is now a working day."))
    else:
        services.restore_holiday(actor=user, holiday=holiday)
        messages.success(request, _("The day is a holiday again."))
    return redirect(f"{reverse('worktime:holidays')}?tahun={holiday.date.year}")
