"""`make bench`: every benchmark in order, with short defaults, each printing its table.

    PYTHONPATH=. .venv/bin/python -m bench [--database sqlite|postgresql|both]
        [--duration 5] [--only throughput,profile,pages,load] [--quick]

1. throughput: lesson page, quiz submission, cohort dashboard vs a minimal Flask
   app, under gunicorn with wrk; and each page's SQL queries at two sizes;
2. profile: profile rebuild from 1,000 evidence rows (bench/profile_rebuild.py);
3. pages: weight, readability without JavaScript and first paint on slow 3G of
   every journey page, in Chromium;
4. load: 200 learners at once, then the consistency checks.

Progress goes to stderr, tables to stdout. The exit status is 1 when a load
test check failed (a correctness problem), 0 otherwise: targets missed are
reported in the tables, not as a failure. docs/benchmarks.md explains each table.
"""

from __future__ import annotations

import argparse
import sys
import time

from bench import load_test, page_weight, profile_report, throughput
from bench.harness import BenchError, say

STEPS = ("throughput", "profile", "pages", "load")


def main() -> int:
    """Parse the options, run the benchmarks asked for, print their tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        choices=["sqlite", "postgresql", "both"],
        default="sqlite",
        help="PostgreSQL: postgresql://postgres@127.0.0.1:5432/ (BENCH_POSTGRES_URL), "
        "in databases escales_bench* that are created and dropped",
    )
    parser.add_argument(
        "--only", default=",".join(STEPS), help=f"comma-separated, of {', '.join(STEPS)}"
    )
    parser.add_argument(
        "--quick", action="store_true", help="small data and short runs: to check the tools"
    )
    throughput.add_arguments(parser)
    parser.add_argument("--load-learners", type=int, default=200)
    parser.add_argument(
        "--deadline", type=float, default=600, help="load test: seconds before learners stop"
    )
    parser.add_argument("--evidence-rows", type=int, default=1000)
    args = parser.parse_args()
    if args.quick:
        args.duration, args.learners, args.cohorts = min(args.duration, 3), 2000, 20
        args.load_learners = min(args.load_learners, 20)
    steps = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    engines = throughput.engines(args.database)
    print(
        f"Escales benchmarks: {', '.join(steps)} on {', '.join(engines)} "
        f"({time.strftime('%Y-%m-%d %H:%M')})"
    )
    ok = True
    try:
        if "throughput" in steps:
            settings = throughput.settings_from(args)
            runs = [throughput.run_engine(engine, settings) for engine in engines]
            throughput.print_results(runs, settings)
        if "profile" in steps:
            results = {e: profile_report.measure(e, args.evidence_rows, 5) for e in engines}
            profile_report.print_results(results, args.evidence_rows, 5)
        if "pages" in steps:
            for engine in engines:
                measures, gaps = page_weight.run(engine, 100)
                page_weight.print_results(measures, engine, gaps)
        if "load" in steps:
            for engine in engines:
                result = load_test.run(engine, args.load_learners, args.deadline)
                load_test.print_results(result)
                ok = ok and load_test.passed(result)
    except BenchError as error:
        say(f"stopped: {error}")
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
