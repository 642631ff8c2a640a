from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from marwah.accounts import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("keluar/", views.logout_view, name="logout"),
    path("2fa/", views.two_factor, name="two_factor"),
    path("2fa/atur/", views.two_factor_setup, name="two_factor_setup"),
    path("profil/", views.profile, name="profile"),
    path("profil/kode-pemulihan/", views.recovery_codes, name="recovery_codes"),
    path("profil/kunci-pemulihan/", views.recovery_key, name="recovery_key"),
    path("kunci/pulihkan/", views.key_recovery, name="key_recovery"),
    path("peran/", views.roles, name="roles"),
    path("peran/<int:pk>/cabut/", views.revoke, name="revoke"),
    path("sandi/ubah/", views.PasswordChangeView.as_view(), name="password_change"),
    path("sandi/lupa/", login_not_required(views.PasswordResetView.as_view()), name="password_reset"),
    path("sandi/lupa/terkirim/", login_not_required(auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html")), name="password_reset_done"),
    path("sandi/reset/<uidb64>/<token>/", login_not_required(views.PasswordResetConfirmView.as_view()),
         name="password_reset_confirm"),
    path("sandi/reset/selesai/", login_not_required(auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html")), name="password_reset_complete"),
]
