import codecs
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import (
    EmptyTranscriptError,
    EncodingError,
    JSONShapeError,
    MalformedTranscriptError,
    NoSpeechError,
    TimestampError,
    TranscriptError,
    UnknownFormatError,
)
from pipeline.ingest import parse
from pipeline.schemas import Utterance
from tests.conftest import DATA
from tests.utils.render import FORMATS, render

WORDS = ("Hi Sam, can you hear me okay? Yes, loud and clear. How was the offsite? Long, but good. So, where are we "
         "with Acme? Is it still committed for the 30th? Legal has the redlines. I expect signature by Friday. Great. "
         "When their CFO pushed back on price, what did you say?").split()
FIXTURES = [
    ("zoom.vtt", "zoom-vtt"), ("teams.vtt", "teams-vtt"), ("generic.vtt", "vtt"), ("sample.srt", "srt"),
    ("otter.txt", "text"), ("plain.txt", "text"), ("gong.json", "gong-json"), ("segments.json", "segments-json"),
]


def turns(transcript):
    speakers = [u.speaker for u in transcript.utterances]
    return [s for i, s in enumerate(speakers) if i == 0 or speakers[i - 1] != s]


@pytest.mark.parametrize(("name", "fmt"), FIXTURES)
def test_every_format_gives_the_same_words_and_speakers(name, fmt):
    transcript = parse((DATA / name).read_bytes())
    assert transcript.format == fmt
    assert " ".join(u.text for u in transcript.utterances).split() == WORDS
    assert turns(transcript) == ["Dana Ruiz", "Sam Lee", "Dana Ruiz", "Sam Lee", "Dana Ruiz"]


def test_zoom_cue_without_prefix_continues_the_speaker():
    transcript = parse((DATA / "zoom.vtt").read_bytes())
    assert transcript.utterances[3] == Utterance(speaker="Dana Ruiz", start=9.0, end=11.2,
                                                 text="Is it still committed for the 30th?")


def test_zoom_names_may_contain_colons():
    cue = "{n}\n00:00:0{n}.000 --> 00:00:0{n}.900\n{text}\n"
    lines = ["Room 2: Dana Ruiz: Morning: quick one.", "Sam Lee: Sure.", "Room 2: Dana Ruiz: Acme: signed?",
             "Sam Lee: Signed."]
    data = "WEBVTT\n\n" + "\n".join(cue.format(n=n, text=t) for n, t in enumerate(lines, 1))
    transcript = parse(data.encode())
    assert [u.speaker for u in transcript.utterances] == ["Room 2: Dana Ruiz", "Sam Lee"] * 2
    assert transcript.utterances[2].text == "Acme: signed?"


def test_text_with_stamps_after_the_names():
    data = b"Dana Ruiz (00:00:01): Hi Sam.\nSam Lee (00:00:04): Hey Dana.\nDana Ruiz [00:07]: Acme: signed?\n"
    transcript = parse(data)
    assert [(u.speaker, u.start, u.text) for u in transcript.utterances] == [
        ("Dana Ruiz", 1.0, "Hi Sam."), ("Sam Lee", 4.0, "Hey Dana."), ("Dana Ruiz", 7.0, "Acme: signed?")]


def test_gong_parties_name_speakers_and_roles():
    transcript = parse((DATA / "gong.json").read_bytes())
    assert transcript.roles == {"Dana Ruiz": "manager", "Sam Lee": "rep"}
    assert transcript.roles_source == "parties"
    assert transcript.utterances[0].start == 0.5


def test_gong_without_parties_uses_speaker_ids():
    data = b'{"callTranscripts":[{"transcript":[{"speakerId":42,"sentences":[{"start":0,"end":900,"text":"Hi."}]}]}]}'
    transcript = parse(data)
    assert transcript.utterances[0].speaker == "Speaker 42" and transcript.roles == {}


def test_gong_parties_from_a_separate_file():
    data = b'{"callTranscripts":[{"transcript":[{"speakerId":"7","sentences":[{"start":0,"end":900,"text":"Hi."}]}]}]}'
    transcript = parse(data, parties=[{"speakerId": "7", "name": "Ana Gomez", "title": "SDR"}])
    assert transcript.utterances[0].speaker == "Ana Gomez"


@pytest.mark.parametrize("encode", [
    lambda s: codecs.BOM_UTF8 + s.encode("utf-8"),
    lambda s: s.encode("utf-16"),
    lambda s: s.encode("utf-16-le"),
    lambda s: s.encode("utf-16-be"),
])
def test_bom_and_utf16_decode_like_utf8(encode):
    text = (DATA / "zoom.vtt").read_text()
    assert parse(encode(text)) == parse(text.encode())


@pytest.mark.parametrize(("data", "error", "hint"), [
    (b"", EmptyTranscriptError, "empty"),
    (b"  \n\t\n", EmptyTranscriptError, "blank"),
    (bytes(range(256)) * 4, EncodingError, "binary"),
    ("caf\u00e9: ol\u00e1".encode("latin-1"), EncodingError, "UTF-8"),
    (b"WEBVTT\n\n1\n00:00:0x.000 --> 00:00:02.000\nA: hi\n", TimestampError, "line 4"),
    (b"WEBVTT\n\n00:00:05.000 --> 00:00:01.000\nA: hi\n", TimestampError, "ends"),
    (b'{"segments": [{"speaker": "A", "start": 0, "end": 1e12, "text": "hi"}]}', TimestampError, "48 hours"),
    (b"1\n00:00:01,000 -> 00:00:02,000\nA: hi\n", MalformedTranscriptError, "SRT"),
    (b'{"segments": [', JSONShapeError, "line 1"),
    (b'{"hello": "world"}', JSONShapeError, "callTranscripts"),
    (b'{"segments": [{"speaker": "A"}]}', JSONShapeError, "segments[0].text"),
    (b'{"callTranscripts": [{"transcript": [{"speakerId": "1", "sentences": [{"start": "x"}]}]}]}', JSONShapeError,
     "callTranscripts[0].transcript[0].sentences[0]"),
    (b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A></v>\n", NoSpeechError, "no spoken words"),
])
def test_bad_input_raises_a_named_error(data, error, hint):
    with pytest.raises(error) as info:
        parse(data)
    if hint:
        assert hint in str(info.value)


def test_unknown_format_is_refused():
    with pytest.raises(UnknownFormatError, match="zoom-vtt"):
        parse(b"hello", format="docx")


def test_srt_arrow_typo_reports_the_block():
    with pytest.raises(TranscriptError):
        parse(b"1\n00:00:01,000 --> 00:00:02,000\nA: hi\n\n2\n00:00:0x,000 --> 00:00:03,000\nB: yo\n", format="srt")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode),
                 st.sampled_from(["WEBVTT\n\n", "1\n00:00:01,000 --> ", '{"segments":', "[00:00:01] A: "]).flatmap(
                     lambda head: st.text(max_size=200).map(lambda t: (head + t).encode()))),
       st.sampled_from(["auto", *FORMATS]))
def test_arbitrary_input_parses_or_raises_transcript_error(data, fmt):
    try:
        transcript = parse(data, fmt)
    except TranscriptError:
        return
    assert transcript.utterances


speaker = st.sampled_from(["Dana Ruiz", "Sam Lee", "Priya N", "Tom O'Brien"])
word = st.from_regex(r"[A-Za-z][a-z']{0,8}[.,?!]?", fullmatch=True)


@st.composite
def utterances(draw):
    count = draw(st.integers(1, 12))
    clock, out = 0.0, []
    for _ in range(count):
        words = draw(st.lists(word, min_size=1, max_size=40))
        length = draw(st.floats(0.2, 20))
        out.append(Utterance(speaker=draw(speaker), start=round(clock, 3), end=round(clock + length, 3),
                             text=" ".join(words)))
        clock += length + draw(st.floats(0, 3))
    return out


@settings(max_examples=60, deadline=None)
@given(utterances(), st.sampled_from(FORMATS))
def test_generated_transcripts_keep_every_word_in_every_format(nlp, utts, fmt):
    from pipeline.segment import segment

    transcript = parse(render(fmt, utts))
    spoken = " ".join(u.text for u in utts).split()
    assert " ".join(u.text for u in transcript.utterances).split() == spoken
    segments = segment(nlp, [transcript])[0]
    assert " ".join(s.text for s in segments).split() == spoken


@pytest.mark.parametrize(("data", "fmt", "starts"), [
    (b"1\n00:00:01,000 --> 00:00:04,000\n[Dana Ruiz]: Hi Sam, how was the weekend?\n\n"
     b"2\n00:00:04,500 --> 00:00:08,000\n[Sam Lee]: Good, went hiking.\n", "srt", [1.0, 4.5]),
    (b"00:00:01 Dana Ruiz: Hi Sam, how was the weekend?\n00:00:05 Sam Lee: Good, went hiking.\n", "text", [1.0, 5.0]),
    (b"[Dana Ruiz] 00:00:01\nHi Sam, how was the weekend?\n\n[Sam Lee] 00:00:05\nGood, went hiking.\n", "text", [1.0, 5.0]),
    (b"Dana Ruiz - 00:01\nHi Sam, how was the weekend?\nSam Lee - 00:05\nGood, went hiking.\n", "text", [1.0, 5.0]),
    (b"Dana Ruiz\n00:01\nHi Sam, how was the weekend?\nSam Lee\n00:05\nGood, went hiking.\n", "text", [1.0, 5.0]),
    (b">> Dana Ruiz: Hi Sam, how was the weekend?\n>> Sam Lee: Good, went hiking.\n", "text", [None, None]),
    (b"**Dana Ruiz:** Hi Sam, how was the weekend?\n**Sam Lee**: Good, went hiking.\n", "text", [None, None]),
])
def test_exporters_dressed_up_names_and_stamps(data, fmt, starts):
    transcript = parse(data)
    assert transcript.format == fmt
    assert [(u.speaker, u.start, u.text) for u in transcript.utterances] == [
        ("Dana Ruiz", starts[0], "Hi Sam, how was the weekend?"), ("Sam Lee", starts[1], "Good, went hiking.")]


def test_a_clock_time_opening_a_sentence_stays_speech():
    transcript = parse(b"Dana Ruiz: Are we still on for Thursday?\nSam Lee: 10:30 works, see you then.\n")
    assert transcript.utterances[1].text == "10:30 works, see you then."


def test_one_gong_call_saved_alone_is_read():
    call = json.loads((DATA / "gong.json").read_text())
    whole = parse((DATA / "gong.json").read_bytes())
    alone = parse(json.dumps({**call["callTranscripts"][0], "parties": call["parties"]}).encode())
    bare = parse(json.dumps(call["callTranscripts"][0]["transcript"]).encode(), "gong-json")
    assert alone.format == "gong-json" and alone.utterances == whole.utterances and alone.roles == whole.roles
    assert [u.text for u in bare.utterances] == [u.text for u in whole.utterances]
