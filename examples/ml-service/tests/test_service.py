import json
import threading
import unittest
import urllib.request
from http.server import ThreadingHTTPServer

import fastscore
from app.model import Model
from app.server import make_handler


class FastscoreTest(unittest.TestCase):
    def test_score(self):
        self.assertAlmostEqual(fastscore.score([0.0], [5.0], 0.0), 0.5)
        self.assertGreater(fastscore.score([1.0, 1.0], [2.0, 3.0], 0.0), 0.99)

    def test_length_mismatch(self):
        with self.assertRaises(ValueError):
            fastscore.score([1.0], [1.0, 2.0], 0.0)


class ServiceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(Model.load()))
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()
        cls.base = "http://127.0.0.1:%d" % cls.server.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def post(self, body):
        req = urllib.request.Request(self.base + "/predict", data=json.dumps(body).encode(), method="POST")
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, json.load(r)
        except urllib.error.HTTPError as e:
            return e.code, json.load(e)

    def test_predict(self):
        code, body = self.post({"features": {"tenure_months": 2, "monthly_spend": 80, "support_tickets": 5, "logins_per_week": 1}})
        self.assertEqual(code, 200)
        self.assertGreater(body["probability"], 0.9)
        code, body = self.post({"features": [60, 20, 0, 12]})
        self.assertEqual(code, 200)
        self.assertLess(body["probability"], 0.05)

    def test_bad_input(self):
        code, body = self.post({"features": [1, 2]})
        self.assertEqual(code, 400)
        self.assertIn("features", body["error"])

    def test_healthz(self):
        with urllib.request.urlopen(self.base + "/healthz") as r:
            self.assertEqual(json.load(r), {"status": "ok"})


if __name__ == "__main__":
    unittest.main()
