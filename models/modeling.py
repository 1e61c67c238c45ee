"""The torch model: MiniLM encoder, mean-pooled over the segment's own tokens, and a linear head.

Pooling only over the segment (token type 0) keeps the embedding about this segment, while attention
still lets the context shape it.
"""

from pathlib import Path

import torch
from torch import nn
from transformers import AutoConfig, AutoModel

from models.labels import LABELS


class SegmentModel(nn.Module):
    def __init__(self, encoder: nn.Module, hidden: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, len(LABELS))

    @classmethod
    def from_base(cls, base_path: Path, attention: str = "sdpa") -> "SegmentModel":
        """Load the pinned base encoder from disk; a hub is never asked.

        Export asks for `eager` attention: its graph is the one ONNX Runtime fuses into Attention ops.
        """
        config = AutoConfig.from_pretrained(base_path, local_files_only=True)
        encoder = AutoModel.from_pretrained(
            base_path, local_files_only=True, add_pooling_layer=False, attn_implementation=attention
        )
        return cls(encoder, config.hidden_size)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        own = (attention_mask * (token_type_ids == 0)).unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * own).sum(1) / own.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled))
