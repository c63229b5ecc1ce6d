#!/usr/bin/env python3
"""The console's pages over the benchmark archive: signs in through the form (pre-session cookie and CSRF token, as a
browser does), then requests each page RUNS times after 2 untimed and prints the server time the console reports in
its Server-Timing header (app;dur=..., the whole request: queries and rendering) and the wall time seen here.

usage: console-pages.py URL FRAUD_KEY RUNS name=path [name=path ...]
"""
import re
import statistics
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

url, key, runs, pages = sys.argv[1], sys.argv[2], int(sys.argv[3]), [a.split("=", 1) for a in sys.argv[4:]]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def request(path, cookies, data=None):
    req = urllib.request.Request(url + path, data=data)
    if cookies:
        req.add_header("Cookie", "; ".join("%s=%s" % kv for kv in cookies.items()))
    if data is not None:
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        r = opener.open(req, timeout=60)
    except urllib.error.HTTPError as e:
        r = e
    return r.status, r.headers, r.read().decode("utf-8", "replace")


def set_cookies(headers):
    out = {}
    for v in headers.get_all("Set-Cookie") or []:
        name, _, rest = v.partition("=")
        out[name.strip()] = rest.split(";", 1)[0]
    return out


status, headers, body = request("/console/sign-in", {})
pre = set_cookies(headers)
csrf = re.search(r'name="_csrf" value="([^"]+)"', body).group(1)
status, headers, body = request("/console/sign-in", pre,
                                urllib.parse.urlencode({"_csrf": csrf, "key": key}).encode())
session = set_cookies(headers)
if status != 303 or "ca_console" not in session:
    print("sign-in failed: HTTP %d" % status)
    sys.exit(1)
cookies = {"ca_console": session["ca_console"]}

for name, path in pages:
    server, wall, codes = [], [], set()
    for i in range(runs + 2):
        t0 = time.perf_counter()
        status, headers, body = request(path, cookies)
        t1 = time.perf_counter()
        codes.add(status)
        m = re.search(r"app;dur=([0-9.]+)", headers.get("Server-Timing") or "")
        if i >= 2 and m:
            server.append(float(m.group(1)))
            wall.append((t1 - t0) * 1000)
    if not server:
        print("%-28s HTTP %s, no Server-Timing" % (name, ",".join(map(str, sorted(codes)))))
        continue
    print("%-28s server median %6.1f ms, max %6.1f; wall median %6.1f ms (HTTP %s, %d KB)" % (
        name, statistics.median(server), max(server), statistics.median(wall), ",".join(map(str, sorted(codes))),
        len(body) // 1024))
