"""SQLite storage on plain sqlite3: the database upgrades, every query, the event log. No Qt."""
