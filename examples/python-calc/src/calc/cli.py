"""`python -m calc.cli add 2 3` prints 5.0."""

import sys

from calc import ops


def main(argv: list[str]) -> int:
    if len(argv) != 3 or not hasattr(ops, argv[0]):
        print("usage: calc <add|subtract|multiply|divide> A B", file=sys.stderr)
        return 2
    print(getattr(ops, argv[0])(float(argv[1]), float(argv[2])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
