"""``LlmBackend`` against a fake OpenAI-compatible server on 127.0.0.1 that can misbehave."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ascolto.enrich.backends.llm import API_KEY_ENV, LlmBackend
from ascolto.enrich.pipeline import enrich_store
from ascolto.enrich.tasks import LABELS, SUPPORTED_LANGUAGES
from ascolto.errors import AscoltoError, BadOption
from ascolto.workspace import Workspace
from tests.cli.test_cli import ascolto, one_line_error
from tests.enrich.test_pipeline import _fill

ALL = ("language", "sentiment", "intent", "toxicity")
PROMPT_TOKENS = 100
TOKENS_PER_MESSAGE = 12


def _read(task: str, text: str) -> tuple[str, float]:
    """The fake model: keyword rules, deterministic."""
    low = text.lower()
    if task == "language":
        if any(w in low for w in ("bonjour", "merci")):
            return "fr", 0.9
        italian = ("rimborso", "grazie", "prezzo", "il ", "non ", "idiota", "ciao")
        return ("it" if any(w in low for w in italian) else "en"), 0.9
    if task == "intent":
        if "rimborso" in low or "refund" in low:
            return "support", 0.8
        if "grazie" in low or "thanks" in low:
            return "praise", 0.85
        if "prezzo" in low or "price" in low:
            return "purchase", 0.7
        return "other", 0.5
    if task == "sentiment":
        intent = _read("intent", text)[0]
        return {"support": "negative", "praise": "positive"}.get(intent, "neutral"), 0.75
    if task == "toxicity":
        return ("toxic", 0.95) if ("idiota" in low or "stupid" in low) else ("ok", 0.02)
    raise AssertionError(task)


class FakeLLM:
    """State shared with the handler: what was asked, and the misbehaviours still to play."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.delay = 0.0
        self.url = ""

    def next_action(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"


def _messages(prompt: str) -> tuple[list[dict[str, Any]], list[str]]:
    items = [json.loads(line) for line in prompt.splitlines() if line.startswith('{"id"')]
    keys = re.search(r"the keys: (.*)\.$", prompt, re.MULTILINE)
    assert keys, prompt
    tasks = [k for k in keys.group(1).split(", ") if k != "id" and not k.endswith("_score")]
    return items, tasks


def _answer(fake: FakeLLM, body: dict[str, Any], action: str) -> tuple[int, str, dict[str, str]]:
    items, tasks = _messages(body["messages"][1]["content"])
    results = []
    for item in items:
        result: dict[str, Any] = {"id": item["id"]}
        for task in tasks:
            label, score = _read(task, item["text"])
            result[task], result[f"{task}_score"] = label, score
        results.append(result)
    results.reverse()  # ids, not positions, say which message an answer is for
    if action == "unknown_label":
        results[0]["intent"] = "help"
    elif action == "missing_id":
        results.pop()
    elif action == "missing_score":
        del results[0][f"{tasks[0]}_score"]
    elif action == "bad_score":
        results[0][f"{tasks[0]}_score"] = 1.7
    elif action == "french":
        results[0]["language"] = "fr"
    content = json.dumps({"results": results}, ensure_ascii=False)
    if action == "garbage":
        content = "Sure! Here are the labels: support, praise, " + "blah " * 100
    elif action == "fenced":
        content = f"```json\n{content}\n```"
    reply: dict[str, Any] = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": body["model"],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}],
    }
    if action != "no_usage":
        reply["usage"] = {
            "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": TOKENS_PER_MESSAGE * len(items),
        }
    return 200, json.dumps(reply), {}


def _handler(fake: FakeLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            with fake.lock:
                fake.in_flight += 1
                fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
            try:
                size = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(size))
                action = fake.next_action()
                with fake.lock:
                    fake.requests.append({"path": self.path, "body": body, "headers": self.headers})
                if fake.delay or action == "slow":
                    time.sleep(0.5 if action == "slow" else fake.delay)
                headers: dict[str, str] = {}
                if self.path != "/v1/chat/completions":
                    status, text = 404, '{"error": "not found"}'
                elif action == "500":
                    status, text = 500, '{"error": "model crashed"}'
                elif action == "429":
                    status, text, headers = 429, '{"error": "slow down"}', {"Retry-After": "1"}
                elif action == "401":
                    status, text = 401, '{"error": "invalid api key"}'
                else:
                    status, text, headers = _answer(fake, body, action)
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass
            finally:
                with fake.lock:
                    fake.in_flight -= 1

    return Handler


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    monkeypatch.delenv(API_KEY_ENV, raising=False)
    state = FakeLLM()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _backend(fake: FakeLLM, **options: Any) -> LlmBackend:
    options = {"backoff": 0.0, **options}
    return LlmBackend(endpoint=fake.url, model=options.pop("model", "fake-1"), **options)


TEXTS = [
    "Voglio il rimborso, ordine mai arrivato",
    "grazie mille, buonissimo",
    "what's the price of the blue one?",
    "sei un idiota",
    "nice weather today",
]


def test_reads_all_tasks_and_sends_an_openai_request(fake: FakeLLM) -> None:
    with _backend(fake) as backend:
        out = backend.predict(TEXTS, ALL)
    assert out["intent"] == (
        ["support", "praise", "purchase", "other", "other"],
        [0.8, 0.85, 0.7, 0.5, 0.5],
    )
    assert out["language"][0] == ["it", "it", "en", "it", "en"]
    assert out["sentiment"][0] == ["negative", "positive", "neutral", "neutral", "neutral"]
    # toxicity's score is the degree of toxic whatever the label
    assert out["toxicity"] == (["ok", "ok", "ok", "toxic", "ok"], [0.02, 0.02, 0.02, 0.95, 0.02])
    assert len(fake.requests) == 1
    request = fake.requests[0]
    body = request["body"]
    assert request["path"] == "/v1/chat/completions"
    assert body["model"] == "fake-1"
    assert body["temperature"] == 0
    assert body["response_format"] == {"type": "json_object"}
    system = body["messages"][0]["content"]
    assert "support > purchase" in system and "it, en, es, fr, de, pt" in system
    assert "Authorization" not in request["headers"]


def test_labels_stay_in_the_allowed_sets(fake: FakeLLM) -> None:
    texts = [*TEXTS, "", "bonjour", "12345"]
    out = _backend(fake).predict(texts, ALL)
    for task, (labels, scores) in out.items():
        assert len(labels) == len(scores) == len(texts)
        allowed = (*SUPPORTED_LANGUAGES, "und") if task == "language" else LABELS[task]
        assert set(labels) <= set(allowed), task
        assert all(isinstance(s, float) and 0 <= s <= 1 for s in scores)


def test_only_the_requested_tasks_are_asked(fake: FakeLLM) -> None:
    out = _backend(fake).predict(TEXTS, ["intent"])
    assert list(out) == ["intent"]
    prompt = fake.requests[0]["body"]["messages"][1]["content"]
    assert prompt.rstrip().endswith("the keys: id, intent, intent_score.")
    assert "- sentiment:" not in fake.requests[0]["body"]["messages"][0]["content"]


def test_order_is_kept_across_batches_and_threads(fake: FakeLLM) -> None:
    fake.delay = 0.05
    words = ["rimborso", "grazie", "prezzo", "ciao"]
    texts = [f"messaggio {i}: {words[i % 4]}" for i in range(30)]
    labels, _ = _backend(fake, batch_size=4, concurrency=3).predict(texts, ["intent"])["intent"]
    expected = {"rimborso": "support", "grazie": "praise", "prezzo": "purchase", "ciao": "other"}
    assert labels == [expected[words[i % 4]] for i in range(30)]
    assert len(fake.requests) == 8  # ceil(30 / 4)
    assert all(len(_messages(r["body"]["messages"][1]["content"])[0]) <= 4 for r in fake.requests)
    assert 1 < fake.max_in_flight <= 3


def test_identical_texts_are_asked_once(fake: FakeLLM) -> None:
    labels, scores = _backend(fake).predict(["grazie!"] * 5, ["intent"])["intent"]
    assert labels == ["praise"] * 5 and scores == [0.85] * 5
    assert len(_messages(fake.requests[0]["body"]["messages"][1]["content"])[0]) == 1


def test_text_without_letters_is_und_but_read_for_other_tasks(fake: FakeLLM) -> None:
    out = _backend(fake).predict(["😀👍", "grazie"], ["language", "intent"])
    assert out["language"] == (["und", "it"], [0.0, 0.9])
    assert out["intent"][0] == ["other", "praise"]
    emoji = [r for r in fake.requests if "😀👍" in r["body"]["messages"][1]["content"]]
    assert len(emoji) == 1
    assert emoji[0]["body"]["messages"][1]["content"].rstrip().endswith("intent, intent_score.")


def test_language_only_on_no_letters_asks_nothing(fake: FakeLLM) -> None:
    out = _backend(fake).predict(["😀👍", "", "123 !!"], ["language"])
    assert out["language"] == (["und"] * 3, [0.0] * 3)
    assert fake.requests == []


def test_no_texts(fake: FakeLLM) -> None:
    assert _backend(fake).predict([], ALL) == {t: ([], []) for t in ALL}
    assert fake.requests == []


@pytest.mark.parametrize(
    "misbehaviour",
    ["garbage", "unknown_label", "missing_id", "missing_score", "bad_score", "500", "429"],
)
def test_a_bad_answer_is_retried(fake: FakeLLM, misbehaviour: str, tmp_path: Path) -> None:
    fake.script = [misbehaviour]
    backend = _backend(fake, log=tmp_path / "llm.jsonl")
    labels, _ = backend.predict(TEXTS, ["intent", "sentiment"])["intent"]
    assert labels == ["support", "praise", "purchase", "other", "other"]
    assert len(fake.requests) == 2
    retry = fake.requests[1]["body"]["messages"]
    if misbehaviour in ("500", "429"):  # the same request again, after a backoff
        assert retry == fake.requests[0]["body"]["messages"]
    else:  # the bad answer and a note saying what was wrong
        assert [m["role"] for m in retry] == ["system", "user", "assistant", "user"]
        assert "could not be used" in retry[3]["content"]
    (line,) = [json.loads(x) for x in (tmp_path / "llm.jsonl").read_text().splitlines()]
    assert line["attempts"] == 2 and line["ok"] is True


def test_an_expected_language_is_enforced(fake: FakeLLM) -> None:
    fake.script = ["french"]
    out = _backend(fake, languages=("it", "en")).predict(TEXTS, ["language"])
    assert set(out["language"][0]) <= {"it", "en"}
    assert len(fake.requests) == 2
    assert "'fr' is not one of it, en" in fake.requests[1]["body"]["messages"][3]["content"]


def test_fenced_json_is_accepted(fake: FakeLLM) -> None:
    fake.script = ["fenced"]
    assert _backend(fake).predict(TEXTS, ["intent"])["intent"][0][0] == "support"
    assert len(fake.requests) == 1


@pytest.mark.parametrize("misbehaviour", ["garbage", "unknown_label", "500"])
def test_persistent_failure_is_one_line_after_exactly_retries(
    fake: FakeLLM, misbehaviour: str, tmp_path: Path
) -> None:
    fake.script = [misbehaviour] * 20
    backend = _backend(fake, retries=3, log=tmp_path / "llm.jsonl")
    with pytest.raises(AscoltoError) as err:
        backend.predict(TEXTS[:2], ["intent"])
    message = str(err.value)
    assert "\n" not in message
    assert fake.url in message and "3 attempts" in message
    if misbehaviour == "garbage":
        assert "Sure! Here are the labels" in message
    if misbehaviour == "500":
        assert "HTTP 500" in message and "model crashed" in message
    assert len(fake.requests) == 3
    (line,) = [json.loads(x) for x in (tmp_path / "llm.jsonl").read_text().splitlines()]
    assert line["ok"] is False and line["attempts"] == 3
    assert backend.stats["failed"] == 1


def test_a_refused_request_is_not_retried(fake: FakeLLM) -> None:
    fake.script = ["401"] * 5
    with pytest.raises(AscoltoError, match=API_KEY_ENV):
        _backend(fake, retries=3).predict(TEXTS, ["intent"])
    assert len(fake.requests) == 1


def test_a_wrong_path_says_to_check_the_endpoint(fake: FakeLLM) -> None:
    backend = LlmBackend(endpoint=fake.url.removesuffix("/v1"), model="fake-1", backoff=0)
    with pytest.raises(AscoltoError, match=r"HTTP 404.*/v1"):
        backend.predict(TEXTS, ["intent"])


def test_connection_refused_is_a_quick_clear_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    backend = LlmBackend(endpoint=f"http://127.0.0.1:{port}/v1", model="m", backoff=0)
    start = time.monotonic()
    with pytest.raises(AscoltoError) as err:
        backend.predict(TEXTS, ALL)
    assert time.monotonic() - start < 2
    message = str(err.value)
    assert "\n" not in message
    assert f"127.0.0.1:{port}" in message and "cannot connect" in message
    assert "ollama serve" in message


def test_a_timeout_is_a_clear_error(fake: FakeLLM) -> None:
    fake.script = ["slow"]
    with pytest.raises(AscoltoError, match=r"no answer within 0\.1 s"):
        _backend(fake, timeout=0.1, retries=1).predict(TEXTS[:1], ["intent"])


def test_api_key_from_argument_or_environment(
    fake: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    _backend(fake, api_key="sk-arg").predict(TEXTS[:1], ["intent"])
    monkeypatch.setenv(API_KEY_ENV, "sk-env")
    _backend(fake).predict(TEXTS[:1], ["intent"])
    sent = [r["headers"].get("Authorization") for r in fake.requests]
    assert sent == ["Bearer sk-arg", "Bearer sk-env"]


def test_examples_go_in_the_prompt(fake: FakeLLM) -> None:
    examples = [("dov'è il mio pacco?", {"intent": "support", "sentiment": "negative"})]
    _backend(fake, examples=examples).predict(TEXTS[:1], ["intent"])
    system = fake.requests[0]["body"]["messages"][0]["content"]
    assert '{"text":"dov\'è il mio pacco?","intent":"support"}' in system
    with pytest.raises(BadOption, match="help"):
        _backend(fake, examples=[("x", {"intent": "help"})])


def test_identity_follows_model_prompt_and_languages(fake: FakeLLM) -> None:
    base = _backend(fake)
    name, version = base.identity("intent")
    assert name == "llm:fake-1" and re.fullmatch(r"p1\+[0-9a-f]{8}", version)
    assert base.identity("language") == (name, f"{version}:it,en,es,fr,de,pt")
    assert _backend(fake).identity("intent") == (name, version)
    other_port = LlmBackend(endpoint="http://127.0.0.1:9/v1", model="fake-1")
    assert other_port.identity("intent") == (name, version)
    bigger = _backend(fake, model="fake-2").identity("intent")
    assert bigger[0] == "llm:fake-2" and bigger[1] != version
    shots = _backend(fake, examples=[("grazie", {"intent": "praise"})]).identity("intent")
    assert shots[0] == name and shots[1] != version
    assert _backend(fake, languages=("it", "en")).identity("language")[1].endswith(":it,en")


def test_the_log_has_one_line_per_request(fake: FakeLLM, tmp_path: Path) -> None:
    log = tmp_path / "logs" / "llm.jsonl"
    backend = _backend(fake, batch_size=2, log=log, price_per_1k_tokens=(0.5, 2.0))
    backend.predict(TEXTS, ["intent", "toxicity"])
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert len(lines) == len(fake.requests) == 3
    assert sorted(x["messages"] for x in lines) == [1, 2, 2]
    for line in lines:
        assert line["model"] == "fake-1" and line["endpoint"] == fake.url
        assert line["ok"] is True and line["attempts"] == 1
        assert line["prompt_tokens"] == PROMPT_TOKENS
        assert line["completion_tokens"] == TOKENS_PER_MESSAGE * line["messages"]
        expected = (PROMPT_TOKENS * 0.5 + line["completion_tokens"] * 2.0) / 1000
        assert line["cost"] == pytest.approx(expected)
        assert 0 <= line["latency_s"] < 5
        assert line["at"].endswith("+00:00")
    stats = backend.stats
    assert stats["requests"] == 3 and stats["messages"] == 5 and stats["attempts"] == 3
    assert stats["prompt_tokens"] == 3 * PROMPT_TOKENS
    assert stats["completion_tokens"] == 5 * TOKENS_PER_MESSAGE
    assert stats["cost"] == pytest.approx(sum(x["cost"] for x in lines))
    assert "3 requests" in backend.summary()


def test_no_usage_means_null_tokens_and_cost(fake: FakeLLM, tmp_path: Path) -> None:
    fake.script = ["no_usage"]
    log = tmp_path / "llm.jsonl"
    _backend(fake, log=log, price_per_1k_tokens=(0.5, 2.0)).predict(TEXTS, ["intent"])
    (line,) = [json.loads(x) for x in log.read_text().splitlines()]
    assert line["prompt_tokens"] is None and line["completion_tokens"] is None
    assert line["cost"] is None


@pytest.mark.parametrize(
    "options",
    [
        {"endpoint": "127.0.0.1:11434/v1"},
        {"endpoint": "ftp://example.org"},
        {"model": " "},
        {"batch_size": 0},
        {"concurrency": 0},
        {"retries": 0},
        {"languages": ("italiano",)},
    ],
)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    settings = {"endpoint": "http://127.0.0.1:11434/v1", "model": "m", **options}
    with pytest.raises(BadOption):
        LlmBackend(**settings)


def test_enrich_store_with_llm_is_incremental_and_versioned(fake: FakeLLM, tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    _fill(ws, 12)
    with ws.connect() as con:
        first = enrich_store(con, ALL, _backend(fake, batch_size=4))
        assert first["enrichments_written"] == 48 and first["backend"] == "llm"
        asked = len(fake.requests)
        again = enrich_store(con, ALL, _backend(fake))
        assert again["pending"] == 0 and len(fake.requests) == asked  # nothing asked twice
        enrich_store(con, ["intent"], _backend(fake, model="fake-2"))
        versions = con.execute(
            "SELECT model, count(*) FROM enrichments WHERE task = 'intent' GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert versions == [("llm:fake-1", 12), ("llm:fake-2", 12)]  # the older answers are kept


def test_cli_reads_with_the_llm_backend_and_logs_the_cost(fake: FakeLLM, tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    _fill(ws, 10)
    llm = ("--backend", "llm", "--endpoint", fake.url, "--llm-model", "fake-1")
    result = json.loads(ascolto("enrich", "-w", str(ws.root), *llm, "--json").stdout)
    assert result["enrichments_written"] == 40 and result["llm"]["requests"] >= 2
    log = ws.root / "logs" / "llm.jsonl"
    assert len(log.read_text().splitlines()) == result["llm"]["requests"]
    texts = tmp_path / "in.txt"
    texts.write_text("\n".join(TEXTS) + "\n")
    out = ascolto("classify", "-t", "intent", "-i", str(texts), *llm).stdout
    assert [json.loads(line)["label"] for line in out.splitlines()][:3] == [
        "support",
        "praise",
        "purchase",
    ]
    line = one_line_error(ascolto("classify", "-t", "intent", "-i", str(texts), *llm[:4], ok=False))
    assert "--llm-model" in line
    line = one_line_error(
        ascolto("classify", "-t", "intent", "-i", str(texts), "-m", "x=y", ok=False)
    )
    assert "--model is not an option of the linear backend" in line
