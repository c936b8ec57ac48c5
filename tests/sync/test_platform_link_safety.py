"""Every door needs a key (issue 12 #4, part): citizens' data goes to another machine only over
TLS; the terminal's own CA setting wins over environment variables; a missing CA file is a
clear error, not an OSError traceback."""

from __future__ import annotations

import pytest

from app.actor import SYSTEM
from app.rules.problems import RuleError
from app.usecases.sync_state import set_sync_setting
from sync.http import HttpSettings, PlatformHttp, PlatformTLSError


def test_plain_http_only_to_this_pc(ctx) -> None:
    with pytest.raises(RuleError) as err:
        set_sync_setting(ctx, SYSTEM, "platform_url", "http://10.1.2.3:8765")
    assert err.value.code == "PLATFORM_URL_NOT_TLS" and "https" in err.value.message
    with pytest.raises(RuleError) as err:
        set_sync_setting(ctx, SYSTEM, "platform_url", "ftp://zwfw.example.gov.cn")
    assert err.value.code == "PLATFORM_URL_INVALID"
    assert set_sync_setting(ctx, SYSTEM, "platform_url", "http://127.0.0.1:8765/").value == "http://127.0.0.1:8765"
    assert set_sync_setting(ctx, SYSTEM, "platform_url", "https://zwfw.example.gov.cn").value.startswith("https://")
    assert ctx.settings.get("platform_url") == "https://zwfw.example.gov.cn"


def test_a_missing_ca_file_is_said_plainly(tmp_path) -> None:
    with pytest.raises(PlatformTLSError) as err:
        PlatformHttp("https://zwfw.example.gov.cn", HttpSettings(ca_bundle=str(tmp_path / "missing.pem")))
    assert err.value.code == "PLATFORM_TLS" and "missing.pem" in err.value.message


def test_the_terminals_ca_setting_wins_over_the_environment(tmp_path, monkeypatch) -> None:
    ours = tmp_path / "county-ca.pem"
    ours.write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tmp_path / "someone-elses.pem"))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(tmp_path / "someone-elses.pem"))
    http = PlatformHttp("https://zwfw.example.gov.cn", HttpSettings(ca_bundle=str(ours)))
    # requests' own merge of the call's settings with the environment, as every call makes it
    merged = http.session.merge_environment_settings("https://zwfw.example.gov.cn/api/v1/health", {}, None,
                                                     http._verify, None)
    assert merged["verify"] == str(ours)
    # without verify= on the call (the old behaviour) the environment won:
    assert http.session.merge_environment_settings("https://zwfw.example.gov.cn", {}, None, None, None)["verify"] \
        == str(tmp_path / "someone-elses.pem")
