"""Importing tables (CSV or XLSX): `reader` reads a file, `flow` runs an import (the
preview being the same run rolled back), `views` and `command` are its pages and the
base of the import commands. Each app describes its own table in `<app>/imports.py`."""
