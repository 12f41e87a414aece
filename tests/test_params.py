"""Notebook parameters: parsing of papermill strings and one clear sentence per error."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from siegewatch import params, workbook
from siegewatch import paths as P
from siegewatch.params import ParameterError, validate


def one_sentence(exc: pytest.ExceptionInfo) -> str:
    msg = str(exc.value)
    assert "\n" not in msg and msg.strip() == msg and len(msg) < 300, msg
    return msg


@pytest.fixture
def gazetteer(tmp_path, monkeypatch):
    """A small actors CSV, checked by the CSV reader of params (not the actors module)."""
    path = tmp_path / "actors.csv"
    path.write_text(
        "actor,bloc,alias\n"
        "Islamic State,Islamic State,ISIS|ISIL|Daesh\n"
        "Hezbollah,government and allies,Hizbollah\n"
        "Free Syrian Army,opposition,FSA\n",
        encoding="utf-8",
    )
    from siegewatch import actors

    monkeypatch.delattr(actors, "resolve_factions", raising=False)
    return path


def test_defaults_are_the_documented_ones():
    p = validate()
    assert p == params.Params()
    assert p.freq == "M" and p.factions == () and p.corpus is None
    assert p.corpus_label == "data/raw"
    assert set(params.PARAMETERS) == {
        "corpus", "start", "end", "freq", "factions", "outlets", "gazetteer", "title"}
    assert all(x.help for x in params.PARAMETERS.values())


def test_unknown_parameter_names_the_closest():
    with pytest.raises(ParameterError) as exc:
        validate(facions="ISIS")
    assert one_sentence(exc) == "unknown parameter 'facions'; did you mean 'factions'?"
    with pytest.raises(ParameterError) as exc:
        validate(zzz=1)
    assert "known parameters are corpus, start" in one_sentence(exc)


def test_strings_from_papermill_are_parsed():
    p = validate(start="2016-10-01", end=" 2016-12-31", freq="w", outlets="Reuters, AFP",
                 title="  My report ")
    assert p.start == dt.date(2016, 10, 1) and p.end == dt.date(2016, 12, 31)
    assert p.freq == "W" and p.outlets == ("Reuters", "AFP") and p.title == "My report"
    assert validate(outlets='["Reuters", "Associated Press"]').outlets == (
        "Reuters", "Associated Press")
    assert validate(outlets=["Reuters", "Reuters", ""]).outlets == ("Reuters",)
    assert validate(outlets="", start="", end="None").outlets == ()
    assert validate(start=dt.datetime(2016, 1, 2, 3)).start == dt.date(2016, 1, 2)


@pytest.mark.parametrize("raw, expect", [
    ({"start": "2016-13-01"}, "parameter 'start' is not a date: '2016-13-01'; write it as "
                              "YYYY-MM-DD, e.g. 2016-10-01"),
    ({"end": "yesterday"}, "parameter 'end' is not a date"),
    ({"start": 20161001}, "parameter 'start' is not a date: 20161001"),
    ({"start": "2017-01-01", "end": "2016-12-31"},
     "the start date 2017-01-01 is after the end date 2016-12-31; swap them or widen the window"),
    ({"freq": "Y"}, "parameter 'freq' must be D (day), W (week) or M (month), not 'Y'"),
    ({"outlets": "[Reuters"}, "parameter 'outlets' is not a valid JSON list"),
    ({"outlets": 3}, "parameter 'outlets' must be a list of names or a comma-separated string"),
    ({"factions": [1, 2]}, "parameter 'factions' must list names, not 1"),
    ({"corpus": "no/such/folder"}, "parameter 'corpus': the corpus folder or file "
                                   "'no/such/folder' does not exist"),
    ({"gazetteer": "no/such.csv"}, "parameter 'gazetteer': the file 'no/such.csv' does not exist"),
])
def test_each_error_is_one_sentence(raw, expect):
    with pytest.raises(ParameterError) as exc:
        validate(**raw)
    assert one_sentence(exc).startswith(expect)


def test_gazetteer_must_be_a_file(tmp_path):
    with pytest.raises(ParameterError) as exc:
        validate(gazetteer=str(tmp_path))
    assert "must be a CSV file, not a folder" in one_sentence(exc)


def test_corpus_path_relative_to_project_or_cwd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    p = validate(corpus="data/raw")  # not under the working folder: found in the project
    assert p.corpus == P.RAW_DIR.resolve()
    assert p.corpus_label == "data/raw"
    (tmp_path / "mine").mkdir()
    p = validate(corpus="mine")
    assert p.corpus == (tmp_path / "mine").resolve() and p.corpus_label == "mine"
    assert not os.path.isabs(p.as_dict()["corpus"])


def test_display_path_never_shows_an_absolute_path(tmp_path):
    elsewhere = tmp_path / "far" / "corpus"
    elsewhere.mkdir(parents=True)
    assert params.display_path(elsewhere) in ("corpus", "far/corpus")


def test_factions_resolve_aliases_to_canonical_names(gazetteer):
    p = validate(factions="isis, Hizbollah,Free Syrian Army", gazetteer=str(gazetteer))
    assert p.factions == ("Islamic State", "Hezbollah", "Free Syrian Army")
    assert validate(factions='["Daesh", "ISIL"]', gazetteer=str(gazetteer)).factions == (
        "Islamic State",)


def test_unknown_faction_names_the_closest_known(gazetteer):
    with pytest.raises(ParameterError) as exc:
        validate(factions="ISIS,Hezbolah", gazetteer=str(gazetteer))
    assert one_sentence(exc) == "unknown faction 'Hezbolah'; did you mean 'Hezbollah'?"
    with pytest.raises(ParameterError) as exc:
        validate(factions="Kurds", gazetteer=str(gazetteer))
    assert "unknown faction 'Kurds'; see " in one_sentence(exc)


def test_gazetteer_without_actor_column(tmp_path, gazetteer):
    bad = tmp_path / "bad.csv"
    bad.write_text("name_of_group;bloc\nX;Y\n")
    with pytest.raises(ParameterError) as exc:
        validate(factions="X", gazetteer=str(bad))
    assert "no 'actor' column" in one_sentence(exc)


def test_bundled_gazetteer_when_it_exists():
    if not P.GAZETTEER.exists():
        pytest.skip("data/gazetteer/actors.csv not written yet")
    p = validate(factions="ISIS,Hezbollah")
    assert len(p.factions) == 2 and p.warnings == ()
    with pytest.raises(ParameterError) as exc:
        validate(factions="Hezbolah")
    assert "Hezbollah" in one_sentence(exc)


def test_without_any_gazetteer_factions_pass_with_a_warning(monkeypatch, tmp_path):
    monkeypatch.setattr(P, "GAZETTEER", tmp_path / "missing.csv")
    p = validate(factions="ISIS,Hezbollah")
    assert p.factions == ("ISIS", "Hezbollah")
    assert "were not checked" in p.warnings[0]


def test_from_pairs_as_given_to_the_report_command():
    p = params.from_pairs(["start=2016-10-01", "factions=", "freq=D"])
    assert p.start == dt.date(2016, 10, 1) and p.freq == "D"
    with pytest.raises(ParameterError) as exc:
        params.from_pairs(["start"])
    assert "must be written NAME=VALUE" in one_sentence(exc)
    with pytest.raises(ParameterError, match="unknown parameter 'strat'; did you mean 'start'"):
        params.from_pairs(["strat=2016-10-01"])


def test_namespace_parameters_skip_ipython_names_modules_and_privates():
    ns = {
        "In": [""], "Out": {}, "get_ipython": lambda: None, "exit": object(), "quit": None,
        "_": 1, "__name__": "__main__", "_i1": "x", "wb": workbook, "pd": os,
        "corpus": None, "freq": "W", "factions": ["ISIS"],
    }
    assert workbook.namespace_parameters(ns) == {"corpus": None, "freq": "W",
                                                 "factions": ["ISIS"]}


def test_setup_rejects_an_unknown_name_in_the_notebook_namespace():
    ns = {"corpus": None, "freq": "M", "facions": "ISIS", "In": []}
    with pytest.raises(ParameterError) as exc:
        workbook.setup(ns)
    assert one_sentence(exc) == "unknown parameter 'facions'; did you mean 'factions'?"


def test_parameter_error_is_a_usage_error_of_the_cli():
    from siegewatch import cli

    assert ParameterError in cli._usage_errors()
