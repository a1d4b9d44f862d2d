"""Open an HTML file in headless Chromium (Debian's `chromium`) through the DevTools protocol:
collect console errors, uncaught exceptions and every network request, decode every image, and
take screenshots. Used by the browser test and runnable by hand:

    /usr/bin/python3 tests/reports/chromium_page.py report.html shot.png [--top top.png]
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def find_chromium():
    exe = os.environ.get("EB_CHROMIUM")
    if exe:
        return exe if os.access(exe, os.X_OK) else None
    for c in CHROMIUM_CANDIDATES:
        p = shutil.which(c)
        if p:
            return p
    return None


class Page:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.events = []

    def call(self, method, timeout=30.0, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.time()))
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)
        raise TimeoutError(method)

    def wait_event(self, name, timeout=30.0):
        for e in self.events:
            if e["method"] == name:
                return e
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.time()))
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)
                if msg["method"] == name:
                    return msg
        raise TimeoutError(name)


IMAGES_JS = """
Promise.all(Array.from(document.images).map(img =>
  img.decode().then(
    () => ({name: img.dataset.name || img.alt, w: img.naturalWidth, h: img.naturalHeight,
            shown: img.getBoundingClientRect().width, error: null}),
    e => ({name: img.dataset.name || img.alt, w: img.naturalWidth, h: img.naturalHeight,
           shown: 0, error: String(e)}))))
"""


def render(html_path, screenshot=None, top_screenshot=None, width=1400, height=1000,
           timeout=60.0):
    """Returns {'images': [...], 'console': [...], 'exceptions': [...], 'requests': [...],
    'title': str, 'height': int}."""
    import websocket  # python3-websocket

    exe = find_chromium()
    if not exe:
        raise FileNotFoundError("chromium not installed")
    profile = tempfile.mkdtemp(prefix="eb-chromium-")
    args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--user-data-dir=" + profile,
            "--remote-debugging-port=0", "--remote-allow-origins=*",
            "--window-size=%d,%d" % (width, height), "about:blank"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + timeout
        while not os.path.exists(port_file) or os.path.getsize(port_file) == 0:
            if proc.poll() is not None:
                raise RuntimeError("chromium exited with %s: %s" % (
                    proc.returncode, proc.stderr.read().decode(errors="replace")[-2000:]))
            if time.time() > deadline:
                raise TimeoutError("chromium did not open its DevTools port")
            time.sleep(0.05)
        time.sleep(0.05)
        with open(port_file) as f:
            port = int(f.readline().strip())
        with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port, timeout=10) as r:
            targets = json.loads(r.read())
        page_t = next(t for t in targets if t.get("type") == "page")
        ws = websocket.create_connection(page_t["webSocketDebuggerUrl"], timeout=timeout,
                                         suppress_origin=True)
        page = Page(ws)
        for m in ("Runtime.enable", "Log.enable", "Page.enable", "Network.enable"):
            page.call(m)
        page.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        url = "file://" + os.path.abspath(html_path)
        page.events.clear()
        page.call("Page.navigate", url=url)
        page.wait_event("Page.loadEventFired", timeout=timeout)
        res = page.call("Runtime.evaluate", expression=IMAGES_JS, awaitPromise=True,
                        returnByValue=True, timeout=timeout)
        images = res["result"]["value"]
        title = page.call("Runtime.evaluate", expression="document.title",
                          returnByValue=True)["result"]["value"]
        metrics = page.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        if top_screenshot:
            shot = page.call("Page.captureScreenshot", format="png", timeout=timeout)
            with open(top_screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        if screenshot:
            h = int(min(size["height"], 30000))
            shot = page.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                             clip={"x": 0, "y": 0, "width": width, "height": h, "scale": 1},
                             timeout=timeout)
            with open(screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        # Let late console messages arrive.
        try:
            page.call("Runtime.evaluate", expression="1", returnByValue=True)
        except Exception:
            pass
        console, exceptions, requests = [], [], []
        for e in page.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                console.append(" ".join(str(a.get("value", a.get("description", "")))
                                        for a in p.get("args", [])))
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                console.append("%s: %s" % (p["entry"].get("source"), p["entry"].get("text")))
            elif m == "Runtime.exceptionThrown":
                exceptions.append(p.get("exceptionDetails", {}).get("text", "exception"))
            elif m == "Network.requestWillBeSent":
                requests.append(p.get("request", {}).get("url", ""))
            elif m == "Network.loadingFailed":
                console.append("network: %s" % p.get("errorText"))
        ws.close()
        return {"images": images, "console": console, "exceptions": exceptions,
                "requests": requests, "title": title, "height": size["height"]}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    top = None
    argv = sys.argv[1:]
    if "--top" in argv:
        i = argv.index("--top")
        top = argv[i + 1]
        del argv[i:i + 2]
    r = render(argv[0], argv[1] if len(argv) > 1 else None, top)
    r["images"] = [(i["name"], i["w"], i["h"], i["error"]) for i in r["images"]]
    r["requests"] = [u[:100] for u in r["requests"]]
    print(json.dumps(r, indent=1))
