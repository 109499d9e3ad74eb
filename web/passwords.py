"""Staff passwords: the rules a new one must meet, and argon2id hashes upgraded on login.

The rules follow NIST SP 800-63B: a length, no composition rules, and a check
against passwords known from breaches. The list is zxcvbn's, which ships with
the package (30,000 passwords from public breaches), so nothing leaves the
server; zxcvbn's estimate also catches the list's words with digits added,
keyboard walks and repeats.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

# argon2-cffi's defaults follow RFC 9106's second recommendation (argon2id, 64 MiB).
_hasher = PasswordHasher()

MIN_LENGTH = 12
MAX_LENGTH = 200
# Below 10^10 guesses an offline attack on a leaked hash list succeeds in hours.
MIN_GUESSES_LOG10 = 10
_BREACHED = frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, *, email: str = "") -> str | None:
    """Return why `password` may not be used, in the reader's language; None when it may."""
    if len(password) < MIN_LENGTH:
        return str(_l("Choose a password of at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        return str(_l("Choose a password of at most %(n)d characters.", n=MAX_LENGTH))
    if password.lower() in _BREACHED:
        return str(_l("This password is on a list of passwords known from data breaches. Choose another."))
    personal = [email, email.partition("@")[0], "kompis"]
    # zxcvbn reads at most 72 characters; a longer password is judged by its start.
    if zxcvbn(password[:72], user_inputs=[w for w in personal if w])["guesses_log10"] < MIN_GUESSES_LOG10:
        return str(_l("This password is too easy to guess: it is built from common words, names, repeats "
                      "or sequences. A few unrelated words make a good password."))
    return None


def hash_password(password: str) -> str:
    """Return an argon2id hash of `password`."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Tell whether `password` matches `stored_hash`."""
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Tell whether a hash was made with other parameters than today's."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


# A hash to verify against when no account matches, so a wrong e-mail costs as much
# time as a wrong password and the login form does not tell which accounts exist.
DUMMY_HASH = _hasher.hash("kompis-no-such-account")
