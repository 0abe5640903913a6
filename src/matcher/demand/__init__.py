"""The demand picture: what countries ask for and what nothing serves, recorded only when the
deployment turns it on (`MATCHER_DEMAND=on`, `matcher serve --record-demand`) or one CLI search
asks (`matcher search --record`)."""

from matcher.demand.report import (
    DemandPicture,
    NeedGroup,
    demand_picture,
    group_needs,
    picture_csv,
)
from matcher.demand.store import (
    ENV,
    DemandSearch,
    DemandStore,
    default_demand_dir,
    parse_day,
    recording_on,
    searched,
)

__all__ = [
    "ENV",
    "DemandPicture",
    "DemandSearch",
    "DemandStore",
    "NeedGroup",
    "default_demand_dir",
    "demand_picture",
    "group_needs",
    "parse_day",
    "picture_csv",
    "recording_on",
    "searched",
]
