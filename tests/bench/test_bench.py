import time

from bench.bench import cpu_ticks, percentile, ratio, summary


def test_percentile_picks_the_nearest_ranked_value():
    values = [float(n) for n in range(1, 101)]

    assert percentile(values, 0.50) == 51.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([3.0], 0.99) == 3.0


def test_summary_counts_throughput_from_the_wall_clock():
    numbers = summary([10.0, 20.0, 30.0, 40.0], seconds=2.0, errors=1)

    assert numbers["requests"] == 4 and numbers["errors"] == 1
    assert numbers["throughput_per_s"] == 2.0
    assert numbers["p50_ms"] == 30.0 and numbers["mean_ms"] == 25.0


def test_cpu_ticks_only_grow_and_busy_never_exceeds_total():
    busy_before, total_before = cpu_ticks()
    time.sleep(0.1)  # the machine's counters move by 100 ticks a second on each core
    busy_after, total_after = cpu_ticks()

    assert 0 <= busy_before <= total_before
    assert busy_after >= busy_before and total_after > total_before
    assert busy_after - busy_before <= total_after - total_before


def test_ratio_says_dash_without_a_baseline():
    assert ratio(85.2, 21.0) == "4.1x"
    assert ratio(85.2, 0) == "-"
