"""The Ray driver: its command lines, the trace shipping, and a 2-shard job on a local Ray whose
merged result equals the unsharded run's bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from placer_ray import ShardJob, plan_commands, run_job  # noqa: E402
from placer_ray.driver import main, pack_trace, unpack_trace  # noqa: E402

REPO = Path(__file__).resolve().parents[3]


def placer() -> str:
    path = os.environ.get("PLACER") or str(REPO / ".build" / "debug" / "placer")
    assert Path(path).exists(), f"no placer executable at {path}: build it (swift build) or set PLACER"
    return path


def test_one_command_per_shard_with_the_options_every_shard_shares():
    job = ShardJob(trace="t.db", shards=3, out="m.json", placer="/bin/placer",
                   simulate_args=["--target", "aws-lambda-x86", "--deployment", "conf/placer.yaml"],
                   files=["conf/placer.yaml"])
    commands = plan_commands(job, "{trace}")
    assert [c[c.index("--shard") + 1] for c in commands] == ["1/3", "2/3", "3/3"]
    assert all(c[:3] == ["/bin/placer", "simulate", "{trace}"] for c in commands)
    # A shipped file is named by its base name, where the task writes it.
    assert all(c[-2:] == ["--deployment", "placer.yaml"] for c in commands)
    assert len({c[c.index("--json") + 1] for c in commands}) == 3


@pytest.mark.parametrize("args,shards", [(["--shard", "1/2"], 2), (["--json", "x"], 2), ([], 0)])
def test_refuses_what_the_driver_sets_itself(args, shards):
    with pytest.raises(ValueError):
        plan_commands(ShardJob(trace="t", shards=shards, out="o", simulate_args=args), "t")
    assert main(["t", "--shards", str(shards), "--json", "o", "--"] + args) == 64


def test_a_folder_travels_as_a_tar_and_comes_back_whole(tmp_path):
    trace = tmp_path / "trace"
    (trace / "sub").mkdir(parents=True)
    (trace / "a.csv").write_text("x\n1\n")
    (trace / "sub" / "b.csv").write_text("y\n2\n")
    name, data = pack_trace(str(trace))
    assert name == "trace.tar"
    there = tmp_path / "task"
    there.mkdir()
    path = Path(unpack_trace(str(there), name, data))
    assert (path / "a.csv").read_text() == "x\n1\n" and (path / "sub" / "b.csv").read_text() == "y\n2\n"
    single = tmp_path / "t.db"
    single.write_bytes(b"\x00\x01")
    assert pack_trace(str(single)) == ("t.db", b"\x00\x01")


def test_two_shards_on_a_local_ray_equal_the_unsharded_run(tmp_path):
    exe = placer()
    trace, db = tmp_path / "trace", tmp_path / "t.db"
    subprocess.run([exe, "generate", "--preset", "azure2019", "--functions", "40", "--days", "1", "--seed", "4",
                    "--out", str(trace)], check=True, capture_output=True)
    subprocess.run([exe, "ingest", str(trace), "--db", str(db)], check=True, capture_output=True)
    options = ["--target", "aws-lambda-x86", "--target", "azure-consumption", "--target", "knative", "--seed", "9"]
    whole = tmp_path / "whole.json"
    subprocess.run([exe, "simulate", str(db), "--json", str(whole)] + options, check=True, capture_output=True)
    merged = tmp_path / "merged.json"
    job = ShardJob(trace=str(db), shards=2, out=str(merged), placer=exe, simulate_args=options, num_cpus=2,
                   keep=str(tmp_path / "parts"))
    assert run_job(job, log=lambda *a, **k: None) == 0
    assert merged.read_bytes() == whole.read_bytes()
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == ["part-1.json", "part-2.json"]
