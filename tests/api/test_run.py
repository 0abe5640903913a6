"""Running the API: settings from the environment (starting a server is in test_server.py)."""

from __future__ import annotations

import pytest

from matcher.api.config import ServerSettings
from matcher.errors import InputError


def test_settings_come_from_the_environment() -> None:
    assert ServerSettings.from_env({}) == ServerSettings()
    settings = ServerSettings.from_env(
        {
            "MATCHER_API_TOKEN": "t",
            "MATCHER_CORS_ORIGINS": "https://a.org, https://b.org,",
            "MATCHER_MAX_BODY_BYTES": "4096",
        }
    )
    assert settings.token == "t" and settings.cors_origins == ("https://a.org", "https://b.org")
    assert settings.max_body_bytes == 4096


@pytest.mark.parametrize("cap", ["lots", "-5", "100"])
def test_a_bad_body_cap_fails_at_start(cap: str) -> None:
    with pytest.raises(InputError, match="MATCHER_MAX_BODY_BYTES"):
        ServerSettings.from_env({"MATCHER_MAX_BODY_BYTES": cap})
