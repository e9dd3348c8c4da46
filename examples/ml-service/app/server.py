"""ml-service: serves the model over HTTP with the standard library.

GET  /healthz  -> {"status": "ok"}
POST /predict  -> {"probability": p} for {"features": [..]} or {"features": {"name": v}}
"""

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.model import Model

MAX_BODY = 64 * 1024


def make_handler(model):
    class Handler(BaseHTTPRequestHandler):
        server_version = "ml-service/1"

        def _send(self, code, body):
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/healthz":
                self._send(200, {"status": "ok"})
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self):
            if self.path != "/predict":
                self._send(404, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length <= 0 or length > MAX_BODY:
                self._send(400, {"error": "body must be 1 byte to 64 KiB of JSON"})
                return
            try:
                req = json.loads(self.rfile.read(length))
                p = model.predict(req["features"])
            except (ValueError, KeyError, TypeError) as e:
                self._send(400, {"error": str(e)})
                return
            self._send(200, {"probability": round(p, 6)})

        def log_message(self, fmt, *args):
            if os.environ.get("ACCESS_LOG"):
                super().log_message(fmt, *args)

    return Handler


def main():
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("0.0.0.0", port), make_handler(Model.load()))
    print(f"ml-service listening on :{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
