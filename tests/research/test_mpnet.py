"""research/mpnet.py: the relative position buckets of HuggingFace's MPNet (the weights are not installed here)."""

import numpy as np

from research.mpnet import relative_position_bucket


def test_near_distances_have_a_bucket_each_and_the_two_directions_are_apart():
    distances = np.array([0, -1, -7, 1, 7])  # key position minus query position
    assert relative_position_bucket(distances).tolist() == [0, 1, 7, 17, 23]


def test_far_distances_share_log_spaced_buckets_up_to_the_last_one():
    distances = np.array([-8, -16, -64, -128, -1000, 16, 1000])
    assert relative_position_bucket(distances).tolist() == [8, 10, 14, 15, 15, 26, 31]
