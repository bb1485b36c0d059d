"""AAL Desktop: label PDF page regions, keep every correction, release and trace datasets."""

__version__ = "0.1.0"
