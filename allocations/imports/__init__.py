"""Importing allocation tables (CSV or XLSX) into a package.

`parsing` reads a file into a checked preview and writes nothing; `services` stores a
preview in one transaction. The browser (`views`) and the command line
(`import_allocations`) both go through these two modules.
"""
