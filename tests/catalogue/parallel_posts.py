"""Post the error form from many processes at once, against the database the environment names.

Run by tests/catalogue/test_feedback.py in a child process (`python -m
tests.catalogue.parallel_posts POSTS [same-token]`) on a SQLite file as production uses it (WAL,
busy timeout): pytest's in-memory SQLite database cannot be shared by processes. Prints a JSON
object: the status of each post and the number of reports stored.
"""

import json
import multiprocessing
import os
import sys
import time

import django


def main(posts: int, same_token: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings

    from catalogue import feedback
    from catalogue.models import Chapter, ErrorReport, Measure, Region, Report

    call_command("migrate", verbosity=0)
    report = Report.objects.create(
        title="Tabellbilaga", year=2023, number="0480", source_name="t.txt", checksum="0" * 64
    )
    measure = Measure.objects.create(
        report=report,
        region=Region.objects.get(name="Gotland"),
        chapter=Chapter.objects.get(number=7),
        name="Solceller på Gotland",
        source_key="parallel",
        source_line=1,
    )
    token = feedback.make_token(measure.pk, issued_at=time.time() - 10)
    connections.close_all()  # each child opens its own connection
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(posts)

    def post(number: int, results) -> None:
        from django.test import Client

        plain = {
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        }
        with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=plain):
            own_token = feedback.make_token(measure.pk, issued_at=time.time() - 10)
            data = {
                "message": f"Fel nummer {number}.",
                "email": "",
                "website": "",
                "token": token if same_token else own_token,
            }
            # One token from many addresses, or many tokens from one address.
            address = f"198.51.100.{number}" if same_token else "198.51.100.7"
            barrier.wait()
            response = Client().post(
                f"/insatser/{measure.pk}/rapportera-fel/", data, REMOTE_ADDR=address
            )
            results.put(response.status_code)

    results = context.Queue()
    children = [context.Process(target=post, args=(n, results)) for n in range(posts)]
    for child in children:
        child.start()
    statuses = sorted(results.get(timeout=120) for _ in children)
    for child in children:
        child.join(timeout=60)
    print(json.dumps({"statuses": statuses, "stored": ErrorReport.objects.count()}))


if __name__ == "__main__":
    main(int(sys.argv[1]), len(sys.argv) > 2 and sys.argv[2] == "same-token")
