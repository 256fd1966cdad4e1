"""Importing a round's applications (CSV or XLSX), with the central office's proposals.

`parsing` reads a file into a checked preview and writes nothing; `services` stores a
preview in one transaction. The browser (`views`) and the command line
(`import_applications`) both go through these two modules. Reading files, the problem
format and the file limits are the allocation import's (`allocations.imports.parsing`).
"""
