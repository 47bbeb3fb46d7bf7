"""The opinion map of a room, as Pol.is computes it: pure functions on a vote matrix.

The input is a participant × item matrix: agree ``+1``, disagree ``-1``, pass ``0``, unseen
``NaN``. ``opinion_map`` answers with an ``OpinionMap``: each participant's place on a
2-D map and opinion group, the groups with the items that set each apart, the items every
group agrees with (consensus) and those the groups split on (divisive). Below a minimum
of votes it says so (``enough`` false, with a reason) instead of drawing groups out of
noise.

The steps, after Pol.is's published method:

1. Participants "in conversation": those with at least ``min(7, items)`` votes (a pass is
   a vote); if fewer than 15 qualify, the participants with the most votes top them up to
   15. Only they are placed and grouped.
2. PCA to two components on their votes, unseen votes filled by the item's mean vote.
   Each participant is then projected from the votes they actually cast (centred on the
   item means) and scaled by √(items ÷ votes cast), so that someone who saw few items is
   not pulled to the centre for it.
3. k-means on the 2-D positions, k from 2 to min(5, 2 + n/12), the k with the best
   silhouette kept (fixed seed and restarts: the same votes always give the same map).
4. Per item and group, the counts of agrees, disagrees and votes seen. Consensus: the
   group-informed consensus, the product over groups of (agrees + 1)/(votes + 2), an item
   being a consensus item when every group's (agrees + 1)/(votes + 2) reaches
   ``CONSENSUS_AGREE``. Divisive: the most and least agreeing groups' agree rates at
   least ``DIVISIVE_GAP`` apart, their difference significant by a two-proportion z-test
   (|z| > 1.96). Representative items of a group: Pol.is's representativeness, the
   group's (agrees + 1)/(votes + 2) over the rest's, kept when both the group's rate
   (proportion test against one half) and its difference with the rest (two-proportion
   test) are significant at 90 %; on the agree side and, with disagrees, on the
   disagree side.

One rule of our own: divisive and representative items are claimed only when the groups
are clearly apart (silhouette at least ``CLEAR_SILHOUETTE``); see that constant.

Participants and items are known only by the keys the caller gives: the map is as
anonymous as those keys. ``matrix_of`` builds the matrix from stored (participant, item,
vote) rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits

AGREE = 1.0
DISAGREE = -1.0
PASS = 0.0

# Pol.is: a participant is in the conversation from min(7, items) votes; fewer than 15
# such participants are topped up to 15 with those who voted most.
MIN_VOTES = 7
TOP_UP = 15
# Below this many participants with enough votes, no map: groups would be noise.
MIN_PARTICIPANTS = 7
# At least two groups of at least this many members, or no map.
MIN_GROUP_MEMBERS = 2
MAX_GROUPS = 5
# k-means: fixed seed and restarts, so that the same votes give the same groups.
RANDOM_STATE = 0
N_INIT = 10
# Every group's (agrees + 1)/(votes + 2) at least this for a consensus item.
CONSENSUS_AGREE = 0.6
# Divisive: the most and least agreeing groups' agree rates this far apart, and the
# difference significant (two-sided 95 %).
DIVISIVE_GAP = 0.3
DIVISIVE_Z = 1.96
# Groups are "clear" when the chosen k's silhouette reaches this. Below it the map and its
# groups are shown but no divisive or representative item is claimed: their tests compare
# groups that k-means drew from those very votes, so on votes without structure they
# "find" splits (20 rooms of 60 random voters × 15 items: a median of 10 items flagged
# divisive, silhouettes of 0.35 to 0.43; two camps of 30 with a third of their votes
# random or unseen: 0.54 to 0.59).
CLEAR_SILHOUETTE = 0.5
# Representative items: both tests significant at 90 % (one-sided).
REPRESENTATIVE_Z = 1.2816
REPRESENTATIVE_LIMIT = 5

# Why there is no map.
TOO_FEW_ITEMS = "too-few-items"
TOO_FEW_PARTICIPANTS = "too-few-participants"
NO_GROUPS = "no-groups"


@dataclass(frozen=True)
class Placement:
    """One participant on the map: position and opinion group (an index of ``groups``)."""

    participant: Hashable
    x: float
    y: float
    group: int


@dataclass(frozen=True)
class Representative:
    """An item that sets a group apart: what it agrees (or disagrees) with more than the rest."""

    item: Hashable
    side: str  # "agree" or "disagree"
    rate: float  # the group's (agrees + 1)/(votes + 2), or disagrees
    representativeness: float  # rate over the rest's rate
    z_group: float  # the group's rate against one half
    z_rest: float  # the group's rate against the rest's


@dataclass(frozen=True)
class Group:
    members: int
    representative: tuple[Representative, ...]


@dataclass(frozen=True)
class Consensus:
    item: Hashable
    score: float  # group-informed consensus: product over groups of (agrees + 1)/(votes + 2)
    agree_rates: tuple[float | None, ...]  # per group, agrees / votes (None: nobody saw it)


@dataclass(frozen=True)
class Divisive:
    item: Hashable
    agree_rates: tuple[float | None, ...]  # per group, agrees / votes (None: nobody saw it)
    most: int  # the group that agrees most
    least: int  # the group that agrees least
    z: float  # two-proportion z of most against least


@dataclass(frozen=True)
class OpinionMap:
    enough: bool
    reason: str | None  # why there is no map: TOO_FEW_ITEMS, TOO_FEW_PARTICIPANTS, NO_GROUPS
    participants: tuple[Placement, ...]
    groups: tuple[Group, ...]
    consensus: tuple[Consensus, ...]
    divisive: tuple[Divisive, ...]
    silhouette: float | None  # of the chosen k: near 0, groups hardly apart; near 1, clear
    clear: bool  # silhouette >= CLEAR_SILHOUETTE: divisive and representative items claimed
    qualified: int  # participants with at least min(7, items) votes


def _not_enough(reason: str, qualified: int) -> OpinionMap:
    return OpinionMap(False, reason, (), (), (), (), None, False, qualified)


def check_votes(votes: np.ndarray) -> np.ndarray:
    """The matrix as floats, or ValueError if it is not participants × items of votes."""
    matrix = np.asarray(votes, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("votes must be a participant × item matrix")
    seen = matrix[~np.isnan(matrix)]
    if not np.isin(seen, (AGREE, DISAGREE, PASS)).all():
        raise ValueError("a vote is +1 (agree), -1 (disagree), 0 (pass) or NaN (unseen)")
    return matrix


def matrix_of(
    reactions: Iterable[tuple[Hashable, Hashable, float]], items: Sequence[Hashable]
) -> tuple[np.ndarray, list[Hashable], list[Hashable]]:
    """The vote matrix of (participant, item, vote) triples, as stored, and its keys.

    Rows in the order participants first appear, columns in ``items``' order (every item
    offered, even one nobody saw yet); what nobody voted stays NaN. Votes on an item not in
    ``items`` (a note removed since) are left out; a participant's second vote on an item
    is refused, as the store keeps one per participant and item.
    """
    column = {item: j for j, item in enumerate(items)}
    if len(column) != len(items):
        raise ValueError("item keys must be distinct")
    row: dict[Hashable, int] = {}
    cells: dict[tuple[int, int], float] = {}
    for participant, item, vote in reactions:
        if item not in column:
            continue
        i = row.setdefault(participant, len(row))
        if (i, column[item]) in cells:
            raise ValueError("one vote per participant and item")
        cells[i, column[item]] = float(vote)
    votes = np.full((len(row), len(items)), np.nan)
    for (i, j), vote in cells.items():
        votes[i, j] = vote
    return check_votes(votes), list(row), list(items)


def in_conversation(votes: np.ndarray) -> tuple[np.ndarray, int]:
    """Rows placed on the map (in row order) and how many qualified by their own votes."""
    cast = (~np.isnan(votes)).sum(axis=1)
    needed = min(MIN_VOTES, votes.shape[1])
    qualified = np.flatnonzero(cast >= needed)
    rows = qualified
    if len(qualified) < TOP_UP:
        others = np.flatnonzero((cast < needed) & (cast > 0))
        # Most votes first; among equals, the earlier row.
        order = others[np.lexsort((others, -cast[others]))]
        rows = np.sort(np.concatenate([qualified, order[: TOP_UP - len(qualified)]]))
    return rows, len(qualified)


def project(votes: np.ndarray) -> np.ndarray:
    """Each row's 2-D position: PCA on the mean-filled votes, projected from its own votes."""
    seen = ~np.isnan(votes)
    counts = seen.sum(axis=0)
    sums = np.where(seen, votes, 0.0).sum(axis=0)
    means = np.divide(sums, counts, out=np.zeros(votes.shape[1]), where=counts > 0)
    filled = np.where(seen, votes, means)
    if not filled.std(axis=0).any():
        return np.zeros((len(votes), 2))  # everyone voted alike: one point
    with threadpool_limits(limits=1):
        pca = PCA(n_components=2, svd_solver="full").fit(filled)
    centred = np.where(seen, votes - means, 0.0)
    cast = seen.sum(axis=1)
    scale = np.sqrt(votes.shape[1] / np.maximum(cast, 1))
    return (centred @ pca.components_.T) * scale[:, None]


def cluster(positions: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Group labels (0: the largest group) and their silhouette, or None if no k fits."""
    n = len(positions)
    best: tuple[float, np.ndarray] | None = None
    # One thread: on points in two dimensions, OpenMP's threads cost more than they save
    # (200 participants: 0.03 s on one thread, 0.1 to 0.4 s on two busy cores).
    with threadpool_limits(limits=1):
        for k in range(2, min(MAX_GROUPS, 2 + n // 12, n - 1) + 1):
            with warnings.catch_warnings():
                # Fewer distinct points than k: k-means warns, the labels tell.
                warnings.simplefilter("ignore")
                labels = KMeans(n_clusters=k, n_init=N_INIT, random_state=RANDOM_STATE).fit_predict(
                    positions
                )
            if len(np.unique(labels)) < 2:
                continue
            score = float(silhouette_score(positions, labels))
            if best is None or score > best[0]:
                best = (score, labels)
    if best is None:
        return None
    score, labels = best
    # Largest group first; among equals, the one whose first member comes first.
    found = np.unique(labels)
    order = sorted(found, key=lambda g: (-int((labels == g).sum()), int(np.argmax(labels == g))))
    relabel = {int(old): new for new, old in enumerate(order)}
    return np.array([relabel[int(g)] for g in labels]), score


def proportion_z(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """z of the smoothed rate (successes + 1)/(trials + 2) against one half."""
    n = trials + 2.0
    return 2.0 * np.sqrt(n) * ((successes + 1.0) / n - 0.5)


def two_proportion_z(
    successes_a: np.ndarray, trials_a: np.ndarray, successes_b: np.ndarray, trials_b: np.ndarray
) -> np.ndarray:
    """Pooled two-proportion z of a's rate against b's (0 where both are all or nothing)."""
    a = np.asarray(successes_a, dtype=float)
    b = np.asarray(successes_b, dtype=float)
    na = np.asarray(trials_a, dtype=float)
    nb = np.asarray(trials_b, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (a + b) / (na + nb)
        spread = np.sqrt(pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb))
        z = (a / na - b / nb) / spread
    return np.where(np.isfinite(z), z, 0.0)


def _rates(agrees: np.ndarray, seen: np.ndarray) -> tuple[float | None, ...]:
    return tuple(float(a / s) if s else None for a, s in zip(agrees, seen, strict=True))


def _representatives(
    items: Sequence[Hashable], side: str, hits: np.ndarray, seen: np.ndarray, group: int
) -> list[Representative]:
    """A group's representative items on one side (hits: agrees or disagrees per group)."""
    hit_in, seen_in = hits[group], seen[group]
    hit_out, seen_out = hits.sum(axis=0) - hit_in, seen.sum(axis=0) - seen_in
    rate = (hit_in + 1.0) / (seen_in + 2.0)
    rest = (hit_out + 1.0) / (seen_out + 2.0)
    ratio = rate / rest
    z_group = proportion_z(hit_in, seen_in)
    z_rest = two_proportion_z(hit_in + 1.0, seen_in + 2.0, hit_out + 1.0, seen_out + 2.0)
    chosen = np.flatnonzero((z_group > REPRESENTATIVE_Z) & (z_rest > REPRESENTATIVE_Z))
    metric = ratio * z_rest * rate * z_group
    chosen = chosen[np.lexsort((chosen, -metric[chosen]))][:REPRESENTATIVE_LIMIT]
    return [
        Representative(
            items[j], side, float(rate[j]), float(ratio[j]), float(z_group[j]), float(z_rest[j])
        )
        for j in chosen.tolist()
    ]


def opinion_map(
    votes: np.ndarray,
    participants: Sequence[Hashable] | None = None,
    items: Sequence[Hashable] | None = None,
) -> OpinionMap:
    """The room's opinion map, or one that says there are not enough votes yet."""
    matrix = check_votes(votes)
    people = list(range(matrix.shape[0])) if participants is None else list(participants)
    things = list(range(matrix.shape[1])) if items is None else list(items)
    if len(people) != matrix.shape[0] or len(things) != matrix.shape[1]:
        raise ValueError("one key per participant (row) and per item (column)")
    if len(set(people)) != len(people) or len(set(things)) != len(things):
        raise ValueError("participant keys and item keys must each be distinct")
    if matrix.shape[1] < 2:
        return _not_enough(TOO_FEW_ITEMS, 0)
    rows, qualified = in_conversation(matrix)
    if qualified < MIN_PARTICIPANTS:
        return _not_enough(TOO_FEW_PARTICIPANTS, qualified)
    placed = matrix[rows]
    positions = project(placed)
    found = cluster(positions)
    if found is None:
        return _not_enough(NO_GROUPS, qualified)
    labels, silhouette = found
    count = int(labels.max()) + 1
    members = np.bincount(labels, minlength=count)
    if (members >= MIN_GROUP_MEMBERS).sum() < 2:
        return _not_enough(NO_GROUPS, qualified)

    # Per group and item: agrees, disagrees, votes seen (a pass is seen).
    agrees = np.zeros((count, matrix.shape[1]))
    disagrees = np.zeros_like(agrees)
    seen = np.zeros_like(agrees)
    for g in range(count):
        block = placed[labels == g]
        agrees[g] = (block == AGREE).sum(axis=0)
        disagrees[g] = (block == DISAGREE).sum(axis=0)
        seen[g] = (~np.isnan(block)).sum(axis=0)

    smoothed = (agrees + 1.0) / (seen + 2.0)
    consensus_score = smoothed.prod(axis=0)
    agreed = np.flatnonzero((smoothed >= CONSENSUS_AGREE).all(axis=0))
    agreed = agreed[np.lexsort((agreed, -consensus_score[agreed]))]
    consensus = tuple(
        Consensus(things[j], float(consensus_score[j]), _rates(agrees[:, j], seen[:, j]))
        for j in agreed
    )

    clear = silhouette >= CLEAR_SILHOUETTE
    divisive: list[tuple[float, Divisive]] = []
    for j in range(matrix.shape[1] if clear else 0):
        voted = np.flatnonzero(seen[:, j] > 0)
        if len(voted) < 2:
            continue
        rate = agrees[voted, j] / seen[voted, j]
        most = int(voted[np.argmax(rate)])
        least = int(voted[np.argmin(rate)])
        gap = float(rate.max() - rate.min())
        z = float(
            two_proportion_z(agrees[most, j], seen[most, j], agrees[least, j], seen[least, j])
        )
        if gap >= DIVISIVE_GAP and abs(z) > DIVISIVE_Z:
            divisive.append(
                (gap, Divisive(things[j], _rates(agrees[:, j], seen[:, j]), most, least, z))
            )
    divisive.sort(key=lambda pair: -pair[0])  # stable: equal gaps keep item order

    groups = tuple(
        Group(
            int(members[g]),
            tuple(
                _representatives(things, "agree", agrees, seen, g)
                + _representatives(things, "disagree", disagrees, seen, g)
            )
            if clear
            else (),
        )
        for g in range(count)
    )
    placements = tuple(
        Placement(people[r], float(x), float(y), int(g))
        for r, (x, y), g in zip(rows, positions, labels, strict=True)
    )
    return OpinionMap(
        True,
        None,
        placements,
        groups,
        consensus,
        tuple(d for _, d in divisive),
        silhouette,
        clear,
        qualified,
    )
