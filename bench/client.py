"""The benchmark's HTTP client: times what a client of the API sees, with keep-alive connections and
timers inside the process (a curl/jq pipeline per request would add its own process starts to every
figure). Standard library only. Reads BENCH_URL and ONBOARDING_API_TOKEN.

  client.py once NAME        one tenant: POST, then GET ?wait= until it ends -> service_ms, client_ms, and
                             step:NAME ms for the steps that make the database (roles, database, schema, grants)
  client.py pool-ready N     waits (at most 60 s, else exits 1) until the pool has N databases ready (the refill idle)
  client.py drain            provisions tenants one by one until one finds the pool empty -> drained N
  client.py burst M          M tenants posted at once, each awaited -> burst_ms
  client.py accept P         P POSTs released together on open connections -> one accept ms per line
  client.py fleet F          posts 20 at a time until F tenants exist (counted through the API)
  client.py rollout          POST /api/v1/tenant-schema/rollout, awaited -> rollout_ms, tenants
"""
import datetime
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse
import uuid

URL = urllib.parse.urlparse(os.environ["BENCH_URL"])
HEADERS = {"Authorization": "Bearer " + os.environ["ONBOARDING_API_TOKEN"], "Content-Type": "application/json"}


def connection():
    c = http.client.HTTPConnection(URL.hostname, URL.port, timeout=120)
    c.connect()
    return c


def call(c, method, path, body=None):
    c.request(method, path, json.dumps(body) if body is not None else None, HEADERS)
    r = c.getresponse()
    data = r.read()
    if r.status >= 300:
        raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
    return json.loads(data)


def post_tenant(c, label):
    return call(c, "POST", "/api/v1/tenants", {"tenant_name": f"bench {label} {uuid.uuid4().hex[:12]}",
                                                "plan": "standard", "region": "local"})["operation_id"]


def await_operation(c, operation_id):
    while True:
        op = call(c, "GET", f"/api/v1/operations/{operation_id}?wait=30")
        if op["status"] != "running":
            if op["status"] != "succeeded":
                raise SystemExit(f"operation {operation_id} {op['status']}: {op.get('error')}")
            return op


# The steps a pooled database replaces (docs/pool.md): their own times, from the journal.
DATABASE_STEPS = ("create-tenant-roles", "create-tenant-database", "migrate-tenant-schema", "grant-tenant-privileges")


def millis(start, end):
    parse = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    return round((parse(end) - parse(start)).total_seconds() * 1000)


def in_threads(n, work):
    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def once(label):
    c = connection()
    t0 = time.perf_counter()
    op = await_operation(c, post_tenant(c, label))
    client = (time.perf_counter() - t0) * 1000
    print(f"service_ms {millis(op['created_at'], op['finished_at'])}")
    print(f"client_ms {client:.0f}")
    for step in op["steps"]:
        if step["name"] in DATABASE_STEPS and step["started_at"] and step["finished_at"]:
            print(f"step:{step['name']} {millis(step['started_at'], step['finished_at'])}")
    print(f"pool_hit {1 if pool_hit(op) else 0}")


def pool_hit(op):
    """Claimed from the pool: create-tenant-database found its work done (docs/pool.md)."""
    return any(s["name"] == "create-tenant-database" and s["status"] == "skipped" for s in op["steps"])


def pool_size(c):
    c.request("GET", "/observe/metrics", None, HEADERS)
    r = c.getresponse()
    for line in r.read().decode().splitlines():
        if line.startswith('onboarding_tenant_database_pool_size{cluster="default"} '):
            return float(line.split()[-1])
    return 0.0


def pool_ready(n):
    c = connection()
    deadline = time.monotonic() + 60
    while pool_size(c) < n:
        if time.monotonic() > deadline:  # no pool (no template): run.sh stops waiting, the series counts misses
            raise SystemExit(f"not {n} pool databases ready within 60 s")
        time.sleep(0.1)


def drain():
    c = connection()
    n = 0
    while True:
        n += 1
        if not pool_hit(await_operation(c, post_tenant(c, f"drain{n}"))):
            print(f"drained {n}")
            return


def burst(m, label="burst"):
    ops = [None] * m

    def one(i):
        c = connection()
        ops[i] = post_tenant(c, f"{label}{i}")
        await_operation(c, ops[i])
    t0 = time.perf_counter()
    in_threads(m, one)
    return (time.perf_counter() - t0) * 1000


def accept(p):
    conns = [connection() for _ in range(p)]
    gate = threading.Barrier(p)
    latency, ops = [0.0] * p, [None] * p

    def one(i):
        gate.wait()
        t0 = time.perf_counter()
        ops[i] = post_tenant(conns[i], f"accept{i}")
        latency[i] = (time.perf_counter() - t0) * 1000
    in_threads(p, one)
    for i in range(p):
        await_operation(conns[i], ops[i])
    for ms in latency:
        print(f"{ms:.1f}")


def tenant_count(c):
    return sum(call(c, "GET", "/api/v1/tenant-schema")["tenants_by_version"].values())


def fleet(target):
    c = connection()
    have = tenant_count(c)
    while have < target:
        batch = min(20, target - have)
        burst(batch, f"fleet{have}-")
        have += batch
        if have % 200 < batch:
            print(f"fleet {have}", file=sys.stderr, flush=True)


def rollout():
    c = connection()
    t0 = time.perf_counter()
    op = call(c, "POST", "/api/v1/tenant-schema/rollout", {})
    done = await_operation(c, op["operation_id"])
    print(f"rollout_ms {(time.perf_counter() - t0) * 1000:.0f}")
    print(f"rollout_service_ms {millis(done['created_at'], done['finished_at'])}")
    print(f"rollout_by_version {json.dumps(call(c, 'GET', '/api/v1/tenant-schema')['tenants_by_version'])}")


if __name__ == "__main__":
    command, arg = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
    if command == "once":
        once(arg)
    elif command == "pool-ready":
        pool_ready(int(arg))
    elif command == "drain":
        drain()
    elif command == "burst":
        print(f"burst_ms {burst(int(arg)):.0f}")
    elif command == "accept":
        accept(int(arg))
    elif command == "fleet":
        fleet(int(arg))
    elif command == "rollout":
        rollout()
    else:
        raise SystemExit(f"unknown command {command}")
