"""Errors the pipeline raises for bad input.

Every message names what was wrong (the line, field or value) and how to fix it, because the API hands
it straight to the person who uploaded the file.
"""


class TranscriptError(ValueError):
    """Base of every input error; `code` is the stable machine-readable name clients branch on."""

    code = "invalid_transcript"


class EmptyTranscriptError(TranscriptError):
    code = "empty_transcript"


class EncodingError(TranscriptError):
    code = "bad_encoding"


class UnknownFormatError(TranscriptError):
    code = "unknown_format"


class MalformedTranscriptError(TranscriptError):
    code = "malformed_transcript"


class TimestampError(MalformedTranscriptError):
    code = "bad_timestamp"


class JSONShapeError(MalformedTranscriptError):
    code = "bad_json"


class NoSpeechError(TranscriptError):
    code = "no_speech"


class TranscriptTooLongError(TranscriptError):
    code = "transcript_too_long"


class SpeakerError(TranscriptError):
    code = "bad_speaker"
