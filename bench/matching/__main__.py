"""``python -m bench.matching [--verbose] [--json FILE]``: the evaluation report."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from bench.matching.evaluate import evaluate, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__)
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss by resume")
    parser.add_argument("--json", metavar="FILE", help="also write the report as JSON")
    args = parser.parse_args(argv)
    report = evaluate()
    print("\n".join(lines(report, verbose=args.verbose)))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(dataclasses.asdict(report), handle, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
