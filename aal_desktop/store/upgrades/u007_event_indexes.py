"""Fewer indexes written per event: one composite (kind, user) instead of kind and user apart.

Every edit appends an event, and each index on `events` is one more page written in that
commit (issue 16: an edit cost 4.4 raw inserts). The review filters and `aal events list`
ask for a kind, a kind and a person, or a kind prefix; all of these are served by
(kind, user), as is `kind = ?` alone (agreement's adjudication lookups). A person alone
(the annotator filter without a kind, the list of people who wrote events) reads this
index from end to end instead of the table: no table scan, a little slower than before.
EXPLAIN QUERY PLAN of each of those queries is checked in tests/test_event_indexes.py.
"""

VERSION = 7
NAME = "event_indexes"
SQL = """
DROP INDEX IF EXISTS events_kind;
DROP INDEX IF EXISTS events_user;
CREATE INDEX IF NOT EXISTS events_kind_user ON events (kind, user);
"""
