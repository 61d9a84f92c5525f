"""JWT authentication over real HTTP: the CDS Hooks security matrix."""
from __future__ import annotations

import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from fhirrules.cdshooks.app import create_app
from fhirrules.cdshooks.config import IssuerConfig, ServiceConfig

from .conftest import only_remote
from .fakes import FakeReasoner
from .server import free_port, running
from .test_service import PV, full_prefetch, hook_body

ISS = "https://ehr.example.org"
JWKS_URL = "https://ehr.example.org/.well-known/jwks.json"
JKU_OK = "https://keys.example.org/jwks.json"
JKU_BAD = "https://evil.example.net/jwks.json"

EC_KEY = ec.generate_private_key(ec.SECP384R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_EC = ec.generate_private_key(ec.SECP384R1())


def _jwk(public_key, kid, alg):
    algo = ECAlgorithm if alg.startswith("ES") else RSAAlgorithm
    data = algo.to_jwk(public_key, as_dict=True)
    data.update(kid=kid, alg=alg, use="sig")
    return data


JWKS = {"keys": [_jwk(EC_KEY.public_key(), "ec-1", "ES384"), _jwk(RSA_KEY.public_key(), "rsa-1", "RS384")]}
JKU_JWKS = {"keys": [_jwk(OTHER_EC.public_key(), "jku-1", "ES384")]}


def token(aud, *, key=EC_KEY, alg="ES384", kid="ec-1", iss=ISS, exp_in=300, iat_offset=0, jti=None,
          headers=None):
    now = int(time.time())
    claims = {"iss": iss, "sub": "client-1", "aud": aud, "exp": now + exp_in, "iat": now + iat_offset,
              "jti": jti or str(uuid.uuid4())}
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid, "typ": "JWT", **(headers or {})})


@pytest.fixture
def secured(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    config = ServiceConfig(issuers={ISS: IssuerConfig(ISS, jwks_url=JWKS_URL)},
                           allowed_jku_hosts=("keys.example.org",), public_base_url=base,
                           feedback_db=tmp_path / "fb.sqlite", evaluation_time="2025-03-10T00:00:00+00:00")
    with running(create_app(config, FakeReasoner()), port=port) as url:
        yield url


def _call(client, base, tok):
    return client.post(f"{base}/cds-services/{PV}", json=hook_body(prefetch=full_prefetch()),
                       headers={"Authorization": f"Bearer {tok}"} if tok is not None else {})


def _hs256_with_public_key(aud):
    """The algorithm-confusion attack: HMAC keyed with the server's public key."""
    pem = EC_KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    header = {"alg": "HS256", "kid": "ec-1", "typ": "JWT"}
    import base64, hashlib, hmac
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    now = int(time.time())
    claims = {"iss": ISS, "aud": aud, "exp": now + 300, "iat": now, "jti": str(uuid.uuid4())}
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def _alg_none(aud):
    now = int(time.time())
    return jwt.encode({"iss": ISS, "aud": aud, "exp": now + 300, "iat": now, "jti": str(uuid.uuid4())},
                      None, algorithm="none", headers={"kid": "ec-1"})


@pytest.mark.httpx_mock(should_mock=only_remote, assert_all_responses_were_requested=False)
@pytest.mark.parametrize("case,expected", [
    ("valid-es384", 200), ("valid-rs384", 200), ("expired", 401), ("future-iat", 401),
    ("iat-within-leeway", 200), ("wrong-aud", 401), ("unknown-iss", 401), ("jku-off-list", 401),
    ("jku-allowed", 200), ("alg-none", 401), ("hs256-public-key", 401), ("no-token", 401),
    ("unknown-kid", 401), ("garbage", 401), ("wrong-key", 401), ("no-kid", 401),
    ("alg-key-mismatch", 401),
])
def test_jwt_matrix(secured, local_client, httpx_mock, case, expected):
    httpx_mock.add_response(url=JWKS_URL, json=JWKS, is_reusable=True)
    httpx_mock.add_response(url=JKU_OK, json=JKU_JWKS, is_reusable=True)
    aud = f"{secured}/cds-services/{PV}"
    tok = {
        "valid-es384": lambda: token(aud),
        "valid-rs384": lambda: token(aud, key=RSA_KEY, alg="RS384", kid="rsa-1"),
        "expired": lambda: token(aud, exp_in=-120, iat_offset=-600),
        "future-iat": lambda: token(aud, iat_offset=600),
        "iat-within-leeway": lambda: token(aud, iat_offset=30),
        "wrong-aud": lambda: token(f"{secured}/cds-services/other"),
        "unknown-iss": lambda: token(aud, iss="https://stranger.example.org"),
        "jku-off-list": lambda: token(aud, key=OTHER_EC, kid="jku-1", headers={"jku": JKU_BAD}),
        "jku-allowed": lambda: token(aud, key=OTHER_EC, kid="jku-1", headers={"jku": JKU_OK}),
        "alg-none": lambda: _alg_none(aud),
        "hs256-public-key": lambda: _hs256_with_public_key(aud),
        "no-token": lambda: None,
        "unknown-kid": lambda: token(aud, kid="nope"),
        "garbage": lambda: "abc.def.ghi",
        "wrong-key": lambda: token(aud, key=OTHER_EC, kid="ec-1"),
        "alg-key-mismatch": lambda: token(aud, kid="rsa-1"),    # ES384 over the RSA key's kid
        "no-kid": lambda: jwt.encode({"iss": ISS, "aud": aud, "exp": int(time.time()) + 60,
                                      "iat": int(time.time()), "jti": "x"}, EC_KEY, algorithm="ES384"),
    }[case]()
    r = _call(local_client, secured, tok)
    assert r.status_code == expected, r.text
    if expected == 401:
        assert r.content == b""
    if case == "jku-off-list":
        assert not any(req.url.host == "evil.example.net" for req in httpx_mock.get_requests())


@pytest.mark.httpx_mock(should_mock=only_remote, assert_all_responses_were_requested=False)
def test_replayed_jti_is_rejected(secured, local_client, httpx_mock):
    httpx_mock.add_response(url=JWKS_URL, json=JWKS, is_reusable=True)
    tok = token(f"{secured}/cds-services/{PV}")
    assert _call(local_client, secured, tok).status_code == 200
    assert _call(local_client, secured, tok).status_code == 401


@pytest.mark.httpx_mock(should_mock=only_remote, assert_all_responses_were_requested=False)
def test_discovery_and_feedback_need_a_token_too(secured, local_client, httpx_mock):
    httpx_mock.add_response(url=JWKS_URL, json=JWKS, is_reusable=True)
    assert local_client.get(f"{secured}/cds-services").status_code == 401
    ok = local_client.get(f"{secured}/cds-services",
                          headers={"Authorization": f"Bearer {token(f'{secured}/cds-services')}"})
    assert ok.status_code == 200
    fb = local_client.post(f"{secured}/cds-services/{PV}/feedback", json={"feedback": []})
    assert fb.status_code == 401


@pytest.mark.httpx_mock(should_mock=only_remote, assert_all_responses_were_requested=False)
def test_jwks_is_cached_and_refreshed_on_unknown_kid(secured, local_client, httpx_mock):
    new_key = ec.generate_private_key(ec.SECP384R1())
    httpx_mock.add_response(url=JWKS_URL, json=JWKS)
    aud = f"{secured}/cds-services/{PV}"
    assert _call(local_client, secured, token(aud)).status_code == 200
    assert _call(local_client, secured, token(aud)).status_code == 200   # from the cache
    assert len(httpx_mock.get_requests(url=JWKS_URL)) == 1
    time.sleep(5.1)   # the refresh floor (jwks.MIN_REFRESH_SECONDS)
    httpx_mock.add_response(url=JWKS_URL, json={"keys": JWKS["keys"] + [_jwk(new_key.public_key(), "ec-2", "ES384")]})
    assert _call(local_client, secured, token(aud, key=new_key, kid="ec-2")).status_code == 200
    assert len(httpx_mock.get_requests(url=JWKS_URL)) == 2


@pytest.mark.httpx_mock(should_mock=only_remote, assert_all_responses_were_requested=False)
def test_token_never_logged(secured, local_client, caplog, httpx_mock):
    httpx_mock.add_response(url=JWKS_URL, json=JWKS, is_reusable=True)
    tok = token("https://wrong.example.org/x")
    with caplog.at_level("DEBUG"):
        assert _call(local_client, secured, tok).status_code == 401
    assert tok not in caplog.text
    assert tok.split(".")[2] not in caplog.text


@pytest.mark.httpx_mock(should_mock=only_remote, assert_all_responses_were_requested=False)
def test_the_bearer_scheme_is_case_insensitive_but_required(secured, local_client, httpx_mock):
    httpx_mock.add_response(url=JWKS_URL, json=JWKS, is_reusable=True)
    aud = f"{secured}/cds-services/{PV}"
    body = hook_body(prefetch=full_prefetch())
    ok = local_client.post(aud, json=body, headers={"Authorization": f"bearer {token(aud)}"})
    assert ok.status_code == 200
    wrong = local_client.post(aud, json=body, headers={"Authorization": f"Basic {token(aud)}"})
    assert wrong.status_code == 401
