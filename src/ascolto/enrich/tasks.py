"""The four reading tasks and their labels: one place the CLI, models and store agree on."""

from __future__ import annotations

from ascolto.errors import BadOption

SENTIMENT = ("negative", "neutral", "positive")
INTENT = ("purchase", "question", "support", "complaint", "idea", "praise", "spam", "other")
TOXICITY = ("ok", "toxic")

#: Label sets of the classification tasks; ``language`` labels are ISO 639-1 codes.
LABELS: dict[str, tuple[str, ...]] = {
    "sentiment": SENTIMENT,
    "intent": INTENT,
    "toxicity": TOXICITY,
}
TASKS = ("language", "sentiment", "intent", "toxicity")

#: Languages the shipped models are trained and validated on (language id can be told more).
SUPPORTED_LANGUAGES = ("it", "en", "es", "fr", "de", "pt")


def check_task(task: str) -> str:
    """The task name, or one clear error listing the known ones."""
    if task not in TASKS:
        raise BadOption(f"unknown task {task!r}: use one of {', '.join(TASKS)}")
    return task


def check_label(task: str, label: str) -> str:
    """A label valid for the task (language: a two-letter code), or one clear error."""
    check_task(task)
    if task == "language":
        if len(label) == 2 and label.isalpha() and label.islower():
            return label
        raise BadOption(f"language labels are ISO 639-1 codes such as 'it', not {label!r}")
    if label not in LABELS[task]:
        raise BadOption(f"unknown {task} label {label!r}: use one of {', '.join(LABELS[task])}")
    return label
