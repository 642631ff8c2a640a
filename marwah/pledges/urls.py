from django.urls import path

from marwah.pledges import views

app_name = "pledges"
urlpatterns = [
    path("", views.index, name="index"),
    path("kode/", views.code, name="code"),
    path("kode/keluar/", views.code_logout, name="code_logout"),
    path("tandatangan/<int:pk>/", views.sign, name="sign"),
    path("tandatangan/<int:pk>/pdf/", views.signed_pdf, name="pdf"),
    path("dokumen/", views.documents, name="documents"),
    path("dokumen/baru/", views.document_new, name="document_new"),
    path("dokumen/<int:pk>/", views.document_detail, name="document"),
    path("dokumen/<int:pk>/versi-baru/", views.version_new, name="version_new"),
    path("kampanye/baru/", views.campaign_new, name="campaign_new"),
    path("kampanye/<int:pk>/", views.campaign_detail, name="campaign"),
    path("kampanye/<int:pk>/belum/", views.campaign_pending, name="campaign_pending"),
    path("kampanye/<int:pk>/ekspor.<str:fmt>", views.campaign_export, name="campaign_export"),
    path("kampanye/<int:pk>/ingatkan/", views.campaign_remind, name="campaign_remind"),
    path("kampanye/<int:pk>/kode/", views.campaign_codes, name="campaign_codes"),
    path("kampanye/<int:pk>/tutup/", views.campaign_close, name="campaign_close"),
    path("kampanye/<int:pk>/perbarui-cakupan/", views.campaign_sync, name="campaign_sync"),
    path("kampanye/<int:pk>/upacara/baru/", views.ceremony_new, name="ceremony_new"),
    path("upacara/<int:pk>/", views.ceremony_detail, name="ceremony"),
]
