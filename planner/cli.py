"""`tandem plan INSTANCE [options]`: one JSON result on stdout, logs on stderr.

Exit 0 on success (including an infeasible instance: that is a result, not an error); exit 2
with one line on stderr for a bad instance, option or file; exit 1 with one line for an
internal failure. Never a traceback.
"""

import argparse
import json
import sys

from .errors import InstanceError
from .validate import validate_instance

PROG = "tandem plan"


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would print the usage block: we want one line
        raise InstanceError(message)


def _parser():
    p = _Parser(
        prog=PROG,
        description="Plan a term: which wished course runs to offer, when, where and with which peer + staff pair.",
    )
    p.add_argument("instance", metavar="INSTANCE", help="plan instance JSON file, or - for stdin")
    p.add_argument(
        "--time-limit",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds for the plan (each extra analysis gets as much again); default 30",
    )
    p.add_argument("--seed", type=int, default=0, metavar="N", help="solver random seed")
    p.add_argument("--workers", type=int, default=2, metavar="W", help="solver threads; default 2")
    p.add_argument(
        "--previous",
        metavar="PLAN",
        help="previous plan result JSON: re-plan with "
        'as few changes as possible (runs marked "confirmed": true are kept)',
    )
    p.add_argument(
        "--drop-tutor", action="append", default=[], metavar="ID", help="re-plan without this tutor (repeatable)"
    )
    p.add_argument(
        "--explain-cost",
        action="append",
        default=[],
        metavar="RUN_ID",
        help="what offering this unoffered run would cost, by re-solving (repeatable)",
    )
    p.add_argument(
        "--what-if-candidates",
        metavar="FILE",
        help="JSON list of staff tutor profiles: which one extra tutor adds most weight",
    )
    p.add_argument(
        "--raise-release",
        action="append",
        default=[],
        metavar="TUTOR:HOURS",
        help="what raising a staff tutor's release by HOURS gains (repeatable)",
    )
    p.add_argument("--greedy-only", action="store_true", help="only the greedy hand-planner's plan, no optimisation")
    p.add_argument("--verbose", "-v", action="store_true", help="progress lines (objective, bound, seconds) on stderr")
    return p


def _read_json(path, what):
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        raise InstanceError(f"{what}: cannot read {path!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InstanceError(f"{what}: {path!r} is not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError(
            f"{what}: {path!r} is not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise InstanceError(f"{what}: {path!r} nests arrays or objects too deeply to be an instance") from None


def _raise_arg(text):
    tutor, sep, hours = text.rpartition(":")
    if not sep or not tutor:
        raise InstanceError(f"--raise-release: expected TUTOR:HOURS, got {text!r}")
    try:
        value = float(hours)
    except ValueError:
        raise InstanceError(f"--raise-release: HOURS must be a number, got {hours!r}") from None
    return tutor, int(value) if value.is_integer() else value


def _one_line(text):
    return " ".join(str(text).split())


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(argv)
        instance = _read_json(args.instance, "INSTANCE")
        validate_instance(instance)  # before importing OR-Tools: bad input fails fast
        from .api import greedy_plan, solve  # noqa: PLC0415 (CLI fast path: OR-Tools only when solving)

        if args.greedy_only:
            result = greedy_plan(instance)
        else:
            kwargs = {}
            if args.previous:
                kwargs["previous"] = _read_json(args.previous, "--previous")
            if args.what_if_candidates:
                kwargs["what_if_candidates"] = _read_json(args.what_if_candidates, "--what-if-candidates")
            if args.verbose:

                def progress(obj, bound, wall):
                    print(f"{PROG}: objective {obj} bound {bound} at {wall:.2f} s", file=sys.stderr, flush=True)

                kwargs["progress"] = progress
            result = solve(
                instance,
                time_limit=args.time_limit,
                seed=args.seed,
                workers=args.workers,
                drop_tutors=args.drop_tutor,
                explain_cost=args.explain_cost,
                raise_release=[_raise_arg(x) for x in args.raise_release],
                **kwargs,
            )
        out = json.dumps(result, allow_nan=False)
    except InstanceError as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the contract: one line, never a traceback
        print(f"{PROG}: internal error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 1
    sys.stdout.write(out + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
