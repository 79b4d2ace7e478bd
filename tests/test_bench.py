"""The benchmark's tools: the synthetic report parses with the real parser, and the load
generator counts what it sees and refuses non-loopback targets."""

from __future__ import annotations

import http.server
import threading
from collections import Counter

import pytest

from bench import synth
from bench.loadgen import ensure_loopback, run_load
from importer.parser import parse_report
from tests import servers


@pytest.fixture(scope="module")
def bundled_text() -> str:
    return servers.REPORT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def parsed_bundled(bundled_text):
    return parse_report(bundled_text)


def test_synthetic_report_parses_to_n_times_the_measures(bundled_text, parsed_bundled):
    parsed = parse_report(synth.synthesize(bundled_text, 3))
    assert len(parsed.measures) == pytest.approx(3 * len(parsed_bundled.measures), rel=0.02)
    by_chapter = Counter(m.chapter for m in parsed.measures)
    for chapter, count in Counter(m.chapter for m in parsed_bundled.measures).items():
        assert by_chapter[chapter] == pytest.approx(3 * count, rel=0.05)
    # Every synthetic row is its own measure: no two share a source key.
    keys = [m.source_key for m in parsed.measures]
    assert len(set(keys)) == len(keys)


def test_synthetic_report_keeps_every_bundled_measure(bundled_text, parsed_bundled):
    parsed = parse_report(synth.synthesize(bundled_text, 2))
    synthetic = Counter((m.chapter, m.region_code, m.name, m.outputs_html) for m in parsed.measures)
    bundled = Counter(
        (m.chapter, m.region_code, m.name, m.outputs_html) for m in parsed_bundled.measures
    )
    assert synthetic & bundled == bundled
    assert len(parsed.answers) == len(parsed_bundled.answers)
    assert len(parsed.projects) == len(parsed_bundled.projects)
    assert len(parsed.no_measures) == len(parsed_bundled.no_measures)


def test_synthetic_report_is_reproducible_and_varies_with_the_seed(bundled_text):
    assert synth.synthesize(bundled_text, 2, seed=1) == synth.synthesize(bundled_text, 2, seed=1)
    assert synth.synthesize(bundled_text, 2, seed=1) != synth.synthesize(bundled_text, 2, seed=2)
    assert synth.synthesize(bundled_text, 1) == bundled_text


@pytest.mark.parametrize("url", ["http://10.0.0.1:80/", "http://192.168.1.1/", "https://x/"])
def test_load_generator_only_targets_loopback(url):
    with pytest.raises(ValueError):
        ensure_loopback(url)


def test_load_generator_counts_statuses_and_errors():
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            status = 200 if self.path == "/ok" else 500
            body = b"hello"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        result = run_load(base_url, ["/ok", "/fail"], clients=2, duration=5, max_requests=40)
    finally:
        server.shutdown()
        server.server_close()
    assert result.requests == 40
    assert result.statuses[200] + result.statuses[500] == 40
    assert result.errors == result.statuses[500] > 0
    assert 0 < result.percentile(50) <= result.percentile(99)
