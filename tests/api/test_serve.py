"""The served process keeps torch out (spaCy's thinc would import it): that is most of its memory budget."""

import subprocess
import sys


def test_serving_module_builds_the_app_without_torch():
    code = ("import sys, api.serve; loaded = [m for m, v in sys.modules.items() if m.split('.')[0] == 'torch' and v]; "
            "assert sys.modules['torch'] is None and not loaded, loaded[:5]; print(type(api.serve.app).__name__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={"BALANCE_MODEL_BACKEND": "auto", "PATH": "", "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "FastAPI"


def test_torch_backend_keeps_torch_importable():
    code = "import sys, api.serve; import torch; print(torch.__version__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={"BALANCE_MODEL_BACKEND": "torch", "PATH": "", "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr
