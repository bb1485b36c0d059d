"""Pure domain: pydantic records, label schema, geometry. No Qt, no SQLite, no PyMuPDF."""
