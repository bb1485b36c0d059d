"""The frozen app's entry point (PyInstaller runs a script, not a package's module)."""

import sys

from aal_desktop.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
