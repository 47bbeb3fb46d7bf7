"""The opinion map on synthetic rooms whose structure is known."""

from __future__ import annotations

import numpy as np
import pytest

from facilitation.opinions.maths import (
    CLEAR_SILHOUETTE,
    NO_GROUPS,
    TOO_FEW_ITEMS,
    TOO_FEW_PARTICIPANTS,
    in_conversation,
    matrix_of,
    opinion_map,
    two_proportion_z,
)

# Twenty items: both camps agree with 0–5, camp A agrees with 6–12 and camp B disagrees,
# camp B agrees with 13–19 and camp A disagrees.
AGREED = list(range(0, 6))
A_ONLY = list(range(6, 13))
B_ONLY = list(range(13, 20))
CAMP_A = [1.0] * 6 + [1.0] * 7 + [-1.0] * 7
CAMP_B = [1.0] * 6 + [-1.0] * 7 + [1.0] * 7


def room(
    camps: list[tuple[int, list[float]]], noise: float = 0.1, unseen: float = 0.0, seed: int = 1
) -> np.ndarray:
    """Each camp's members vote its profile, a share of votes random, a share unseen."""
    rng = np.random.default_rng(seed)
    rows = []
    for size, profile in camps:
        for _ in range(size):
            votes = np.array(profile)
            random = rng.random(len(votes)) < noise
            votes[random] = rng.choice([-1.0, 0.0, 1.0], random.sum())
            votes[rng.random(len(votes)) < unseen] = np.nan
            rows.append(votes)
    return np.array(rows)


def two_camps(**kwargs: float) -> np.ndarray:
    return room([(30, CAMP_A), (30, CAMP_B)], **kwargs)


def groups_of(result, keys) -> set[int]:
    wanted = set(keys)
    return {p.group for p in result.participants if p.participant in wanted}


def test_two_camps_come_out_as_exactly_two_groups_matching_the_camps():
    result = opinion_map(two_camps())
    assert result.enough
    assert result.clear
    assert [g.members for g in result.groups] == [30, 30]
    camp_a, camp_b = groups_of(result, range(30)), groups_of(result, range(30, 60))
    assert len(camp_a) == 1
    assert len(camp_b) == 1
    assert camp_a != camp_b
    assert result.silhouette is not None
    assert result.silhouette > 0.8


def test_what_both_camps_agree_with_is_consensus_and_nothing_else():
    result = opinion_map(two_camps())
    assert sorted(c.item for c in result.consensus) == AGREED
    for item in result.consensus:
        assert all(rate is not None and rate > 0.7 for rate in item.agree_rates)


def test_what_the_camps_split_on_is_divisive_and_nothing_else():
    result = opinion_map(two_camps())
    assert sorted(d.item for d in result.divisive) == A_ONLY + B_ONLY
    for item in result.divisive:
        assert abs(item.z) > 1.96
        assert item.agree_rates[item.most] - item.agree_rates[item.least] > 0.5


def test_each_group_is_represented_by_what_its_camp_agrees_with():
    result = opinion_map(two_camps())
    group_a = groups_of(result, range(30)).pop()
    group_b = groups_of(result, range(30, 60)).pop()
    for group, agrees, disagrees in ((group_a, A_ONLY, B_ONLY), (group_b, B_ONLY, A_ONLY)):
        representative = result.groups[group].representative
        assert representative
        on_agree = {r.item for r in representative if r.side == "agree"}
        on_disagree = {r.item for r in representative if r.side == "disagree"}
        assert on_agree
        assert on_agree <= set(agrees)
        assert on_disagree
        assert on_disagree <= set(disagrees)
        for item in representative:
            assert item.representativeness > 1
            assert item.z_group > 1.28
            assert item.z_rest > 1.28


def test_three_camps_come_out_as_three_groups():
    def profile(agrees: int) -> list[float]:
        # Items 0–3 agreed by all; then four items per camp, agreed by that camp only.
        return [1.0] * 4 + [
            1.0 if block == agrees else -1.0 for block in range(3) for _ in range(4)
        ]

    result = opinion_map(room([(25, profile(0)), (25, profile(1)), (25, profile(2))]))
    assert result.enough
    assert result.clear
    assert [g.members for g in result.groups] == [25, 25, 25]
    camps = [groups_of(result, range(25 * c, 25 * (c + 1))) for c in range(3)]
    assert all(len(camp) == 1 for camp in camps)
    assert len(set.union(*camps)) == 3
    assert sorted(c.item for c in result.consensus) == [0, 1, 2, 3]
    for c, camp in enumerate(camps):
        agreed = {r.item for r in result.groups[camp.pop()].representative if r.side == "agree"}
        assert agreed
        assert agreed <= set(range(4 + 4 * c, 8 + 4 * c))


@pytest.mark.parametrize("seed", range(5))
def test_a_room_of_random_votes_claims_no_divisive_or_representative_item(seed):
    votes = np.random.default_rng(seed).choice([-1.0, 0.0, 1.0], (60, 15))
    result = opinion_map(votes)
    # k-means always draws groups; their silhouette says they are not apart...
    assert result.silhouette is not None
    assert result.silhouette < CLEAR_SILHOUETTE
    assert not result.clear
    # ...so nothing is claimed about them: no split, no group's items, no consensus.
    assert result.divisive == ()
    assert all(g.representative == () for g in result.groups)
    assert result.consensus == ()


def test_too_few_participants_say_not_enough_votes_yet():
    result = opinion_map(two_camps()[[0, 1, 2, 30, 31, 32]])
    assert not result.enough
    assert result.reason == TOO_FEW_PARTICIPANTS
    assert result.participants == ()
    assert result.groups == ()
    assert result.divisive == ()


def test_participants_with_too_few_votes_do_not_make_a_room():
    votes = two_camps()[:20]
    votes[:, 6:] = np.nan  # everyone saw six items: under min(7, 20)
    votes[:6] = two_camps()[:6]  # six saw them all
    result = opinion_map(votes)
    assert not result.enough
    assert result.reason == TOO_FEW_PARTICIPANTS
    assert result.qualified == 6


def test_a_single_item_makes_no_map():
    result = opinion_map(np.ones((30, 1)))
    assert not result.enough
    assert result.reason == TOO_FEW_ITEMS


def test_a_room_that_votes_as_one_has_no_groups():
    result = opinion_map(np.ones((30, 10)))
    assert not result.enough
    assert result.reason == NO_GROUPS


def test_fewer_than_fifteen_in_conversation_are_topped_up_by_those_who_voted_most():
    votes = two_camps()[:20]
    votes[8:, 10:] = np.nan  # rows 8–19: ten votes each
    votes[8:, 7:10] = np.nan  # now seven each
    for extra, row in enumerate(range(8, 20)):
        votes[row, : 6 - extra % 6] = np.nan  # from one to six votes
    rows, qualified = in_conversation(votes)
    cast = (~np.isnan(votes)).sum(axis=1)
    assert qualified == 8
    assert len(rows) == 15
    assert set(range(8)) <= set(rows)
    topped = sorted(set(rows) - set(range(8)))
    left = sorted(set(range(8, 20)) - set(topped))
    assert min(cast[topped]) >= max(cast[left])


def test_a_participant_who_saw_half_the_items_is_placed_with_their_camp():
    votes = two_camps()
    half = np.array(CAMP_A)
    half[1::2] = np.nan  # saw every other item: ten votes
    result = opinion_map(np.vstack([votes, half]))
    placed = {p.participant: p for p in result.participants}
    newcomer = placed[60]
    assert newcomer.group == placed[0].group
    camp = np.array([(placed[i].x, placed[i].y) for i in range(30)])
    other = np.array([(placed[i].x, placed[i].y) for i in range(30, 60)])
    here = np.array([newcomer.x, newcomer.y])
    assert np.linalg.norm(here - camp.mean(axis=0)) < np.linalg.norm(here - other.mean(axis=0))
    # Scaled by √(items ÷ votes cast): as far out as the camp, not pulled to the middle.
    radius = np.linalg.norm(camp, axis=1).mean()
    assert 0.7 * radius < np.linalg.norm(here) < 1.3 * radius


def test_unseen_votes_in_a_third_of_the_matrix_keep_the_camps():
    result = opinion_map(two_camps(unseen=0.3, noise=0.2))
    assert [g.members for g in result.groups] == [30, 30]
    assert len(groups_of(result, range(30))) == 1
    assert sorted(c.item for c in result.consensus) == AGREED


def test_the_same_votes_give_the_same_map():
    votes = two_camps(unseen=0.2, noise=0.3)
    assert opinion_map(votes) == opinion_map(votes.copy())


def test_participants_and_items_are_known_by_the_callers_keys_only():
    keys = [f"p{i}" for i in range(60)]
    items = [f"note-{i}" for i in range(20)]
    result = opinion_map(two_camps(), keys, items)
    assert {p.participant for p in result.participants} == set(keys)
    assert {c.item for c in result.consensus} == {f"note-{i}" for i in AGREED}


@pytest.mark.parametrize(
    "votes",
    [np.array([1.0, -1.0]), np.array([[1.0, 2.0]]), np.array([[0.5, 1.0]])],
)
def test_a_matrix_that_is_not_votes_is_refused(votes):
    with pytest.raises(ValueError, match=r"vote|matrix"):
        opinion_map(votes)


def test_keys_must_match_the_matrix():
    with pytest.raises(ValueError, match="one key per participant"):
        opinion_map(two_camps(), participants=["only one"])


def test_keys_must_be_distinct():
    with pytest.raises(ValueError, match="distinct"):
        opinion_map(two_camps(), items=["same"] * 20)


def test_an_empty_room_has_no_map():
    result = opinion_map(np.empty((0, 10)))
    assert not result.enough
    assert result.reason == TOO_FEW_PARTICIPANTS


def test_the_two_proportion_test():
    # 57 % of 1,050 against 42 % of 1,046 (a textbook poll comparison): z about 6.9.
    z = float(
        two_proportion_z(np.array(598.0), np.array(1050.0), np.array(439.0), np.array(1046.0))
    )
    assert z == pytest.approx(6.87, abs=0.05)
    assert (
        float(two_proportion_z(np.array(5.0), np.array(10.0), np.array(5.0), np.array(10.0))) == 0
    )


def test_stored_reactions_make_the_matrix_with_every_item_offered():
    reactions = [("ana", "n2", 1), ("bob", "n1", -1), ("ana", "n1", 0), ("bob", "gone", 1)]
    votes, people, items = matrix_of(reactions, ["n1", "n2", "n3"])
    assert people == ["ana", "bob"]
    assert items == ["n1", "n2", "n3"]
    expected = np.array([[0.0, 1.0, np.nan], [-1.0, np.nan, np.nan]])
    np.testing.assert_array_equal(votes, expected)


def test_stored_reactions_that_are_not_votes_are_refused():
    with pytest.raises(ValueError, match="one vote per participant"):
        matrix_of([("ana", "n1", 1), ("ana", "n1", -1)], ["n1"])
    with pytest.raises(ValueError, match="a vote is"):
        matrix_of([("ana", "n1", 2)], ["n1"])


def test_a_room_from_stored_reactions_maps_as_its_matrix_does():
    votes = two_camps(unseen=0.2)
    reactions = [
        (f"p{i}", f"note-{j}", votes[i, j])
        for i in range(votes.shape[0])
        for j in range(votes.shape[1])
        if not np.isnan(votes[i, j])
    ]
    rebuilt, people, items = matrix_of(reactions, [f"note-{j}" for j in range(20)])
    direct = opinion_map(votes, [f"p{i}" for i in range(60)], items)
    assert opinion_map(rebuilt, people, items) == direct
