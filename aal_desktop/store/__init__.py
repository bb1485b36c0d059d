"""SQLite storage through sqlite-utils: schema, migrations, queries, the event log. No Qt."""
