"""PyMuPDF work: validate, render and read words, in killable worker processes."""
