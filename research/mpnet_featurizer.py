"""Research only: SentenceEncoderFeaturizer with all-mpnet-base-v2 (research/mpnet.py, NumPy) instead of MiniLM.

    - name: research.mpnet_featurizer.MPNetFeaturizer
      model_dir: .cache/mpnet/all-mpnet-base-v2   # the default
      pooling: [mean, max, cls]                    # 768 numbers per view

Everything else (the embedding cache, which keys vectors by the encoder's fingerprint, i.e. the SHA-256
of the weights file plus pooling; the spelling corrector's text) is the parent's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from exobot.nlu.minilm import SentenceEncoder
from exobot.nlu.sentence_encoder import SentenceEncoderFeaturizer
from exobot.paths import ROOT
from research.mpnet import DEFAULT_MODEL_DIR, MPNet


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MPNetFeaturizer(SentenceEncoderFeaturizer):
    """Adds all-mpnet-base-v2's vector as the sentence feature of each message's text."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        config = SentenceEncoderFeaturizer.get_default_config()
        return {**config, "model_dir": str(DEFAULT_MODEL_DIR), "pooling": ["mean"], "runtime": "numpy"}

    def __init__(self, config: Dict[Text, Any], name: Text, encoder: Optional[MPNet] = None) -> None:
        settings = {**self.get_default_config(), **config}
        super().__init__(config, name, encoder=encoder or make_mpnet(settings))


def make_mpnet(settings: Dict[Text, Any]) -> SentenceEncoder:
    """NumPy MPNet, or with `runtime: onnx` research/onnx_mpnet.py (`quantized`, `fp32_output_dense`)."""
    model_dir = Path(settings.get("model_dir") or DEFAULT_MODEL_DIR)
    if not model_dir.is_absolute():
        model_dir = ROOT / model_dir
    pooling = settings.get("pooling") or ["mean"]
    if settings.get("runtime") == "onnx":
        from research.onnx_mpnet import OnnxMPNet

        return OnnxMPNet(
            model_dir,
            quantized=bool(settings.get("quantized")),
            pooling=pooling,
            fp32_output_dense=bool(settings.get("fp32_output_dense")),
        )
    return MPNet(model_dir, pooling=pooling)
