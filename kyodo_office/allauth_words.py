"""allauth's words that the portal says its own way (issue #16 part 7: one word for one thing).

allauth's Japanese calls signing up 「ユーザー登録」 or 「アカウント登録」; the portal says
「新規登録」 everywhere. The project's catalogue (locale/, LOCALE_PATHS) comes before every
app's, so the Japanese given there for these msgids is what the portal shows. They are marked
here, outside any app, so that ``make messages`` keeps them in locale/ (it drops what no source
marks). Nothing imports this module.
"""

from django.utils.translation import gettext_noop

ALLAUTH_WORDS = [
    gettext_noop("Sign Up"),
    gettext_noop("Signup"),
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    gettext_noop("Sign up using a passkey"),
    gettext_noop("Passkey Sign Up"),
    gettext_noop("Sign Up Closed"),
    gettext_noop("We are sorry, but the sign up is currently closed."),
    gettext_noop("A user is already registered with this email address."),
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to finalize "
        "the signup process. If you do not see the verification email in your main inbox, "
        "check your spam folder. Please contact us if you do not receive the verification "
        "email within a few minutes."
    ),
    gettext_noop(
        "You are about to use your %(provider_name)s account to login to\n"
        "%(site_name)s. As a final step, please complete the following form:"
    ),
    gettext_noop(
        "Please sign in with one\nof your existing third party accounts. Or, "
        '<a href="%(signup_url)s">sign up</a>\nfor a %(site_name)s account and sign in below:'
    ),
]
