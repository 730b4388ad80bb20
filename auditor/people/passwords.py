"""argon2id password hashing at a cost the caller passes in (the app's, cheap in tests)."""

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@dataclass(frozen=True)
class PasswordHashing:
    """The argon2id cost: PASSWORD_TIME_COST iterations over PASSWORD_MEMORY_COST KiB."""

    # the embedded defaults of core/config.py (RFC 9106's second recommendation)
    time_cost: int = 3
    memory_cost: int = 65536

    @classmethod
    def from_config(cls, config: Mapping) -> "PasswordHashing":
        """The cost an app's configuration sets."""
        return cls(config["PASSWORD_TIME_COST"], config["PASSWORD_MEMORY_COST"])


# a caller that passes no cost gets the production one: forgetting errs on the strong side
DEFAULT_HASHING = PasswordHashing()


@cache
def _hasher(hashing: PasswordHashing) -> PasswordHasher:
    return PasswordHasher(
        time_cost=hashing.time_cost, memory_cost=hashing.memory_cost, parallelism=1
    )


def hash_password(password: str, hashing: PasswordHashing = DEFAULT_HASHING) -> str:
    """An argon2id hash of `password` at the cost `hashing` sets."""
    return _hasher(hashing).hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches `password_hash` (whatever cost made the hash)."""
    try:
        # argon2 reads the cost from the hash itself, so any hasher verifies any hash
        return _hasher(DEFAULT_HASHING).verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str, hashing: PasswordHashing = DEFAULT_HASHING) -> bool:
    """True when the hash was made at another cost than `hashing`."""
    return _hasher(hashing).check_needs_rehash(password_hash)


def burn_verify_time(password: str, hashing: PasswordHashing = DEFAULT_HASHING) -> None:
    """Spend a real verification's time: an unknown email answers as slowly as a known one."""
    verify_password(_dummy_hash(hashing), password)


@cache
def _dummy_hash(hashing: PasswordHashing) -> str:
    return _hasher(hashing).hash("not a real password")
