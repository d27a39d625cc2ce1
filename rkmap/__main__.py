import sys

from rkmap.cli import run

sys.exit(run())
