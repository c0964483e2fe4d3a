"""`tandem spc [FILE]`: read one request (or a JSON array of them) from FILE or stdin and
write the result(s) as JSON on stdout (CONTRACTS.md §1).

Exit 0 on success; exit 2 with one line on stderr naming the field on bad input; never a
traceback. Deliberately Django-free and light to import.
"""

import gc
import os
import sys

USAGE = "usage: tandem spc [FILE]  (reads stdin when FILE is absent or -)"


def _fail(message, code=2):
    sys.stderr.write(f"{message}\n")
    return code


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        sys.stdout.write(USAGE + "\n")
        return 0
    if len(argv) > 1 or (argv and argv[0].startswith("-") and argv[0] != "-"):
        return _fail(f"arguments: {USAGE}")
    path = argv[0] if argv else "-"
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        return _fail(f"{path}: cannot read: {exc.strerror or exc}")

    from .api import run_json  # noqa: PLC0415 (CLI fast path: --help and read errors stay instant)
    from .errors import SpcInputError  # noqa: PLC0415 (CLI fast path: --help and read errors stay instant)

    # nothing here makes reference cycles; the collector would only re-scan the hundreds
    # of thousands of objects a large batch holds (tens of ms)
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        pieces = run_json(data)
        out = sys.stdout.buffer
        for piece in pieces:
            out.write(piece)
        out.write(b"\n")
        out.flush()
    except SpcInputError as exc:
        return _fail(str(exc).splitlines()[0] if str(exc) else "bad input")
    except BrokenPipeError:  # reader went away: stay quiet, also at interpreter exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except MemoryError:
        return _fail("out of memory", 1)
    except Exception as exc:  # never a traceback (contract); this is a bug, say so briefly
        return _fail(f"internal error: {type(exc).__name__}: {exc}".splitlines()[0], 1)
    finally:
        if gc_was_enabled:
            gc.enable()
    return 0


if __name__ == "__main__":
    sys.exit(main())
