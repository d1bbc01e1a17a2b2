"""Wait until every given URL answers HTTP 200, or fail after a timeout."""

import argparse
import sys
import time
import urllib.error
import urllib.request


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    for url in args.urls:
        while not answers(url):
            if time.monotonic() > deadline:
                sys.exit(f"error: {url} did not answer within {args.timeout:.0f} s")
            time.sleep(0.5)
    print(f"==> ready: {', '.join(args.urls)}")


if __name__ == "__main__":
    main()
