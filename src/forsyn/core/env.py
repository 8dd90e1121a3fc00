"""Reading settings from the environment."""

import os

# The SECRET_KEY of the embedded demo. Production refuses it (system check forsyn.E001).
DEV_SECRET_KEY = "insecure-dev-key-only-for-the-embedded-demo-never-in-production-0123456789"  # noqa: S105


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
