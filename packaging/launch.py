"""The frozen app's entry point (PyInstaller runs a script, not a package's module): the same
launcher as `aal-desktop`, which names missing system libraries before Qt loads."""

import sys

from aal_desktop.ui.platform_check import launch

if __name__ == "__main__":
    sys.exit(launch())
