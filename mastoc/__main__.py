"""`python -m mastoc` is the `mastoc` command."""

from __future__ import annotations

import sys

from mastoc.cli import main

sys.exit(main())
