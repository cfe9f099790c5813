"""How the replay splits the partitions between its processes."""

from __future__ import annotations

from aiokafka import TopicPartition
from metrics.replay import _shares


def test_every_partition_is_read_by_exactly_one_process_and_the_work_is_balanced() -> None:
    sizes = {"a": [900, 10, 10], "b": [400, 400, 0], "c": [300, 100, 50]}
    target = {TopicPartition(t, p): 1000 + n for t, ns in sizes.items() for p, n in enumerate(ns)}
    starts = {tp: 1000 for tp in target}

    shares = _shares(target, starts, 2)

    assert len(shares) == 2
    assigned = [tp for share in shares for tp in share]
    assert sorted(assigned) == sorted(target)  # none left out, none twice
    assert all(share[tp] == target[tp] for share in shares for tp in share)
    loads = [sum(share[tp] - starts[tp] for tp in share) for share in shares]
    assert max(loads) - min(loads) <= 100  # 2170 records: 1090 and 1080


def test_fewer_partitions_with_records_than_processes_leave_no_idle_process() -> None:
    one = {TopicPartition("a", 0): 5}
    assert _shares(one, {}, 4) == [one]
    assert _shares({}, {}, 2) == [{}]
