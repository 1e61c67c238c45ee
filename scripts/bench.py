"""Classifier speed on one 60-minute 1:1 (~900 segments), every path measured in the same run.

Prints segments/s and wall time for: the naive baseline, a transformers `pipeline("text-classification")`
over the same fp32 model called one segment at a time; the same one-at-a-time loop without the pipeline;
fp32 batched unsorted; fp32 batched length-sorted; ONNX fp32; int8; and the default path. Then the
speed-ups against the pipeline, cold load time and peak RSS of a fresh serving-style process, and the
FLOP floor: encoder FLOPs for the meeting's real tokens over the measured int8 GEMM rate.
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import typer

from models import corpus
from models.base import base_model_path
from models.build import ensure_built, merged_model
from models.classifier import DEFAULT_CACHE, WEIGHTS_DIR, SegmentClassifier
from models.encoding import MAX_TOKENS, SegmentInput, encode, pad
from models.labels import LABELS

app = typer.Typer(add_completion=False)
HIDDEN, FFN, LAYERS = 384, 1536, 6


def meeting(segments: int) -> list[SegmentInput]:
    """A 60-minute 1:1 made of real corpus transcripts (test split first), cut to `segments` segments."""
    splits = corpus.split(corpus.load())
    out: list[SegmentInput] = []
    for t in splits["test"] + splits["dev"] + splits["train"]:
        out.extend(t.segments)
        if len(out) >= segments:
            break
    return out[:segments]


def text_pipeline(weights_dir: Path) -> Callable[[tuple[str, str | None]], list[dict]]:
    """The shipped fp32 model behind transformers' own text-classification pipeline, one pair per call."""
    from transformers import AutoConfig, AutoTokenizer, PreTrainedModel, pipeline
    from transformers.modeling_outputs import SequenceClassifierOutput
    from transformers.utils import logging

    class PipelineModel(PreTrainedModel):
        def __init__(self, config, inner) -> None:  # type: ignore[no-untyped-def]
            super().__init__(config)
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids, **_):  # type: ignore[no-untyped-def]
            return SequenceClassifierOutput(logits=self.inner(input_ids, attention_mask, token_type_ids))

    base = base_model_path()
    config = AutoConfig.from_pretrained(base, local_files_only=True, id2label=dict(enumerate(LABELS)),
                                        label2id={label: i for i, label in enumerate(LABELS)})
    verbosity = logging.get_verbosity()
    logging.set_verbosity(logging.CRITICAL)  # it names our wrapper "not supported", then runs it
    classify = pipeline("text-classification", model=PipelineModel(config, merged_model(weights_dir)).eval(),
                        tokenizer=AutoTokenizer.from_pretrained(base, local_files_only=True), device="cpu")
    logging.set_verbosity(verbosity)

    def run(pair: tuple[str, str | None]) -> list[dict]:
        text, context = pair
        return classify({"text": text, "text_pair": context} if context else text, top_k=None,
                        truncation="longest_first", max_length=MAX_TOKENS)

    return run


def _time(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def encoder_flops(lengths: Sequence[int]) -> float:
    """Multiply-adds x2 of the encoder's dense layers plus attention scores, for these sequence lengths."""
    dense = 2 * (4 * HIDDEN * HIDDEN + 2 * HIDDEN * FFN) * LAYERS
    return float(sum(n * dense + 4 * n * n * HIDDEN * LAYERS for n in lengths))


def int8_gemm_rate(rows: int = 2048) -> float:
    """Int8 GEMM ops/s on this machine through ONNX Runtime's MatMulInteger, shaped like the FFN."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    a = helper.make_tensor_value_info("a", TensorProto.UINT8, [rows, HIDDEN])
    b = helper.make_tensor_value_info("b", TensorProto.INT8, [HIDDEN, FFN])
    y = helper.make_tensor_value_info("y", TensorProto.INT32, [rows, FFN])
    graph = helper.make_graph([helper.make_node("MatMulInteger", ["a", "b"], ["y"])], "gemm", [a, b], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    feeds = {"a": np.random.randint(0, 255, (rows, HIDDEN), dtype=np.uint8),
             "b": np.random.randint(-127, 127, (HIDDEN, FFN), dtype=np.int8)}
    seconds = _time(lambda: session.run(None, feeds), 20)
    onnx.checker.check_model(model)
    return 2 * rows * HIDDEN * FFN / seconds


def int8_profile(int8: SegmentClassifier, graph: Path, pairs: Sequence[tuple[str, str | None]]) -> dict[str, float]:
    """Seconds per ONNX operator type for one int8 pass over the meeting: where the time above the floor goes."""
    import onnxruntime as ort

    from models.build import UNFUSED

    options = ort.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1
    options.enable_profiling = True
    options.profile_file_prefix = str(Path(tempfile.mkdtemp()) / "ort")
    session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"],
                                   disabled_optimizers=list(UNFUSED))
    names = {i.name for i in session.get_inputs()}
    int8.logits(pairs, lambda arrays: session.run(["logits"], {k: v for k, v in arrays.items() if k in names})[0])
    trace = Path(session.end_profiling())
    by_op: dict[str, float] = {}
    for event in json.loads(trace.read_text()):
        if event.get("cat") == "Node" and event["name"].endswith("_kernel_time"):
            op = event["args"]["op_name"]
            by_op[op] = by_op.get(op, 0.0) + event["dur"] / 1e6
    shutil.rmtree(trace.parent)
    return {op: round(s, 3) for op, s in sorted(by_op.items(), key=lambda kv: -kv[1]) if s >= 0.005}


def fp32_gemm_rate(rows: int = 2048) -> float:
    a = np.random.rand(rows, HIDDEN).astype(np.float32)
    b = np.random.rand(HIDDEN, FFN).astype(np.float32)
    return 2 * rows * HIDDEN * FFN / _time(lambda: a @ b, 20)


def cold_start(cache_dir: Path) -> dict:
    """Load time and peak RSS (VmHWM: ru_maxrss would carry over this process's RSS through fork) of a fresh
    process loading what the server loads, torch kept out as api/serve.py does."""
    code = ("import time, resource, sys; sys.modules['torch'] = None; t=time.perf_counter();"
            "from models.classifier import SegmentClassifier; from pipeline.segment import load_nlp;"
            f"c=SegmentClassifier.load(cache_dir=__import__('pathlib').Path({str(cache_dir)!r})); load_nlp();"
            "c.predict([[__import__('models.encoding').encoding.SegmentInput('a','hello there')]]);"
            "hwm=[l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1];"
            "print(time.perf_counter()-t, hwm, sys.modules['torch'] is not None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return {"load_seconds": round(float(out[0]), 2), "peak_rss_mb": round(int(out[1]) / 1024, 1),
            "torch_imported": out[2] == "True"}


@app.command()
def main(segments: int = 900, repeat: int = 3, cache_dir: Path = typer.Option(DEFAULT_CACHE),
         out: Path = typer.Option(Path("artifacts/bench_classifier.json"))) -> None:
    """Run every path on the same meeting and print the table."""
    conv = meeting(segments)
    words = sum(len(s.text.split()) for s in conv)
    default = SegmentClassifier.load(WEIGHTS_DIR, cache_dir=cache_dir)
    int8 = SegmentClassifier.load(WEIGHTS_DIR, backend="onnx-int8", cache_dir=cache_dir)
    pairs = int8.pairs(conv)
    lengths = [len(ids) for ids, _ in encode(int8._tokenizer, pairs)]
    torch_clf = SegmentClassifier.load(WEIGHTS_DIR, backend="torch", cache_dir=cache_dir)
    fp32_onnx = SegmentClassifier.load(WEIGHTS_DIR, backend="onnx-fp32", cache_dir=cache_dir)

    classify = text_pipeline(WEIGHTS_DIR)
    from_pipeline: list[int] = []

    def naive_pipeline() -> None:
        from_pipeline[:] = [LABELS.index(classify(p)[0]["label"]) for p in pairs]

    def naive() -> None:
        for p in pairs:
            torch_clf.backend(pad(encode(torch_clf._tokenizer, [p])))

    def unsorted() -> None:
        encoded = encode(torch_clf._tokenizer, pairs)
        for i in range(0, len(encoded), 64):
            torch_clf.backend(pad(encoded[i:i + 64]))

    rows = {
        "naive: transformers pipeline, one at a time": _time(naive_pipeline, 1),
        "one at a time, bare torch fp32": _time(naive, 1),
        "fp32 batched, unsorted (torch)": _time(unsorted, repeat),
        "fp32 batched, length-sorted (torch)": _time(lambda: torch_clf.logits(pairs), repeat),
        "onnx fp32, length-sorted": _time(lambda: fp32_onnx.logits(pairs), repeat),
        "onnx int8, length-sorted": _time(lambda: int8.logits(pairs), repeat),
        f"default ({default.backend_name}) + smoothing": _time(lambda: default.predict([conv]), repeat),
    }
    naive_s = rows["naive: transformers pipeline, one at a time"]
    agreement = float(np.mean(np.array(from_pipeline) == torch_clf.logits(pairs).argmax(1)))
    flops = encoder_flops(lengths)
    floor = flops / int8_gemm_rate()
    result: dict[str, Any] = {
        "segments": len(conv), "words": words, "real_tokens": sum(lengths),
        "pipeline_agrees_with_batched_torch": round(agreement, 4),
        "padded_tokens_unsorted": sum(max(lengths[i:i + 64]) * len(lengths[i:i + 64]) for i in range(0, len(lengths), 64)),
        "paths": {name: {"seconds": round(s, 3), "segments_per_s": round(len(conv) / s, 1),
                         "speedup_vs_naive": round(naive_s / s, 2)} for name, s in rows.items()},
        "encoder_gflops": round(flops / 1e9, 1),
        "fp32_gemm_gflops_per_s": round(fp32_gemm_rate() / 1e9, 1),
        "int8_floor_seconds": round(floor, 3),
        "int8_over_int8_floor": round(rows["onnx int8, length-sorted"] / floor, 2),
        "int8_seconds_by_operator": int8_profile(int8, ensure_built(WEIGHTS_DIR, cache_dir) / "model.int8.onnx", pairs),
        "cold_start": cold_start(cache_dir),
        "bench_process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    typer.echo(f"meeting: {result['segments']} segments, {words} words, {result['real_tokens']} real tokens "
               f"(unsorted batches pad to {result['padded_tokens_unsorted']}); the pipeline's labels match batched "
               f"torch on {agreement:.1%} of segments")
    for name, r in result["paths"].items():
        typer.echo(f"  {name:44s} {r['seconds']:7.3f} s  {r['segments_per_s']:7.1f} seg/s  x{r['speedup_vs_naive']}")
    typer.echo(f"encoder work {result['encoder_gflops']} GFLOP; int8 floor {floor:.3f} s; int8 path at "
               f"{result['int8_over_int8_floor']}x the floor; fp32 GEMM {result['fp32_gemm_gflops_per_s']} GFLOP/s")
    typer.echo(f"int8 seconds by operator (one pass, profiled): {result['int8_seconds_by_operator']}")
    typer.echo(f"cold start: {result['cold_start']}; this process peaked at {result['bench_process_peak_rss_mb']} MB")


if __name__ == "__main__":
    app()
