"""Service configuration: a TOML or JSON file, then ``FHIRRULES_*`` environment variables
(the environment wins, so a container can override a baked-in file).

Example ``service.toml``::

    public_base_url = "https://cds.example.org"      # for the JWT ``aud`` check
    cors_origins = ["https://ehr.example.org"]
    allowed_jku_hosts = ["ehr.example.org"]
    feedback_db = "/var/lib/fhirrules/feedback.sqlite"
    enable_ex = false                                 # or: ex_rules = ["A.1-d", "A.11-c"]
    jwt_leeway_seconds = 60
    fhir_timeout_seconds = 10

    [issuers."https://ehr.example.org"]
    jwks_url = "https://ehr.example.org/.well-known/jwks.json"   # or jwks_file = "keys.json"

Environment variables: ``FHIRRULES_PUBLIC_BASE_URL``, ``FHIRRULES_CORS_ORIGINS`` and
``FHIRRULES_ALLOWED_JKU_HOSTS`` (comma separated), ``FHIRRULES_FEEDBACK_DB``,
``FHIRRULES_ENABLE_EX`` (true/false), ``FHIRRULES_EX_RULES`` (comma separated rule ids), ``FHIRRULES_JWT_LEEWAY``, ``FHIRRULES_FHIR_TIMEOUT``,
``FHIRRULES_ISSUERS`` (JSON object issuer -> JWKS URL or file path)."""
from __future__ import annotations

import json
import os
import tomllib
from datetime import datetime
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

DEFAULT_ALGORITHMS = ("ES384", "RS384")
# Never acceptable, whatever the configuration says: no signature, or a shared secret that
# an attacker can forge with the public key (the classic RS/HS confusion).
FORBIDDEN_ALGORITHMS = frozenset({"none", "HS256", "HS384", "HS512"})


class ConfigError(ValueError):
    """The configuration file or environment is unusable; the message names the field."""


@dataclass(frozen=True)
class IssuerConfig:
    issuer: str
    jwks_url: str | None = None
    jwks_file: Path | None = None


@dataclass(frozen=True)
class ServiceConfig:
    issuers: Mapping[str, IssuerConfig] = field(default_factory=dict)
    allowed_jku_hosts: tuple[str, ...] = ()
    algorithms: tuple[str, ...] = DEFAULT_ALGORITHMS
    public_base_url: str | None = None
    cors_origins: tuple[str, ...] = ()
    feedback_db: Path = field(default_factory=lambda: default_feedback_db())
    enable_ex: bool = False
    # Only these EX rules (by rule id); empty: all of them when enable_ex, none otherwise.
    ex_rules: tuple[str, ...] = ()
    jwt_leeway_seconds: int = 60
    jwks_cache_seconds: int = 300
    fhir_timeout_seconds: float = 10.0
    # Evaluations running at once in one worker process. Evaluation is CPU-bound Python:
    # under the GIL more threads only add switching (measured: 21 req/s at concurrency 1
    # fell to 14.5 at 8), so requests queue here and throughput scales with --workers.
    max_concurrent_evaluations: int = 1
    insecure_no_auth: bool = False
    knowledge_dirs: tuple[Path, ...] = ()
    knowledge_only: bool = False
    # Fixed evaluation time, for demos and reproducible tests only (ISO date-time).
    evaluation_time: str | None = None

    @property
    def auth_enabled(self) -> bool:
        return bool(self.issuers) and not self.insecure_no_auth

    def with_overrides(self, **changes: Any) -> "ServiceConfig":
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def default_feedback_db() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "fhirrules" / "feedback.sqlite"


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> ServiceConfig:
    """Read ``path`` (TOML or JSON) if given, then apply the environment."""
    raw: dict[str, Any] = {}
    base_dir = Path.cwd()
    if path is not None:
        raw = _read_file(Path(path))
        base_dir = Path(path).resolve().parent
    raw = _apply_env(raw, os.environ if environ is None else environ)
    return _from_mapping(raw, base_dir)


def _read_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration file ({exc.strerror})") from exc
    try:
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid {'JSON' if path.suffix == '.json' else 'TOML'}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the configuration must be an object")
    return data


def _apply_env(raw: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    raw = dict(raw)
    simple = {"FHIRRULES_PUBLIC_BASE_URL": "public_base_url", "FHIRRULES_FEEDBACK_DB": "feedback_db",
              "FHIRRULES_ENABLE_EX": "enable_ex", "FHIRRULES_JWT_LEEWAY": "jwt_leeway_seconds",
              "FHIRRULES_FHIR_TIMEOUT": "fhir_timeout_seconds",
              "FHIRRULES_MAX_CONCURRENT_EVALUATIONS": "max_concurrent_evaluations",
              "FHIRRULES_EVALUATION_TIME": "evaluation_time"}
    for var, key in simple.items():
        if env.get(var):
            raw[key] = env[var]
    for var, key in {"FHIRRULES_CORS_ORIGINS": "cors_origins",
                     "FHIRRULES_ALLOWED_JKU_HOSTS": "allowed_jku_hosts",
                     "FHIRRULES_EX_RULES": "ex_rules",
                     "FHIRRULES_ALGORITHMS": "algorithms"}.items():
        if env.get(var):
            raw[key] = [s.strip() for s in env[var].split(",") if s.strip()]
    if env.get("FHIRRULES_ISSUERS"):
        try:
            issuers = json.loads(env["FHIRRULES_ISSUERS"])
        except ValueError as exc:
            raise ConfigError(f"FHIRRULES_ISSUERS: not a JSON object: {exc}") from exc
        if not isinstance(issuers, dict):
            raise ConfigError("FHIRRULES_ISSUERS: not a JSON object")
        raw["issuers"] = {iss: ({"jwks_url": src} if str(src).startswith(("http://", "https://"))
                                else {"jwks_file": src}) if isinstance(src, str) else src
                          for iss, src in issuers.items()}
    return raw


def _from_mapping(raw: dict[str, Any], base_dir: Path) -> ServiceConfig:
    known = {f for f in ServiceConfig.__dataclass_fields__}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"unknown configuration field(s): {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    issuers = {}
    for iss, spec in (raw.get("issuers") or {}).items():
        if not isinstance(spec, dict) or not (spec.get("jwks_url") or spec.get("jwks_file")):
            raise ConfigError(f"issuers.{iss}: give jwks_url or jwks_file")
        jwks_file = spec.get("jwks_file")
        issuers[iss] = IssuerConfig(iss, spec.get("jwks_url"),
                                    (base_dir / jwks_file) if jwks_file else None)
    values["issuers"] = issuers
    for key in ("allowed_jku_hosts", "cors_origins", "algorithms", "ex_rules"):
        if key in raw:
            if not isinstance(raw[key], (list, tuple)):
                raise ConfigError(f"{key}: expected a list of strings")
            values[key] = tuple(str(v) for v in raw[key])
    bad = FORBIDDEN_ALGORITHMS.intersection(values.get("algorithms", ()))
    if bad:
        raise ConfigError(f"algorithms: {', '.join(sorted(bad))} can never be accepted")
    for key, kind in (("jwt_leeway_seconds", int), ("jwks_cache_seconds", int),
                      ("fhir_timeout_seconds", float), ("max_concurrent_evaluations", int)):
        if key in raw:
            try:
                values[key] = kind(raw[key])
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{key}: expected a number, got {raw[key]!r}") from exc
    for key in ("enable_ex", "insecure_no_auth", "knowledge_only"):
        if key in raw:
            values[key] = _bool(key, raw[key])
    if "feedback_db" in raw:
        values["feedback_db"] = base_dir / str(raw["feedback_db"])
    if "knowledge_dirs" in raw:
        values["knowledge_dirs"] = tuple(base_dir / str(p) for p in raw["knowledge_dirs"])
    if raw.get("public_base_url"):
        values["public_base_url"] = str(raw["public_base_url"]).rstrip("/")
    if raw.get("evaluation_time"):
        text = str(raw["evaluation_time"])
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ConfigError(f"evaluation_time: not an ISO 8601 date-time: {text!r}") from None
        values["evaluation_time"] = text
    return ServiceConfig(**values)


def _bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{key}: expected true or false, got {value!r}")
