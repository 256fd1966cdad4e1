from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    """Django's login form with the messages in Swedish (Django's sv catalogue lacks them)."""

    error_messages = {
        "invalid_login": (
            "Fel användarnamn eller lösenord. Tänk på att stora och små bokstäver räknas olika."
        ),
        "inactive": "Kontot är inaktiverat. Kontakta systemets administratör.",
    }
