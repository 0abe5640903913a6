from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from matcher.errors import InputError
from matcher.facade import Filters, Matcher
from matcher.search.judge_features import NEED_ROW, RETRIEVAL_FEATURES
from matcher.search.request import clean_query
from matcher.settings import MAX_QUERY_CHARS, Settings
from tests.conftest import KeywordJudge, fake_calibration


@pytest.fixture
def matcher(tmp_path: Path, mini_corpus, fake_encoders) -> Matcher:
    return Matcher.open(tmp_path / "index", corpus=mini_corpus, encoders=fake_encoders)


def ids(result) -> list[str]:
    return [m.id for m in result.results]


def test_open_builds_on_first_use_then_reuses(tmp_path: Path, mini_corpus, fake_encoders) -> None:
    told: list[str] = []
    Matcher.open(tmp_path / "i", corpus=mini_corpus, encoders=fake_encoders, on_build=told.append)
    Matcher.open(tmp_path / "i", corpus=mini_corpus, encoders=fake_encoders, on_build=told.append)
    assert len(told) == 1 and "no index" in told[0]


def test_search_ranks_the_initiative_sharing_the_query_words(matcher: Matcher) -> None:
    result = matcher.search("detector dogs fentanyl airports", k=3)
    assert ids(result)[0] == "1209"
    top = result.results[0]
    assert top.title == "Canine Forces Component"
    assert top.sub_working_group == "1.2"
    assert top.highlights == ("Detector", "dog", "fentanyl", "airports")  # stems meet
    assert "Detector dog teams" in top.passage
    assert top.match in {"strong", "partial", "weak"}


def test_two_needs_are_both_served_in_the_top(matcher: Matcher) -> None:
    result = matcher.search(
        "fentanyl in mail and express parcels; addiction treatment courses", k=3
    )
    assert [n.text for n in result.needs] == [
        "fentanyl in mail and express parcels",
        "addiction treatment courses",
    ]
    top2 = set(ids(result)[:2])
    assert "1204" in top2 and top2 & {"3200", "3218"}
    first = result.results[0]
    assert first.needs  # each result says which need it serves


def test_filters(matcher: Matcher) -> None:
    assert set(ids(matcher.search("training", filters=Filters(sub_working_group="3.2")))) == {
        "3200",
        "3218",
    }
    only_wco = ids(matcher.search("fentanyl", filters=Filters(organization="wco")))
    assert only_wco == ["1204"]
    assert ids(matcher.search("early warning", filters=Filters(region="Americas"))) == ["2103"]
    with pytest.raises(InputError, match=r"unknown sub-working group '9\.9'"):
        matcher.search("x y", filters=Filters(sub_working_group="9.9"))
    with pytest.raises(InputError, match="unknown organisation 'ACME'"):
        matcher.search("x y", filters=Filters(organization="ACME"))
    with pytest.raises(InputError, match="unknown region 'Mars'"):
        matcher.search("x y", filters=Filters(region="Mars"))


def test_region_of_the_query_lowers_initiatives_limited_elsewhere(matcher: Matcher) -> None:
    plain = matcher.search("early warning systems new psychoactive substances", k=6)
    kenya = matcher.search("early warning systems new psychoactive substances in Kenya", k=6)
    plain_2103 = next(m for m in plain.results if m.id == "2103")
    kenya_2103 = next(m for m in kenya.results if m.id == "2103")
    assert kenya.query_regions == ("East Africa",)
    assert kenya_2103.score < plain_2103.score
    assert kenya_2103.region_note == "Limited to Americas"
    assert plain_2103.region_note == "Regional: Americas"


@pytest.mark.parametrize("k", [0, -1, 201, 2.5, "3", True])
def test_bad_k(matcher: Matcher, k) -> None:
    with pytest.raises(InputError, match="k must be a whole number from 1 to 200"):
        matcher.search("fentanyl", k=k)


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "?!", "\x00\x01", None, 42])
def test_empty_or_non_text_query(matcher: Matcher, query) -> None:
    with pytest.raises(InputError):
        matcher.search(query)


def test_long_query_is_truncated_with_a_notice() -> None:
    text, notices = clean_query("fentanyl " * 2000)
    assert len(text) == MAX_QUERY_CHARS
    assert "truncated" in notices[0]


def test_min_score_and_k(matcher: Matcher) -> None:
    assert len(matcher.search("training", k=2).results) == 2
    assert all(m.score >= 0.5 for m in matcher.search("training", min_score=0.5).results)


def test_similar_excludes_itself_and_finds_the_twin(matcher: Matcher) -> None:
    pairs = matcher.similar("3200", k=2)
    assert pairs[0][0].id == "3218"
    assert pairs[0][1] > 0.6
    assert "3200" not in [p[0].id for p in pairs]
    with pytest.raises(InputError, match="no initiative with id"):
        matcher.similar("0000")


def test_similar_with_k_past_the_catalogue_lists_every_other_initiative_once(
    matcher: Matcher,
) -> None:
    pairs = matcher.similar("3200", k=200)
    assert sorted(p[0].id for p in pairs) == sorted(i for i in matcher.corpus.ids if i != "3200")
    assert all(math.isfinite(s) for _, s in pairs)


def test_with_settings_shares_the_index(matcher: Matcher) -> None:
    other = matcher.with_settings(region_penalty=0.1)
    assert other.index is matcher.index and other.settings.region_penalty == 0.1
    assert matcher.settings == Settings()


def test_a_statement_of_context_alone_reports_no_need_and_says_so(matcher: Matcher) -> None:
    result = matcher.search("I work for the customs service. I am the head of the dog unit.")
    assert result.needs == () and result.gaps == ()
    assert any("no request" in n for n in result.notices)
    assert result.results  # still ranked, on the statement as a whole


def test_an_introduction_does_not_make_its_topic_a_top_match(matcher: Matcher) -> None:
    statement = (
        "I am the head of the detector dog unit at the airport. "
        "We need training courses for addiction treatment professionals."
    )
    result = matcher.search(statement, k=6)
    assert [n.text for n in result.needs] == [
        "training courses for addiction treatment professionals"
    ]
    by_id = {m.id: m for m in result.results}
    # the canine programme matches the introduction only: it serves no need and scores
    # below the treatment programmes the need asks for
    assert by_id["1209"].needs == ()
    assert by_id["1209"].score < min(by_id["3200"].score, by_id["3218"].score)


def test_edited_needs_drop_blanks_and_repeats(matcher: Matcher) -> None:
    result = matcher.search("anything", needs=["detector dogs", "  ", "detector dogs"])
    assert [n.text for n in result.needs] == ["detector dogs"]
    with pytest.raises(InputError, match="blank"):
        matcher.search("anything", needs=["", " "])


def test_top_k_candidates_keep_the_best_results(matcher: Matcher) -> None:
    """With one candidate per signal the search still finds the best match, scores every
    candidate exactly, and gives the others each signal's lowest retrieved score."""
    narrow = matcher.with_settings(dense_candidates=1, lexical_candidates=1)
    query = "detector dogs fentanyl airports"
    full, few = matcher.score_many([query])[0], narrow.score_many([query])[0]
    assert few.candidates is not None and 1 <= len(few.candidates) < len(matcher.corpus)
    rows = few.candidates
    for signal in ("bm25", "minilm", "use"):
        assert few.evidence[signal][rows] == pytest.approx(full.evidence[signal][rows])
        outside = np.setdiff1d(np.arange(len(matcher.corpus)), rows)
        assert (few.evidence[signal][outside] <= few.evidence[signal][rows].max()).all()
    assert ids(narrow.search(query, k=1)) == ids(matcher.search(query, k=1)) == ["1209"]


def test_filters_stay_correct_with_few_candidates(matcher: Matcher) -> None:
    narrow = matcher.with_settings(dense_candidates=1, lexical_candidates=1)
    # the best initiative for the query is outside the filter: the filtered retrieval still
    # finds the allowed ones
    assert ids(narrow.search("fentanyl", filters=Filters(organization="wco"))) == ["1204"]
    assert ids(narrow.search("early warning", filters=Filters(region="Americas"))) == ["2103"]


# ------------------------------------------------------------------ the judge and the country
def judged_matcher(tmp_path: Path, mini_corpus, fake_encoders) -> tuple[Matcher, KeywordJudge]:
    judge = KeywordJudge()
    calibration = replace(fake_calibration(fake_encoders), judge=judge)
    opened = Matcher.open(
        tmp_path / "index", corpus=mini_corpus, encoders=fake_encoders, calibration=calibration
    )
    return opened, judge


def test_the_judge_decides_each_need_in_one_batch(tmp_path, mini_corpus, fake_encoders) -> None:
    m, judge = judged_matcher(tmp_path, mini_corpus, fake_encoders)
    result = m.search("fentanyl in postal parcels; cattle rustling and livestock theft")
    statuses = {n.text: (n.status, n.results) for n in result.needs}
    assert statuses["fentanyl in postal parcels"] == ("served", ("1204",))
    assert statuses["cattle rustling and livestock theft"] == ("gap", ())
    assert result.gaps == ("cattle rustling and livestock theft",)
    assert len(judge.calls) == 1 and len(judge.calls[0]) == 2  # both needs in one call
    assert all(len(item.passages) == KeywordJudge.candidates for item in judge.calls[0])
    widths = {item.features.shape[1] for item in judge.calls[0]}
    # retrieval and word-coverage features, then the vector products
    assert widths == {len(RETRIEVAL_FEATURES) + 2 * 64 + 2 * 32}
    assert {item.need_features.shape for item in judge.calls[0]} == {(len(NEED_ROW),)}
    serving = {m_.id: m_.needs for m_ in result.results}
    assert serving["1204"] == ("fentanyl in postal parcels",)
    assert all(not needs for i, needs in serving.items() if i != "1204")


def test_a_programme_limited_to_another_region_serves_only_writers_inside_it(
    tmp_path, mini_corpus, fake_encoders
) -> None:
    m, _ = judged_matcher(tmp_path, mini_corpus, fake_encoders)
    need = "national early warning systems"
    outside = m.search(need, country="Ghana")
    inside = m.search(need, country="MX")
    assert (outside.needs[0].status, outside.needs[0].results) == ("other-region-only", ("2103",))
    assert outside.other_region_only == (need,) and outside.country == "Ghana"
    assert (inside.needs[0].status, inside.needs[0].results) == ("served", ("2103",))
    assert inside.to_dict()["country"] == "Mexico"


def test_the_country_given_outranks_a_place_the_statement_names(
    tmp_path, mini_corpus, fake_encoders
) -> None:
    m, _ = judged_matcher(tmp_path, mini_corpus, fake_encoders)
    text = "We work with Mexico's police. We need national early warning systems."

    def status(result) -> str:
        return next(n.status for n in result.needs if n.text == "national early warning systems")

    assert status(m.search(text)) == "served"
    assert status(m.search(text, country="Ghana")) == "other-region-only"


def test_an_unknown_country_is_an_input_error(matcher: Matcher) -> None:
    with pytest.raises(InputError, match="unknown country"):
        matcher.search("detector dogs", country="Atlantis")


def test_a_statement_outside_the_field_has_its_needs_out_of_scope(
    tmp_path, mini_corpus, fake_encoders
) -> None:
    judge = KeywordJudge()
    judge.field_floor = 2.0  # every statement is less like the catalogue than this
    calibration = replace(fake_calibration(fake_encoders), judge=judge)
    m = Matcher.open(
        tmp_path / "i", corpus=mini_corpus, encoders=fake_encoders, calibration=calibration
    )
    away = m.search("malaria bed nets for rural villages")
    assert [n.status for n in away.needs] == ["out-of-scope"]
    assert away.gaps == ("malaria bed nets for rural villages",)
    mixed = m.search("fentanyl in postal parcels; malaria bed nets")
    assert sorted(n.status for n in mixed.needs) == ["gap", "served"]


def test_each_result_says_which_need_it_stands_for(matcher: Matcher) -> None:
    """Results take turns among the needs; each card names the need it is placed for and its
    turn for that need, so an order that is not by label still explains itself."""
    result = matcher.search(
        "fentanyl in mail and express parcels; addiction treatment courses", k=4
    )
    needs = [n.text for n in result.needs]
    assert {m.shown_for for m in result.results} == set(needs)
    turns: dict[str, int] = {}
    for m in result.results:
        turns[m.shown_for] = turns.get(m.shown_for, 0) + 1
        assert m.rank_for_need == turns[m.shown_for]
    mail = next(m for m in result.results if m.id == "1204")
    assert (mail.shown_for, mail.rank_for_need) == ("fentanyl in mail and express parcels", 1)
    row = result.to_dict()["results"][0]
    assert row["shown_for"] in needs and row["rank_for_need"] == 1


def test_a_one_text_search_names_no_need_to_stand_for(matcher: Matcher) -> None:
    result = matcher.search(
        "I work for the customs service. I am the head of the dog unit.", k=3
    )  # context only: searched as one text
    assert all(m.shown_for == "" and m.rank_for_need == 0 for m in result.results)


def test_gaps_in_the_json_are_the_needs_nothing_serves(matcher: Matcher) -> None:
    result = matcher.search("detector dogs at airports; zebra quantum violin lessons", k=3)
    data = result.to_dict()
    assert data["gaps"] == [n["text"] for n in data["needs"] if n["status"] == "gap"]
    assert "zebra quantum violin lessons" in data["gaps"]
    served = {n.text for n in result.needs if n.status == "served"}
    for m in result.results:  # "Serves:" claims only needs the engine accepts for the card
        assert set(m.needs) <= served
        assert all(m.id in n.results for n in result.needs if n.text in m.needs)
