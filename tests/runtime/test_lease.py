"""The repository lease (runtime/core/lease.py): one holder at a time, even when processes race for it.

Real: separate Python processes started together, meeting at a file barrier before every
round, so both ask for the same lease in the same instant; the lease files on disk. The
race is run many rounds over fresh leases, over expired leases (the take-over race), and
over a holder renewing while another process tries to take the lease it let expire.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from runtime.core import lease
from tests.helpers import ROOT
from tests.runtime.loop_support import rt

ROUNDS = 150

RACER = textwrap.dedent("""
    import json, os, sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from runtime.core import lease
    base, me, other, rounds, mode = Path(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
    won = []
    for k in range(rounds):
        here = base / f"r{k}"
        (here / f"ready-{me}").touch()
        while not (here / f"ready-{other}").exists():
            pass
        if mode == "renew" and me == "old":
            try:
                lease.renew(here / "lease", me, 60)
                won.append(True)
            except lease.LeaseError:
                won.append(False)
        else:
            won.append(lease.claim(here / "lease", me, 60)[0])
    print(json.dumps(won))
""")


def race(tmp_path: Path, names: tuple[str, str], rounds: int, mode: str, seed: str | None = None) -> list[list[bool]]:
    """Start two racers at once; each round both ask for the lease in r<k>. Returns each racer's wins."""
    script = tmp_path / "racer.py"
    script.write_text(RACER, encoding="utf-8")
    for k in range(rounds):
        (tmp_path / f"r{k}").mkdir()
        if seed:  # a lease its holder let expire a second ago
            assert lease.claim(tmp_path / f"r{k}" / "lease", seed, ttl=-1)[0]
    a, b = names
    procs = [subprocess.Popen([sys.executable, str(script), str(ROOT), str(tmp_path), me, other, str(rounds), mode],
                              stdout=subprocess.PIPE, text=True) for me, other in ((a, b), (b, a))]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    return [json.loads(out) for out in outs]


def assert_one_winner(tmp_path: Path, names: tuple[str, str], wins: list[list[bool]]) -> None:
    for k, pair in enumerate(zip(*wins, strict=True)):
        assert sum(pair) == 1, f"round {k}: wins {dict(zip(names, pair, strict=True))}"
        winner = names[pair.index(True)]
        record = lease.read(tmp_path / f"r{k}" / "lease")
        assert record is not None and record["holder"] == winner and lease.status(record) == "held", (k, record)


def test_two_processes_racing_for_a_free_lease_one_wins_every_round(tmp_path: Path) -> None:
    names = ("east", "west")
    start = time.monotonic()
    wins = race(tmp_path, names, ROUNDS, "claim")
    elapsed = time.monotonic() - start
    assert_one_winner(tmp_path, names, wins)
    assert 0 < sum(wins[0]) < ROUNDS or ROUNDS < 20, "one racer won every round: the two never really raced"
    print(f"{ROUNDS} rounds in {elapsed:.2f} s; east won {sum(wins[0])}, west {sum(wins[1])}")


def test_two_processes_taking_over_an_expired_lease_one_wins_every_round(tmp_path: Path) -> None:
    names = ("east", "west")
    wins = race(tmp_path, names, ROUNDS, "claim", seed="gone")
    assert_one_winner(tmp_path, names, wins)
    took = {lease.read(tmp_path / f"r{k}" / "lease").get("took_over") for k in range(ROUNDS)}
    assert took == {"gone"}


def test_a_late_renewal_and_a_take_over_never_both_succeed(tmp_path: Path) -> None:
    """The holder renews the lease it let expire while another process takes it over: one of them has it."""
    names = ("old", "new")
    wins = race(tmp_path, names, ROUNDS, "renew", seed="old")
    assert_one_winner(tmp_path, names, wins)


def test_only_the_holder_renews_or_releases(tmp_path: Path) -> None:
    where = tmp_path / "lease"
    won, record = lease.claim(where, "alice", ttl=60)
    assert won and record["holder"] == "alice" and record["generation"] == 1
    assert lease.claim(where, "bob", ttl=60) == (False, lease.read(where))
    with pytest.raises(lease.LeaseError, match="held by alice, not by bob"):
        lease.renew(where, "bob")
    with pytest.raises(lease.LeaseError, match="held by alice, not by bob"):
        lease.release(where, "bob")
    renewed = lease.renew(where, "alice", ttl=120)
    assert renewed["expires"] > record["expires"] and renewed["since"] == record["since"]
    lease.release(where, "alice")
    assert lease.status(lease.read(where)) == "released"
    with pytest.raises(lease.LeaseError, match="held by nobody"):
        lease.renew(where, "alice")
    assert lease.claim(where, "bob", ttl=60)[0]
    assert sorted(p.name for p in where.iterdir()) == ["000000000004.json"]  # older generations pruned


def test_a_holder_whose_lease_was_taken_over_cannot_renew_it(tmp_path: Path) -> None:
    where = tmp_path / "lease"
    assert lease.claim(where, "alice", ttl=-1)[0]  # alice stopped renewing
    assert lease.status(lease.read(where)) == "expired"
    won, record = lease.claim(where, "bob", ttl=60)
    assert won and record["took_over"] == "alice"
    with pytest.raises(lease.LeaseError, match="held by bob, not by alice"):
        lease.renew(where, "alice")


def test_a_writer_that_read_long_ago_cannot_recreate_a_pruned_generation(tmp_path: Path) -> None:
    """The one way an old name comes back: generation 2 was written and pruned after this writer read 1."""
    where = tmp_path / "lease"
    assert lease.claim(where, "alice", ttl=-1)[0]
    stale = lease.read(where)  # a slow taker reads generation 1, expired ...
    assert lease.claim(where, "bob", ttl=60)[0] and lease.renew(where, "bob", ttl=60)  # ... meanwhile 2, then 3
    assert sorted(p.name for p in where.iterdir()) == ["000000000003.json"]
    assert not lease._swap(where, stale["generation"], {"holder": "carol", "expires": time.time() + 60})
    assert lease.read(where)["holder"] == "bob" and sorted(p.name for p in where.iterdir()) == ["000000000003.json"]


def test_a_damaged_lease_file_is_named(tmp_path: Path) -> None:
    where = tmp_path / "lease"
    where.mkdir()
    (where / "000000000003.json").write_text("{not json\n")
    with pytest.raises(lease.LeaseError, match=r"000000000003\.json: not a lease record \(line 1"):
        lease.read(where)


def test_the_command_renews_and_releases_for_the_holder_only(tmp_path: Path) -> None:
    """Through `dispatcher --claim/--renew/--release` of the real runtime, one process per call."""
    repo = tmp_path / "root" / "app"
    (repo / ".orchestrator").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    claimed = rt(repo, "dispatcher", "--offline", "--claim", "--holder", "alice", "--json")
    assert claimed.returncode == 0, claimed.stderr
    assert json.loads(claimed.stdout)["claimed"] == repo.resolve().as_posix()
    second = rt(repo, "dispatcher", "--offline", "--claim", "--holder", "bob", "--json")
    assert second.returncode == 3 and json.loads(second.stdout)["claimed"] is None
    assert "leased by alice" in rt(repo, "dispatcher", "--offline").stdout
    refused = rt(repo, "dispatcher", "--renew", "--holder", "bob")
    assert refused.returncode == 1 and "held by alice, not by bob" in refused.stderr
    assert rt(repo, "dispatcher", "--release", "--holder", "bob").returncode == 1
    missing = rt(repo, "dispatcher", "--renew")
    assert missing.returncode == 1 and "need --holder" in missing.stderr
    assert rt(repo, "dispatcher", "--renew", "--holder", "alice").returncode == 0
    released = rt(repo, "dispatcher", "--release", "--holder", "alice")
    assert released.returncode == 0 and "released by alice" in released.stdout
    assert json.loads(rt(repo, "dispatcher", "--offline", "--claim", "--holder", "bob", "--json").stdout)["claimed"]
