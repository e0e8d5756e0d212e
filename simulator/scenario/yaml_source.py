"""Safe YAML loading that remembers the line of every key, so errors can point at it.

Only plain YAML is accepted: tags that would construct Python objects are refused (SafeLoader).

Hostile input is bounded before any work is done on it: the file size (MAX_BYTES), the nesting depth (MAX_DEPTH,
checked while composing), and the number of nodes with every alias expanded (MAX_NODES, counted on the composed
graph with one count per node, so a "billion laughs" file is refused without being expanded). Self-referencing
aliases are refused. Every problem, including the exceptions the YAML library raises for values it cannot
construct (an impossible date, `!!int abc`, an integer with thousands of digits), is a UserError naming the file.
"""

from __future__ import annotations

import functools
from pathlib import Path

from ..errors import UserError

MAX_BYTES = 1024 * 1024  # 1 MiB
MAX_DEPTH = 50  # nested mappings and lists, aliases expanded
MAX_NODES = 100_000  # scalars, mappings and lists, aliases expanded

_EXPECTED = {"int": "a whole number", "float": "a number", "bool": "true or false",
             "timestamp": "a real date like 2024-01-15 (or a date and time)", "binary": "base64 data",
             "null": "null", "str": "text"}


class UnreadableFile(UserError):
    """The file itself cannot be used (missing, too large, binary, not UTF-8, not readable, not YAML...)."""


def shown_path(path) -> str:
    """The path as text, shortened in the middle when it is absurdly long (the end, with the file name, stays)."""
    text = str(path)
    if not text.isprintable():
        text = repr(text)[1:-1]  # control characters (a NUL, an escape sequence) shown escaped, never sent raw
    return text if len(text) <= 240 else f"{text[:80]}...{text[-120:]} ({len(text):,} characters)"


class YamlSource:
    """A parsed YAML file: its data and a map from key path (tuple) to line number."""

    def __init__(self, path: Path):
        self.path = Path(path)
        text = self._read()
        node, self.data = self._parse(text)
        self.lines: dict[tuple, int] = {}
        if node is not None:
            self._index(node, ())

    # ------------------------------------------------------------------------------------------ reading
    def _read(self) -> str:
        name = shown_path(self.path)
        try:
            if not self.path.is_file():
                raise UnreadableFile(f"{name}: no such file. Expected a YAML file; check the path (shipped scenarios "
                                     f"are in scenarios/).")
            size = self.path.stat().st_size
            if size > MAX_BYTES:
                raise UnreadableFile(f"{name}: the file is {size:,} bytes; expected a YAML file of at most "
                                     f"{MAX_BYTES:,} bytes (1 MiB).")
            with open(self.path, "rb") as f:
                raw = f.read(MAX_BYTES + 1)
        except (OSError, ValueError) as err:
            reason = getattr(err, "strerror", None) or str(err)
            raise UnreadableFile(f"{name}: the file cannot be read ({reason}). Expected a readable YAML file with "
                                 f"a path the system accepts.") from None
        if len(raw) > MAX_BYTES:
            raise UnreadableFile(f"{name}: the file is over {MAX_BYTES:,} bytes; expected a YAML file of at most "
                                 f"{MAX_BYTES:,} bytes (1 MiB).")
        if b"\0" in raw:
            at = raw.index(b"\0")
            line = raw[:at].count(b"\n") + 1
            raise UnreadableFile(f"{name}, line {line}: this looks like a binary file (a NUL "
                                 f"byte at byte {at:,}). Expected a UTF-8 text file in YAML.")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as err:
            bad, line = raw[err.start:err.start + 4], raw[:err.start].count(b"\n") + 1
            raise UnreadableFile(f"{name}, line {line}: the file is not UTF-8 text "
                                 f"(found the bytes {bad!r} at byte {err.start:,}). Expected a UTF-8 text file in "
                                 f"YAML; save it as UTF-8.") from None

    def _parse(self, text: str):
        import yaml

        name = shown_path(self.path)
        loader = _Loader(text)
        try:
            try:
                node = loader.get_single_node()
                if node is not None:
                    _check_graph(node, name)
                data = loader.construct_document(node) if node is not None else None
            finally:
                loader.dispose()
        except _TooDeep as err:
            raise UnreadableFile(f"{name}, line {err.mark.line + 1}: the YAML nests mappings and lists more than "
                                 f"{MAX_DEPTH} levels deep. Expected at most {MAX_DEPTH} levels.") from None
        except _BadValue as err:
            raise UnreadableFile(err.message(name)) from None
        except yaml.constructor.ConstructorError as err:
            mark = err.problem_mark
            line = mark.line + 1 if mark else "?"
            if "could not determine a constructor" in str(err.problem or ""):
                raise UnreadableFile(f"{name}, line {line}: the YAML tag {_tag(err)} is not allowed; scenario files "
                                     f"hold plain values only (numbers, text, lists, mappings), never Python "
                                     f"objects.") from None
            raise UnreadableFile(f"{name}, line {line}: this YAML cannot be read as plain data ({err.problem}). "
                                 f"Expected plain values (numbers, text, dates, lists and mappings with text "
                                 f"keys).") from None
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(err, "problem", None) or str(err)
            raise UnreadableFile(f"{name}{where}: this is not valid YAML ({problem}). Expected a mapping of keys "
                                 f"such as name, description, weeks, parameters and events.") from None
        except RecursionError:
            raise UnreadableFile(f"{name}: the YAML is nested too deeply or refers to itself. Expected at most "
                                 f"{MAX_DEPTH} levels and no alias inside its own anchor.") from None
        return node, data

    def _index(self, node, path: tuple) -> None:
        import yaml

        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode):
                    raise UserError(f"{self.where(path)}, line {key.start_mark.line + 1}: expected a plain key "
                                    f"(text), found a {'list' if isinstance(key, yaml.SequenceNode) else 'mapping'} "
                                    f"used as a key.")
                sub = path + (key.value,)
                if key.value in seen:
                    raise UserError(f"{self.where(sub)}: the key {key.value!r} appears twice (again on line "
                                    f"{key.start_mark.line + 1}); expected each key once, so no value is silently "
                                    f"dropped.")
                seen.add(key.value)
                self.lines[sub] = key.start_mark.line + 1
                self._index(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self.lines[path + (i,)] = item.start_mark.line + 1
                self._index(item, path + (i,))

    def where(self, path: tuple) -> str:
        """'file, key a.b[2].c (line n)' for the closest known key of path."""
        shown = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
        name = shown_path(self.path)
        for cut in range(len(path), 0, -1):
            if path[:cut] in self.lines:
                return f"{name}, key '{shown}' (line {self.lines[path[:cut]]})"
        return f"{name}, key '{shown}'" if path else name


# ------------------------------------------------------------------------------------------ bounded loading
class _TooDeep(Exception):
    def __init__(self, mark):
        self.mark = mark


class _BadValue(Exception):
    """A value the YAML library failed to construct (its own exception, with the node it failed on)."""

    def __init__(self, node, exc):
        self.node, self.exc = node, exc

    def message(self, name: str) -> str:
        tag = str(getattr(self.node, "tag", "") or "").rsplit(":", 1)[-1]
        expected = _EXPECTED.get(tag, f"a value that fits its tag !!{tag}")
        value = self.node.value if isinstance(self.node.value, str) else ""
        if len(value) > 60:
            found = f"{value[:20]}...{value[-10:]} ({len(value):,} characters)"
        else:
            found = repr(value)
        reason = str(self.exc).split("\n")[0][:120] if isinstance(self.exc, (ValueError, OverflowError)) else ""
        reason = f" ({reason})" if reason else ""
        return (f"{name}, line {self.node.start_mark.line + 1}: the value {found} cannot be read{reason}. "
                f"Expected {expected}, found {found}.")


@functools.lru_cache(maxsize=1)
def _make_loader():
    import yaml

    class Loader(yaml.SafeLoader):
        """SafeLoader that refuses deep nesting while composing and reports the node a constructor failed on."""

        def __init__(self, stream):
            super().__init__(stream)
            self._depth = 0

        def compose_node(self, parent, index):
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    raise _TooDeep(self.peek_event().start_mark)
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

        def construct_object(self, node, deep=False):
            try:
                return super().construct_object(node, deep)
            except (yaml.YAMLError, _BadValue, _TooDeep):
                raise
            except (ValueError, TypeError, KeyError, AttributeError, ArithmeticError, IndexError) as exc:
                raise _BadValue(node, exc) from None

    return Loader


def _Loader(text):  # noqa: N802 (a class, built on first use so that importing this module stays cheap)
    return _make_loader()(text)


def _check_graph(root, name: str) -> None:
    """Refuse a composed graph whose alias-expanded size exceeds MAX_NODES or depth MAX_DEPTH, or that contains
    itself. Each node is measured once (memoised by id), so the walk costs the size of the file, not of its
    expansion; the recursion never goes deeper than MAX_DEPTH."""
    import yaml

    measured: dict[int, tuple[int, int]] = {}  # id -> (nodes, height) with aliases expanded
    open_nodes: set[int] = set()

    def walk(node, depth: int) -> tuple[int, int]:
        key = id(node)
        if key in open_nodes:
            raise UnreadableFile(f"{name}, line {node.start_mark.line + 1}: an alias inside the anchored value "
                                 f"that starts here refers to the mapping or list that contains it, so it would "
                                 f"repeat forever. Expected an alias (*name) to refer to an anchor (&name) defined "
                                 f"outside it, found it inside.")
        if key not in measured:
            if depth > MAX_DEPTH:
                raise UnreadableFile(f"{name}, line {node.start_mark.line + 1}: with its aliases expanded the YAML "
                                     f"nests more than {MAX_DEPTH} levels deep. Expected at most {MAX_DEPTH} levels.")
            if isinstance(node, yaml.MappingNode):
                children = [n for pair in node.value for n in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = node.value
            else:
                children = []
            open_nodes.add(key)
            total, height = 1, 1
            for child in children:
                n, h = walk(child, depth + 1)
                total += n
                height = max(height, h + 1)
                if total > MAX_NODES:
                    raise UnreadableFile(f"{name}, line {node.start_mark.line + 1}: with its aliases (*name) "
                                         f"expanded this YAML has more than {MAX_NODES:,} values. Expected at most "
                                         f"{MAX_NODES:,}; a scenario never needs that many (this pattern is used to "
                                         f"exhaust memory).")
            open_nodes.discard(key)
            measured[key] = (total, height)
        total, height = measured[key]
        if depth - 1 + height > MAX_DEPTH:
            raise UnreadableFile(f"{name}, line {node.start_mark.line + 1}: with its aliases expanded the YAML nests "
                                 f"more than {MAX_DEPTH} levels deep. Expected at most {MAX_DEPTH} levels.")
        return total, height

    walk(root, 1)


def _tag(err) -> str:
    text = str(err.problem or "")
    return text.split("tag", 1)[-1].strip() if "tag" in text else "used"
