"""The ``llm`` backend: an OpenAI-compatible chat model reads the messages, zero- or few-shot.

Any server speaking ``POST {endpoint}/chat/completions`` works: a local Ollama
(``http://127.0.0.1:11434/v1``), vLLM, OpenAI. The taxonomy is the prompt (the intent guidelines
in a compact form, the label sets of ``tasks``), so no training is needed and a workspace can try
a model before labelling data for a linear one.

A model answers free text, so nothing it says is trusted: several messages go in one request,
the answer must be one JSON object with exactly the ids sent, labels from the allowed sets and
scores in [0, 1]; anything else is asked again with a short note saying what was wrong. Busy or
failing servers (429, 5xx, no connection) are retried with exponential backoff. When the
attempts are spent the user gets one line (:class:`AscoltoError`) naming the endpoint, what it
answered and what to do, never an HTTP traceback.

Every request can be logged as one JSON line (tokens, latency, cost), and running totals are
kept in ``stats`` so a command can print what a run cost.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from ascolto.enrich import language
from ascolto.enrich.backends import Predictions
from ascolto.enrich.tasks import LABELS, SUPPORTED_LANGUAGES, check_label, check_task
from ascolto.errors import AscoltoError, BadOption

#: Bump by hand when the prompt's meaning changes; the digest in ``identity`` catches the rest.
PROMPT_VERSION = "p1"
API_KEY_ENV = "ASCOLTO_LLM_API_KEY"
TEMPERATURE = 0

SYSTEM_PROMPT = """\
You label social media messages written to or about brands. For each message you do these \
tasks:
{tasks}
Label what is written, including hashtags and emoji; do not guess what is not there. Use only \
the labels listed. A score is a number between 0 and 1.
Answer with one JSON object and nothing else, with one result per message, in this shape:
{shape}{examples}"""

#: One block per task; ``{languages}`` is filled with the workspace's expected languages.
TASK_PROMPTS: dict[str, str] = {
    "language": """\
- language: the ISO 639-1 code of the language the message is written in, one of: \
{languages}. Pick the closest of these even for short or mixed messages.
  language_score: your confidence in that code.""",
    "sentiment": """\
- sentiment: the attitude of the author: negative, neutral or positive.
  sentiment_score: your confidence in that label.""",
    "intent": """\
- intent: what the author wants from the brand with this message, one of:
  purchase: wants to buy: price, availability, where or how to buy, offers, sizes, delivery \
options before buying.
  question: asks for information about products, service, brand or events, with no problem \
of their own.
  support: has a problem and needs help: something broken, missing or late, an order, delivery, \
refund, payment, account or access problem, a defective item, a request for assistance.
  complaint: dissatisfaction or criticism with no request for help and no problem of their own \
to fix.
  idea: suggests, proposes or wishes for something new or different from the brand.
  praise: compliments, thanks, loyalty or enthusiasm about the brand, its products or people.
  spam: unrelated promotion, self-promotion, scams, follow-for-follow, contests, engagement \
bait, link bait.
  other: anything else: chit-chat, news, greetings, tagging a friend, opinions on other topics \
(politics: other), a bare link, a reply with only details, unreadable text.
  Tie-breaks, the first that fits wins: spam first; a problem of one's own is support even \
when angry or asked as a question; a question whose point is buying is purchase, not question; \
a rhetorical question that only criticises is complaint; a concrete proposal is idea even \
inside criticism; praise only for the brand, its products or people, else other. Mixed \
messages take the label that most needs an answer: support > purchase > question > idea > \
complaint > praise > other. Sarcasm counts by its meaning.
  intent_score: your confidence in that label.""",
    "toxicity": """\
- toxicity: toxic (insults, hate, threats, harassment, obscene abuse) or ok (everything else, \
harsh but civil criticism included).
  toxicity_score: how toxic the message is, 0 not at all, 1 certainly, whatever the label.""",
}

USER_PROMPT = """\
Label these {n} messages, one JSON object per line with its id and text:
{lines}
Answer {{"results": [...]}} with exactly the ids {ids}, each with the keys: {keys}."""

CORRECTION = """\
Your answer could not be used: {problem}. Answer again with only the JSON object \
{{"results": [...]}}: exactly the ids {ids}, each with the keys {keys}, labels only from the \
lists given, scores numbers between 0 and 1."""

#: The answer shown in the prompt's shape: a toxicity score that agrees with its label.
_SAMPLE: dict[str, tuple[str, float]] = {
    "language": ("", 0.95),
    "sentiment": ("negative", 0.9),
    "intent": ("support", 0.8),
    "toxicity": ("ok", 0.05),
}
#: How many characters of what the server answered an error shows.
_SHOWN = 200
_FENCE = re.compile(r"^```[A-Za-z]*\s*(.*?)\s*```$", re.DOTALL)


#: One message's reading: per task, ``(label, score)``.
Answer = dict[str, tuple[str, float]]


class _Invalid(Exception):
    """The server answered, but not what was asked: ask again with a note."""


def _one_line(text: str, limit: int = _SHOWN) -> str:
    return " ".join(str(text).split())[:limit]


def _is_loopback(endpoint: str) -> bool:
    return (urlsplit(endpoint).hostname or "") in ("127.0.0.1", "localhost", "::1")


def _keys(tasks: Sequence[str]) -> str:
    return ", ".join(["id", *(f"{t}, {t}_score" for t in tasks)])


class LlmBackend:
    """Reads messages by prompting a chat model; see the module docstring for why so."""

    name = "llm"
    parallel = False  # requests run in threads; worker processes would only multiply them

    def __init__(
        self,
        endpoint: str,
        model: str,
        languages: Sequence[str] = SUPPORTED_LANGUAGES,
        api_key: str | None = None,
        batch_size: int = 8,
        concurrency: int = 4,
        retries: int = 3,
        timeout: float = 60.0,
        backoff: float = 1.0,
        examples: Sequence[tuple[str, dict[str, str]]] = (),
        log: Path | None = None,
        price_per_1k_tokens: tuple[float, float] | None = None,
    ) -> None:
        """``retries`` is the number of attempts per request in all (at least 1); ``backoff``
        the first wait in seconds after a busy or failing server, doubled at each attempt."""
        endpoint = (endpoint or "").strip().rstrip("/")
        if not endpoint.startswith(("http://", "https://")) or not urlsplit(endpoint).hostname:
            raise BadOption(
                f"LLM endpoint {endpoint!r} is not a URL: use e.g. http://127.0.0.1:11434/v1"
            )
        if not model or not model.strip():
            raise BadOption("the llm backend needs a model name, e.g. llama3.1:8b")
        for option, value in (("batch_size", batch_size), ("concurrency", concurrency)):
            if value < 1:
                raise BadOption(f"{option} must be at least 1, not {value}")
        if retries < 1:
            raise BadOption(f"retries is the number of attempts: at least 1, not {retries}")
        if timeout <= 0 or backoff < 0:
            raise BadOption("timeout must be positive and backoff not negative")
        self.endpoint = endpoint
        self.model = model.strip()
        self.languages = tuple(check_label("language", code) for code in languages)
        if not self.languages:
            raise BadOption("the llm backend needs at least one expected language")
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.retries = retries
        self.timeout = timeout
        self.backoff = backoff
        self.examples = tuple((text, dict(labels)) for text, labels in examples)
        for _, labels in self.examples:
            for task, label in labels.items():
                self._check_answer_label(task, label)
        self.log = Path(log) if log is not None else None
        self.price_per_1k_tokens = price_per_1k_tokens
        key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        # A proxy never helps reach a server on this machine and breaks it when set.
        self._client = httpx.Client(
            timeout=timeout, headers=headers, trust_env=not _is_loopback(endpoint)
        )
        self._lock = threading.Lock()
        self.stats: dict[str, Any] = {
            "requests": 0,
            "failed": 0,
            "attempts": 0,
            "messages": 0,
            "prompt_tokens": 0,
            "completion_tokens": 0,
            "cost": 0.0 if price_per_1k_tokens else None,
            "latency_s": 0.0,
        }

    # -- identity ---------------------------------------------------------------------------

    def _digest(self) -> str:
        """Everything that changes what the model answers, except the endpoint (the same model
        served by Ollama or vLLM reads alike) and the expected languages (named apart)."""
        material = orjson.dumps(
            {
                "system": SYSTEM_PROMPT,
                "tasks": TASK_PROMPTS,
                "user": USER_PROMPT,
                "correction": CORRECTION,
                "sample": _SAMPLE,
                "examples": [[text, labels] for text, labels in self.examples],
                "model": self.model,
                "temperature": TEMPERATURE,
            },
            option=orjson.OPT_SORT_KEYS,
        )
        return hashlib.sha256(material).hexdigest()[:8]

    def identity(self, task: str) -> tuple[str, str]:
        """``llm:<model>`` and the prompt's version; language's also names the languages."""
        check_task(task)
        version = f"{PROMPT_VERSION}+{self._digest()}"
        if task == "language":
            return f"llm:{self.model}", f"{version}:{','.join(self.languages)}"
        return f"llm:{self.model}", version

    # -- prompts ----------------------------------------------------------------------------

    def system_prompt(self, tasks: Sequence[str]) -> str:
        """The instructions for a request asking ``tasks``: only their blocks and keys."""
        blocks = "\n".join(
            TASK_PROMPTS[t].format(languages=", ".join(self.languages)) for t in tasks
        )
        sample: dict[str, Any] = {"id": 1}
        for task in tasks:
            sample[task] = self.languages[0] if task == "language" else _SAMPLE[task][0]
            sample[f"{task}_score"] = _SAMPLE[task][1]
        shape = orjson.dumps({"results": [sample]}).decode()
        shown = []
        for text, labels in self.examples:
            wanted = {t: labels[t] for t in tasks if t in labels}
            if wanted:
                shown.append(orjson.dumps({"text": text, **wanted}).decode())
        examples = "\nExamples of messages and their labels:\n" + "\n".join(shown) if shown else ""
        return SYSTEM_PROMPT.format(tasks=blocks, shape=shape, examples=examples)

    def user_prompt(self, texts: Sequence[str], tasks: Sequence[str]) -> str:
        """The messages numbered from 1, one JSON line each so newlines and quotes stay safe."""
        lines = "\n".join(
            orjson.dumps({"id": i, "text": text}).decode() for i, text in enumerate(texts, 1)
        )
        ids = f"1 to {len(texts)}" if len(texts) > 1 else "1"
        return USER_PROMPT.format(n=len(texts), lines=lines, ids=ids, keys=_keys(tasks))

    # -- reading answers --------------------------------------------------------------------

    def _check_answer_label(self, task: str, label: str) -> str:
        check_task(task)
        allowed = self.languages if task == "language" else LABELS[task]
        if label not in allowed:
            raise BadOption(f"{task} label {label!r} is not one of {', '.join(allowed)}")
        return label

    def parse(self, content: Any, n: int, tasks: Sequence[str]) -> list[Answer]:
        """Per id 1..n, ``{task: (label, score)}``; :class:`_Invalid` names what is wrong."""
        if not isinstance(content, str) or not content.strip():
            raise _Invalid("the answer was empty")
        text = content.strip()
        fenced = _FENCE.match(text)
        if fenced:
            text = fenced.group(1)
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise _Invalid(f"the answer is not a JSON object ({_one_line(str(exc), 80)})") from exc
        if not isinstance(data, dict) or not isinstance(data.get("results"), list):
            raise _Invalid('the answer is not an object with a "results" list')
        found: dict[int, Answer] = {}
        problems: list[str] = []
        for item in data["results"]:
            ident = item.get("id") if isinstance(item, dict) else None
            if not isinstance(ident, int) or isinstance(ident, bool) or not 1 <= ident <= n:
                problems.append(f"unexpected id {ident!r}")
                continue
            if ident in found:
                problems.append(f"id {ident} answered twice")
                continue
            found[ident] = {}
            for task in tasks:
                label, score = item.get(task), item.get(f"{task}_score")
                if isinstance(label, str):
                    label = label.strip().lower()
                allowed = self.languages if task == "language" else LABELS[task]
                if label not in allowed:
                    problems.append(
                        f"id {ident}: {task} {label!r} is not one of {', '.join(allowed)}"
                    )
                elif (
                    not isinstance(score, int | float)
                    or isinstance(score, bool)
                    or not math.isfinite(score)
                    or not 0 <= score <= 1
                ):
                    problems.append(f"id {ident}: {task}_score {score!r} is not a number in [0, 1]")
                else:
                    found[ident][task] = (str(label), round(float(score), 4))
        missing = [str(i) for i in range(1, n + 1) if i not in found]
        if missing:
            problems.append(f"ids {', '.join(missing)} missing")
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise _Invalid("; ".join(problems[:3]) + more)
        return [found[i] for i in range(1, n + 1)]

    # -- requests ---------------------------------------------------------------------------

    def _fail(self, message: str) -> AscoltoError:
        return AscoltoError(" ".join(message.split()))

    def _request(self, texts: Sequence[str], tasks: Sequence[str]) -> list[Answer]:
        """One batch, asked until it is answered well or the attempts are spent."""
        url = f"{self.endpoint}/chat/completions"
        messages = [
            {"role": "system", "content": self.system_prompt(tasks)},
            {"role": "user", "content": self.user_prompt(texts, tasks)},
        ]
        ids = f"1 to {len(texts)}" if len(texts) > 1 else "1"
        tokens: list[int | None] = [None, None]
        start = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            wait = 0.0
            payload = {
                "model": self.model,
                "messages": messages,
                "temperature": TEMPERATURE,
                "response_format": {"type": "json_object"},
            }
            try:
                response = self._client.post(url, json=payload)
            except httpx.TimeoutException:
                problem = f"no answer within {self.timeout:g} s"
                wait = self.backoff * 2 ** (attempt - 1)
            except httpx.HTTPError as exc:  # connection refused, reset, bad TLS, ...
                problem = f"cannot connect: {_one_line(str(exc) or type(exc).__name__, 120)}"
                wait = self.backoff * 2 ** (attempt - 1)
            else:
                status = response.status_code
                if status == 429 or status >= 500:
                    problem = f"HTTP {status}: {_one_line(response.text)}"
                    wait = self.backoff * 2 ** (attempt - 1)
                    after = response.headers.get("retry-after", "")
                    if status == 429 and self.backoff > 0 and after.replace(".", "", 1).isdigit():
                        wait = max(wait, min(float(after), 60.0))
                elif status >= 400:
                    self._record(texts, attempt, start, tokens, ok=False)
                    raise self._fail(self._refused(status, response.text))
                else:
                    try:
                        body = response.json()
                    except ValueError:
                        body = None
                    content: Any = None
                    if isinstance(body, dict):
                        usage = body.get("usage")
                        if isinstance(usage, dict):
                            for i, key in enumerate(("prompt_tokens", "completion_tokens")):
                                if isinstance(usage.get(key), int):
                                    tokens[i] = (tokens[i] or 0) + usage[key]
                        try:
                            content = body["choices"][0]["message"]["content"]
                        except (KeyError, IndexError, TypeError):
                            content = None
                    try:
                        if not isinstance(body, dict) or "choices" not in body:
                            raise _Invalid(
                                "the server's reply is not a chat completion: "
                                f"{_one_line(response.text)!r}"
                            )
                        answers = self.parse(content, len(texts), tasks)
                    except _Invalid as exc:
                        problem = str(exc)
                        shown = _one_line(content if isinstance(content, str) else response.text)
                        if attempt >= self.retries:
                            self._record(texts, attempt, start, tokens, ok=False)
                            raise self._fail(
                                f"the model {self.model} at {self.endpoint} gave no usable answer "
                                f"in {attempt} attempts: {problem}; it answered {shown!r}: try "
                                "a larger model, a smaller batch size or more retries"
                            ) from None
                        messages = [
                            *messages[:2],
                            {"role": "assistant", "content": str(content)[:2000]},
                            {
                                "role": "user",
                                "content": CORRECTION.format(
                                    problem=problem, ids=ids, keys=_keys(tasks)
                                ),
                            },
                        ]
                        continue
                    self._record(texts, attempt, start, tokens, ok=True)
                    return answers
            if attempt >= self.retries:
                self._record(texts, attempt, start, tokens, ok=False)
                raise self._fail(
                    f"the LLM endpoint {self.endpoint} failed {attempt} attempts ({problem}): "
                    "check that the server is running (e.g. `ollama serve`) and the endpoint "
                    "is right, or try again later"
                )
            if wait > 0:
                time.sleep(wait)

    def _refused(self, status: int, body: str) -> str:
        """One line for a request the server will never accept as sent."""
        said = f"HTTP {status}: {_one_line(body)}"
        if status in (401, 403):
            hint = f"set {API_KEY_ENV} (or the API key option) to a key the server accepts"
        elif status == 404:
            hint = (
                f"check the endpoint (OpenAI-compatible servers end in /v1) and that the model "
                f"{self.model} exists there (Ollama: `ollama pull {self.model}`)"
            )
        else:
            hint = "check the model name and the server's options"
        return f"the LLM endpoint {self.endpoint} refused the request ({said}): {hint}"

    def _record(
        self,
        texts: Sequence[str],
        attempts: int,
        start: float,
        tokens: list[int | None],
        ok: bool,
    ) -> None:
        """Adds a request to ``stats`` and, with a log, appends its JSON line."""
        latency = round(time.monotonic() - start, 4)
        prompt, completion = tokens
        cost = None
        if self.price_per_1k_tokens and (prompt is not None or completion is not None):
            price_in, price_out = self.price_per_1k_tokens
            cost = round(((prompt or 0) * price_in + (completion or 0) * price_out) / 1000, 8)
        line = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "model": self.model,
            "endpoint": self.endpoint,
            "messages": len(texts),
            "attempts": attempts,
            "latency_s": latency,
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "cost": cost,
            "ok": ok,
        }
        with self._lock:
            stats = self.stats
            stats["requests"] += 1
            stats["failed"] += 0 if ok else 1
            stats["attempts"] += attempts
            stats["messages"] += len(texts)
            stats["prompt_tokens"] += prompt or 0
            stats["completion_tokens"] += completion or 0
            stats["latency_s"] = round(stats["latency_s"] + latency, 4)
            if cost is not None:
                stats["cost"] = round((stats["cost"] or 0.0) + cost, 8)
            if self.log is not None:
                self.log.parent.mkdir(parents=True, exist_ok=True)
                with self.log.open("ab") as f:
                    f.write(orjson.dumps(line) + b"\n")

    def summary(self) -> str:
        """One line of totals for a command to print after a run."""
        s = self.stats
        cost = f", cost {s['cost']:.4f}" if s["cost"] is not None else ""
        return (
            f"{s['requests']} requests ({s['failed']} failed, {s['attempts']} attempts) for "
            f"{s['messages']} messages, {s['prompt_tokens']} + {s['completion_tokens']} tokens"
            f"{cost}, {s['latency_s']:.1f} s"
        )

    # -- the Backend protocol ---------------------------------------------------------------

    def predict(self, texts: Sequence[str], tasks: Sequence[str]) -> Predictions:
        """Labels and scores in input order. Identical texts are asked once; texts with no
        letters are ``und`` without asking, and go to the model only for the other tasks."""
        wanted = tuple(dict.fromkeys(check_task(t) for t in tasks))
        n = len(texts)
        labels: dict[str, list[str]] = {t: [""] * n for t in wanted}
        scores: dict[str, list[float]] = {t: [0.0] * n for t in wanted}
        where: dict[tuple[str, tuple[str, ...]], list[int]] = {}
        for i, raw in enumerate(texts):
            text = raw or ""
            asked = wanted
            if "language" in wanted and not language.has_letters(text):
                labels["language"][i] = language.UNDETERMINED
                asked = tuple(t for t in wanted if t != "language")
            if asked:
                where.setdefault((text, asked), []).append(i)
        groups: dict[tuple[str, ...], list[str]] = {}
        for text, asked in where:
            groups.setdefault(asked, []).append(text)
        batches = [
            (asked, group[start : start + self.batch_size])
            for asked, group in groups.items()
            for start in range(0, len(group), self.batch_size)
        ]
        if batches:
            pool = ThreadPoolExecutor(max_workers=min(self.concurrency, len(batches)))
            try:
                futures = [pool.submit(self._request, chunk, asked) for asked, chunk in batches]
                for (asked, chunk), future in zip(batches, futures, strict=True):
                    for text, answer in zip(chunk, future.result(), strict=True):
                        for i in where[(text, asked)]:
                            for task in asked:
                                labels[task][i], scores[task][i] = answer[task]
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        return {t: (labels[t], scores[t]) for t in wanted}

    def close(self) -> None:
        """Closes the HTTP connections; the backend is not used after this."""
        self._client.close()

    def __enter__(self) -> LlmBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
