"""Score posts for the neutrality watch: JSON lines in, one JSON line out per input.

    echo '{"text": "Sikat 02!", "action": "like"}' | marwah neutrality_suggest
    {"partisan": true, "form": 6, "reasons": [...]}

Uses the running election's participants from the database (the shipped Pemilu 2024 and
Pilkada 2024 data when the database has none). A line that is not valid JSON gets
`{"error": ...}` so the output stays aligned with the input.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.db.utils import DatabaseError

from marwah.elections.suggester import Lexicon, shipped_lexicon, suggest


def _lexicon() -> Lexicon:
    from marwah.elections.selectors import lexicon

    try:
        return lexicon()
    except DatabaseError:  # a database without the elections tables yet
        return shipped_lexicon()


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = "Suggest partisan / form / reasons for posts given as JSON lines on standard input."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scores", action="store_true", help="also print the probabilities")

    def handle(self, *args: Any, **options: Any) -> None:
        lexicon = _lexicon()
        stdin = options.get("stdin") or sys.stdin
        for line in stdin:
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text = str(item.get("text") or "")
                action = item.get("action")
            except (ValueError, AttributeError) as exc:
                self.stdout.write(json.dumps({"error": f"invalid JSON line: {exc}", "partisan": False,
                                              "form": None, "reasons": []}))
                continue
            answer = suggest(text, action if isinstance(action, str) else None, lexicon=lexicon).as_json()
            if not options["scores"]:
                answer.pop("probability", None)
            self.stdout.write(json.dumps(answer, ensure_ascii=False))
