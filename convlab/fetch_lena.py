"""``python -m convlab.fetch_lena``: download and verify lena once, for offline use later."""

from __future__ import annotations

import sys

from .images import cache_dir, lena_path


def main() -> int:
    path = lena_path(force=True)
    if path is None:
        print(f"Could not get lena. Put the seed course's lena.png into {cache_dir()} by hand.")
        return 1
    print(f"lena is at {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
