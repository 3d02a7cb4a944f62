"""``python -m convlab.fetch_lena``: download and verify lena once, for offline use later."""

from __future__ import annotations

import sys

from .i18n import _
from .images import lena_path, where_lena_goes


def main() -> int:
    """Fetch lena (even if a try failed a moment ago); print where it is, or where to put it by hand."""
    path = lena_path(force=True)
    if path is None:
        print(_("Could not get lena.") + " " + where_lena_goes())
        return 1
    print(_("lena is at {path}").format(path=path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
