"""The one exception type for user mistakes: the CLI prints its message and exits with status 2."""


class UserError(Exception):
    """A problem with the user's input, explained in one paragraph (file, key, expected, found)."""


def closest(name: str, choices, n: int = 3) -> str:
    """A ' Did you mean ...?' hint with the closest valid names, or '' when none is close."""
    import difflib

    matches = difflib.get_close_matches(name, list(choices), n=n, cutoff=0.6)
    return f" Did you mean {', '.join(repr(m) for m in matches)}?" if matches else ""
