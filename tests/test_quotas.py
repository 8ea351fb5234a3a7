"""Section II.3.2.2: 01 collective per unit; individuals by members, 2,000 in the first tier
and 3,000 in the last (the plan's wording overlaps at both bounds)."""
import pytest

from generator.config import load_plan
from generator.quotas import allocate, individuals_for

from .conftest import SHIPPED_CONFIG

RULES = load_plan(SHIPPED_CONFIG).quotas


@pytest.mark.parametrize("members, expected", [
    (0, 1), (1, 1), (1999, 1), (2000, 1),
    (2001, 2), (2500, 2), (2999, 2),
    (3000, 3), (3001, 3), (10**6, 3),
])
def test_individual_quota_by_members(members, expected):
    assert individuals_for(members, RULES) == expected


def test_2000_members_stay_in_the_first_tier():
    assert individuals_for(2000, RULES) == 1


def test_2001_members_get_two_awards():
    assert individuals_for(2001, RULES) == 2


def test_3000_members_belong_to_the_last_tier():
    assert individuals_for(3000, RULES) == 3


def test_every_unit_gets_one_collective():
    plan = load_plan(SHIPPED_CONFIG)
    assert {r.collectives for r in allocate(plan).rows} == {1}


def test_seed_totals_14_32_46_then_47():
    t = allocate(load_plan(SHIPPED_CONFIG)).totals
    assert (t.collectives, t.individuals, t.awards, t.grand_total) == (14, 32, 46, 47)


def test_seed_unit_quotas_match_the_real_annex():
    seed = [3, 3, 3, 1, 2, 3, 1, 2, 2, 2, 2, 3, 2, 3]
    assert [r.individuals for r in allocate(load_plan(SHIPPED_CONFIG)).rows] == seed
