import pytest

from pipeline.errors import SpeakerError
from pipeline.ingest import parse
from pipeline.roles import assign_roles
from tests.conftest import DATA
from tests.utils.builders import untimed

SEGS = untimed([
    ("Dana", "How did the Acme call go? What did they say about price?", "deal-status"),
    ("Sam", "They pushed back hard, and I held at ten percent, which felt right to me.", "deal-status"),
    ("Dana", "What would you do differently next time?", "coaching"),
    ("Sam", "I would ask about budget earlier in discovery and anchor on value first.", "coaching"),
])


def test_names_from_request_win_and_fill_the_other_role():
    transcript = parse((DATA / "gong.json").read_bytes())
    roles = assign_roles(SEGS, transcript, manager="sam")
    assert roles == {"Dana": ("rep", "request"), "Sam": ("manager", "request")}


def test_unknown_name_is_an_error_naming_the_speakers():
    transcript = parse((DATA / "zoom.vtt").read_bytes())
    with pytest.raises(SpeakerError, match="Dana, Sam"):
        assign_roles(SEGS, transcript, rep="Pat")


def test_inferred_manager_is_the_one_asking():
    transcript = parse((DATA / "zoom.vtt").read_bytes())
    assert assign_roles(SEGS, transcript) == {"Dana": ("manager", "inferred"), "Sam": ("rep", "inferred")}


def test_parties_roles_are_used_when_no_names_given():
    transcript = parse((DATA / "gong.json").read_bytes())
    segs = untimed([("Dana Ruiz", "hi", "rapport"), ("Sam Lee", "hey", "rapport")])
    assert assign_roles(segs, transcript) == {"Dana Ruiz": ("manager", "parties"), "Sam Lee": ("rep", "parties")}
