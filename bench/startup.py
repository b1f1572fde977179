"""Start-up time of the command line: ``vesalius --help`` and ``vesalius plugins list``.

    uv run python bench/startup.py            # 11 runs each, then the top importers
    uv run python bench/startup.py --runs 21 --top 15

Each command runs in a fresh interpreter (the installed ``vesalius`` script's Python) with
compiled bytecode, as an installed package has it: one warm-up run writes the ``.pyc``
files (``PYTHONDONTWRITEBYTECODE`` is dropped for these runs), then the wall time of each
run is measured from the outside, with the CPU time the run used (user + system: on a
shared, loaded machine the wall time mostly measures the wait for a core, the CPU time
what the command costs). ``python -X importtime`` then shows where the import time
goes: the modules imported at top level (what a lazier import would save) and the largest
self times. Target (issue 17): each command under 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

TARGET_S = 0.3
COMMANDS = (("vesalius --help", ["--help"]), ("vesalius plugins list", ["plugins", "list"]))


@dataclass(frozen=True)
class Import:
    module: str
    self_us: int
    cumulative_us: int
    depth: int


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def _script() -> list[str]:
    found = shutil.which("vesalius") or os.path.join(os.path.dirname(sys.executable),
                                                     "vesalius")
    return [sys.executable, found]


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def wall_times(args: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Sorted wall times and CPU times (s) of ``runs`` runs."""
    command, env = _script() + args, _env()
    subprocess.run(command, env=env, check=True, capture_output=True)  # writes the .pyc
    samples, cpu = [], []
    for _ in range(runs):
        started, cpu_before = time.perf_counter(), _cpu()
        subprocess.run(command, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - started)
        cpu.append(_cpu() - cpu_before)
    return sorted(samples), sorted(cpu)


def imports(args: list[str]) -> list[Import]:
    """``-X importtime``'s lines for one run of the command."""
    python, script = _script()
    done = subprocess.run([python, "-X", "importtime", script, *args], env=_env(),
                          check=True, capture_output=True, text=True)
    found = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip(" "))) // 2
        found.append(Import(name.strip(), int(self_us), int(cumulative_us), depth))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--top", type=int, default=10)
    options = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# Start-up, {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average {load:.1f}\n")
    print("| command | wall median s | wall min s | wall max s | CPU median s | imports | "
          "wall <= 0.3 s | CPU <= 0.3 s |")
    print("|---|---|---|---|---|---|---|---|")
    ok = True
    profiles = {}
    for name, args in COMMANDS:
        samples, cpu = wall_times(args, options.runs)
        profiles[name] = imports(args)
        median, cpu_median = statistics.median(samples), statistics.median(cpu)
        ok &= median <= TARGET_S
        print(f"| `{name}` | {median:.3f} | {samples[0]:.3f} | {samples[-1]:.3f} | "
              f"{cpu_median:.3f} | {len(profiles[name])} | "
              f"{'yes' if median <= TARGET_S else 'NO'} | "
              f"{'yes' if cpu_median <= TARGET_S else 'NO'} |")
    for name, found in profiles.items():
        total = sum(i.self_us for i in found) / 1000
        print(f"\n## `{name}`: {len(found)} modules, {total:.0f} ms of import time "
              "(under -X importtime, which inflates it)\n")
        print("| imported at top level | cumulative ms | | largest self time | self ms |")
        print("|---|---|---|---|---|")
        top = sorted((i for i in found if i.depth == 0), key=lambda i: -i.cumulative_us)
        heavy = sorted(found, key=lambda i: -i.self_us)
        for a, b in zip(top[:options.top], heavy[:options.top], strict=False):
            print(f"| {a.module} | {a.cumulative_us / 1000:.1f} | | {b.module} | "
                  f"{b.self_us / 1000:.1f} |")
    print(f"\nAll targets met: {'yes' if ok else 'no'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
