"""Draw the messages to label for intent (see docs/intent-guidelines.md) from ../shared/data.

Writes ``{"ref", "text"}`` lines, shuffled with a fixed seed, to the file given. Half of the
Italian messages are drawn at random; the other half among messages with a customer or brand
cue (a question mark, buying, service, product words), because random political tweets hold
almost no purchase, support or idea messages. Customer tweets come from the support threads
(``inbound`` authors only). Refs name the dataset and the row id, so the labels can be kept in
the repository without copying the texts.

    python scripts/sample_intent_pool.py ../shared/data /tmp/intent_pool.jsonl
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from pathlib import Path

CUE = re.compile(
    r"\?|compr|prezz|costa|sconto|offert|negozi|ordin|consegn|spedi|rimbors|assistenza|"
    r"servizio|cliente|prodott|marca|brand|app\b|funzion|grazie|propost|dovreste|fate\b|"
    r"vorrei|consiglio|buonissim|delus|abbonament|bolletta|treno|volo|banca|tim\b|vodafone|"
    r"wind|enel|trenitalia|poste|amazon|ikea|esselunga|coop\b|barilla|ferrero|nutella",
    re.IGNORECASE,
)


def italian(data: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    with (data / "sentipolc2016/sentipolc16_officialdistrib_train.csv").open(newline="") as f:
        rows += [(f"sentipolc2016:{r['idtwitter']}", r["text"]) for r in csv.DictReader(f)]
    with (data / "ironita2018/training_ironita2018.csv").open(newline="") as f:
        rows += [(f"ironita2018:{r['id']}", r["text"]) for r in csv.DictReader(f)]
    with (data / "haspeede2018/haspeede_FB-train.tsv").open() as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                rows.append((f"haspeede2018_fb:{parts[0]}", parts[1]))
    texts = (data / "umsab_xlmt_sentiment/italian/train_text.txt").read_text().splitlines()
    rows += [(f"umsab_it_train:{i}", t) for i, t in enumerate(texts)]
    return rows


def customers(data: Path) -> list[tuple[str, str]]:
    with (data / "twcs_customer_support_twitter/twcs_part.csv").open(newline="") as f:
        return [
            (f"twcs:{r['tweet_id']}", r["text"])
            for r in csv.DictReader(f)
            if r.get("inbound") == "True" and r.get("text")
        ]


def main(data: Path, out: Path, n_italian: int = 1400, n_customers: int = 800) -> None:
    rng = random.Random(2026)
    it = [r for r in italian(data) if len(r[1].strip()) > 3]
    # the same tweet text appears in more than one Italian set: keep one
    seen: set[str] = set()
    it = [r for r in it if not (r[1] in seen or seen.add(r[1]))]  # type: ignore[func-returns-value]
    cued = [r for r in it if CUE.search(r[1])]
    picked = rng.sample(cued, n_italian // 2)
    chosen = {ref for ref, _ in picked}
    rest = [r for r in it if r[0] not in chosen]
    picked += rng.sample(rest, n_italian - len(picked))
    picked += rng.sample(customers(data), n_customers)
    rng.shuffle(picked)
    with out.open("w") as f:
        for ref, text in picked:
            f.write(json.dumps({"ref": ref, "text": text}, ensure_ascii=False) + "\n")
    print(f"{len(picked)} messages ({len(cued)} Italian with a cue of {len(it)}) -> {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
