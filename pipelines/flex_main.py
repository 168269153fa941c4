"""Entry point of the Dataflow Flex Template: template parameters -> ``redact run`` arguments.

Flex templates pass ``--name=value`` with underscores; the CLI uses dashes for its own options.
Everything else (``--runner``, ``--project``, ``--temp_location`` ...) goes to Beam unchanged
(``tests/pipelines/test_flex_main.py`` checks the launcher's command line end to end). A Flex launch also
passes ``--template_location`` (stage the job graph and exit); ``redact run`` waits for its job, so it
refuses that option with one line (see README "Deployment").
"""

from __future__ import annotations

import sys

from pipelines.cli import main

_OWN = {"--kek_uri": "--kek-uri", "--summary_json": "--summary-json"}


def translate(argv: list[str]) -> list[str]:
    out = []
    for arg in argv:
        name, sep, value = arg.partition("=")
        if name == "--input" and sep:
            out.extend(f"--input={v}" for v in value.split(",") if v)
            continue
        out.append(_OWN.get(name, name) + sep + value)
    return ["run", *out]


if __name__ == "__main__":
    sys.exit(main(translate(sys.argv[1:])))
