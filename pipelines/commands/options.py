"""Option conventions shared by every subcommand (import-light: no Beam until a command runs).

- One name for the output root: ``--output DIR`` (the root ``redact run`` wrote). The old ``--dataset``
  of gate, publish and purge still works for one release, with one deprecation warning.
- Options are spelled exactly: no abbreviations (``--dry`` is not ``--dry-run``).
- Options that are not ours are allowed only where the command runs a Beam pipeline, and only if they are
  known Beam pipeline options (``--runner``, ``--direct_num_workers`` ...). Anything else is refused with
  exit 2 before anything is read or changed, naming the closest known option.
- ``--template_location`` is refused too: it stages a job graph instead of running it, and ``run`` and
  ``purge`` wait for their pipeline to finish before they write the manifest, gate, publish or delete.
- ``--runner=PrismRunner`` without a local ``--prism_location`` is refused: Beam would download Prism
  from GitHub at run time (``pipelines/runner_names.py``).
"""

from __future__ import annotations

import argparse
import difflib
import sys

from transforms.errors import ConfigError

NER_CHILD_CHOICES = ("auto", "on", "off")


def add_ner_child(p: argparse.ArgumentParser, auto: str, what: str) -> None:
    """``--ner-child``: part of detection in a child process on another core (same spans); ``what`` says
    which part for this command (``redact run``: whole batches; ``redact detect``: spaCy's NER ahead)."""
    p.add_argument(
        "--ner-child",
        choices=NER_CHILD_CHOICES,
        default="auto",
        help=f"{what} (same spans, one more core); auto: {auto}",
    )


class Parser(argparse.ArgumentParser):
    """``ArgumentParser`` without abbreviations: a mistyped option must never match a longer one."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def parse_known_args(self, args=None, namespace=None):
        self._argv = list(sys.argv[1:] if args is None else args)  # subcommands get their own share
        return super().parse_known_args(args, namespace)

    def error(self, message: str):
        """A required option missing because it was mistyped (``--outptu DIR``) gets our one-line
        "did you mean" error (exit 2) instead of argparse's "--output is required"."""
        if message.startswith(("the following arguments are required", "one of the arguments")):
            typo = mistyped_required(self, getattr(self, "_argv", []))
            if typo:
                self.exit(2, f"{self.prog}: error: {typo}\n")
        super().error(message)


def mistyped_required(parser: argparse.ArgumentParser, argv: list[str]) -> str | None:
    """When a required option is missing because it was mistyped (``--outptu DIR``), the one-line error
    naming the typo and the option meant; ``None`` when no argument looks like a misspelling of one."""
    ours = set(own_options(parser))
    actions = [a for a in parser._actions if a.required]
    actions += [a for g in parser._mutually_exclusive_groups if g.required for a in g._group_actions]
    required = [s for a in actions for s in a.option_strings if s.startswith("--") and a.help is not argparse.SUPPRESS]
    for arg in argv:
        name = arg.split("=", 1)[0]
        if not name.startswith("--") or name in ours:
            continue
        hint = suggest(name, required)
        if hint:
            return f"unknown option {name} (did you mean {hint}?); nothing was changed"
    return None


class UsageError(ConfigError):
    """A command line that is refused before anything runs (exit 2)."""


class DeprecatedAlias(argparse.Action):
    """An old spelling of an option: stores into the new option's ``dest`` and warns once on stderr."""

    def __init__(self, option_strings, dest, new: str, **kwargs) -> None:
        self.new = new
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        setattr(namespace, self.dest, True if self.nargs == 0 else values)
        warned = namespace.__dict__.setdefault("_deprecated_warned", set())
        old = option_string or self.option_strings[0]
        if old not in warned:  # once per command line, however often the old spelling is repeated
            warned.add(old)
            warn_deprecated(old, self.new)


def warn_deprecated(old: str, new: str) -> None:
    print(f"redact: warning: {old} is deprecated and will be removed in the next release; use {new}", file=sys.stderr)


ROOT_HELP = "the output root: the --output DIR given to 'redact run' (training/, vault/, quarantine/, audit/ ...)"


def add_output_root(p: argparse.ArgumentParser, help: str = ROOT_HELP, old_dataset: bool = False) -> None:
    """``--output DIR`` (required); with ``old_dataset`` also the deprecated ``--dataset DIR``."""
    if not old_dataset:
        p.add_argument("--output", required=True, metavar="DIR", help=help)
        return
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--output", metavar="DIR", help=help)
    group.add_argument(
        "--dataset", dest="output", metavar="DIR", action=DeprecatedAlias, new="--output", help=argparse.SUPPRESS
    )


def own_options(parser: argparse.ArgumentParser) -> list[str]:
    return [s for a in parser._actions for s in a.option_strings if a.help is not argparse.SUPPRESS]


def suggest(option: str, candidates: list[str]) -> str | None:
    """The known option a mistyped one most likely meant (``--no_publish`` -> ``--no-publish``)."""
    canon = {c.replace("_", "-").lower(): c for c in candidates}
    key = option.replace("_", "-").lower()
    if key in canon:
        return canon[key]
    close = difflib.get_close_matches(key, list(canon), n=1, cutoff=0.75)
    return canon[close[0]] if close else None


def _norm(option: str) -> str:
    return option.split("=", 1)[0].replace("_", "-").lower()


def check_extra_args(extra: list[str], ours: list[str], beam: bool) -> None:
    """Refuse every leftover argument that is not a known Beam pipeline option (any leftover when the
    command runs no Beam pipeline), and Beam options spelled like one of ours (Beam's ``--dry_run`` is not
    purge's ``--dry-run``). Raises ``UsageError`` naming the first offender and the likely intended option."""
    if not extra:
        return
    mine = {_norm(o): o for o in ours}
    shadowing = [a for a in extra if a.startswith("--") and _norm(a) in mine]
    if shadowing:
        name = shadowing[0].split("=", 1)[0]
        raise UsageError(f"unknown option {name} (did you mean {mine[_norm(name)]}?); nothing was changed")
    known, unknown = parse_beam_args(extra) if beam else (None, list(extra))
    if not unknown:
        staged = known is not None and staging_only(known)
        if staged:
            raise UsageError(
                f"{staged} stages a Dataflow job graph instead of running it, but this command waits for its "
                "pipeline (the manifest, gate and publish follow it): run it with --runner=DataflowRunner from a "
                "container job instead; nothing was changed"
            )
        if known is not None and fetches_prism(known):
            raise UsageError(
                "--runner=PrismRunner downloads Beam's Prism binary from GitHub at run time, and this tool makes "
                "no network call but to its KMS and storage: pass --prism_location=<a local Prism binary or "
                "zip>, or use the DirectRunner (the default); nothing was changed"
            )
        return
    bad = unknown[0]
    if not bad.startswith("-"):
        raise UsageError(f"unexpected argument {bad!r}; nothing was changed")
    name = bad.split("=", 1)[0]
    hint = suggest(name, ours) or (suggest(name, beam_option_strings()) if beam else None)
    raise UsageError(f"unknown option {name}" + (f" (did you mean {hint}?)" if hint else "") + "; nothing was changed")


class _Refused(Exception):
    pass


def _beam_parser():
    """The parser Beam itself builds from every ``PipelineOptions`` subclass (``get_all_options``), so
    "known" means exactly what Beam will parse rather than discard with a warning."""
    import apache_beam  # noqa: F401  (registers the option classes of every runner)
    from apache_beam.options.pipeline_options import PipelineOptions, _BeamArgumentParser

    class _Strict(_BeamArgumentParser):
        def error(self, message):  # a bad value for a known Beam option: refuse, do not exit
            raise _Refused(message)

    parser = _Strict(allow_abbrev=False, add_help=False)
    classes: dict[str, type] = {}
    for cls in PipelineOptions.__subclasses__():
        classes.setdefault(str(cls), cls)
    for cls in classes.values():
        cls._add_argparse_args(parser)
    return parser


def beam_option_strings() -> list[str]:
    return [s for a in _beam_parser()._actions for s in a.option_strings]


# Beam options that make ``Pipeline.run()`` stage the job graph (a Dataflow template, e.g. the
# ``job_object`` a Flex Template launcher asks for) instead of running it: a command that waits for its
# pipeline and then reads its outputs would go on as if an empty job had succeeded.
_STAGING_ONLY = ("template_location",)


def staging_only(known: argparse.Namespace) -> str | None:
    """The first staging-only Beam option set (``--template_location``), if any; ``known``: from
    ``parse_beam_args``."""
    return next((f"--{dest}" for dest in _STAGING_ONLY if getattr(known, dest, None)), None)


def fetches_prism(known: argparse.Namespace) -> bool:
    """Would the run download Prism (``--runner=PrismRunner`` without a local ``--prism_location``)?"""
    from pipelines.runner_names import downloads_prism

    return downloads_prism(getattr(known, "runner", None), getattr(known, "prism_location", None))


def parse_beam_args(extra: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """``extra`` as Beam parses it: the known options, and the leftovers Beam would discard (with only a
    warning). A bad value of a known option is refused."""
    try:
        return _beam_parser().parse_known_args(list(extra))
    except _Refused as exc:
        raise UsageError(f"bad Beam pipeline option: {exc}; nothing was changed") from None
