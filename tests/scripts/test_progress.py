import io

from rich.console import Console

from scripts.progress import progress_bar


def test_a_log_file_gets_a_line_at_the_start_and_each_tenth_of_the_work():
    out = io.StringIO()
    with progress_bar("train", Console(file=out, force_terminal=False)) as update:
        for done in range(1, 101):
            update(f"epoch 1/1 loss {done / 100:.2f}", done, 100)
    lines = out.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[0].startswith("train: epoch 1/1 loss 0.01 1/100 (")
    assert lines[-1].startswith("train: epoch 1/1 loss 1.00 100/100")


def test_a_terminal_gets_the_live_bar():
    out = io.StringIO()
    with progress_bar("model", Console(file=out, force_terminal=True, width=100)) as update:
        update("exporting ONNX", 1, 4)
        update("ready", 4, 4)
    assert "model: ready" in out.getvalue() and "4/4" in out.getvalue()
