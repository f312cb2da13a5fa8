"""Draw the messages to label for intent (see docs/intent-guidelines.md) from ../shared/data.

Writes ``{"ref", "text"}`` lines, shuffled with a fixed seed, to the file given.

Round 1 (2,200): half of the Italian messages are drawn at random, the other half among
messages with a customer or brand cue (a question mark, buying, service, product words),
because random political tweets hold almost no purchase, support or idea messages; customer
tweets come from the support threads (``inbound`` authors only).

Round 2 (800): round 1 left purchase, question, idea and spam with a few dozen examples each,
so it draws messages not in round 1 that carry a cue of those intents (asking, buying,
proposing, thanking, promoting). Refs name the dataset and row id, so labels are kept in the
repository without copying texts.

    python scripts/sample_intent_pool.py ../shared/data /tmp/intent_pool.jsonl [--round 2]
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from ascolto.enrich.corpora import customer_texts, italian_texts

CUE = re.compile(
    r"\?|compr|prezz|costa|sconto|offert|negozi|ordin|consegn|spedi|rimbors|assistenza|"
    r"servizio|cliente|prodott|marca|brand|app\b|funzion|grazie|propost|dovreste|fate\b|"
    r"vorrei|consiglio|buonissim|delus|abbonament|bolletta|treno|volo|banca|tim\b|vodafone|"
    r"wind|enel|trenitalia|poste|amazon|ikea|esselunga|coop\b|barilla|ferrero|nutella",
    re.IGNORECASE,
)
RARE_IT = re.compile(
    r"quanto cost|prezz|dove (si )?(trov|compr)|disponibil|vorrei|sconto|offert|acquist|"
    r"dovreste|perch[eé] non|sarebbe (bello|utile|ora)|propong|propost|suggeri|consigli|"
    r"per favore|complimenti|bravi|grazie|seguimi|clicca|iscriviti|promo|gratis|\?",
    re.IGNORECASE,
)
RARE_EN = re.compile(
    r"how much|price|buy|in stock|available|should|please (add|bring|make)|wish|would be "
    r"(great|nice|cool)|suggest|idea|thank|love|promo|giveaway|follow|\?",
    re.IGNORECASE,
)


def _italian(data: Path) -> list[tuple[str, str]]:
    """Italian messages longer than 3 characters, one per distinct text (sets overlap)."""
    seen: set[str] = set()
    rows = []
    for ref, text in italian_texts(data).items():
        if len(text.strip()) > 3 and text not in seen:
            seen.add(text)
            rows.append((ref, text))
    return rows


def round_one(data: Path, n_italian: int = 1400, n_customers: int = 800) -> list[tuple[str, str]]:
    rng = random.Random(2026)
    it = _italian(data)
    cued = [r for r in it if CUE.search(r[1])]
    picked = rng.sample(cued, n_italian // 2)
    chosen = {ref for ref, _ in picked}
    rest = [r for r in it if r[0] not in chosen]
    picked += rng.sample(rest, n_italian - len(picked))
    picked += rng.sample(list(customer_texts(data).items()), n_customers)
    rng.shuffle(picked)
    return picked


def round_two(data: Path, n_italian: int = 500, n_customers: int = 300) -> list[tuple[str, str]]:
    done = {ref for ref, _ in round_one(data)}
    rng = random.Random(2027)
    it = [r for r in _italian(data) if r[0] not in done and RARE_IT.search(r[1])]
    en = [r for r in customer_texts(data).items() if r[0] not in done and RARE_EN.search(r[1])]
    picked = rng.sample(it, n_italian) + rng.sample(en, min(n_customers, len(en)))
    rng.shuffle(picked)
    return picked


def main(data: Path, out: Path, round_: int = 1) -> None:
    picked = round_one(data) if round_ == 1 else round_two(data)
    with out.open("w") as f:
        for ref, text in picked:
            f.write(json.dumps({"ref": ref, "text": text}, ensure_ascii=False) + "\n")
    print(f"round {round_}: {len(picked)} messages -> {out}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[0]), Path(args[1]), int(args[3]) if args[2:3] == ["--round"] else 1)
