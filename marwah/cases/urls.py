from django.urls import path

from marwah.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("tenggat/", views.deadline_settings, name="deadlines"),
    path("temuan-netralitas/", views.neutrality_lead, name="lead"),
    path("audit-akses/", views.access_check, name="access_check"),
    path("<str:public_id>/", views.detail, name="detail"),
    path("<str:public_id>/status/", views.change_status, name="status"),
    path("<str:public_id>/tugaskan/", views.assign, name="assign"),
    path("<str:public_id>/bagikan/", views.share, name="share"),
    path("<str:public_id>/anggota/<int:user_id>/keluar/", views.remove_member, name="remove_member"),
    path("<str:public_id>/pelindungan/", views.add_protection, name="protection"),
    path("<str:public_id>/rujukan/", views.add_referral, name="referral"),
    path("<str:public_id>/putusan/", views.decide, name="decide"),
    path("<str:public_id>/surat.pdf", views.letter, name="letter"),
]
