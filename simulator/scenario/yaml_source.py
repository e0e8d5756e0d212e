"""Safe YAML loading that remembers the line of every key, so errors can point at it.

Only plain YAML is accepted: tags that would construct Python objects are refused (SafeLoader).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError


class YamlSource:
    """A parsed YAML file: its data and a map from key path (tuple) to line number."""

    def __init__(self, path: Path):
        import yaml

        self.path = Path(path)
        if not self.path.is_file():
            raise UserError(f"{self.path}: no such file. Expected a YAML file; check the path "
                            f"(shipped scenarios are in scenarios/).")
        text = self.path.read_text(encoding="utf-8", errors="replace")
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = yaml.load(text, Loader=yaml.SafeLoader)
        except yaml.constructor.ConstructorError as err:
            line = err.problem_mark.line + 1 if err.problem_mark else "?"
            raise UserError(f"{self.path}, line {line}: the YAML tag {_tag(err)} is not allowed; scenario files hold "
                            f"plain values only (numbers, text, lists, mappings), never Python objects.") from None
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(err, "problem", None) or str(err)
            raise UserError(f"{self.path}{where}: this is not valid YAML ({problem}). Expected a mapping of keys "
                            f"such as name, description, weeks, parameters and events.") from None
        self.lines: dict[tuple, int] = {}
        if node is not None:
            self._index(node, ())

    def _index(self, node, path: tuple) -> None:
        import yaml

        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key, value in node.value:
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
        for cut in range(len(path), 0, -1):
            if path[:cut] in self.lines:
                return f"{self.path}, key '{shown}' (line {self.lines[path[:cut]]})"
        return f"{self.path}, key '{shown}'" if path else str(self.path)


def _tag(err) -> str:
    text = str(err.problem or "")
    return text.split("tag", 1)[-1].strip() if "tag" in text else "used"
