"""Requests asking at the same moment share one read, each gets its own answer, and a
failed batch fails only the request that read it."""

from __future__ import annotations

import threading

import pytest

from facilitation.realtime.gathering import Gathering


def asking_together(gathering: Gathering, keys: list[int], read) -> dict[int, object]:
    start = threading.Barrier(len(keys))
    answers: dict[int, object] = {}

    def ask(key: int) -> None:
        start.wait()
        try:
            answers[key] = gathering.get("room", key, read)
        except Exception as error:  # the test looks at what each one got
            answers[key] = error

    threads = [threading.Thread(target=ask, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_requests_asking_together_share_one_read_and_each_gets_its_own_answer():
    gathering: Gathering[int, int] = Gathering(window=0.3)
    reads: list[list[int]] = []

    def read(keys: list[int]) -> dict[int, int]:
        reads.append(keys)
        return {key: key * 10 for key in keys}

    answers = asking_together(gathering, list(range(20)), read)
    assert answers == {key: key * 10 for key in range(20)}
    assert len(reads) < 5
    assert sorted(key for keys in reads for key in keys) == list(range(20))
    assert gathering.batches == len(reads)


def test_a_batch_holds_at_most_its_bound_of_keys():
    gathering: Gathering[int, int] = Gathering(window=0.3, most=4)
    reads: list[list[int]] = []

    def read(keys: list[int]) -> dict[int, int]:
        reads.append(keys)
        return {key: -key for key in keys}

    answers = asking_together(gathering, list(range(12)), read)
    assert answers == {key: -key for key in range(12)}
    assert all(len(keys) <= 4 for keys in reads)


def test_a_key_asked_while_its_batch_is_read_waits_for_the_next_one():
    gathering: Gathering[int, str] = Gathering(window=0.0)
    reading, release = threading.Event(), threading.Event()
    reads: list[list[int]] = []

    def read(keys: list[int]) -> dict[int, str]:
        reads.append(keys)
        if keys == [1]:
            reading.set()
            release.wait(5)
        return {key: f"read after {key} asked" for key in keys}

    first = threading.Thread(target=lambda: gathering.get("room", 1, read))
    first.start()
    assert reading.wait(5)
    second: list[str] = []
    later = threading.Thread(target=lambda: second.append(gathering.get("room", 2, read)))
    later.start()
    release.set()
    first.join()
    later.join()
    assert reads == [[1], [2]]  # never read before it was asked
    assert second == ["read after 2 asked"]


def test_when_a_batch_fails_its_reader_fails_and_the_others_read_alone():
    gathering: Gathering[int, int] = Gathering(window=0.3)
    calls: list[list[int]] = []

    def read(keys: list[int]) -> dict[int, int]:
        calls.append(keys)
        if len(keys) > 1:
            raise RuntimeError("the database went away")
        return {keys[0]: keys[0]}

    answers = asking_together(gathering, list(range(6)), read)
    failed = [key for key, answer in answers.items() if isinstance(answer, RuntimeError)]
    assert len(failed) == sum(1 for keys in calls if len(keys) > 1)  # one per failed batch
    assert {key: answer for key, answer in answers.items() if key not in failed} == {
        key: key for key in range(6) if key not in failed
    }


def test_rooms_are_gathered_apart():
    gathering: Gathering[int, str] = Gathering(window=0.2)
    start = threading.Barrier(2)
    got: dict[str, str] = {}

    def ask(room: str) -> None:
        start.wait()
        got[room] = gathering.get(room, 1, lambda keys: dict.fromkeys(keys, room))

    threads = [threading.Thread(target=ask, args=(room,)) for room in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert got == {"a": "a", "b": "b"}
    assert gathering.batches == 2


@pytest.mark.parametrize("most", [0, -1])
def test_a_bound_below_one_is_refused(most):
    with pytest.raises(ValueError, match="at least one key"):
        Gathering(most=most)
