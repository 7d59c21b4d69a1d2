"""Statistics and goals of bench/run.sh: text on stdout, JSON summary to the given path."""
import json, os, statistics, sys

samples, n, m, posts, fleet, burst_ms, rss, out = sys.argv[1:9]
m, burst_ms = int(m), int(burst_ms)


def read(path):
    rows = {}
    if os.path.exists(path):
        for line in open(path):
            key, value = line.split()
            rows.setdefault(key, []).append(float(value))
    return rows


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def stats(values):
    return {"median": statistics.median(values), "p95": pct(values, 95), "n": len(values)}


serial = read(samples + ".serial")  # pool hits (each waited for a ready pool database)
miss = read(samples + ".miss")  # pool misses: the ordinary path
svc, client, floor = (stats(serial[k]) for k in ("service_ms", "client_ms", "psql_ms"))
miss_svc, miss_client, miss_floor = (stats(miss[k]) for k in ("service_ms", "client_ms", "psql_ms"))
accept = [float(line) for line in open(samples + ".accept")]
tps = m / (burst_ms / 1000)
floor_tps = 1000 / floor["median"]
strategy = read(samples + ".strategy")
summary = {
    "nproc": os.cpu_count(), "mem_total_mb": int(open("/proc/meminfo").readline().split()[1]) // 1024,
    "n": int(n), "service_ms": svc, "client_ms": client, "psql_ms": floor,
    "service_vs_psql": svc["median"] / floor["median"], "client_vs_psql": client["median"] / floor["median"],
    "m": m, "burst_ms": burst_ms, "tenants_per_s": tps, "serial_floor_tenants_per_s": floor_tps,
    "throughput_vs_floor": tps / floor_tps,
    "accept_ms": {"p50": pct(accept, 50), "p99": pct(accept, 99), "n": len(accept)},
    "rss_mb": int(rss), "clone_ms": {k: statistics.median(v) for k, v in strategy.items()},
}
goals = {
    "service <= 0.8x psql": summary["service_vs_psql"] <= 0.8,
    "client (long poll) <= 1.0x psql": summary["client_vs_psql"] <= 1.0,
    "throughput >= 2x serial floor": summary["throughput_vs_floor"] >= 2,
    "accept p99 <= 50 ms": summary["accept_ms"]["p99"] <= 50,
}


def step_medians(rows):
    """Median ms of each database step (client.py once prints step:NAME)."""
    return {k[len("step:"):]: statistics.median(v) for k, v in rows.items() if k.startswith("step:")}


summary["steps_ms"] = step_medians(serial)
summary["pool_hits"] = int(sum(serial.get("pool_hit", [])))
summary["miss"] = {"service_ms": miss_svc, "client_ms": miss_client, "psql_ms": miss_floor,
                   "service_vs_psql": miss_svc["median"] / miss_floor["median"],
                   "pool_hits": int(sum(miss.get("pool_hit", []))), "steps_ms": step_medians(miss)}
fleet_rows = read(samples + ".fleet")
if fleet_rows:
    summary["fleet"] = {"tenants": int(fleet), "service_ms": stats(fleet_rows["service_ms"]),
                        "rss_mb": fleet_rows["rss_mb"][0], "steps_ms": step_medians(fleet_rows),
                        "pool_hits": int(sum(fleet_rows.get("pool_hit", [])))}
    fleet_miss = read(samples + ".fleetmiss")
    summary["fleet"]["miss"] = {"service_ms": stats(fleet_miss["service_ms"]), "steps_ms": step_medians(fleet_miss),
                                "pool_hits": int(sum(fleet_miss.get("pool_hit", [])))}
    goals["time at fleet <= 1.2x at start"] = summary["fleet"]["service_ms"]["median"] <= 1.2 * svc["median"]
    goals["RSS at fleet <= 512 MB"] = summary["fleet"]["rss_mb"] <= 512
starts = read(samples + ".starts").get("start_ms", [])
summary["start_ms"] = starts  # each start to healthy: empty cluster, then (with --rollout) on the fleet
rollout_path = samples + ".rollout"
rollout_rows = {}
if os.path.exists(rollout_path):
    for line in open(rollout_path):
        key, value = line.split(None, 1)
        rollout_rows[key] = value.strip()
if rollout_rows:
    summary["rollout"] = {"tenants": int(rollout_rows["rollout_tenants"]), "ms": int(rollout_rows["rollout_ms"]),
                          "service_ms": int(rollout_rows["rollout_service_ms"]),
                          "tenants_by_version_after": json.loads(rollout_rows["rollout_by_version"])}
summary["goals"] = goals
json.dump(summary, open(out, "w"), indent=2)
print(f"machine: {summary['nproc']} cores, {summary['mem_total_mb']} MB")
for name in ("service_ms", "client_ms", "psql_ms"):
    print(f"{name:10} median {summary[name]['median']:7.0f}  p95 {summary[name]['p95']:7.0f}  (n={n})")
print(f"ratio service/psql {summary['service_vs_psql']:.2f}, client/psql {summary['client_vs_psql']:.2f}"
      f"  (pool hits: {summary['pool_hits']} of {n})")
m_ = summary["miss"]
print(f"pool miss: service median {m_['service_ms']['median']:.0f} p95 {m_['service_ms']['p95']:.0f},"
      f" client median {m_['client_ms']['median']:.0f}, psql median {m_['psql_ms']['median']:.0f};"
      f" service/psql {m_['service_vs_psql']:.2f} (pool hits: {m_['pool_hits']} of {n})")
print(f"{m} at once: {burst_ms} ms, {tps:.2f} tenants/s vs serial floor {floor_tps:.2f}/s"
      f" ({summary['throughput_vs_floor']:.2f}x)")
print(f"accept ({len(accept)} concurrent POSTs): p50 {summary['accept_ms']['p50']:.0f} ms,"
      f" p99 {summary['accept_ms']['p99']:.0f} ms")
print(f"service RSS {rss} MB; template clone median ms {summary['clone_ms']}")
print(f"database steps, median ms: pool hit {summary['steps_ms']}; pool miss {m_['steps_ms']}")
if fleet_rows:
    print(f"at {fleet} tenants: service median {summary['fleet']['service_ms']['median']:.0f} ms,"
          f" RSS {summary['fleet']['rss_mb']:.0f} MB; database steps, median ms: {summary['fleet']['steps_ms']}"
          f" (pool hits: {summary['fleet']['pool_hits']} of 10)")
    fm = summary["fleet"]["miss"]
    print(f"at {fleet} tenants, pool miss: service median {fm['service_ms']['median']:.0f} ms; database steps,"
          f" median ms: {fm['steps_ms']} (pool hits: {fm['pool_hits']} of 10)")
print(f"starts to healthy (ms): {[int(x) for x in starts]}")
if rollout_rows:
    r = summary["rollout"]
    print(f"rollout of tenant schema v1 -> current across {r['tenants']} tenants: {r['ms'] / 1000:.1f} s"
          f" ({r['tenants'] / (r['ms'] / 1000):.1f} tenants/s); tenants by version after: {r['tenants_by_version_after']}")
for goal, met in goals.items():
    print(f"  {'MET    ' if met else 'NOT MET'} {goal}")
print(f"JSON: {out}")
