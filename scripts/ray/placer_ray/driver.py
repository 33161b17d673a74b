"""The Ray driver of a sharded Placer run.

Each of N Ray tasks runs `placer simulate TRACE --shard K/N --json PART` (K = 1..N) in a
scratch folder of its own, with the trace either shipped through Ray's object store (the
default: a database or file as its bytes, a folder as a tar archive) or read from a path every
node sees (`--shared`). The driver collects the N partials and runs `placer merge` here, which
gives the result one unsharded `placer simulate` writes, byte for byte (docs/scale.md).

Files the run reads besides the trace (`--deployment`, `--calibration`) are shipped to every
task under their base name and copied beside the merge, so the partials and the merge name
them alike (the merge checks each file's SHA-256 against what the shards read).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ShardJob:
    """What to run: the trace, the shard count and the options every shard gets alike."""

    trace: str
    shards: int
    out: str
    placer: str = "placer"
    simulate_args: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    shared: bool = False
    address: str | None = None
    num_cpus: int = 2
    keep: str | None = None


def plan_commands(job: ShardJob, trace_arg: str) -> list[list[str]]:
    """The N `placer simulate --shard K/N` command lines (K = 1..N), the trace as `trace_arg`."""
    if job.shards < 1:
        raise ValueError(f"--shards {job.shards}: give 1 or more")
    for option in ("--shard", "--json"):
        if option in job.simulate_args:
            raise ValueError(f"{option} is the driver's to set; leave it out of the simulate options")
    # A shipped file is named by its base name in the task's folder (and beside the merge).
    options = [Path(a).name if a in job.files else a for a in job.simulate_args]
    return [
        [job.placer, "simulate", trace_arg, "--shard", f"{k}/{job.shards}", "--json", f"part-{k}.json"] + options
        for k in range(1, job.shards + 1)
    ]


def pack_trace(path: str) -> tuple[str, bytes]:
    """The trace as (name, bytes): a file as it is, a folder as an uncompressed tar of it."""
    p = Path(path)
    if p.is_dir():
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for item in sorted(p.rglob("*")):
                if item.is_file():
                    tar.add(item, arcname=str(Path(p.name) / item.relative_to(p)), recursive=False)
        return p.name + ".tar", buffer.getvalue()
    return p.name, p.read_bytes()


def unpack_trace(folder: str, name: str, data: bytes) -> str:
    """Writes a shipped trace into `folder`; returns the path to give placer."""
    target = Path(folder) / name
    if name.endswith(".tar"):
        with tarfile.open(fileobj=io.BytesIO(data), mode="r") as tar:
            tar.extractall(folder, filter="data")
        return str(Path(folder) / name[: -len(".tar")])
    target.write_bytes(data)
    return str(target)


def run_shard(command: list[str], trace: tuple[str, bytes] | None, trace_path: str | None,
              files: dict[str, bytes]) -> tuple[int, bytes, str]:
    """One shard, in a scratch folder: (exit status, the partial's bytes, standard error)."""
    with tempfile.TemporaryDirectory(prefix="placer-shard-") as folder:
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        given = unpack_trace(folder, *trace) if trace is not None else trace_path
        command = [c if c != "{trace}" else given for c in command]
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
        part = Path(folder) / command[command.index("--json") + 1]
        data = part.read_bytes() if done.returncode == 0 and part.exists() else b""
        return done.returncode, data, done.stderr


def _start_ray(job: ShardJob):
    import ray
    from ray import cloudpickle

    # The task's code travels with it: workers need not import this package.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    if job.address:
        ray.init(address=job.address, log_to_driver=False)
    else:
        ray.init(num_cpus=job.num_cpus, include_dashboard=False, log_to_driver=False,
                 object_store_memory=256 * 1024 * 1024)
    return ray


def run_job(job: ShardJob, log=print) -> int:
    """Runs the N shards on Ray and merges them into `job.out`; returns placer's exit status."""
    commands = plan_commands(job, "{trace}")
    files = {Path(f).name: Path(f).read_bytes() for f in job.files}
    placer = shutil.which(job.placer) or job.placer
    started = time.monotonic()
    ray = _start_ray(job)
    try:
        shard = ray.remote(num_cpus=1)(run_shard)
        if job.shared:
            trace, trace_path = None, str(Path(job.trace).resolve()) if not job.address else job.trace
        else:
            trace, trace_path = ray.put(pack_trace(job.trace)), None
        ready = time.monotonic()
        pending = [shard.remote(c, trace, trace_path, files) for c in commands]
        results = ray.get(pending)
    finally:
        ray.shutdown()
    replayed = time.monotonic()
    keep = Path(job.keep) if job.keep else None
    with tempfile.TemporaryDirectory(prefix="placer-merge-") as folder:
        parts = []
        for k, (status, data, stderr) in enumerate(results, start=1):
            if status != 0:
                message = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit status {status}"
                log(f"shard {k}/{job.shards} failed: {message}", file=sys.stderr)
                return status or 1
            part = Path(folder) / f"part-{k}.json"
            part.write_bytes(data)
            parts.append(str(part))
            if keep:
                keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(part, keep / part.name)
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
        out = str(Path(job.out).resolve())
        done = subprocess.run([placer, "merge", *parts, "--json", out], cwd=folder, capture_output=True, text=True)
    merged = time.monotonic()
    if done.returncode != 0:
        log(done.stderr.strip(), file=sys.stderr)
        return done.returncode
    log(f"wrote {job.out}: {job.shards} shards on Ray in {replayed - ready:.1f} s "
        f"(Ray start {ready - started:.1f} s, merge {merged - replayed:.1f} s)", file=sys.stderr)
    return 0


def parse(argv: list[str]) -> ShardJob:
    parser = argparse.ArgumentParser(
        prog="python -m placer_ray",
        description="Run placer simulate in N shards on Ray and merge them (docs/scale.md). "
                    "Options after -- go to every `placer simulate` (e.g. -- --target aws-lambda-x86 --seed 3).")
    parser.add_argument("trace", help="a database from `placer ingest`, a trace file or a folder")
    parser.add_argument("--shards", type=int, required=True, help="N, the number of Ray tasks")
    parser.add_argument("--json", dest="out", required=True, help="the merged result (placer.result/v1)")
    parser.add_argument("--placer", default=os.environ.get("PLACER", "placer"),
                        help="the placer executable on every node (default: $PLACER, else placer on PATH)")
    parser.add_argument("--address", help="a running Ray cluster (ray://HOST:10001 or HOST:6379); default: a local one")
    parser.add_argument("--num-cpus", type=int, default=2, help="CPUs of the local Ray (default 2)")
    parser.add_argument("--shared", action="store_true",
                        help="every node reads the trace at its path (shared storage) instead of receiving its bytes")
    parser.add_argument("--file", action="append", default=[], dest="files",
                        help="a file the simulate options name (deployment, calibration): shipped to every task")
    parser.add_argument("--keep-partials", dest="keep", help="also copy the partials into this folder")
    args, rest = parser.parse_known_args(argv)
    if rest and rest[0] == "--":
        rest = rest[1:]
    return ShardJob(trace=args.trace, shards=args.shards, out=args.out, placer=args.placer, simulate_args=rest,
                    files=args.files, shared=args.shared, address=args.address, num_cpus=args.num_cpus, keep=args.keep)


def main(argv: list[str]) -> int:
    try:
        job = parse(argv)
        plan_commands(job, job.trace)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 64
    if not Path(job.trace).exists() and not (job.shared and job.address):
        print(f"error: {job.trace}: no such file or folder", file=sys.stderr)
        return 64
    return run_job(job)
