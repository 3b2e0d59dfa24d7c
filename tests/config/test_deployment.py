"""What production needs beyond the pages: the health probe, static files through
whitenoise, structured logs."""

import json
import logging
import sys

from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

from config.celery import app
from config.logs import JsonFormatter


def _point_broker_at(url: str) -> str:
    previous = app.conf.broker_url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    return previous


def test_health_says_ok_when_the_database_and_the_broker_answer(db, settings):
    settings.SECURE_SSL_REDIRECT = True  # production: everything else goes to HTTPS
    response = Client().get("/healthz")
    assert response.status_code == 200  # the probe speaks plain HTTP
    assert response.json()["database"] == "ok" and response.json()["broker"] == "ok"
    assert response["Cache-Control"] == "no-store"


def test_health_is_503_when_the_broker_is_down(db):
    previous = _point_broker_at("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        response = Client().get("/healthz")
    finally:
        _point_broker_at(previous)
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "broker": "error",
        "ms": response.json()["ms"],
    }


def test_static_files_are_served_hashed_and_cached_by_whitenoise(db, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_AUTOREFRESH = settings.WHITENOISE_USE_FINDERS = False  # as in production
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    url = static("css/app.css")
    assert url != "/static/css/app.css"  # the content hash is in the name
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert response["Content-Encoding"] == "gzip"
    response.close()


def test_logs_are_one_json_object_per_line():
    logger = logging.getLogger("threelines.test")
    try:
        raise ValueError("bad thing")
    except ValueError:
        record = logger.makeRecord(
            logger.name,
            logging.ERROR,
            __file__,
            1,
            "report %s failed",
            (7,),
            sys.exc_info(),
            extra={"report_id": 7},
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line.split('"exception"')[0]
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["message"] == "report 7 failed"
    assert entry["report_id"] == 7 and "ValueError: bad thing" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_the_gunicorn_config_loads():
    import runpy

    values = runpy.run_path("config/gunicorn.py")
    assert values["workers"] >= 1 and values["bind"] == "127.0.0.1:8000"
    assert json.loads(values["access_log_format"])["status"] == "%(s)s"
