"""Schema upgrade steps, one module each: `mNNN_name.py` defines VERSION, NAME and SQL.

Version ranges keep parallel work from clashing: 1-9 foundation, 10-19 schema evolution,
20-29 review, 30-39 dataset versions and releases, 40-49 pre-labelling and agreement,
50-59 models and lineage, 60-69 the window.
"""
