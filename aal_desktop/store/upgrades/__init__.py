"""Database upgrade steps, one module each: `uNNN_name.py` defines VERSION, NAME and SQL.

Steps are numbered 1, 2, 3, … in the order they run; VERSION is the PRAGMA user_version
(the database version, `db_version`) a step leaves behind. Databases written before this
numbering carry the old team-range numbers; `store.db.LEGACY_DB_VERSIONS` translates them.
"""
