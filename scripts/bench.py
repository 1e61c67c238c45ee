"""Classifier speed on one 60-minute 1:1 (~900 segments), every path measured in the same run.

Prints segments/s and wall time for: the naive baseline, a transformers `pipeline("feature-extraction")`
over the same fp32 encoder called one segment at a time; the same one-at-a-time loop without the pipeline;
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
from models.encoding import MAX_TOKENS, SegmentInput, encode, features, pad

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


def feature_pipeline(weights_dir: Path) -> Callable[[Sequence[SegmentInput]], list[int]]:
    """The shipped fp32 model run the naive way: transformers' own feature-extraction pipeline over the
    tuned encoder, called once per segment, each segment's token vectors mean-pooled, then the context layer."""
    import torch
    from transformers import AutoTokenizer, pipeline

    model = merged_model(weights_dir)
    extract = pipeline("feature-extraction", model=model.segments.encoder,
                       tokenizer=AutoTokenizer.from_pretrained(base_model_path(), local_files_only=True), device="cpu")

    def run(conversation: Sequence[SegmentInput]) -> list[int]:
        pooled = [np.asarray(extract(s.text, truncation=True, max_length=MAX_TOKENS)[0]).mean(0) for s in conversation]
        vectors = torch.from_numpy(np.stack(pooled).astype(np.float32))
        with torch.inference_mode():
            logits = model.context(vectors[None], torch.from_numpy(features(conversation))[None])[0]
        return logits.argmax(1).tolist()

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


def int8_profile(int8: SegmentClassifier, graph: Path, texts: Sequence[str]) -> dict[str, float]:
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
    int8.vectors(texts, lambda arrays: session.run(["embeddings"], {k: v for k, v in arrays.items() if k in names})[0])
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
    texts = [s.text for s in conv]
    lengths = [len(ids) for ids in encode(int8._tokenizer, texts)]
    torch_clf = SegmentClassifier.load(WEIGHTS_DIR, backend="torch", cache_dir=cache_dir)
    fp32_onnx = SegmentClassifier.load(WEIGHTS_DIR, backend="onnx-fp32", cache_dir=cache_dir)

    naive_labels = feature_pipeline(WEIGHTS_DIR)
    from_pipeline: list[int] = []

    def naive_pipeline() -> None:
        from_pipeline[:] = naive_labels(conv)

    def naive() -> None:
        vectors = np.concatenate([torch_clf.encoder(pad(encode(torch_clf._tokenizer, [t]))) for t in texts])
        torch_clf.logits(conv, vectors)

    def unsorted() -> None:
        encoded = encode(torch_clf._tokenizer, texts)
        vectors = np.concatenate([torch_clf.encoder(pad(encoded[i:i + 64])) for i in range(0, len(encoded), 64)])
        torch_clf.logits(conv, vectors)

    def batched(clf: SegmentClassifier) -> Callable[[], np.ndarray]:
        return lambda: clf.logits(conv, clf.vectors(texts))

    rows = {
        "naive: transformers pipeline, one at a time": _time(naive_pipeline, 1),
        "one at a time, bare torch fp32": _time(naive, 1),
        "fp32 batched, unsorted (torch)": _time(unsorted, repeat),
        "fp32 batched, length-sorted (torch)": _time(batched(torch_clf), repeat),
        "onnx fp32, length-sorted": _time(batched(fp32_onnx), repeat),
        "onnx int8, length-sorted": _time(batched(int8), repeat),
        f"default ({default.backend_name}) + smoothing": _time(lambda: default.predict([conv]), repeat),
    }
    naive_s = rows["naive: transformers pipeline, one at a time"]
    agreement = float(np.mean(np.array(from_pipeline) == batched(torch_clf)().argmax(1)))
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
        "int8_seconds_by_operator": int8_profile(int8, ensure_built(WEIGHTS_DIR, cache_dir) / "encoder.int8.onnx", texts),
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
