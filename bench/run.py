"""Benchmark: the export against the floor (WeasyPrint alone) and against a naive pandoc script.

    python bench/run.py            # N = 200
    python bench/run.py --n 1000   # the full run

Generates N releases from the example sources, measures in this one run on this
machine, prints a table and writes bench/results/<N>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOW = "2027-01-01T12:00:00+01:00"


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" (", 1)
            ppid = int(rest.rsplit(") ", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(pid))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def _role(pid: int) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    return "pandoc" if command and command[0].endswith(b"pandoc") else "python"


def measure(command: list[str], cwd: Path) -> tuple[float, dict[str, float]]:
    """Wall time in seconds, and the peak RSS in MB of each kind of process the command ran.

    Every process is watched, not only those waited for: the export's PDF workers
    and pandoc runs count. Kinds: "export" (the command), "workers" (its Python
    children) and "pandoc". Each process's high-water mark (VmHWM) is read every 20 ms until it exits.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peaks: dict[int, tuple[str, int]] = {}
    while process.poll() is None:
        for pid in _descendants(process.pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            kb = int(next((line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")), 0))
            kind = "export" if pid == process.pid else "pandoc" if _role(pid) == "pandoc" else "workers"
            peaks[pid] = (kind, max(kb, peaks.get(pid, ("", 0))[1]))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}:\n{process.stderr.read().decode()}")
    by_kind: dict[str, float] = {}
    for kind, kb in peaks.values():
        by_kind[kind] = max(by_kind.get(kind, 0), kb / 1024)
    return seconds, by_kind


def generate(n: int, folder: Path) -> Path:
    """N releases made from the three examples: varied titles, lengths, images and languages."""
    sources = folder / "sources"
    shutil.copytree(ROOT / "sources", sources, ignore=shutil.ignore_patterns("*.md"))
    examples = sorted((ROOT / "sources").rglob("*.md"))
    rng = random.Random(n)
    for i in range(n):
        text = examples[i % len(examples)].read_text("utf-8")
        front, body = text.split("\n---\n", 1)
        front = re.sub(r"^title: (.*)$", lambda m: f"title: {m[1]} ({i + 1})", front, count=1, flags=re.M)
        front = re.sub(r"^id: (.*)$", f"id: bench-{i + 1}", front, count=1, flags=re.M)
        body = body + ("\n" + body.split("\n\n")[1] + "\n") * rng.randint(0, 3)  # one to four times a paragraph more
        day = re.search(r"^date: \"?(\d{4}-\d{2}-\d{2})", front, re.M)[1]  # the file name agrees with the date
        path = sources / "2026" / f"{day}-bench-{i + 1}.md"
        path.write_text(front + "\n---\n" + body, "utf-8")
    return sources


def run(n: int, jobs: int, sample: int, work: Path) -> dict:
    folder = work / f"n{n}"
    sources = generate(n, folder)
    press = [str(Path(sys.executable).parent / "press"), "export", "sources", "-o", "dist", "--now", NOW, "-q", "-j", str(jobs)]
    full, full_rss = measure(press, folder)
    noop = statistics.median(measure(press, folder)[0] for _ in range(3))
    # One release edited, five times: the newest (as in daily work), the oldest and three between.
    # The median is reported: on a shared machine one run can be off by a fifth either way.
    edits = []
    for number in (n, 1, 1 + n // 2, 1 + n // 4, 1 + 3 * n // 4):
        edited = next(sources.rglob(f"*-bench-{number}.md"))
        edited.write_text(edited.read_text("utf-8") + "\nEn mening till.\n", "utf-8")
        edits.append(measure(press, folder)[0])
    verify = measure([press[0], "verify", "dist", "-q", "-j", str(jobs)], folder)[0]
    checking = [press[0], "check", "sources", "--now", NOW]
    shutil.rmtree(folder / ".cache" / "checked", ignore_errors=True)
    check_cold = measure(checking, folder)[0]  # the check's own cache empty; the export's is there
    unexported = work / f"n{n}-unexported"  # the same sources, never exported: every body is read
    shutil.copytree(sources, unexported / "sources")
    check_unexported = measure(checking, unexported)[0]
    shutil.rmtree(unexported)
    check_warm = statistics.median(measure(checking, folder)[0] for _ in range(3))
    edited = next(sources.rglob(f"*-bench-{n // 2 + 1}.md"))
    edited.write_text(edited.read_text("utf-8") + "\nÄnnu en mening.\n", "utf-8")
    check_one = measure(checking, folder)[0]
    serving = serve_latency(folder, sources, n, jobs)
    floor, floor_rss = measure([sys.executable, str(ROOT / "bench" / "floor.py"), str(folder / "dist"), str(jobs)], folder)
    naive = naive_time(sorted(sources.rglob("*.md"))[:sample], folder) * n / sample if sample else None
    cluster = cluster_export(work / f"n{n}-cluster", sources, full, n)
    return {
        "n": n, "jobs": jobs, "full": full, "floor": floor, "naive": naive, "noop": noop,
        "one_change": statistics.median(edits), "one_change_each": edits, "verify": verify,
        "check_cold": check_cold, "check_unexported": check_unexported, "check_warm": check_warm, "check_one_change": check_one, **serving, "peak_rss_mb": max(full_rss.values()), "rss_mb_by_process": full_rss,
        "floor_rss_mb": max(floor_rss.values()),
        "full_over_floor": full / floor, "verify_over_full": verify / full, "naive_over_full": naive / full if naive else None,
        **cluster,
    }


def cluster_export(work: Path, sources: Path, full: float, n: int) -> dict[str, float]:
    """The full export again, its PDFs printed by two Dask workers (`dask worker --nthreads 1`, two processes as
    -j 2 has) on this machine; and what going through the scheduler costs a job by itself."""
    from distributed import Client

    dask = str(Path(sys.executable).parent / "dask")
    work.mkdir()
    shutil.copytree(sources, work / "sources")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": work}
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", str(work / "scheduler.json")], **quiet)]
    try:
        deadline = time.monotonic() + 60
        while not (work / "scheduler.json").is_file() or not (work / "scheduler.json").read_text().strip():
            if time.monotonic() > deadline:
                raise SystemExit("dask scheduler did not start within 60 s")
            time.sleep(0.1)
        address = json.loads((work / "scheduler.json").read_text())["address"]
        processes += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-dashboard"], **quiet)
                      for _ in range(2)]
        with Client(address) as client:
            client.wait_for_workers(2)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            seconds = measure([str(Path(sys.executable).parent / "press"), "export", "sources", "-o", "dist", "--now",
                               NOW, "-q", "--cluster", address], work)[0]
            after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the export and its pandoc runs: no PDF is printed here
            local_cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / n
            page = max((p.read_bytes() for p in (work / "dist").rglob("index.html")), key=len)  # a job's size, about
            trips = []
            for _ in range(100):
                start = time.perf_counter()
                client.submit(len, page, pure=False).result()
                trips.append(time.perf_counter() - start)
            start = time.perf_counter()
            client.gather([client.submit(len, page, pure=False) for _ in range(n)])
            throughput = time.perf_counter() - start
    finally:
        for process in processes:
            process.terminate()
            process.wait()
    return {"cluster_full": seconds, "cluster_over_full": seconds / full, "cluster_ms_per_release": (seconds - full) / n * 1000,
            "cluster_local_cpu_ms_per_release": local_cpu * 1000,
            "scheduler_roundtrip_ms": statistics.median(trips) * 1000, "scheduler_ms_per_job": throughput / n * 1000}


def serve_latency(folder: Path, sources: Path, n: int, jobs: int) -> dict[str, float]:
    """From saving a release to `press serve` serving its new page, and its new PDF (median of three edits)."""
    import signal
    import urllib.request

    process = subprocess.Popen([str(Path(sys.executable).parent / "press"), "serve", "sources", "--port", "0", "-j", str(jobs)],
                               cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        address = re.search(r"http://[^ ]+/", process.stdout.readline())[0]
        pages, pdfs = [], []
        for number in (n // 3 + 1, n // 2 + 2, 2 * n // 3 + 1):
            edited = next(sources.rglob(f"*-bench-{number}.md"))
            slug = edited.stem.split("-", 3)[3]
            page, pdf = f"{address}2026/{slug}/", f"{address}2026/{slug}/{slug}.pdf"
            before = urllib.request.urlopen(pdf).read()
            mark = f"Ändrad {number} {time.time_ns()}"
            start = time.perf_counter()
            edited.write_text(edited.read_text("utf-8") + f"\n{mark}.\n", "utf-8")
            seen_page = seen_pdf = None
            while seen_page is None or seen_pdf is None:
                time.sleep(0.02)
                if seen_page is None and mark in urllib.request.urlopen(page).read().decode("utf-8"):
                    seen_page = time.perf_counter() - start
                if seen_pdf is None and urllib.request.urlopen(pdf).read() != before:
                    seen_pdf = time.perf_counter() - start
            pages.append(seen_page)
            pdfs.append(seen_pdf)
        return {"serve_page": statistics.median(pages), "serve_pdf": statistics.median(pdfs)}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def naive_time(sample: list[Path], folder: Path) -> float:
    """What a user would script: per release pandoc to HTML, to plain text, and to PDF through weasyprint."""
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    out = folder / "naive"
    out.mkdir()
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    start = time.perf_counter()
    for path in sample:
        stem = out / path.stem
        for extra in (["-s", "-o", f"{stem}.html"], ["-t", "plain", "-o", f"{stem}.txt"],
                      ["--pdf-engine=weasyprint", "-o", f"{stem}.pdf"]):
            subprocess.run([pandoc, str(path), *extra], cwd=path.parent, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="number of releases (default 200)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: the cores)")
    parser.add_argument("--sample", type=int, default=10, help="releases the naive script runs on, scaled up")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = [run(n, args.jobs, args.sample, Path(tmp)) for n in (max(1, args.n // 4), args.n)]
    machine = {"cores": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}
    print(f"{'N':>6} {'floor s':>9} {'full s':>9} {'full/floor':>11} {'naive s':>9} {'naive/full':>11} "
          f"{'no-op s':>8} {'1 change s':>10} {'peak RSS MB':>12}  (export / workers / pandoc)")
    for r in results:
        kinds = " / ".join(f"{r['rss_mb_by_process'].get(k, 0):.0f}" for k in ("export", "workers", "pandoc"))
        print(f"{r['n']:>6} {r['floor']:>9.1f} {r['full']:>9.1f} {r['full_over_floor']:>11.2f} {r['naive']:>9.1f} "
              f"{r['naive_over_full']:>11.1f} {r['noop']:>8.2f} {r['one_change']:>10.2f} {r['peak_rss_mb']:>12.0f}  ({kinds})")
        print(f"{'':>6} one change, each run: " + ", ".join(f"{t:.2f}" for t in r["one_change_each"]) + " s")
        print(f"{'':>6} press verify of the export: {r['verify']:.1f} s ({r['verify_over_full']:.2f} of the full export)")
        print(f"{'':>6} press check: after the export {r['check_cold']:.2f} s, nothing changed {r['check_warm']:.2f} s, "
              f"one release changed {r['check_one_change']:.2f} s, never exported {r['check_unexported']:.1f} s")
        print(f"{'':>6} press serve, from a save to the new page: {r['serve_page']:.2f} s, to the new PDF: "
              f"{r['serve_pdf']:.2f} s (median of three)")
        print(f"{'':>6} press export --cluster, two local Dask workers: {r['cluster_full']:.1f} s ({r['cluster_over_full']:.2f} "
              f"of the full export with -j {r['jobs']}, {r['cluster_ms_per_release']:+.0f} ms a release); a job alone "
              f"through the scheduler: {r['scheduler_roundtrip_ms']:.1f} ms there and back, "
              f"{r['scheduler_ms_per_job']:.2f} ms each of {r['n']} at once; the export's own work, which stays on its "
              f"machine: {r['cluster_local_cpu_ms_per_release']:.0f} ms of a core a release")
    target = ROOT / "bench" / "results" / f"n{args.n}.json"
    target.write_text(json.dumps({"machine": machine, "jobs": args.jobs, "runs": results}, indent=2) + "\n")
    print(f"written to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
