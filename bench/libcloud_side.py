"""The Libcloud side of figure 1 (`npm run bench`): Apache Libcloud's gridscale driver lists the
servers of the bench's loopback server (`list_nodes()`: one request, JSON parsing, a `Node` per
server), in batches the parent asks for.

Protocol, one JSON object a line: it writes {"type": "ready", "version": ...} once, then answers
each {"type": "run", "calls": n, "servers": s} on stdin with {"value": [ms, ...]} (or
{"error": "..."}) on stdout. Arguments: the server's URL.
"""
import json
import sys
import time
from urllib.parse import urlparse

import libcloud
from libcloud.compute.providers import get_driver
from libcloud.compute.types import Provider


def main():
    url = urlparse(sys.argv[1])
    driver = get_driver(Provider.GRIDSCALE)(
        "bench-user", "bench-token", secure=False, host=url.hostname, port=url.port
    )
    print(json.dumps({"type": "ready", "version": libcloud.__version__}), flush=True)
    for line in sys.stdin:
        message = json.loads(line)
        try:
            times = []
            for _ in range(message["calls"]):
                t0 = time.perf_counter()
                nodes = driver.list_nodes()
                times.append((time.perf_counter() - t0) * 1000)
                if len(nodes) != message["servers"]:
                    raise Exception(
                        "expected %d servers, got %d" % (message["servers"], len(nodes))
                    )
            print(json.dumps({"value": times}), flush=True)
        except Exception as error:  # the parent reports it and fails the run
            print(json.dumps({"error": repr(error)}), flush=True)


main()
