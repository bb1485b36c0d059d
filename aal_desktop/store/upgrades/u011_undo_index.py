"""The undo stack's index holds only the steps that can be redone.

Every edit records an undo step, and an index over (user, state, id) of all steps was one
more page written by every edit's commit (issue 16). Only two lookups need an index: the
undone steps (redo, and the new step that drops them), which this partial index serves and
which are few; the newest done step (undo) is the last row of the table for its user,
found by reading the rows backwards from the end.

Step 11, not 10: databases from before the steps were renumbered carry 10 for step 2, and
an older AAL Desktop that met a 10 would take it for that and run step 3 again.
"""

VERSION = 11
NAME = "undo_index"
SQL = """
DROP INDEX IF EXISTS history_steps_user_state;
CREATE INDEX IF NOT EXISTS history_steps_undone ON history_steps (user, id)
    WHERE state = 'undone';
"""
