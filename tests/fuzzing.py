"""How many inputs the property tests generate.

The default suite runs each property test at its own small budget. The dedicated run

    python -m pytest -m fuzz --hypothesis-profile=fuzz

runs every test marked ``fuzz`` with at least ``FUZZ_EXAMPLES`` generated inputs each.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

FUZZ_EXAMPLES = 10_000

settings.register_profile(
    "fuzz",
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)


def examples(budget: int) -> int:
    """`budget` in the default suite; at least FUZZ_EXAMPLES under the fuzz profile."""
    current = settings.default.max_examples
    return max(budget, current) if current >= FUZZ_EXAMPLES else budget
