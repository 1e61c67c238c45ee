"""The process uvicorn serves: `uvicorn api.serve:app`.

spaCy's thinc imports torch whenever it is installed, which costs ~1 s and ~180 MB in a process that
never uses it: the ONNX backends need only onnxruntime. Unless the torch reference backend is asked for,
`import torch` is made to fail here (thinc handles that), before anything imports spaCy. The model cache
must therefore be built beforehand (`make serve` and the Dockerfile run scripts/build_model.py).
"""

import sys

from api.config import get_settings

if get_settings().model_backend != "torch":
    sys.modules["torch"] = None  # type: ignore[assignment]

from api.main import create_app

app = create_app()
