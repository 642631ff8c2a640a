from django.urls import path

from marwah.leave import views

app_name = "leave"
urlpatterns = [
    path("", views.index, name="index"),
    path("ajukan/", views.request_new, name="new"),
    path("ajukan/hitung/", views.request_estimate, name="estimate"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/putuskan/", views.request_decide, name="decide"),
    path("<int:pk>/batalkan/", views.request_cancel, name="cancel"),
    path("<int:pk>/panggil-kembali/", views.request_recall, name="recall"),
    path("<int:pk>/surat.pdf", views.request_letter, name="letter"),
    path("<int:pk>/bukti/", views.request_proof, name="proof"),
    path("delegasi/", views.delegation, name="delegation"),
    path("delegasi/<int:pk>/akhiri/", views.delegation_end, name="delegation_end"),
    path("saldo/", views.balances, name="balances"),
    path("saldo/<int:pk>/koreksi/", views.balance_correct, name="balance_correct"),
    path("jenis-izin/", views.permission_types, name="permission_types"),
    path("jenis-izin/<int:pk>/aktif/", views.permission_type_toggle, name="permission_type_toggle"),
    path("presensi/impor/", views.attendance_import, name="import"),
    path("presensi/impor/terapkan/", views.attendance_apply, name="import_apply"),
    path("presensi/tandai/", views.attendance_mark, name="mark"),
    path("pemberitahuan/", views.notices, name="notices"),
    path("pemberitahuan/<int:pk>/buka-kasus/", views.notice_open_case, name="notice_case"),
    path("pengawasan/", views.supervision, name="supervision"),
]
