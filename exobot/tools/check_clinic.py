"""Name the example values still in exobot/content/clinic.yml: no visitor may be sent to a made-up phone number.

    python -m exobot.tools.check_clinic [--production]

`make run` prints a warning for each example value; a production start (ENDPOINTS=endpoints.production.yml
or PRODUCTION=1) passes --production and refuses to start while any remain.
"""

import argparse
import re
import sys
from typing import Dict, List, Text, Tuple

from exobot.content import CONTENT_DIR, load_content

CLINIC_FILE = CONTENT_DIR / "clinic.yml"
# What the shipped values look like: replace each with the clinic's own.
EXAMPLE = re.compile(r"example|\.test\b|0000 0000|\bEX1 2MP\b", re.IGNORECASE)


def example_values(clinic: Dict[Text, Text]) -> List[Tuple[Text, Text]]:
    """(field, value) for every clinic detail that is still a shipped example."""
    return [(field, value) for field, value in clinic.items() if EXAMPLE.search(value)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--production", action="store_true", help="refuse (exit status 1) while examples remain")
    args = parser.parse_args()
    found = example_values(load_content().clinic)
    if not found:
        return 0
    where = CLINIC_FILE.relative_to(CONTENT_DIR.parent.parent)
    print(f"{'error' if args.production else 'warning'}: {where} still has example values that visitors would see:")
    for field, value in found:
        print(f"  {field}: {value}")
    if args.production:
        print(f"Replace them with the clinic's real details in {where}; a production start refuses until then.")
        return 1
    print(f"Replace them with the clinic's real details in {where} before the bot goes live.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
