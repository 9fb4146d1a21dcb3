#!/usr/bin/env python3
"""Opens report.html in headless Chromium and checks it the way a reader would meet it.

Usage: scripts/browser_check.py [REPORT_DIR] [OUT_DIR]
       (defaults: reports/ and /tmp/flowaudit-browser/; CHROMIUM overrides the browser binary)

Talks to Chromium over the DevTools protocol (CDP) with a small websocket client written
against the standard library only, so CI needs nothing but Debian's `chromium` package.

Checks, each reported as passed or failed:
  load       the page loads from file:// (load event within the timeout)
  console    no console error, no uncaught exception, no browser log entry of level error
  network    no request to anything but file: or data: URLs (the report is self-contained)
  anchors    every in-page link (#id) has a target
  desktop    1280 px wide: screenshot, and the page does not scroll sideways
  phone      390 px wide (mobile emulation): screenshot, and no sideways scroll
  print      Page.printToPDF gives a real PDF of more than one page, and no nav in print

Writes OUT_DIR/desktop.png, desktop-top.png, phone.png, phone-top.png, print.png (print media
at A4 width) and report.pdf. Exit status 0 when every check passed, 1 otherwise, 2 when the
browser could not be started. The last line is `browser: N passed, M failed`.
"""

import base64
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

TIMEOUT = 60.0
DESKTOP = (1280, 900, 1, False)
PHONE = (390, 844, 2, True)
PRINT_WIDTH = 794  # A4 at 96 dpi


class WebSocket:
    """Just enough of RFC 6455 for CDP: text frames, client masking, fragmentation, ping."""

    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        req = (
            f"GET {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("websocket handshake: connection closed")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError("websocket handshake refused: " + head.decode(errors="replace"))

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("websocket closed by the browser")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send_frame(self, opcode, payload):
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 1 << 16:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(head + mask + masked)

    def send(self, text):
        self._send_frame(0x1, text.encode())

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            mask = self._read(4) if b1 & 0x80 else None
            data = self._read(n)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 0x8:
                raise ConnectionError("websocket closed by the browser")
            if opcode == 0x9:
                self._send_frame(0xA, data)
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += data
                if b0 & 0x80:
                    return message.decode()


class Cdp:
    """One page session: commands wait for their reply; events are handed to `on_event`."""

    def __init__(self, ws_url, on_event):
        self.ws = WebSocket(ws_url)
        self.on_event = on_event
        self.next_id = 0
        self.fired = set()

    def call(self, method, **params):
        self.next_id += 1
        mid = self.next_id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.fired.add(msg["method"])
                self.on_event(msg["method"], msg.get("params", {}))

    def wait_for(self, event, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while event not in self.fired:
            if time.time() > deadline:
                return False
            self.ws.sock.settimeout(max(0.1, deadline - time.time()))
            try:
                msg = json.loads(self.ws.recv())
            except socket.timeout:
                return False
            finally:
                self.ws.sock.settimeout(TIMEOUT)
            if "method" in msg:
                self.fired.add(msg["method"])
                self.on_event(msg["method"], msg.get("params", {}))
        return True

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"evaluate failed: {r['exceptionDetails']}")
        return r["result"].get("value")


def start_browser(binary, profile):
    args = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--disable-default-apps",
        "--hide-scrollbars", "--mute-audio", f"--user-data-dir={profile}",
        "--remote-debugging-port=0", "about:blank",
    ]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{binary} exited with status {proc.returncode} at start")
        try:
            with open(port_file) as f:
                port = int(f.readline().strip())
            break
        except (OSError, ValueError):
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError(f"{binary} did not open a DevTools port within {TIMEOUT:.0f}s")
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:
                pages = [t for t in json.load(r) if t.get("type") == "page"]
            if pages:
                return proc, pages[0]["webSocketDebuggerUrl"]
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("no page target in the browser")


def png_size(data):
    return struct.unpack("!II", data[16:24]) if data[:8] == b"\x89PNG\r\n\x1a\n" else (0, 0)


def main(argv):
    report_dir = argv[1] if len(argv) > 1 else "reports"
    out_dir = argv[2] if len(argv) > 2 else "/tmp/flowaudit-browser"
    binary = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    report = os.path.abspath(os.path.join(report_dir, "report.html"))
    if not os.path.isfile(report):
        print(f"browser: {report} not found", file=sys.stderr)
        return 2
    if not binary:
        print("browser: chromium not found (set CHROMIUM)", file=sys.stderr)
        return 2
    os.makedirs(out_dir, exist_ok=True)

    results = []  # (name, ok, detail)

    def check(name, ok, detail=""):
        results.append((name, bool(ok), detail))
        print(f"  {'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)

    console_errors, requests = [], []

    def on_event(method, p):
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            console_errors.append(f"console.{p['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            text = d.get("exception", {}).get("description", d.get("text", ""))
            console_errors.append("exception: " + text.splitlines()[0] if text else "exception")
        elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            e = p["entry"]
            console_errors.append(f"log ({e.get('source')}): {e.get('text')} {e.get('url', '')}".strip())
        elif method == "Network.requestWillBeSent":
            requests.append(p.get("request", {}).get("url", ""))

    profile = tempfile.mkdtemp(prefix="flowaudit-chromium-")
    proc = None
    try:
        proc, ws_url = start_browser(binary, profile)
        cdp = Cdp(ws_url, on_event)
        for domain in ("Page", "Runtime", "Log", "Network"):
            cdp.call(f"{domain}.enable")
        cdp.call("Emulation.setDeviceMetricsOverride", width=DESKTOP[0], height=DESKTOP[1],
                 deviceScaleFactor=DESKTOP[2], mobile=DESKTOP[3])
        url = "file://" + urllib.parse.quote(report)
        cdp.fired.discard("Page.loadEventFired")
        nav = cdp.call("Page.navigate", url=url)
        loaded = "errorText" not in nav and cdp.wait_for("Page.loadEventFired")
        check("load", loaded, nav.get("errorText", "") if not loaded else url)
        if not loaded:
            raise RuntimeError("page did not load")
        time.sleep(0.3)  # let late console messages and requests arrive

        missing = cdp.eval(
            "[...document.querySelectorAll('a[href^=\"#\"]')]"
            ".map(a => a.getAttribute('href').slice(1))"
            ".filter(id => !document.getElementById(decodeURIComponent(id)))"
        )
        check("anchors", not missing, ("no target for #" + ", #".join(missing[:10])) if missing else "")

        for name, (w, h, scale, mobile) in (("desktop", DESKTOP), ("phone", PHONE)):
            cdp.call("Emulation.setDeviceMetricsOverride", width=w, height=h,
                     deviceScaleFactor=scale, mobile=mobile)
            cdp.call("Emulation.setEmulatedMedia", media="screen")
            time.sleep(0.2)
            # Compared with the emulated width, not innerWidth: a mobile viewport zooms out
            # to fit content that is too wide, so innerWidth would grow with it.
            doc_w, doc_h = cdp.eval(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
            )
            wide = cdp.eval(
                "[...document.querySelectorAll('main > *, figure, .cards, nav')]"
                f".filter(e => e.getBoundingClientRect().right > {w} + 1)"
                ".slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')"
                " + (e.className ? '.' + e.className : ''))"
            )
            # Top of the page (what a reader sees first), then the whole page.
            top = base64.b64decode(cdp.call("Page.captureScreenshot", format="png")["data"])
            with open(os.path.join(out_dir, f"{name}-top.png"), "wb") as f:
                f.write(top)
            full = base64.b64decode(cdp.call(
                "Page.captureScreenshot", format="png", captureBeyondViewport=True,
                clip={"x": 0, "y": 0, "width": w, "height": doc_h, "scale": 1},
            )["data"])
            with open(os.path.join(out_dir, f"{name}.png"), "wb") as f:
                f.write(full)
            pw, ph = png_size(full)
            problems = []
            if pw == 0 or ph < h * 0.9:
                problems.append(f"screenshot is {pw}x{ph}")
            if doc_w > w + 1:
                problems.append(f"page scrolls sideways ({doc_w}px wide in a {w}px window)")
            if wide:
                problems.append("too wide: " + ", ".join(wide))
            check(name, not problems,
                  "; ".join(problems) if problems else f"{w}px wide, {doc_h}px tall, {name}.png")

        # Print: what the print CSS makes of the page, then a real PDF.
        cdp.call("Emulation.setDeviceMetricsOverride", width=PRINT_WIDTH, height=1123,
                 deviceScaleFactor=1, mobile=False)
        cdp.call("Emulation.setEmulatedMedia", media="print")
        time.sleep(0.2)
        nav_shown, doc_h = cdp.eval(
            "[[...document.querySelectorAll('nav')].some(n => getComputedStyle(n).display != 'none'),"
            " document.documentElement.scrollHeight]"
        )
        shot = base64.b64decode(cdp.call(
            "Page.captureScreenshot", format="png", captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": PRINT_WIDTH, "height": doc_h, "scale": 1},
        )["data"])
        with open(os.path.join(out_dir, "print.png"), "wb") as f:
            f.write(shot)
        cdp.call("Emulation.setEmulatedMedia", media="")
        cdp.call("Emulation.clearDeviceMetricsOverride")
        pdf = base64.b64decode(cdp.call(
            "Page.printToPDF", paperWidth=8.27, paperHeight=11.69, printBackground=True,
            preferCSSPageSize=True,
        )["data"])
        with open(os.path.join(out_dir, "report.pdf"), "wb") as f:
            f.write(pdf)
        pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
        problems = []
        if not pdf.startswith(b"%PDF-"):
            problems.append("not a PDF")
        if pages < 2:
            problems.append(f"{pages} page(s), expected more than one")
        if nav_shown:
            problems.append("the contents list is printed")
        check("print", not problems,
              "; ".join(problems) if problems else f"{pages} pages, {len(pdf) // 1024} KB, report.pdf")

        time.sleep(0.2)
        cdp.call("Runtime.evaluate", expression="0")  # drain pending events
        check("console", not console_errors, "; ".join(console_errors[:5]))
        outside = [u for u in requests if not (u.startswith("file:") or u.startswith("data:"))]
        check("network", not outside,
              ("requested " + ", ".join(sorted(set(outside))[:5])) if outside
              else f"{len(requests)} request(s), all file:/data:")
    except Exception as e:  # noqa: BLE001 - any failure of the harness is a failed check
        check("browser", False, f"{type(e).__name__}: {e}")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(profile, ignore_errors=True)

    passed = sum(1 for _, ok, _ in results if ok)
    failed = len(results) - passed
    print(f"  screenshots and PDF in {out_dir}")
    print(f"browser: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
