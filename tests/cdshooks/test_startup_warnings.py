"""Start-up warnings about configurations that weaken the JWT checks."""
from __future__ import annotations

import logging

from fhirrules.cdshooks.app import AUDIENCE_FROM_HOST_WARNING, create_app
from fhirrules.cdshooks.config import IssuerConfig, ServiceConfig

from .fakes import FakeReasoner

ISS = "https://ehr.example.org"


def _config(tmp_path, **changes) -> ServiceConfig:
    return ServiceConfig(issuers={ISS: IssuerConfig(ISS, jwks_url=f"{ISS}/jwks.json")},
                         feedback_db=tmp_path / "fb.sqlite", **changes)


def test_audience_from_host_is_warned_about(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="fhirrules.cdshooks"):
        create_app(_config(tmp_path), FakeReasoner())
    assert AUDIENCE_FROM_HOST_WARNING in caplog.text


def test_no_warning_with_a_public_base_url(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="fhirrules.cdshooks"):
        create_app(_config(tmp_path, public_base_url="https://cds.example.org"), FakeReasoner())
    assert AUDIENCE_FROM_HOST_WARNING not in caplog.text
