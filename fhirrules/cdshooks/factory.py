"""Build the app inside a uvicorn worker process.

``fhirrules serve`` puts its settings in the environment (``FHIRRULES_SERVE_SETTINGS``,
JSON) and lets uvicorn import ``app_from_environment``: the same path works for one worker
and for ``--workers N``, where each process loads and compiles the knowledge itself."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from fastapi import FastAPI

from fhirrules.cdshooks.app import create_app
from fhirrules.cdshooks.config import ServiceConfig, load_config

SETTINGS_VAR = "FHIRRULES_SERVE_SETTINGS"


def settings_to_env(config_file: Path | None, knowledge: list[Path], knowledge_only: bool,
                    insecure_no_auth: bool, enable_ex: bool | None) -> str:
    return json.dumps({"config_file": str(config_file) if config_file else None,
                       "knowledge": [str(Path(k).resolve()) for k in knowledge],
                       "knowledge_only": knowledge_only, "insecure_no_auth": insecure_no_auth,
                       "enable_ex": enable_ex})


def config_from_settings(settings: dict) -> ServiceConfig:
    config = load_config(Path(settings["config_file"]) if settings.get("config_file") else None)
    changes = {"insecure_no_auth": bool(settings.get("insecure_no_auth")) or None,
               "knowledge_only": bool(settings.get("knowledge_only")) or None,
               "enable_ex": settings.get("enable_ex")}
    if settings.get("knowledge"):
        changes["knowledge_dirs"] = tuple(config.knowledge_dirs) + tuple(Path(k) for k in settings["knowledge"])
    return config.with_overrides(**changes)


def app_from_environment() -> FastAPI:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = json.loads(os.environ.get(SETTINGS_VAR) or "{}")
    return create_app(config_from_settings(settings))
