"""Profiles one page on the database `make bench` built (not a test): where its time goes.

Run after `make bench` (or `.venv/bin/python bench/scale.py`), which leaves its database
trygghet_bench behind:

    .venv/bin/python bench/profile_page.py skal-handlaggare /omgang/3/
    .venv/bin/python bench/profile_page.py nacka-handlaggare /paket/1/ar/2024/ --runs 50

It requests the page as that user with Django's test client under the production settings the
bench uses, after a warm-up, and prints pyinstrument's call tree of RUNS requests (library
frames folded, so the project's own functions stand out) followed by each query of one request
with its time. The database is only read.
"""

import argparse
import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

SERVER_URL = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE_NAME = os.environ.get("BENCH_DATABASE", "trygghet_bench")
os.environ.update(
    {
        "DATABASE_URL": f"{SERVER_URL}/{DATABASE_NAME}",
        "DJANGO_SETTINGS_MODULE": "trygghet.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    }
)

import django  # noqa: E402  (after the environment is set)

django.setup()

import serve  # noqa: E402, F401  (static files from static/, as the bench serves them)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from trygghet.models import User  # noqa: E402

WARM_UP = 5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("username", help="the user who opens the page, e.g. skal-handlaggare")
    parser.add_argument("path", help="the page's path, e.g. /omgang/3/?page=41")
    parser.add_argument("--runs", type=int, default=30, help="requests profiled (30)")
    arguments = parser.parse_args()

    user = User.objects.filter(username=arguments.username).first()
    if user is None:
        sys.exit(f"Användaren {arguments.username} finns inte i {DATABASE_NAME}: kör make bench.")
    client = Client()
    client.force_login(user)
    for _ in range(WARM_UP):
        response = client.get(arguments.path)
        if response.status_code != 200:
            sys.exit(f"{arguments.path} svarade {response.status_code}")

    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(arguments.runs):
        client.get(arguments.path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False))

    with CaptureQueriesContext(connection) as queries:
        client.get(arguments.path)
    print(f"{len(queries)} frågor i ett anrop:")
    for query in queries.captured_queries:
        print(f"{float(query['time']) * 1000:7.1f} ms  {query['sql'][:160]}")


if __name__ == "__main__":
    main()
