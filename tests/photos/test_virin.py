"""VIRIN parsing, validation and explanation (docs/DOMAIN.md section 2). No database needed."""

import dataclasses
import datetime

import pytest
from django.core.exceptions import ValidationError

from newsroom.photos.virin import (
    SERVICES,
    Virin,
    VirinError,
    normalise_virin,
    parse_virin,
    validate_virin,
)

TODAY = datetime.date(2026, 6, 1)


# --- valid ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, date_shot, service, originator, scene, item, country",
    [
        ("200922-D-BN624-1166", datetime.date(2020, 9, 22), "D", "BN624", 1, 166, None),
        ("250119-Z-RM409-1071", datetime.date(2025, 1, 19), "Z", "RM409", 1, 71, None),
        ("060515-N-AA987-1001-BE", datetime.date(2006, 5, 15), "N", "AA987", 1, 1, "BE"),
        ("200922-A-A1234-9999", datetime.date(2020, 9, 22), "A", "A1234", 9, 999, None),
    ],
)
def test_valid_examples_parse_into_segments(text, date_shot, service, originator, scene, item, country):
    virin = parse_virin(text, today=TODAY)
    assert virin == Virin(date_shot, service, originator, scene, item, country)
    assert virin.is_canonical
    assert str(virin) == text
    assert normalise_virin(text) == text


def test_originator_kind_and_service_name():
    assert parse_virin("200922-D-BN624-1166").originator_kind == "person"
    assert parse_virin("200922-A-A1234-1166").originator_kind == "unit"
    assert parse_virin("060515-M-1234S-001", lenient=True).originator_kind == "legacy"
    assert parse_virin("250119-Z-RM409-1071").service_name == "National Guard"


def test_services_include_current_and_older_letters():
    assert SERVICES["D"] == "Department of Defense"
    assert set(SERVICES) == set("ADFGHMNOSZ") | set("CJL")


@pytest.mark.parametrize("letter", ["C", "J", "L"])
def test_older_service_letters_are_accepted(letter):
    assert parse_virin(f"060515-{letter}-AA987-1001").service == letter


def test_surrounding_whitespace_is_stripped():
    assert normalise_virin("  200922-D-BN624-1166\n") == "200922-D-BN624-1166"


def test_virin_is_frozen():
    virin = parse_virin("200922-D-BN624-1166")
    with pytest.raises(dataclasses.FrozenInstanceError):
        virin.item = 2


# --- dates ---------------------------------------------------------------------------------


def test_leap_day_valid_in_leap_year_only():
    assert parse_virin("200229-D-BN624-1166").date_shot == datetime.date(2020, 2, 29)
    with pytest.raises(VirinError) as err:
        parse_virin("210229-D-BN624-1166")
    assert err.value.segment == "date"
    assert "February 2021 has 28 days" in str(err.value)


def test_year_2000_is_a_leap_year():
    assert parse_virin("000229-D-BN624-1166", today=TODAY).date_shot == datetime.date(2000, 2, 29)


@pytest.mark.parametrize(
    "yymmdd, year",
    [("991231", 1999), ("270101", 1927), ("260101", 2026), ("000101", 2000), ("060515", 2006)],
)
def test_century_pivots_on_todays_two_digit_year(yymmdd, year):
    assert parse_virin(f"{yymmdd}-D-BN624-1166", today=TODAY).date_shot.year == year


def test_date_shot_today_is_accepted():
    assert parse_virin("260601-D-BN624-1166", today=TODAY).date_shot == TODAY


def test_future_date_is_refused_naming_the_date():
    with pytest.raises(VirinError) as err:
        parse_virin("260602-D-BN624-1166", today=TODAY)
    assert err.value.segment == "date"
    assert "June 2, 2026" in str(err.value)
    assert "future" in str(err.value)
    # The same VIRIN is fine once that day has come.
    assert parse_virin("260602-D-BN624-1166", today=datetime.date(2026, 6, 2)).is_canonical


# --- invalid: each message names its segment and quotes the input --------------------------


@pytest.mark.parametrize(
    "text, segment, expected",
    [
        ("200230-D-BN624-1166", "date", "Day 30"),
        ("201322-D-BN624-1166", "date", "Month 13"),
        ("200022-D-BN624-1166", "date", "Month 00"),
        ("2009A2-D-BN624-1166", "date", "six digits, YYMMDD"),
        ("200922-Q-BN624-1166", "service", 'service letter "Q"'),
        ("200922-DD-BN624-1166", "service", "A (Army), C (Coalition), D (Department of Defense)"),
        ("200922-D-BN62-1166", "originator", 'Originator "BN62"'),
        ("200922-D-B62A4-1166", "originator", "two letters and three digits"),
        ("200922-D-ZZ999-1166", "originator", "placeholder"),
        ("200922-D-BN624-1000", "sequence", "Item 000"),
        ("200922-D-BN624-0166", "sequence", "Scene 0"),
        ("200922-D-BN624-166", "sequence", 'Sequence "166"'),
        ("200922-D-BN624-1166-XX", "country", 'Country "XX"'),
        ("200922-D-BN624-1166-BEL", "country", "ISO 3166 two-letter"),
        ("200922-D-BN624", "format", "A VIRIN looks like 200922-D-BN624-1166"),
        ("200922-D-BN624-1166-BE-X", "format", "optional country"),
        ("200922-D--BN624-1166", "format", "not in VIRIN form"),
        ("200922_D_BN624_1166", "format", "A VIRIN looks like"),
    ],
)
def test_invalid_virin_error_names_segment(text, segment, expected):
    with pytest.raises(VirinError) as err:
        parse_virin(text, today=TODAY)
    assert err.value.segment == segment
    assert expected in str(err.value)
    assert f'"{text}"' in str(err.value)


def test_error_messages_match_the_editor_wording():
    with pytest.raises(VirinError, match=r'^Month 13 in "201322-D-BN624-1166" is not a real date \(YYMMDD\)\.$'):
        parse_virin("201322-D-BN624-1166")
    with pytest.raises(
        VirinError, match=r'^Unknown service letter "Q" in "200922-Q-BN624-1166"; known letters: A \(Army\)'
    ):
        parse_virin("200922-Q-BN624-1166")
    with pytest.raises(VirinError, match=r"""^"ZZ999" .*the manual's placeholder originator ID, not a real one\.$"""):
        parse_virin("200922-D-ZZ999-1166")
    with pytest.raises(
        VirinError,
        match=r'^Item 000 in "200922-D-BN624-1000": the last three digits of the sequence must be 001-999\.$',
    ):
        parse_virin("200922-D-BN624-1000")


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_input_is_a_format_error(text):
    with pytest.raises(VirinError) as err:
        parse_virin(text)
    assert err.value.segment == "format"
    assert "A VIRIN looks like" in str(err.value)


def test_virin_error_is_a_value_error():
    with pytest.raises(ValueError):
        normalise_virin("200230-D-BN624-1166")


@pytest.mark.parametrize(
    "text, segment",
    [
        ("060515-M-AA987-001", "sequence"),
        ("060515-M-1234S-1001", "originator"),
        ("170815-A-DR075-349C", "sequence"),
        ("170815-A-DR075-1349.JPG", "format"),
    ],
)
def test_strict_mode_refuses_legacy_forms(text, segment):
    with pytest.raises(VirinError) as err:
        parse_virin(text)
    assert err.value.segment == segment


# --- case and canonical form -----------------------------------------------------------------


def test_lower_case_is_normalised_but_not_stored():
    assert normalise_virin("200922-d-bn624-1166-be") == "200922-D-BN624-1166-BE"
    assert parse_virin("200922-d-BN624-1166").is_canonical  # strict: case is normalised silently
    with pytest.raises(ValidationError) as err:
        validate_virin("200922-d-BN624-1166")
    assert err.value.code == "invalid_virin"
    assert "200922-D-BN624-1166" in err.value.messages[0]


@pytest.mark.parametrize("text", ["200922-D-BN624-1166", "250119-Z-RM409-1071", "060515-N-AA987-1001-BE"])
def test_validate_virin_passes_canonical_values(text):
    assert validate_virin(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("200230-D-BN624-1166", "Day 30"),
        ("200922-D-BN624-1000", "Item 000"),
        (" 200922-D-BN624-1166", "200922-D-BN624-1166"),
        ("060515-M-AA987-001", 'Sequence "001"'),
    ],
)
def test_validate_virin_refuses_invalid_or_uncanonical(text, expected):
    with pytest.raises(ValidationError) as err:
        validate_virin(text)
    assert err.value.code == "invalid_virin"
    assert expected in err.value.messages[0]


@pytest.mark.parametrize(
    "text",
    ["200922-D-BN624-1166", "060515-N-AA987-1001-BE", "060515-M-1234S-001", "170815-A-DR075-349C"],
)
def test_str_round_trips(text):
    virin = parse_virin(text, lenient=True)
    assert str(virin) == text
    assert parse_virin(str(virin), lenient=True) == virin


# --- explain -----------------------------------------------------------------------------------


def test_explain_lists_every_segment():
    assert parse_virin("200922-D-BN624-1166-BE").explain() == [
        ("Date shot", "Sept. 22, 2020"),
        ("Service", "D — Department of Defense"),
        ("Originator", "BN624 (person)"),
        ("Scene", "1"),
        ("Item", "166"),
        ("Country", "Belgium"),
    ]


def test_explain_without_country_has_no_country_row():
    rows = dict(parse_virin("200922-A-A1234-2007").explain())
    assert rows["Originator"] == "A1234 (unit)"
    assert (rows["Scene"], rows["Item"]) == ("2", "7")
    assert "Country" not in rows


def test_explain_uses_common_country_names():
    assert dict(parse_virin("200922-O-BN624-1166-KR").explain())["Country"] == "South Korea"


@pytest.mark.parametrize(
    "month, expected",
    [
        ("01", "Jan. 4, 2021"),
        ("02", "Feb. 4, 2021"),
        ("03", "March 4, 2021"),
        ("04", "April 4, 2021"),
        ("05", "May 4, 2021"),
        ("06", "June 4, 2021"),
        ("07", "July 4, 2021"),
        ("08", "Aug. 4, 2021"),
        ("09", "Sept. 4, 2021"),
        ("10", "Oct. 4, 2021"),
        ("11", "Nov. 4, 2021"),
        ("12", "Dec. 4, 2021"),
    ],
)
def test_explain_dates_are_ap_style(month, expected):
    assert parse_virin(f"21{month}04-D-BN624-1166").explain()[0] == ("Date shot", expected)


# --- lenient mode (legacy imports) ---------------------------------------------------------------


def test_lenient_parse_of_canonical_virin_has_no_reasons():
    text = "060515-N-AA987-1001-BE"
    assert parse_virin(text, lenient=True) == parse_virin(text)
    assert parse_virin(text, lenient=True).legacy_reasons == ()


def test_lenient_three_digit_sequence():
    virin = parse_virin("060515-M-AA987-001", lenient=True)
    assert (virin.scene, virin.item, virin.originator_kind) == (0, 1, "person")
    assert len(virin.legacy_reasons) == 1
    assert "Three-digit sequence" in virin.legacy_reasons[0]
    assert not virin.is_canonical


def test_lenient_old_originator_id():
    virin = parse_virin("060515-M-1234S-001", lenient=True)
    assert virin.originator == "1234S"
    assert any('Old originator ID "1234S"' in reason for reason in virin.legacy_reasons)
    assert any("Three-digit sequence" in reason for reason in virin.legacy_reasons)
    assert dict(virin.explain())["Originator"] == "1234S (legacy)"


def test_lenient_trailing_letter_and_extension():
    virin = parse_virin("170815-A-DR075-349C.JPG", lenient=True)
    assert (virin.date_shot, virin.item, virin.suffix) == (datetime.date(2017, 8, 15), 349, "C")
    assert str(virin) == "170815-A-DR075-349C"
    reasons = " | ".join(virin.legacy_reasons)
    assert 'File extension ".JPG"' in reasons
    assert 'Trailing letter "C"' in reasons
    assert "Three-digit sequence" in reasons


@pytest.mark.parametrize("extension", [".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".JPEG"])
def test_lenient_strips_image_extensions(extension):
    virin = parse_virin(f"200922-D-BN624-1166{extension}", lenient=True)
    assert str(virin) == "200922-D-BN624-1166"
    assert virin.legacy_reasons == (f'File extension "{extension}" removed.',)


def test_lenient_records_lower_case():
    virin = parse_virin("200922-d-bn624-1166", lenient=True)
    assert str(virin) == "200922-D-BN624-1166"
    assert len(virin.legacy_reasons) == 1
    assert "lower case" in virin.legacy_reasons[0]


@pytest.mark.parametrize(
    "text, segment",
    [
        ("200230-D-BN624-1166", "date"),
        ("200922-Q-BN624-1166", "service"),
        ("200922-D-ZZ999-1166", "originator"),
        ("200922-D-BN624-1000", "sequence"),
        ("200922-D-BN624-000", "sequence"),
        ("200922-D-BN624-1166-XX", "country"),
        ("260602-D-BN624-1166", "date"),
    ],
)
def test_lenient_still_refuses_what_is_simply_wrong(text, segment):
    with pytest.raises(VirinError) as err:
        parse_virin(text, lenient=True, today=TODAY)
    assert err.value.segment == segment


# --- every problem at once -------------------------------------------------------------------


def test_a_virin_wrong_in_several_segments_names_every_one_in_one_error():
    with pytest.raises(VirinError) as err:
        parse_virin("201322-Q-BN62-0000-XX", today=TODAY)
    assert [problem.segment for problem in err.value.problems] == [
        "date",
        "service",
        "originator",
        "sequence",
        "sequence",
        "country",
    ]
    assert err.value.segment == "date"
    messages = err.value.messages
    assert messages[0] == 'Month 13 in "201322-Q-BN62-0000-XX" is not a real date (YYMMDD).'
    for expected, message in zip(
        ['service letter "Q"', 'Originator "BN62"', "Scene 0", "Item 000", 'Country "XX"'], messages[1:], strict=True
    ):
        assert expected in message
    assert str(err.value) == " ".join(messages)


def test_lenient_parsing_reports_every_problem_too_and_still_takes_legacy_forms():
    with pytest.raises(VirinError) as err:
        parse_virin("200230-Q-1234S-001", lenient=True, today=TODAY)
    assert [problem.segment for problem in err.value.problems] == ["date", "service"]
    assert parse_virin("060515-M-1234S-001", lenient=True).legacy_reasons


def test_a_single_problem_is_its_own_message():
    with pytest.raises(VirinError) as err:
        parse_virin("200922-D-BN624-1000")
    assert err.value.problems == [err.value] and len(err.value.messages) == 1


def test_validate_virin_gives_the_form_one_message_per_problem():
    with pytest.raises(ValidationError) as err:
        validate_virin("201322-Q-BN624-1166")
    assert len(err.value.messages) == 2
    assert err.value.messages[0].startswith("Month 13") and 'service letter "Q"' in err.value.messages[1]
