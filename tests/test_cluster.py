"""press export --cluster: PDFs printed by a real Dask scheduler and workers, separate processes on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import json
import os
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
        self.folder, self.processes = folder, []
        address_file = folder / "scheduler.json"
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

    def _start(self, command: list[str], name: str, env: dict | None = None) -> None:
        log = open(self.folder / f"{name}.log", "wb")
        self.processes.append(subprocess.Popen(command, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                                               env=env, start_new_session=True))

    def tasks(self) -> list:
        """The tasks the scheduler still holds: none once an export is over or stopped."""
        return self.client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.tasks))

    def stop(self) -> None:
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
    assert f"printing on 2 Dask workers at {cluster.address}" in run.stderr
    assert tree(tmp_path / "dist") == tree(example_dist)
    assert cluster.tasks() == [], "the export's futures are released when it ends"
    assert cluster.client.list_datasets() == (), "and its theme files are taken off the scheduler"


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
            if done == 4 and not killed:
                busy = {worker: keys for worker, keys in cluster.client.processing().items() if keys}
                worker = sorted(busy)[0]
                killed.update(worker=worker, jobs=list(busy[worker]))
                os.kill(pids[worker], signal.SIGKILL)

        summary = run_export(sources, tmp_path / "dist", _moment(BENCH_NOW), Counting(kill_one), force=True,
                             cache_dir=tmp_path / "cache", printer=ClusterPrinter(cluster.address))
        assert killed["jobs"], "the worker was printing when it was killed"
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
    deadline = time.monotonic() + 10
    while cluster.tasks() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cluster.tasks() == [], "its jobs were cancelled on the cluster"
    assert cluster.client.list_datasets() == ()


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
                                  "press-pipeline 0.1.0 (code ")
        assert problem.endswith("; install the same press-pipeline and libraries there as here, and start the worker "
                                "again; nothing was published: dist is as it was")
        assert not (project / "dist").exists()
    finally:
        cluster.stop()


def test_a_scheduler_that_cannot_be_reached_is_said_and_nothing_is_published(project):
    write_tree(project, {"sources/site.yaml": SITE, "sources/2026/2026-11-26-a.md": release("title: A\ndate: 2026-11-26\n")})
    run = export("sources", "--now", NOW, "--cluster", "tcp://127.0.0.1:9", expect=1)
    assert run.problems == ["dist: error: the Dask scheduler at tcp://127.0.0.1:9 cannot be reached (Timed out trying to "
                            "connect to tcp://127.0.0.1:9 after 10 s); start it with 'dask scheduler' on that machine, or "
                            "check the address (tcp://HOST:8786); nothing was published: dist is as it was"]
    assert not (project / "dist").exists()


def test_a_pdf_past_its_time_limit_on_a_worker_fails_its_release_alone(project, cluster):
    """A worker prints in a thread, where no timer signal arrives: the limit holds there too, and the worker goes on."""
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
