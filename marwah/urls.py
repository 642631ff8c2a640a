from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

urlpatterns = [
    path("", include("marwah.core.urls")),
    path("akun/", include("marwah.accounts.urls")),
    path("unit/", include("marwah.orgs.urls")),
    path("pegawai/", include("marwah.people.urls")),
    path("audit/", include("marwah.audit.urls")),
    path("hari-kerja/", include("marwah.worktime.urls")),
    path("ikrar/", include("marwah.pledges.urls")),
    path("verifikasi/", include("marwah.pledges.verify_urls")),
    path("lapor/", include("marwah.reporting.urls")),
    path("kasus/kunci/", include("marwah.reporting.keys_urls")),
    path("kasus/", include("marwah.reporting.identity_urls")),  # before cases: its "<public_id>/" is greedy
    path("kasus/<str:public_id>/laporan/", include("marwah.reporting.staff_urls")),
    path("kasus/", include("marwah.cases.urls")),
    path("undangan/", include("marwah.onboarding.urls")),
    path("sosialisasi/", include("marwah.socialisation.urls")),
    path("pemilu/", include("marwah.elections.urls")),
    path("cuti/", include("marwah.leave.urls")),
    path("monitoring/", include("marwah.monitoring.urls")),
    path("aturan/", include("marwah.rules.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
]

handler404 = "marwah.core.views.page_not_found"
handler403 = "marwah.core.views.permission_denied"
handler500 = "marwah.core.views.server_error"
