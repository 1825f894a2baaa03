"""Reads the typed text that ``dbus-monitor`` and ``dbus-send --print-reply`` print.

They name the D-Bus type of every value (``int64 5``, ``object path "/a"``, ``variant``,
``array [``), which is what lets a test check types against a spec without trusting the
library under test to decode them. Strings are read up to the closing quote of their line,
so test data must not contain ``"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BASIC = {
    "string": "s",
    "object path": "o",
    "signature": "g",
    "byte": "y",
    "boolean": "b",
    "int16": "n",
    "uint16": "q",
    "int32": "i",
    "uint32": "u",
    "int64": "x",
    "uint64": "t",
    "double": "d",
}
_TOKEN = re.compile(
    r'(?P<quoted>string|object path|signature) "(?P<text>[^"\n]*)"'
    r"|(?P<number>byte|boolean|u?int(?:16|32|64)|double) (?P<value>\S+)"
    r"|(?P<open>variant|array \[|dict entry\(|struct \{)"
    r"|(?P<close>[\]\)\}])"
)
_HEADER = re.compile(r"^(signal|method call|method return|error) ")


@dataclass(frozen=True)
class Typed:
    """One value and its D-Bus type code: a basic code, ``v`` (value: the inner Typed),
    ``a`` (value: list of Typed), ``e`` (dict entry: value is (key, value)) or ``r``."""

    code: str
    value: object

    @property
    def inner(self) -> Typed:
        """The value inside a variant."""
        assert self.code == "v" and isinstance(self.value, Typed), self
        return self.value

    @property
    def items(self) -> list[Typed]:
        assert self.code == "a" and isinstance(self.value, list), self
        return self.value

    def as_dict(self) -> dict[str, Typed]:
        """An ``a{sv}`` as {key: the value inside its variant}."""
        result: dict[str, Typed] = {}
        for entry in self.items:
            assert entry.code == "e" and isinstance(entry.value, tuple), entry
            key, value = entry.value
            assert isinstance(key, Typed) and key.code == "s", key
            assert isinstance(value, Typed)
            result[str(key.value)] = value.inner
        return result

    def strings(self) -> list[str]:
        """An ``as`` as a list (its items must all be strings)."""
        assert all(item.code == "s" for item in self.items), self
        return [str(item.value) for item in self.items]


@dataclass
class Message:
    """One message: the fields of its header line and its arguments."""

    kind: str
    header: dict[str, str]
    args: list[Typed] = field(default_factory=list)

    @property
    def member(self) -> str:
        return self.header.get("member", "")

    @property
    def interface(self) -> str:
        return self.header.get("interface", "")


def parse_values(text: str) -> list[Typed]:
    tokens = [m for m in _TOKEN.finditer(text)]
    values: list[Typed] = []
    position = 0
    while position < len(tokens):
        value, position = _value(tokens, position)
        values.append(value)
    return values


def _value(tokens: list[re.Match[str]], position: int) -> tuple[Typed, int]:
    token = tokens[position]
    if token["quoted"]:
        return Typed(_BASIC[token["quoted"]], token["text"]), position + 1
    if token["number"]:
        kind, raw = token["number"], token["value"]
        value: object
        if kind == "boolean":
            value = raw == "true"
        elif kind == "double":
            value = float(raw)
        else:
            value = int(raw)
        return Typed(_BASIC[kind], value), position + 1
    opener = token["open"]
    assert opener, f"unexpected {token.group(0)!r}"
    if opener == "variant":
        inner, position = _value(tokens, position + 1)
        return Typed("v", inner), position
    items: list[Typed] = []
    position += 1
    while not tokens[position]["close"]:
        item, position = _value(tokens, position)
        items.append(item)
    position += 1
    if opener.startswith("dict entry"):
        assert len(items) == 2, items
        return Typed("e", (items[0], items[1])), position
    return Typed("r" if opener.startswith("struct") else "a", items), position


def parse_messages(text: str) -> list[Message]:
    """Every message printed by dbus-monitor (or the one reply of dbus-send)."""
    messages: list[Message] = []
    body: list[str] = []

    def close() -> None:
        if messages:
            messages[-1].args = parse_values("\n".join(body))
        body.clear()

    for line in text.splitlines():
        header = _HEADER.match(line)
        if header:
            close()
            fields = dict(re.findall(r"(\w+)=(\S+)", line))
            messages.append(Message(header.group(1), {k: v.rstrip(";") for k, v in fields.items()}))
        elif messages:
            body.append(line)
    close()
    return messages
