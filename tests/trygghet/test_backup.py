"""The backup procedure of the README works: dump the demo data, restore it elsewhere and
find every amount again (SQLite: a copy of the file; PostgreSQL: pg_dump and pg_restore)."""

import sqlite3
import subprocess
import uuid

import pytest
from django.db import connection

from allocations.models import Amount
from applications.models import Application


def amounts_in_django():
    return sorted(Amount.objects.values_list("line__name", "year", "kind", "amount"))


AMOUNTS_SQL = """
    SELECT l.name, a.year, a.kind, a.amount
    FROM allocations_amount a JOIN allocations_budgetline l ON l.id = a.line_id
    ORDER BY l.name, a.year, a.kind
"""
APPLIED_SQL = "SELECT SUM(applied_amount) FROM applications_application"


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_keeps_every_amount(tmp_path):
    from trygghet.demo import demo_load

    demo_load()
    expected = amounts_in_django()
    applied = sum(Application.objects.values_list("applied_amount", flat=True))
    assert len(expected) > 40 and applied == 112_100_000

    if connection.vendor == "sqlite":
        backup = tmp_path / "backup.sqlite3"
        target = sqlite3.connect(backup)
        connection.ensure_connection()
        connection.connection.backup(target)  # what copying the file does, done online
        target.close()
        restored = sqlite3.connect(backup)
        rows = restored.execute(AMOUNTS_SQL).fetchall()
        restored_applied = restored.execute(APPLIED_SQL).fetchone()[0]
        restored.close()
    elif connection.vendor == "postgresql":
        psycopg = pytest.importorskip("psycopg")
        settings = connection.settings_dict
        options = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
        options += ["-U", settings["USER"] or "postgres"]
        dump = tmp_path / "trygghet.dump"
        subprocess.run(["pg_dump", *options, "-Fc", "-f", str(dump), settings["NAME"]], check=True)
        copy = f"trygghet_restore_{uuid.uuid4().hex[:8]}"
        subprocess.run(["createdb", *options, copy], check=True)
        try:
            subprocess.run(["pg_restore", *options, "-d", copy, str(dump)], check=True)
            with psycopg.connect(
                host=options[1], port=options[3], user=options[5], dbname=copy
            ) as restored:
                rows = restored.execute(AMOUNTS_SQL).fetchall()
                restored_applied = restored.execute(APPLIED_SQL).fetchone()[0]
        finally:
            subprocess.run(["dropdb", *options, copy], check=True)
    else:  # pragma: no cover
        pytest.fail(f"no backup procedure for {connection.vendor}")

    assert sorted(tuple(row) for row in rows) == expected
    assert restored_applied == 112_100_000
