"""``python -m viz``: the chainrule command line (the same program as ``chainrule``)."""

from viz.cli import main

raise SystemExit(main())
