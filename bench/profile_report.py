"""Profile rebuild from 1,000 evidence rows, as a table: runs bench/profile_rebuild.py.

bench/profile_rebuild.py (the competency area's benchmark) builds one learner
with --rows evidence rows and times `recompute_states`, `rebuild_profiles` and
`learner_profile`, counting their SQL queries. This runs it on each database
asked for (PostgreSQL: a database it creates and drops) and prints one table.

    PYTHONPATH=. .venv/bin/python -m bench.profile_report [--database sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

from bench.harness import ROOT, BenchError, print_table, say, scratch_database

LINE = re.compile(r"^(\w+)\s+([\d.]+) ms\s+(\d+) SQL queries", re.MULTILINE)


def measure(engine: str, rows: int, runs: int) -> dict[str, tuple[float, int]]:
    """{operation: (median ms, SQL queries)} from one run of bench/profile_rebuild.py."""
    with scratch_database(engine, "escales_bench_profile") as url:
        command = [sys.executable, "-m", "bench.profile_rebuild", "--rows", str(rows)]
        command += ["--runs", str(runs), "--database-url", url]
        say(f"profile rebuild: {rows} evidence rows on {engine}")
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
        )
    if done.returncode != 0:
        raise BenchError(f"bench/profile_rebuild.py failed:\n{done.stdout}\n{done.stderr}")
    found = {name: (float(ms), int(queries)) for name, ms, queries in LINE.findall(done.stdout)}
    if not found:
        raise BenchError(f"unexpected output of bench/profile_rebuild.py:\n{done.stdout}")
    return found


def print_results(results: dict[str, dict[str, tuple[float, int]]], rows: int, runs: int) -> None:
    """One line per operation, one pair of columns per engine."""
    engines = list(results)
    operations = list(results[engines[0]])
    table = []
    for operation in operations:
        line: list[object] = [operation]
        for engine in engines:
            ms, queries = results[engine].get(operation, (None, None))
            line += [ms, queries]
        table.append(line)
    headers = ["operation"]
    for engine in engines:
        tag = "SQLite" if engine == "sqlite" else "PG"
        headers += [f"{tag} ms", f"{tag} queries"]
    print_table(
        f"Profile rebuild: one learner, {rows:,} evidence rows (bench/profile_rebuild.py)",
        headers,
        table,
        [f"median of {runs} runs, in process; the queries of one run"],
    )


def main() -> None:
    """Run bench/profile_rebuild.py on each database asked for, print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    engines = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = {engine: measure(engine, args.rows, args.runs) for engine in engines}
    print_results(results, args.rows, args.runs)


if __name__ == "__main__":
    main()
