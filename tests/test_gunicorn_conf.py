"""config/gunicorn.conf.py: a worker freezes its long-lived heap after its first requests."""

import gc
import importlib.util
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parent.parent / "config" / "gunicorn.conf.py"


def load_conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def conf(monkeypatch):
    monkeypatch.delenv("GC_FREEZE", raising=False)
    module = load_conf()
    yield module
    gc.unfreeze()


def test_the_heap_is_frozen_after_the_fiftieth_request_not_before(conf):
    gc.unfreeze()
    for _ in range(49):
        conf.post_request(None, None, {}, None)
    assert gc.get_freeze_count() == 0
    conf.post_request(None, None, {}, None)
    assert gc.get_freeze_count() > 0


def test_freezes_come_at_growing_intervals(conf):
    due = [n for n in range(1, 10_001) if conf.freeze_due(n)]
    assert due == [50, 500, 5000]


def test_gc_freeze_0_turns_it_off(conf, monkeypatch):
    monkeypatch.setenv("GC_FREEZE", "0")
    assert not any(conf.freeze_due(n) for n in range(1, 10_001))


def test_the_entrypoint_serves_with_this_file():
    entrypoint = (CONF.parent.parent / "docker" / "entrypoint.sh").read_text()
    assert "--config config/gunicorn.conf.py" in entrypoint
