"""Signals other apps use to keep password-protected keys in step with the password.

`password_verified` is sent after a successful password check at login (and at
re-authentication), with the plain password, so an app can unlock a private key
protected by it. `password_changed` is sent after the password is set (change or
reset) with the new plain password; `old_password` is None after a reset by email.
Receivers must never store or log the password.
"""

from django.dispatch import Signal

password_verified = Signal()  # sender=User class; kwargs: request, user, password
password_changed = Signal()  # sender=User class; kwargs: request, user, password, old_password
