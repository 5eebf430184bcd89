"""Hypothesis strategies that mutate real text files: truncations, dropped or repeated lines, garbled bytes.

Used by the text readers' fuzz tests: whatever comes out must read as ``CyclerData`` or fail with an
``InputError``, never with another exception.
"""

from __future__ import annotations

from hypothesis import strategies as st

GARBAGE = st.binary(min_size=1, max_size=40) | st.sampled_from(
    [b"nan", b"inf", b"-inf", b"", b"\t\t\t", b";;;", b",,,", b"\xff\xfe", b"1e400", b"--", b'"', b"\x00"]
)


def shorten(data: bytes, max_lines: int = 400) -> bytes:
    """Keep a file's first ``max_lines`` lines so that each example stays fast."""
    lines = data.splitlines(keepends=True)
    return b"".join(lines[:max_lines])


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """One random mutation of ``data`` (a whole file's bytes)."""
    lines = data.splitlines(keepends=True)
    kind = draw(st.sampled_from(["truncate", "drop", "repeat", "garble", "splice", "slice"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "slice":
        start = draw(st.integers(0, len(lines)))
        stop = draw(st.integers(start, len(lines)))
        keep_head = draw(st.integers(0, min(3, start)))
        return b"".join(lines[:keep_head] + lines[start:stop])
    index = draw(st.integers(0, max(len(lines) - 1, 0)))
    if kind == "drop":
        count = draw(st.integers(1, 20))
        return b"".join(lines[:index] + lines[index + count :])
    if kind == "repeat":
        count = draw(st.integers(1, 5))
        return b"".join(lines[: index + 1] + [lines[index]] * count + lines[index + 1 :]) if lines else data
    line = lines[index] if lines else b""
    position = draw(st.integers(0, len(line)))
    if kind == "garble":
        width = draw(st.integers(0, 12))
        line = line[:position] + draw(GARBAGE) + line[position + width :]
    else:  # splice garbage between lines
        line = line + draw(GARBAGE) + b"\n"
    return b"".join([*lines[:index], line, *lines[index + 1 :]])
