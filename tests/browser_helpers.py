"""A real headless Chromium for the HTML report tests, driven with the Chrome DevTools
Protocol over `--remote-debugging-pipe` (NUL-separated JSON on file descriptors 3 and 4),
in plain Python.

The browser runs with every host name unresolvable, so a page that tried to fetch
anything could not; each page load records its console messages, log entries
(CSP violations land there), uncaught exceptions, JavaScript dialogs and every network
request, for the tests to assert on.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
DESKTOP = (1280, 800)
PHONE = (390, 844)


def find_browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


class BrowserError(RuntimeError):
    pass


class PageLoad:
    """What one navigation produced."""

    def __init__(self, url: str):
        self.url = url
        self.console: list[dict] = []  # Runtime.consoleAPICalled params
        self.exceptions: list[dict] = []  # Runtime.exceptionThrown params
        self.log: list[dict] = []  # Log.entryAdded entries
        self.requests: list[str] = []  # every URL the page asked for, the page included
        self.dialogs: list[dict] = []  # alert()/confirm() that opened

    def errors(self) -> list[str]:
        found = [f"console.{c['type']}: " + " ".join(str(a.get("value", a.get("description", "")))
                                                     for a in c.get("args", []))
                 for c in self.console if c["type"] in ("error", "warning", "assert")]
        found += [f"exception: {e['exceptionDetails'].get('text')} "
                  f"{e['exceptionDetails'].get('exception', {}).get('description', '')}"
                  for e in self.exceptions]
        found += [f"log {e['level']} ({e['source']}): {e['text']}" for e in self.log
                  if e["level"] in ("error", "warning")]
        found += [f"dialog: {d.get('type')} {d.get('message')}" for d in self.dialogs]
        return found

    def other_requests(self) -> list[str]:
        return [url for url in self.requests if url != self.url]


class Browser:
    """One headless Chromium, one tab; `open()` loads a page, `evaluate()` runs script in
    it, `screenshot()` saves a PNG."""

    def __init__(self, executable: str, timeout: float = 30.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="aicodeguard-chromium-")
        to_browser_read, to_browser_write = os.pipe()
        from_browser_read, from_browser_write = os.pipe()

        def wire_pipes():  # in the child: the protocol's descriptors are 3 (in) and 4 (out)
            high_in, high_out = os.dup(to_browser_read), os.dup(from_browser_write)
            os.dup2(high_in, 3)
            os.dup2(high_out, 4)

        argv = [executable, "--headless=new", "--remote-debugging-pipe", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-sync", "--disable-background-networking",
                "--disable-component-update", "--disable-default-apps", "--mute-audio",
                "--hide-scrollbars", "--force-color-profile=srgb",
                "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={self.profile}",
                "about:blank"]
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        close_fds=False, preexec_fn=wire_pipes)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._out = os.fdopen(to_browser_write, "wb", buffering=0)
        self._in = os.fdopen(from_browser_read, "rb", buffering=0)
        self._ids = itertools.count(1)
        self._replies: dict[int, queue.Queue] = {}
        self._events: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read_messages, daemon=True)
        self._reader.start()
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=self.session)
        self.load: PageLoad | None = None

    def _read_messages(self) -> None:
        buffer = b""
        while True:
            chunk = self._in.read(65536)
            if not chunk:
                self._events.put(None)
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        waiting = self._replies.get(message["id"])
                    if waiting is not None:
                        waiting.put(message)
                else:
                    self._events.put(message)

    def call(self, method: str, *, session: str | None = None, **params) -> dict:
        number = next(self._ids)
        reply: queue.Queue = queue.Queue()
        with self._lock:
            self._replies[number] = reply
        message = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._out.write(json.dumps(message).encode() + b"\0")
        try:
            answer = reply.get(timeout=self.timeout)
        except queue.Empty:
            raise BrowserError(f"{method}: no answer in {self.timeout}s") from None
        finally:
            with self._lock:
                self._replies.pop(number, None)
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def _page(self, method: str, **params) -> dict:
        return self.call(method, session=self.session, **params)

    def _drain(self, until: str | None = None) -> None:
        """Record events; with `until`, wait for that event of this tab."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                event = self._events.get(timeout=0.05 if until is None else
                                         max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                if until is None:
                    return
                raise BrowserError(f"no {until} in {self.timeout}s") from None
            if event is None:
                raise BrowserError("the browser exited")
            if event.get("sessionId") != self.session:
                continue
            self._record(event["method"], event.get("params", {}))
            if event["method"] == until:
                return

    def _record(self, method: str, params: dict) -> None:
        load = self.load
        if load is None:
            return
        if method == "Runtime.consoleAPICalled":
            load.console.append(params)
        elif method == "Runtime.exceptionThrown":
            load.exceptions.append(params)
        elif method == "Log.entryAdded":
            load.log.append(params["entry"])
        elif method == "Network.requestWillBeSent":
            load.requests.append(params["request"]["url"])
        elif method == "Page.javascriptDialogOpening":
            load.dialogs.append(params)
            self._page("Page.handleJavaScriptDialog", accept=False)

    def resize(self, width: int, height: int) -> None:
        self._page("Emulation.setDeviceMetricsOverride", width=width, height=height,
                   deviceScaleFactor=1, mobile=width < 600)

    def open(self, path: str, size: tuple[int, int] = DESKTOP) -> PageLoad:
        self._drain()
        self.resize(*size)
        url = "file://" + os.path.abspath(path)
        self.load = PageLoad(url)
        self._page("Page.navigate", url=url)
        self._drain(until="Page.loadEventFired")
        self.settle()
        return self.load

    def settle(self) -> None:
        """Let late events (console, requests) arrive."""
        self.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
        self._drain()

    def evaluate(self, expression: str):
        result = self._page("Runtime.evaluate", expression=expression, returnByValue=True,
                            awaitPromise=True, userGesture=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:60]}: {result['exceptionDetails']}")
        self._drain()
        return result["result"].get("value")

    def screenshot(self, path: str, *, top: int = 0, height: int | None = None) -> str:
        """The viewport (or `height` pixels of the page from `top`) as a PNG."""
        params: dict = {"format": "png"}
        if top or height:
            width = self.evaluate("document.documentElement.clientWidth")
            params.update(captureBeyondViewport=True,
                          clip={"x": 0, "y": top, "width": width,
                                "height": height or self.evaluate("innerHeight"), "scale": 1})
        data = self._page("Page.captureScreenshot", **params)["data"]
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (BrowserError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for handle in (self._out, self._in):
            try:
                handle.close()
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)


def screenshots(browser: Browser, page: str, folder: str, name: str, *,
                tiles: int = 6) -> list[str]:
    """Save `page` at desktop and phone sizes into `folder`: NAME-1280.png and
    NAME-390.png (the first screen), then NAME-WIDTH-2.png ... down the page, each
    two screens high, at most `tiles` in all, for a person to look at."""
    os.makedirs(folder, exist_ok=True)
    saved = []
    for width, height in (DESKTOP, PHONE):
        browser.open(page, (width, height))
        saved.append(browser.screenshot(os.path.join(folder, f"{name}-{width}.png")))
        total = browser.evaluate("document.documentElement.scrollHeight")
        for number, top in enumerate(range(height, total, 2 * height), start=2):
            if number > tiles:
                break
            saved.append(browser.screenshot(os.path.join(folder, f"{name}-{width}-{number}.png"),
                                            top=top, height=min(2 * height, total - top)))
    return saved
