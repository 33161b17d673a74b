"""Runs `placer simulate --shard K/N` as N Ray tasks and merges the partials (docs/scale.md)."""

from .driver import ShardJob, main, plan_commands, run_job

__all__ = ["ShardJob", "main", "plan_commands", "run_job"]
