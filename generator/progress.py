"""How far long work has got (2,000 certificates, 200 packs, a batch of files to check), said
to whoever listens: the CLI on stderr, the page through /api/progress. A step reports; it
never prints, so the same step runs under both doors."""
from __future__ import annotations

import sys
import threading
from typing import Callable, NamedTuple


class Stage(NamedTuple):
    text: str  # Vietnamese: what is being done
    done: int | None = None
    total: int | None = None

    def line(self) -> str:
        if self.total:
            return f"{self.text}: {self.done}/{self.total}"
        return f"{self.text}…"


_listeners: dict[str, Callable[[Stage], None]] = {}  # one per door: "cli", "page"
_lock = threading.Lock()


def listen(door: str, callback: Callable[[Stage], None]) -> None:
    with _lock:
        _listeners[door] = callback


def report(text: str, done: int | None = None, total: int | None = None) -> None:
    stage = Stage(text, done, total)
    with _lock:
        listeners = list(_listeners.values())
    for callback in listeners:
        callback(stage)


class Latest:
    """The last stage reported, for the page to poll while a build runs."""

    def __init__(self) -> None:
        self.stage: Stage | None = None

    def __call__(self, stage: Stage) -> None:
        self.stage = stage

    def clear(self) -> None:
        self.stage = None


def to_stderr(stream=None) -> Callable[[Stage], None]:
    """On a terminal one line that counts up in place; in a pipe or a log, a line when a stage
    starts and when it ends, so a log of 2,000 certificates is not 2,000 lines long. Without
    `stream`, whatever sys.stderr is at the time (a test, or the page, may have replaced it)."""
    last = {"text": None}

    def show(stage: Stage) -> None:
        out = stream or sys.stderr
        tty = hasattr(out, "isatty") and out.isatty()
        try:
            if tty:
                end = "\n" if stage.total is None or stage.done == stage.total else ""
                out.write("\r" + stage.line() + end)
            elif stage.text != last["text"] or (stage.total and stage.done == stage.total):
                out.write(stage.line() + "\n")
            out.flush()
        except (OSError, ValueError):  # no console (pythonw) or a closed one: progress is never an error
            pass
        last["text"] = stage.text

    return show
