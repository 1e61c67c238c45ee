"""The torch model: each segment encoded alone by MiniLM, then read in order by a bidirectional GRU.

A segment's label often lives in its neighbours ("yeah" takes the topic around it). Encoding each
segment once and letting a small recurrent layer carry the conversation's context both ways costs a
third of the tokens of re-reading neighbours' words inside every segment's input.
"""

from pathlib import Path

import torch
from torch import nn
from transformers import AutoConfig, AutoModel

from models.encoding import FEATURES
from models.labels import LABELS


class SegmentEncoder(nn.Module):
    """MiniLM, mean-pooled over the segment's tokens: one vector per segment."""

    def __init__(self, encoder: nn.Module) -> None:
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)


class ContextHead(nn.Module):
    """Labels a conversation's segment vectors in order, each read with everything before and after it."""

    def __init__(self, hidden: int, context: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.gru = nn.GRU(hidden + FEATURES, context, batch_first=True, bidirectional=True)
        self.out = nn.Linear(hidden + 2 * context, len(LABELS))

    def forward(self, embeddings: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        x = self.dropout(embeddings)
        around, _ = self.gru(torch.cat([x, features], -1))
        return self.out(self.dropout(torch.cat([x, around], -1)))


class ConversationModel(nn.Module):
    def __init__(self, encoder: nn.Module, hidden: int, context: int) -> None:
        super().__init__()
        self.segments = SegmentEncoder(encoder)
        self.context = ContextHead(hidden, context)

    @classmethod
    def from_base(cls, base_path: Path, context: int, attention: str = "sdpa") -> "ConversationModel":
        """Load the pinned base encoder from disk; a hub is never asked.

        Export asks for `eager` attention: its graph is the one ONNX Runtime fuses into Attention ops.
        """
        config = AutoConfig.from_pretrained(base_path, local_files_only=True)
        encoder = AutoModel.from_pretrained(
            base_path, local_files_only=True, add_pooling_layer=False, attn_implementation=attention
        )
        return cls(encoder, config.hidden_size, context)
