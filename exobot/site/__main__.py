"""Serve the demo clinic page (web/) with a strict Content-Security-Policy.

The page's `data-bot-url` is rewritten to --bot-url, which is also the only
address the page may connect to.
"""

import argparse
import functools
import http.server

from exobot.paths import ROOT

WEB_DIR = ROOT / "web"
SHIPPED_BOT_URL = 'data-bot-url="http://127.0.0.1:5005"'


class ClinicPageHandler(http.server.SimpleHTTPRequestHandler):
    bot_url = "http://127.0.0.1:5005"

    def end_headers(self) -> None:
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            f"connect-src {self.bot_url}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self) -> None:
        if self.path.split("?")[0] in ("/", "/index.html"):
            page = (WEB_DIR / "index.html").read_text().replace(SHIPPED_BOT_URL, f'data-bot-url="{self.bot_url}"')
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args) -> None:
        """Quiet: requests are not logged."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--bot-url", default="http://127.0.0.1:5005")
    args = parser.parse_args()
    handler = functools.partial(
        type("Handler", (ClinicPageHandler,), {"bot_url": args.bot_url.rstrip("/")}), directory=str(WEB_DIR)
    )
    server = http.server.ThreadingHTTPServer((args.host, args.port), handler)
    print(f"==> clinic page on http://{args.host}:{args.port}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
