"""press export --cluster: PDFs printed by a real Dask scheduler and workers, separate processes on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from distributed import Client, get_task_stream

from conftest import SITE, NOW, ROOT, export, release, tree, write_tree
from pipeline.build.cluster import ClusterPrinter
from pipeline.build.export import export as run_export

DASK = str(Path(sys.executable).parent / "dask")
BENCH_NOW = "2027-01-01T12:00:00+01:00"


class Cluster:
    """A scheduler and its workers, each a process of its own, as `dask scheduler` and `dask worker` start them."""

    def __init__(self, folder: Path, workers: int, *worker_options: str, env: dict | None = None):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.processes, self.client = folder, [], None
        address_file = folder / "scheduler.json"
        try:
            self._start([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                         "--scheduler-file", str(address_file)], "scheduler")
            deadline = time.monotonic() + 60
            while not address_file.is_file() or not address_file.read_text().strip():
                assert time.monotonic() < deadline, (folder / "scheduler.log").read_text()
                time.sleep(0.1)
            self.address = json.loads(address_file.read_text())["address"]
            for i in range(workers):
                self._start([DASK, "worker", self.address, "--nthreads", "1", "--no-dashboard", *worker_options],
                            f"worker-{i}", env)
            self.client = Client(self.address, timeout=30)
            self.client.wait_for_workers(workers, timeout=60)
        except BaseException:
            self.stop()
            raise

    def _start(self, command: list[str], name: str, env: dict | None = None) -> None:
        with open(self.folder / f"{name}.log", "wb") as log:
            self.processes.append(subprocess.Popen(command, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                                                   env=env, start_new_session=True))

    def tasks(self) -> list:
        """The tasks the scheduler holds: none soon after an export is over or stopped."""
        deadline = time.monotonic() + 10  # the scheduler forgets a client's tasks as it hears it left
        while True:
            held = self.client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.tasks))
            if not held or time.monotonic() > deadline:
                return held
            time.sleep(0.1)

    def stop(self) -> None:
        if self.client:
            self.client.close()
        for process in self.processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    started = Cluster(tmp_path_factory.mktemp("cluster"), 2)
    yield started
    started.stop()


def _bench_generate():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """The benchmark's corpus, 24 releases made from the examples, and its dist/ exported here with -j 2."""
    work = tmp_path_factory.mktemp("corpus")
    sources = _bench_generate()(24, work)
    export(str(sources), "-o", str(work / "local"), "--now", BENCH_NOW, "-q", "-j", "2")
    return sources, tree(work / "local")


class Counting:
    """A reporter that counts, and runs `on_advance` as each release is done."""

    def __init__(self, on_advance=lambda done: None):
        self.done, self.problems, self.on_advance = 0, [], on_advance

    def problem(self, problem):
        self.problems.append(problem.format(str(problem.path)))

    def begin(self, total):
        pass

    def advance(self):
        self.done += 1
        self.on_advance(self.done)

    def end(self):
        pass

    def release(self, status, path, detail=""):
        pass


def test_the_example_press_room_printed_on_a_cluster_is_byte_identical(example_dist, cluster, tmp_path):
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    run = export(str(tmp_path / "sources"), "-o", str(tmp_path / "dist"), "--now", NOW, "--cluster", cluster.address)
    assert f"printing on 2 Dask workers at {cluster.address}, 2 PDFs at a time" in run.stderr
    assert tree(tmp_path / "dist") == tree(example_dist)
    assert cluster.tasks() == [], "the export's jobs are taken off the scheduler when it ends"
    files = cluster.client.list_datasets()
    assert files and all(re.fullmatch(r"press-file-[0-9a-f]{64}", name) for name in files), \
        "the press room's files stay, by their hash, for the next export"


def test_the_benchmark_corpus_printed_by_two_workers_is_byte_identical_to_a_local_export(corpus, cluster, tmp_path):
    sources, local = corpus
    with get_task_stream(client=cluster.client) as stream:
        printer = ClusterPrinter(cluster.address)
        summary = run_export(sources, tmp_path / "dist", _moment(BENCH_NOW), Counting(), force=True,
                             cache_dir=tmp_path / "cache", printer=printer)
    assert summary.ok and summary.new == 24
    assert tree(tmp_path / "dist") == local
    printed = [task for task in stream.data if task["key"].startswith("press-pdf-")]
    assert len(printed) == 24, "one job per release, each a PDF"
    assert len({task["worker"] for task in printed}) == 2, "both workers printed"


def test_a_worker_killed_mid_export_has_its_jobs_printed_again_and_the_outputs_stay_identical(corpus, tmp_path):
    sources, local = corpus
    cluster = Cluster(tmp_path / "cluster", 2, "--no-nanny")  # a killed worker stays dead: the other prints its jobs
    try:
        pids = cluster.client.run(os.getpid)
        killed = {}

        def kill_one(done: int) -> None:
            if done >= 4 and not killed:
                busy = {worker: keys for worker, keys in cluster.client.processing().items() if keys}
                if busy:
                    worker = sorted(busy)[0]
                    killed.update(worker=worker, jobs=list(busy[worker]))
                    os.kill(pids[worker], signal.SIGKILL)

        summary = run_export(sources, tmp_path / "dist", _moment(BENCH_NOW), Counting(kill_one), force=True,
                             cache_dir=tmp_path / "cache", printer=ClusterPrinter(cluster.address))
        assert killed and killed["jobs"], "the worker was printing when it was killed"
        assert list(cluster.client.nthreads()) == [w for w in pids if w != killed["worker"]], "and it stayed dead"
        assert summary.ok and summary.new == 24
        assert tree(tmp_path / "dist") == local
    finally:
        cluster.stop()


def test_ctrl_c_stops_a_cluster_export_cancels_its_jobs_and_publishes_nothing(corpus, cluster, tmp_path):
    sources, _ = corpus
    shutil.copytree(sources, tmp_path / "sources")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "press"), "export", "sources", "--now", BENCH_NOW, "--cluster", cluster.address],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    for line in process.stdout:  # the first progress line: PDFs are printing on the workers
        lines.append(line)
        if " rendered" in line:
            break
    process.send_signal(signal.SIGINT)
    lines += process.stdout.readlines()
    assert process.wait(timeout=30) == 130, "".join(lines)
    assert lines[-1] == "stopped; nothing of this export was published: dist is as it was\n"
    assert not (tmp_path / "dist").exists()
    assert cluster.tasks() == [], "its jobs were cancelled on the cluster"


def test_a_worker_with_another_pipeline_is_refused_with_what_differs(project, tmp_path):
    """A worker that imports a changed copy of the pipeline would print other bytes: the export stops at connecting."""
    changed = tmp_path / "elsewhere"
    shutil.copytree(ROOT / "pipeline", changed / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    with open(changed / "pipeline" / "render" / "pdf.py", "a") as code:
        code.write("\n# another version\n")
    cluster = Cluster(tmp_path / "cluster", 1, env={**os.environ, "PYTHONPATH": str(changed)})
    try:
        write_tree(project, {"sources/site.yaml": SITE, "sources/2026/2026-11-26-a.md": release("title: A\ndate: 2026-11-26\n")})
        run = export("sources", "--now", NOW, "--cluster", cluster.address, expect=1)
        [worker] = cluster.client.nthreads()
        [problem] = run.problems
        assert problem.startswith(f"dist: error: the Dask worker at {worker} would print other PDFs than this machine: "
                                  "its code ")
        assert problem.endswith("; install the same press-pipeline and libraries there as here, and start the worker "
                                "again; nothing was published: dist is as it was")
        assert not (project / "dist").exists()
    finally:
        cluster.stop()


def test_a_scheduler_that_cannot_be_reached_is_said_and_nothing_is_published(project):
    write_tree(project, {"sources/site.yaml": SITE, "sources/2026/2026-11-26-a.md": release("title: A\ndate: 2026-11-26\n")})
    run = export("sources", "--now", NOW, "--cluster", "tcp://127.0.0.1:9", expect=1)
    [problem] = run.problems
    assert problem.startswith("dist: error: the Dask scheduler at tcp://127.0.0.1:9 cannot be reached (")
    assert problem.endswith("); start it with 'dask scheduler' on that machine, or check the address (tcp://HOST:8786); "
                            "nothing was published: dist is as it was")
    assert not (project / "dist").exists()


def test_a_pdf_past_its_time_limit_on_a_worker_fails_its_release_alone(project, cluster):
    """A worker prints in processes of its own, with the local limits: past its time a PDF fails, the worker goes on."""
    import random

    draw = random.Random(13)
    lines = "".join(f'<path d="M{draw.randint(0, 900)} {draw.randint(0, 900)} '
                    + " ".join(f"L{draw.randint(0, 900)} {draw.randint(0, 900)}" for _ in range(40))
                    + '" fill="none" stroke="black"/>' for _ in range(3000))
    write_tree(project, {"sources/site.yaml": SITE + "limits: {pdf_seconds: 10}\n",
                         "sources/2026/linjer.svg": f'<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900">{lines}</svg>',
                         "sources/2026/2026-11-26-ond.md": release("title: Ond\ndate: 2026-11-26\n", "![Linjer](linjer.svg)\n\n" * 16),
                         "sources/2026/2026-11-26-bra.md": release("title: Bra\ndate: 2026-11-26\n")})
    started = time.monotonic()
    run = export("sources", "--now", NOW, "-q", "--cluster", cluster.address, expect=1)
    assert run.problems == ["sources/2026/2026-11-26-ond.md:1: error: making the PDF took longer than 10 seconds, the limit; "
                            "shorten the release, or use fewer or smaller images"]
    assert time.monotonic() - started < 30
    assert (project / "dist/2026/bra/bra.pdf").is_file() and not (project / "dist/2026/ond").exists()
    (project / "sources/2026/2026-11-26-ond.md").unlink()
    write_tree(project, {"sources/2026/2026-11-26-bra.md": release("title: Bra igen\ndate: 2026-11-26\n")})
    export("sources", "--now", NOW, "-q", "--cluster", cluster.address)
    assert b"Bra igen" in subprocess.run(["pdftotext", str(project / "dist/2026/bra/bra.pdf"), "-"], capture_output=True).stdout


def test_without_the_flag_dask_is_not_imported(project):
    write_tree(project, {"sources/site.yaml": SITE, "sources/2026/2026-11-26-a.md": release("title: A\ndate: 2026-11-26\n")})
    script = ("import sys\nfrom pipeline.cli import main\ntry:\n    main(['export', 'sources', '-q', '-j', '1'])\n"
              "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"
    assert (project / "dist/2026/a/a.pdf").is_file()


def test_cluster_and_jobs_together_and_dask_missing_are_usage_errors(project, monkeypatch):
    write_tree(project, {"sources/site.yaml": SITE})
    run = export("sources", "-j", "2", "--cluster", "tcp://127.0.0.1:9", expect=2)
    assert "--jobs and --cluster do not go together" in run.stderr
    monkeypatch.setitem(sys.modules, "pipeline.build.cluster", None)  # as where distributed is not installed
    run = export("sources", "--cluster", "tcp://127.0.0.1:9", expect=2)
    assert "install it with pip install 'press-pipeline[cluster]'" in run.stderr


def _moment(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


def test_an_export_whose_workers_all_die_stops_after_waiting_and_publishes_nothing(corpus, tmp_path):
    """Dask would wait for a worker for ever: the export waits its patience, then says what to do."""
    sources, _ = corpus
    cluster = Cluster(tmp_path / "cluster", 1, "--no-nanny")
    try:
        [pid] = cluster.client.run(os.getpid).values()
        reporter = Counting(lambda done: done == 2 and os.kill(pid, signal.SIGKILL))
        started = time.monotonic()
        summary = run_export(sources, tmp_path / "dist", _moment(BENCH_NOW), reporter, force=True, cache_dir=tmp_path / "cache",
                             printer=ClusterPrinter(cluster.address, patience=3))
        assert summary.published_nothing and not (tmp_path / "dist").exists()
        assert reporter.problems == [f"{tmp_path / 'dist'}: error: the Dask cluster at {cluster.address} has had no workers "
                                     f"for 3 seconds; check that its scheduler and workers run ('dask worker "
                                     f"{cluster.address}' starts one), and export again; nothing was published: {tmp_path / 'dist'} is as it was"]
        assert time.monotonic() - started < 30
        assert cluster.tasks() == []
    finally:
        cluster.stop()


def test_a_release_whose_pdf_ends_every_worker_it_is_tried_on_fails_alone():
    """What Dask says of a job that ended the workers it ran on (KilledWorker) becomes that release's problem."""
    from concurrent.futures import Future
    from types import SimpleNamespace

    from distributed import KilledWorker

    class Remote:  # a finished Dask future, as the scheduler gave up on it
        status = "error"

        def result(self):
            raise KilledWorker("press-pdf-1", "tcp://127.0.0.1:40000", 3)

    printer, answer = ClusterPrinter("tcp://127.0.0.1:9"), Future()
    printer.pending[answer] = Remote()
    printer._arrived(answer, SimpleNamespace(source=Path("sources/2026/a.md")), Remote())
    [problem] = printer.outcome(answer, None).problems
    assert problem.format("sources/2026/a.md") == (
        "sources/2026/a.md:1: error: the PDF could not be made: each Dask worker that printed it stopped (out of "
        "memory, or stopped from outside); export again, and if it happens again, shorten the release or use fewer "
        "or smaller images")


def test_a_print_process_killed_on_a_worker_has_its_pdfs_printed_again(corpus, cluster, tmp_path):
    """A crash while drawing ends a worker's print process, not the worker: its PDFs are printed again, alone."""
    sources, local = corpus
    killed = []

    def kill_printers(done: int) -> None:
        if done >= 3 and not killed:
            # A lambda travels by value: the tests are no module a worker can import.
            children = cluster.client.run(lambda: [p.pid for p in __import__("multiprocessing").active_children()])
            for pids in children.values():
                for pid in pids:
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)

    summary = run_export(sources, tmp_path / "dist", _moment(BENCH_NOW), Counting(kill_printers), force=True,
                         cache_dir=tmp_path / "cache", printer=ClusterPrinter(cluster.address))
    assert len(killed) >= 2, "each worker's print process was killed"
    assert summary.ok and summary.new == 24
    assert tree(tmp_path / "dist") == local


def test_an_address_that_is_no_dask_scheduler_is_said_at_once(project):
    """A web server where the scheduler should be (its dashboard's port, say) would keep Dask's client waiting."""
    import http.server
    import threading

    write_tree(project, {"sources/site.yaml": SITE, "sources/2026/2026-11-26-a.md": release("title: A\ndate: 2026-11-26\n")})
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        run = export("sources", "--now", NOW, "--cluster", f"tcp://127.0.0.1:{server.server_port}", expect=1)
        assert time.monotonic() - started < 20
        [problem] = run.problems
        assert problem.startswith(f"dist: error: the Dask scheduler at tcp://127.0.0.1:{server.server_port} cannot be "
                                  "reached (")
    finally:
        server.shutdown()
    for address, why in (("http://127.0.0.1:8786", "unknown address scheme 'http'"),
                         ("tcp://127.0.0.1:port", "invalid literal for int()")):
        run = export("sources", "--now", NOW, "--cluster", address, expect=1)
        [problem] = run.problems
        assert problem.startswith(f"dist: error: '{address}' is not the address of a Dask scheduler ({why}")
        assert "Traceback" not in run.stderr
